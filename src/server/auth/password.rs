//! Password hashing: argon2id with OWASP's parameters, on threads of its own at the lowest CPU
//! priority, a bounded number waiting.

use std::sync::{
    atomic::{AtomicUsize, Ordering},
    Arc,
};

use anyhow::Context as _;
use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher as _, SaltString},
    Algorithm, Argon2, Params, PasswordVerifier as _, Version,
};
use tokio::sync::oneshot;

use crate::{domain::Password, error::AppError};

/// OWASP's argon2id settings: 19 MiB of memory, two passes, one lane.
const MEMORY_KIB: u32 = 19 * 1024;
const PASSES: u32 = 2;
const LANES: u32 = 1;

/// Hashes and checks passwords. Each hash takes tens of milliseconds of a core and 19 MiB, so
/// they run on threads of their own, one per core, at the lowest CPU priority: a flood of
/// log-ins uses the cores the rest leaves idle instead of delaying every other request. The
/// queue is bounded: beyond `max_queued` waiting (or running), a request is turned away at once.
#[derive(Clone)]
pub struct Hasher {
    jobs: flume::Sender<Job>,
    queued: Arc<AtomicUsize>,
    max_queued: usize,
    /// Checked when a username does not exist, so that answer takes as long as a wrong password.
    decoy_hash: Arc<str>,
}

fn argon2() -> Argon2<'static> {
    let params = Params::new(MEMORY_KIB, PASSES, LANES, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

fn hash_now(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(argon2()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

type Job = Box<dyn FnOnce() + Send>;

/// Starts `count` hashing threads; they end when the last sender of `jobs` is gone.
fn start_threads(count: usize) -> anyhow::Result<flume::Sender<Job>> {
    let (jobs, waiting) = flume::unbounded::<Job>();
    for i in 0..count {
        let waiting = waiting.clone();
        std::thread::Builder::new()
            .name(format!("tick-argon2-{i}"))
            .spawn(move || {
                lower_priority();
                for job in waiting.iter() {
                    // A panic fails that one request (its reply is dropped), not the thread.
                    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                }
            })
            .context("starting a password hashing thread")?;
    }
    Ok(jobs)
}

/// Gives the calling thread the lowest CPU priority (nice 19): it runs when nothing else wants
/// the core. On Linux a thread has a nice value of its own.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    if let Err(err) = rustix::process::setpriority_process(Some(rustix::thread::gettid()), 19) {
        tracing::warn!(error = %err, "could not lower a password hashing thread's priority");
    }
}

/// Takes a place in the queue for as long as it lives.
struct Queued(Arc<AtomicUsize>);

impl Drop for Queued {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// How long a client turned away from a full queue is asked to wait.
const BUSY_RETRY_SECS: u64 = 2;

impl Hasher {
    pub async fn new(max_queued: usize) -> anyhow::Result<Self> {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        let decoy = tokio::task::spawn_blocking(|| hash_now("a password nobody has"))
            .await
            .context("hashing the decoy password")?
            .map_err(|err| anyhow::anyhow!("hashing the decoy password: {err}"))?;
        Ok(Self {
            jobs: start_threads(cores)?,
            queued: Arc::default(),
            max_queued: max_queued.max(1),
            decoy_hash: decoy.into(),
        })
    }

    /// A PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`) with a fresh random salt.
    pub async fn hash(&self, password: &Password) -> Result<String, AppError> {
        let password = password.expose().to_owned();
        self.run(move || hash_now(&password).map_err(|err| anyhow::anyhow!("hashing: {err}")))
            .await
    }

    /// Whether `password` matches `stored`. With no stored hash (no such user) it checks a
    /// decoy and answers `false`, taking the same time.
    pub async fn verify(
        &self,
        password: &Password,
        stored: Option<&str>,
    ) -> Result<bool, AppError> {
        let known = stored.is_some();
        let stored = stored.unwrap_or(&self.decoy_hash).to_owned();
        let password = password.expose().to_owned();
        let matches = self
            .run(move || {
                let parsed = PasswordHash::new(&stored)
                    .map_err(|err| anyhow::anyhow!("reading a stored password hash: {err}"))?;
                Ok(argon2()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok())
            })
            .await?;
        Ok(known && matches)
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> anyhow::Result<T> + Send + 'static,
    ) -> Result<T, AppError> {
        let queued = Queued(self.queued.clone());
        if self.queued.fetch_add(1, Ordering::AcqRel) >= self.max_queued {
            drop(queued);
            tracing::warn!("password hashing queue is full: turned a request away");
            return Err(AppError::Busy {
                retry_after_secs: BUSY_RETRY_SECS,
            });
        }
        let (reply, result) = oneshot::channel();
        let job: Job = Box::new(move || {
            // An asker that has gone (a closed connection) needs no hash.
            let outcome = (!reply.is_closed()).then(work);
            // The place in the queue is held until the hash is done (or skipped), and given
            // back before the asker hears.
            drop(queued);
            if let Some(outcome) = outcome {
                let _ = reply.send(outcome);
            }
        });
        self.jobs
            .send(job)
            .map_err(|_| AppError::internal(anyhow::anyhow!("the hashing threads have ended")))?;
        let outcome = result.await.map_err(|_| {
            AppError::internal(anyhow::anyhow!("a password hashing thread ended mid-hash"))
        })?;
        outcome.map_err(AppError::internal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn password(raw: &str) -> Password {
        Password::parse(raw.to_owned()).unwrap()
    }

    #[tokio::test]
    async fn hashes_with_argon2id_and_owasp_parameters() {
        let hasher = Hasher::new(8).await.unwrap();
        let hash = hasher.hash(&password("correct horse")).await.unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(hasher
            .verify(&password("correct horse"), Some(&hash))
            .await
            .unwrap());
        assert!(!hasher
            .verify(&password("correct horsE"), Some(&hash))
            .await
            .unwrap());
    }

    #[tokio::test]
    async fn every_hash_has_its_own_salt() {
        let hasher = Hasher::new(8).await.unwrap();
        let first = hasher.hash(&password("same password")).await.unwrap();
        let second = hasher.hash(&password("same password")).await.unwrap();
        assert_ne!(first, second);
    }

    #[tokio::test]
    async fn a_full_queue_turns_work_away_at_once() {
        let hasher = Hasher::new(2).await.unwrap();
        let busy: Vec<_> = (0..6)
            .map(|_| {
                let hasher = hasher.clone();
                tokio::spawn(async move { hasher.hash(&password("correct horse")).await })
            })
            .collect();
        let mut refused = 0;
        for task in busy {
            if let Err(AppError::Busy { .. }) = task.await.unwrap() {
                refused += 1;
            }
        }
        assert!(refused >= 1, "some were turned away");
        assert_eq!(
            hasher.queued.load(Ordering::Acquire),
            0,
            "every place was given back"
        );
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn hashes_run_at_the_lowest_priority() {
        let hasher = Hasher::new(8).await.unwrap();
        let nice = hasher
            .run(|| {
                Ok(rustix::process::getpriority_process(Some(
                    rustix::thread::gettid(),
                ))?)
            })
            .await
            .unwrap();
        assert_eq!(nice, 19);
    }

    #[tokio::test]
    async fn a_panicking_hash_fails_alone() {
        let hasher = Hasher::new(8).await.unwrap();
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        for _ in 0..cores + 1 {
            let failed = hasher
                .run(|| -> anyhow::Result<()> { panic!("boom") })
                .await;
            assert!(matches!(failed, Err(AppError::Internal)), "{failed:?}");
        }
        assert!(hasher
            .verify(&password("a password nobody has"), None)
            .await
            .is_ok());
    }

    #[tokio::test]
    async fn an_unknown_user_never_matches() {
        let hasher = Hasher::new(8).await.unwrap();
        assert!(!hasher
            .verify(&password("a password nobody has"), None)
            .await
            .unwrap());
    }
}
