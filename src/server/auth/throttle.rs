//! Log-in throttling: too many failures for one username, or from one address, and the next
//! attempts are refused until the window has passed.

use std::{
    collections::HashMap,
    net::IpAddr,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

/// How many failures each key may have within one window.
#[derive(Debug, Clone, Copy)]
pub struct ThrottleLimits {
    pub per_username: u32,
    pub per_address: u32,
    pub window: Duration,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Username(String),
    Address(IpAddr),
}

#[derive(Debug, Clone, Copy)]
struct Failures {
    window_start: Instant,
    count: u32,
}

/// Counts recent failed log-ins in memory (one process; a restart forgets them).
#[derive(Clone)]
pub struct LoginThrottle {
    limits: ThrottleLimits,
    failures: Arc<Mutex<HashMap<Key, Failures>>>,
}

/// Entries beyond this many make the next failure sweep out the expired ones.
const SWEEP_ABOVE: usize = 10_000;

impl LoginThrottle {
    pub fn new(limits: ThrottleLimits) -> Self {
        Self {
            limits,
            failures: Arc::default(),
        }
    }

    fn keys(username: &str, address: Option<IpAddr>) -> impl Iterator<Item = (Key, bool)> {
        let user = Key::Username(username.trim().to_lowercase());
        std::iter::once((user, true)).chain(address.map(|addr| (Key::Address(addr), false)))
    }

    fn limit(&self, is_username: bool) -> u32 {
        if is_username {
            self.limits.per_username
        } else {
            self.limits.per_address
        }
    }

    /// `Err(wait)` when either the username or the address has used up its failures.
    pub fn check(&self, username: &str, address: Option<IpAddr>) -> Result<(), Duration> {
        self.check_at(username, address, Instant::now())
    }

    fn check_at(
        &self,
        username: &str,
        address: Option<IpAddr>,
        now: Instant,
    ) -> Result<(), Duration> {
        let failures = self.failures.lock().expect("throttle lock");
        let wait = Self::keys(username, address)
            .filter_map(|(key, is_username)| {
                let entry = failures.get(&key)?;
                let ends = entry.window_start + self.limits.window;
                (entry.count >= self.limit(is_username) && ends > now).then(|| ends - now)
            })
            .max();
        wait.map_or(Ok(()), Err)
    }

    /// Counts one failed log-in against the username and the address.
    pub fn record_failure(&self, username: &str, address: Option<IpAddr>) {
        self.record_failure_at(username, address, Instant::now());
    }

    fn record_failure_at(&self, username: &str, address: Option<IpAddr>, now: Instant) {
        let window = self.limits.window;
        let mut failures = self.failures.lock().expect("throttle lock");
        if failures.len() > SWEEP_ABOVE {
            failures.retain(|_, entry| entry.window_start + window > now);
        }
        for (key, _) in Self::keys(username, address) {
            let entry = failures.entry(key).or_insert(Failures {
                window_start: now,
                count: 0,
            });
            if entry.window_start + window <= now {
                *entry = Failures {
                    window_start: now,
                    count: 0,
                };
            }
            entry.count += 1;
        }
    }

    /// A successful log-in clears the username's failures (not the address's).
    pub fn record_success(&self, username: &str) {
        let key = Key::Username(username.trim().to_lowercase());
        self.failures.lock().expect("throttle lock").remove(&key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: ThrottleLimits = ThrottleLimits {
        per_username: 3,
        per_address: 5,
        window: Duration::from_secs(60),
    };

    fn addr(last: u8) -> Option<IpAddr> {
        Some(IpAddr::from([10, 0, 0, last]))
    }

    #[test]
    fn a_username_is_refused_after_its_failures_until_the_window_ends() {
        let throttle = LoginThrottle::new(LIMITS);
        let start = Instant::now();
        for i in 0..3 {
            assert!(throttle.check_at("alice", addr(i), start).is_ok());
            throttle.record_failure_at("alice", addr(i), start);
        }
        // From any address, in any case.
        let wait = throttle.check_at("ALICE", addr(9), start).unwrap_err();
        assert_eq!(wait, Duration::from_secs(60));
        assert!(throttle.check_at("bob", addr(9), start).is_ok());
        assert!(throttle
            .check_at("alice", addr(9), start + Duration::from_secs(60))
            .is_ok());
    }

    #[test]
    fn an_address_is_refused_after_its_failures_whatever_the_username() {
        let throttle = LoginThrottle::new(LIMITS);
        let start = Instant::now();
        for i in 0..5 {
            throttle.record_failure_at(&format!("user{i}"), addr(1), start);
        }
        assert!(throttle.check_at("someone", addr(1), start).is_err());
        assert!(throttle.check_at("someone", addr(2), start).is_ok());
    }

    #[test]
    fn success_clears_the_username_but_not_the_address() {
        let throttle = LoginThrottle::new(LIMITS);
        let start = Instant::now();
        for _ in 0..3 {
            throttle.record_failure_at("alice", addr(1), start);
        }
        throttle.record_success("alice");
        assert!(throttle.check_at("alice", addr(2), start).is_ok());
        for _ in 0..2 {
            throttle.record_failure_at("bob", addr(1), start);
        }
        assert!(throttle.check_at("carol", addr(1), start).is_err());
    }
}
