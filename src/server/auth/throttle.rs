//! The log-in throttle, counted in memory (one process).
//!
//! Failures are counted per (username, client network), which then waits for a delay that
//! doubles with each further failure; a much higher ceiling per username (from anywhere) stops
//! a distributed guess without letting one network lock anybody out; and a limit per client
//! network stops one guesser trying many names. An attempt is counted when it starts, in the
//! same step as the check, and taken back if it succeeds: parallel attempts cannot all slip
//! past the check.

use std::{
    collections::HashMap,
    net::IpAddr,
    sync::{Arc, Mutex, MutexGuard, PoisonError},
    time::{Duration, Instant},
};

use super::client::Network;

/// How many failures each key may have, and over what time.
#[derive(Debug, Clone, Copy)]
pub struct ThrottleLimits {
    /// Per (username, client network), before waits begin.
    pub per_client: u32,
    /// Per username, from all networks together.
    pub per_username: u32,
    /// Per client network, whatever the usernames.
    pub per_network: u32,
    /// Failures older than this are forgotten; the longest wait.
    pub window: Duration,
}

/// The first wait once a (username, network) pair has used its failures; it doubles with
/// each further failure, up to the window.
const FIRST_WAIT: Duration = Duration::from_secs(60);
/// Entries beyond this many make the next attempt sweep out the expired ones.
pub(super) const SWEEP_ABOVE: usize = 10_000;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Pair(String, Network),
    Username(String),
    Network(Network),
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Failures {
    pub(super) count: u32,
    /// The first failure of the count (fixed windows) or the latest (pairs).
    pub(super) since: Instant,
}

/// Log-in failures in memory.
#[derive(Clone)]
pub struct LoginThrottle {
    limits: ThrottleLimits,
    failures: Arc<Mutex<HashMap<Key, Failures>>>,
}

/// An attempt that has been counted as a failure until [`Attempt::succeeded`] says otherwise.
pub struct Attempt {
    throttle: LoginThrottle,
    keys: Vec<Key>,
}

impl LoginThrottle {
    pub fn new(limits: ThrottleLimits) -> Self {
        Self {
            limits,
            failures: Arc::default(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<Key, Failures>> {
        // A panic elsewhere cannot leave the counts half-written: keep using them.
        self.failures.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn keys(username: &str, network: Option<Network>) -> Vec<Key> {
        let username = username.trim().to_lowercase();
        let mut keys = vec![Key::Username(username.clone())];
        if let Some(network) = network {
            keys.push(Key::Pair(username, network));
            keys.push(Key::Network(network));
        }
        keys
    }

    /// When the pair waits after `count` failures (`count` past the limit).
    fn pair_wait(&self, count: u32) -> Duration {
        let doublings = count.saturating_sub(self.limits.per_client).min(20);
        FIRST_WAIT
            .saturating_mul(1 << doublings)
            .min(self.limits.window)
    }

    /// How long `key` must still wait at `now`, if at all.
    fn wait(&self, key: &Key, entry: &Failures, now: Instant) -> Option<Duration> {
        let (limit, until) = match key {
            Key::Pair(..) => (
                self.limits.per_client,
                entry.since + self.pair_wait(entry.count),
            ),
            Key::Username(_) => (self.limits.per_username, entry.since + self.limits.window),
            Key::Network(_) => (self.limits.per_network, entry.since + self.limits.window),
        };
        (entry.count >= limit && until > now).then(|| until - now)
    }

    /// Checks and counts an attempt in one step: `Err(wait)` when the username, the pair or
    /// the network has used up its failures; otherwise the attempt counts as a failure until
    /// it succeeds.
    pub fn begin(&self, username: &str, client: Option<IpAddr>) -> Result<Attempt, Duration> {
        self.begin_at(username, client.map(Network::of), Instant::now())
    }

    fn begin_at(
        &self,
        username: &str,
        network: Option<Network>,
        now: Instant,
    ) -> Result<Attempt, Duration> {
        let keys = Self::keys(username, network);
        let window = self.limits.window;
        let mut failures = self.lock();
        if failures.len() > SWEEP_ABOVE {
            failures.retain(|_, entry| entry.since + window > now);
        }
        let wait = keys
            .iter()
            .filter_map(|key| self.wait(key, failures.get(key)?, now))
            .max();
        if let Some(wait) = wait {
            return Err(wait);
        }
        for key in &keys {
            let entry = failures.entry(key.clone()).or_insert(Failures {
                count: 0,
                since: now,
            });
            if entry.since + window <= now {
                *entry = Failures {
                    count: 0,
                    since: now,
                };
            }
            entry.count += 1;
            // A pair's wait runs from its latest failure.
            if matches!(key, Key::Pair(..)) {
                entry.since = now;
            }
        }
        Ok(Attempt {
            throttle: self.clone(),
            keys,
        })
    }
}

impl Attempt {
    /// The attempt was right: it is not a failure, and the pair starts afresh.
    pub fn succeeded(self) {
        let mut failures = self.throttle.lock();
        for key in &self.keys {
            if matches!(key, Key::Pair(..)) {
                failures.remove(key);
            } else if let Some(entry) = failures.get_mut(key) {
                entry.count = entry.count.saturating_sub(1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: ThrottleLimits = ThrottleLimits {
        per_client: 3,
        per_username: 10,
        per_network: 5,
        window: Duration::from_secs(15 * 60),
    };

    fn net(last: u8) -> Option<Network> {
        Some(Network::of(IpAddr::from([10, 0, 0, last])))
    }

    fn fail(throttle: &LoginThrottle, user: &str, network: Option<Network>, at: Instant) {
        drop(throttle.begin_at(user, network, at).expect("not throttled"));
    }

    #[test]
    fn a_pair_waits_after_its_failures_and_the_wait_grows() {
        let throttle = LoginThrottle::new(LIMITS);
        let start = Instant::now();
        for _ in 0..3 {
            fail(&throttle, "alice", net(1), start);
        }
        let wait = throttle.begin_at("ALICE", net(1), start).err().unwrap();
        assert_eq!(wait, FIRST_WAIT);
        // Another network is not locked out by this one's failures.
        fail(&throttle, "alice", net(2), start);
        // After the wait, one more failure doubles it.
        let later = start + FIRST_WAIT;
        fail(&throttle, "alice", net(1), later);
        assert_eq!(
            throttle.begin_at("alice", net(1), later).err().unwrap(),
            2 * FIRST_WAIT
        );
    }

    #[test]
    fn the_username_ceiling_counts_every_network() {
        let throttle = LoginThrottle::new(LIMITS);
        let start = Instant::now();
        for i in 0..10 {
            fail(&throttle, "alice", net(i), start);
        }
        assert!(throttle.begin_at("alice", net(99), start).is_err());
        assert!(throttle.begin_at("bob", net(99), start).is_ok());
        assert!(throttle
            .begin_at("alice", net(99), start + LIMITS.window)
            .is_ok());
    }

    #[test]
    fn a_network_is_refused_after_its_failures_whatever_the_username() {
        let throttle = LoginThrottle::new(LIMITS);
        let start = Instant::now();
        for i in 0..5 {
            fail(&throttle, &format!("user{i}"), net(1), start);
        }
        assert!(throttle.begin_at("someone", net(1), start).is_err());
        assert!(throttle.begin_at("someone", net(2), start).is_ok());
    }

    #[test]
    fn parallel_attempts_are_counted_before_they_finish() {
        let throttle = LoginThrottle::new(LIMITS);
        let start = Instant::now();
        // Three attempts in flight at once; none has finished.
        let in_flight: Vec<Attempt> = (0..3)
            .map(|_| throttle.begin_at("alice", net(1), start).unwrap())
            .collect();
        assert!(throttle.begin_at("alice", net(1), start).is_err());
        // One of them was right after all: its count is taken back and the pair starts afresh.
        in_flight.into_iter().next().unwrap().succeeded();
        assert!(throttle.begin_at("alice", net(1), start).is_ok());
    }

    #[test]
    fn ipv6_clients_count_per_64() {
        let throttle = LoginThrottle::new(LIMITS);
        let start = Instant::now();
        let a: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        let other: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        for _ in 0..3 {
            fail(&throttle, "alice", Some(Network::of(a)), start);
        }
        assert!(throttle
            .begin_at("alice", Some(Network::of(b)), start)
            .is_err());
        assert!(throttle
            .begin_at("alice", Some(Network::of(other)), start)
            .is_ok());
    }

    #[test]
    fn a_poisoned_lock_keeps_working() {
        let throttle = LoginThrottle::new(LIMITS);
        let clone = throttle.clone();
        let _ = std::thread::spawn(move || {
            let _guard = clone.failures.lock().unwrap();
            panic!("a panic while holding the lock");
        })
        .join();
        assert!(throttle.failures.is_poisoned());
        assert!(throttle.begin("alice", None).is_ok());
    }
}
