//! The sign-up throttle: new accounts per client network and hour, counted in memory on SQLite
//! (one process) and in the database on PostgreSQL (every node together). Each account brings
//! a quota of storage, so nobody may make them by the thousand.

use std::{
    net::IpAddr,
    time::{Duration, Instant},
};

use super::{
    client::Network,
    counts::{Counts, Step},
};

/// Sign-ups per client network and hour.
#[derive(Clone)]
pub struct SignUpThrottle {
    /// `0`: no limit.
    per_hour: u32,
    counts: Counts,
}

/// A sign-up counted up front; [`SignUpSlot::release`] gives it back if it did not happen.
pub struct SignUpSlot {
    throttle: SignUpThrottle,
    key: Option<String>,
}

const HOUR: Duration = Duration::from_secs(60 * 60);

impl SignUpThrottle {
    pub fn new(per_hour: u32, counts: Counts) -> Self {
        counts.spawn_cleanup(HOUR);
        Self { per_hour, counts }
    }

    /// Counts a sign-up from `client`; `Err(wait)` when its network has had its share.
    pub async fn begin(
        &self,
        client: Option<IpAddr>,
    ) -> Result<Result<SignUpSlot, Duration>, sqlx::Error> {
        self.begin_at(client.map(Network::of), Instant::now()).await
    }

    async fn begin_at(
        &self,
        network: Option<Network>,
        now: Instant,
    ) -> Result<Result<SignUpSlot, Duration>, sqlx::Error> {
        let Some(network) = network.filter(|_| self.per_hour > 0) else {
            return Ok(Ok(SignUpSlot {
                throttle: self.clone(),
                key: None,
            }));
        };
        let step = Step {
            key: format!("signup:{network}"),
            window: HOUR,
            from_latest: false,
        };
        let counted = self
            .counts
            .count(std::slice::from_ref(&step), now, |_, counted| {
                (counted.count >= self.per_hour).then(|| HOUR.saturating_sub(counted.age))
            })
            .await?;
        Ok(counted.map(|()| SignUpSlot {
            throttle: self.clone(),
            key: Some(step.key),
        }))
    }
}

impl SignUpSlot {
    /// The sign-up did not happen (the name was taken, say): it does not count.
    pub async fn release(self) -> Result<(), sqlx::Error> {
        match self.key {
            Some(key) => self.throttle.counts.take_back(&[key], &[]).await,
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net(last: u8) -> Option<Network> {
        Some(Network::of(IpAddr::from([10, 0, 0, last])))
    }

    async fn begin(throttle: &SignUpThrottle, network: Option<Network>, at: Instant) -> bool {
        let slot = throttle.begin_at(network, at).await.expect("counted");
        slot.is_ok()
    }

    #[tokio::test]
    async fn sign_ups_are_limited_per_network_and_hour() {
        let throttle = SignUpThrottle::new(2, Counts::memory());
        let start = Instant::now();
        assert!(begin(&throttle, net(1), start).await);
        let second = throttle.begin_at(net(1), start).await.unwrap().unwrap();
        assert!(!begin(&throttle, net(1), start).await);
        assert!(begin(&throttle, net(2), start).await);
        // A sign-up that did not happen gives its place back.
        second.release().await.unwrap();
        assert!(begin(&throttle, net(1), start).await);
        assert!(begin(&throttle, net(1), start + HOUR).await);
        // Zero turns the limit off.
        let off = SignUpThrottle::new(0, Counts::memory());
        for _ in 0..100 {
            assert!(begin(&off, net(1), start).await);
        }
    }
}
