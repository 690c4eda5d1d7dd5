//! The log-in throttle, counted in memory on SQLite (one process) and in the database on
//! PostgreSQL (every node together; see [`super::counts`]).
//!
//! Failures are counted per (username, client network), which then waits for a delay that
//! doubles with each further failure; a much higher ceiling per username (from anywhere) stops
//! a distributed guess without letting one network lock anybody out; and a limit per client
//! network stops one guesser trying many names. An attempt is counted when it starts, in the
//! same step as the check, and taken back if it succeeds: parallel attempts cannot all slip
//! past the check.

use std::{
    net::IpAddr,
    time::{Duration, Instant},
};

use super::{
    client::Network,
    counts::{Counts, Step},
};
use crate::server::db::throttles::Counted;

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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Pair,
    Username,
    Network,
}

/// Log-in failures.
#[derive(Clone)]
pub struct LoginThrottle {
    limits: ThrottleLimits,
    counts: Counts,
}

/// An attempt that has been counted as a failure until [`Attempt::succeeded`] says otherwise.
pub struct Attempt {
    throttle: LoginThrottle,
    keys: Vec<(Kind, String)>,
}

impl LoginThrottle {
    pub fn new(limits: ThrottleLimits, counts: Counts) -> Self {
        counts.spawn_cleanup(limits.window);
        Self { limits, counts }
    }

    fn keys(username: &str, network: Option<Network>) -> Vec<(Kind, String)> {
        let username = username.trim().to_lowercase();
        let mut keys = vec![(Kind::Username, format!("login:name:{username}"))];
        if let Some(network) = network {
            keys.push((Kind::Pair, format!("login:pair:{username}:{network}")));
            keys.push((Kind::Network, format!("login:network:{network}")));
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

    /// How long a counter of `kind` must still wait, if at all.
    fn wait(&self, kind: Kind, counted: Counted) -> Option<Duration> {
        let (limit, span) = match kind {
            Kind::Pair => (self.limits.per_client, self.pair_wait(counted.count)),
            Kind::Username => (self.limits.per_username, self.limits.window),
            Kind::Network => (self.limits.per_network, self.limits.window),
        };
        (counted.count >= limit && span > counted.age).then(|| span - counted.age)
    }

    /// Checks and counts an attempt in one step: `Err(wait)` when the username, the pair or
    /// the network has used up its failures; otherwise the attempt counts as a failure until
    /// it succeeds.
    pub async fn begin(
        &self,
        username: &str,
        client: Option<IpAddr>,
    ) -> Result<Result<Attempt, Duration>, sqlx::Error> {
        self.begin_at(username, client.map(Network::of), Instant::now())
            .await
    }

    async fn begin_at(
        &self,
        username: &str,
        network: Option<Network>,
        now: Instant,
    ) -> Result<Result<Attempt, Duration>, sqlx::Error> {
        let keys = Self::keys(username, network);
        let steps: Vec<Step> = keys
            .iter()
            .map(|(kind, key)| Step {
                key: key.clone(),
                window: self.limits.window,
                // A pair's wait runs from its latest failure.
                from_latest: *kind == Kind::Pair,
            })
            .collect();
        let counted = self
            .counts
            .count(&steps, now, |index, counted| {
                self.wait(keys[index].0, counted)
            })
            .await?;
        Ok(counted.map(|()| Attempt {
            throttle: self.clone(),
            keys,
        }))
    }
}

impl Attempt {
    /// The attempt was right: it is not a failure, and the pair starts afresh.
    pub async fn succeeded(self) -> Result<(), sqlx::Error> {
        let (pairs, others): (Vec<_>, Vec<_>) = self
            .keys
            .into_iter()
            .partition(|(kind, _)| *kind == Kind::Pair);
        let others: Vec<String> = others.into_iter().map(|(_, key)| key).collect();
        let pairs: Vec<String> = pairs.into_iter().map(|(_, key)| key).collect();
        self.throttle.counts.take_back(&others, &pairs).await
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

    fn throttle() -> LoginThrottle {
        LoginThrottle::new(LIMITS, Counts::memory())
    }

    async fn begin(
        throttle: &LoginThrottle,
        user: &str,
        network: Option<Network>,
        at: Instant,
    ) -> Result<Attempt, Duration> {
        throttle.begin_at(user, network, at).await.expect("counted")
    }

    async fn fail(throttle: &LoginThrottle, user: &str, network: Option<Network>, at: Instant) {
        drop(
            begin(throttle, user, network, at)
                .await
                .expect("not throttled"),
        );
    }

    #[tokio::test]
    async fn a_pair_waits_after_its_failures_and_the_wait_grows() {
        let throttle = throttle();
        let start = Instant::now();
        for _ in 0..3 {
            fail(&throttle, "alice", net(1), start).await;
        }
        let wait = begin(&throttle, "ALICE", net(1), start)
            .await
            .err()
            .unwrap();
        assert_eq!(wait, FIRST_WAIT);
        // Another network is not locked out by this one's failures.
        fail(&throttle, "alice", net(2), start).await;
        // After the wait, one more failure doubles it.
        let later = start + FIRST_WAIT;
        fail(&throttle, "alice", net(1), later).await;
        let wait = begin(&throttle, "alice", net(1), later)
            .await
            .err()
            .unwrap();
        assert_eq!(wait, 2 * FIRST_WAIT);
    }

    #[tokio::test]
    async fn the_username_ceiling_counts_every_network() {
        let throttle = throttle();
        let start = Instant::now();
        for i in 0..10 {
            fail(&throttle, "alice", net(i), start).await;
        }
        assert!(begin(&throttle, "alice", net(99), start).await.is_err());
        assert!(begin(&throttle, "bob", net(99), start).await.is_ok());
        let later = start + LIMITS.window;
        assert!(begin(&throttle, "alice", net(99), later).await.is_ok());
    }

    #[tokio::test]
    async fn a_network_is_refused_after_its_failures_whatever_the_username() {
        let throttle = throttle();
        let start = Instant::now();
        for i in 0..5 {
            fail(&throttle, &format!("user{i}"), net(1), start).await;
        }
        assert!(begin(&throttle, "someone", net(1), start).await.is_err());
        assert!(begin(&throttle, "someone", net(2), start).await.is_ok());
    }

    #[tokio::test]
    async fn parallel_attempts_are_counted_before_they_finish() {
        let throttle = throttle();
        let start = Instant::now();
        // Three attempts in flight at once; none has finished.
        let mut in_flight = Vec::new();
        for _ in 0..3 {
            in_flight.push(begin(&throttle, "alice", net(1), start).await.unwrap());
        }
        assert!(begin(&throttle, "alice", net(1), start).await.is_err());
        // One of them was right after all: its count is taken back and the pair starts afresh.
        in_flight.remove(0).succeeded().await.unwrap();
        assert!(begin(&throttle, "alice", net(1), start).await.is_ok());
    }

    #[tokio::test]
    async fn ipv6_clients_count_per_64() {
        let throttle = throttle();
        let start = Instant::now();
        let a: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        let other: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        for _ in 0..3 {
            fail(&throttle, "alice", Some(Network::of(a)), start).await;
        }
        let same = begin(&throttle, "alice", Some(Network::of(b)), start).await;
        assert!(same.is_err());
        let elsewhere = begin(&throttle, "alice", Some(Network::of(other)), start).await;
        assert!(elsewhere.is_ok());
    }

    #[tokio::test]
    async fn a_poisoned_lock_keeps_working() {
        let throttle = throttle();
        let Counts::Memory(map) = throttle.counts.clone() else {
            unreachable!()
        };
        let _ = std::thread::spawn(move || {
            let _guard = map.lock().unwrap();
            panic!("a panic while holding the lock");
        })
        .join();
        assert!(throttle.begin("alice", None).await.unwrap().is_ok());
    }
}
