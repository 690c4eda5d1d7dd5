//! The sign-up throttle: new accounts per client network and hour, counted in memory (one
//! process). Each account brings a quota of storage, so nobody may make them by the thousand.

use std::{
    collections::HashMap,
    net::IpAddr,
    sync::{Arc, Mutex, MutexGuard, PoisonError},
    time::{Duration, Instant},
};

use super::{
    client::Network,
    throttle::{Failures, SWEEP_ABOVE},
};

/// Sign-ups per client network and hour.
#[derive(Clone)]
pub struct SignUpThrottle {
    /// `0`: no limit.
    per_hour: u32,
    counts: Arc<Mutex<HashMap<Network, Failures>>>,
}

/// A sign-up counted up front; [`SignUpSlot::release`] gives it back if it did not happen.
pub struct SignUpSlot {
    throttle: SignUpThrottle,
    network: Option<Network>,
}

const HOUR: Duration = Duration::from_secs(60 * 60);

impl SignUpThrottle {
    pub fn new(per_hour: u32) -> Self {
        Self {
            per_hour,
            counts: Arc::default(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<Network, Failures>> {
        self.counts.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Counts a sign-up from `client`; `Err(wait)` when its network has had its share.
    pub fn begin(&self, client: Option<IpAddr>) -> Result<SignUpSlot, Duration> {
        self.begin_at(client.map(Network::of), Instant::now())
    }

    fn begin_at(&self, network: Option<Network>, now: Instant) -> Result<SignUpSlot, Duration> {
        let counted = SignUpSlot {
            throttle: self.clone(),
            network: None,
        };
        let Some(network) = network.filter(|_| self.per_hour > 0) else {
            return Ok(counted);
        };
        let mut counts = self.lock();
        if counts.len() > SWEEP_ABOVE {
            counts.retain(|_, entry| entry.since + HOUR > now);
        }
        let entry = counts.entry(network).or_insert(Failures {
            count: 0,
            since: now,
        });
        if entry.since + HOUR <= now {
            *entry = Failures {
                count: 0,
                since: now,
            };
        }
        if entry.count >= self.per_hour {
            return Err(entry.since + HOUR - now);
        }
        entry.count += 1;
        Ok(SignUpSlot {
            network: Some(network),
            ..counted
        })
    }
}

impl SignUpSlot {
    /// The sign-up did not happen (the name was taken, say): it does not count.
    pub fn release(self) {
        if let Some(network) = self.network {
            if let Some(entry) = self.throttle.lock().get_mut(&network) {
                entry.count = entry.count.saturating_sub(1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(last: u8) -> Option<Network> {
        Some(Network::of(IpAddr::from([10, 0, 0, last])))
    }

    #[test]
    fn sign_ups_are_limited_per_network_and_hour() {
        let throttle = SignUpThrottle::new(2);
        let start = Instant::now();
        throttle.begin_at(net(1), start).unwrap();
        let second = throttle.begin_at(net(1), start).unwrap();
        assert!(throttle.begin_at(net(1), start).is_err());
        assert!(throttle.begin_at(net(2), start).is_ok());
        // A sign-up that did not happen gives its place back.
        second.release();
        assert!(throttle.begin_at(net(1), start).is_ok());
        assert!(throttle.begin_at(net(1), start + HOUR).is_ok());
        // Zero turns the limit off.
        let off = SignUpThrottle::new(0);
        for _ in 0..100 {
            off.begin_at(net(1), start).unwrap();
        }
    }
}
