//! Where the throttles count: in memory (one process, on SQLite), or in PostgreSQL's
//! `throttle_counts`, shared by every node on the database. Either way an attempt is checked
//! and counted in one step (under a lock: the mutex, or the rows' locks), so parallel attempts,
//! on one node or many, cannot all slip past the check.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex, PoisonError},
    time::{Duration, Instant},
};

use sqlx::PgPool;

use crate::server::db::{
    throttles::{self, Counted},
    Db,
};

/// Entries beyond this many make the next count sweep out the expired ones (in memory).
const SWEEP_ABOVE: usize = 10_000;
/// How often expired rows are deleted on PostgreSQL.
const SWEEP_EVERY: Duration = Duration::from_secs(60 * 60);

/// One counter touched by an attempt.
#[derive(Debug, Clone)]
pub struct Step {
    pub key: String,
    /// The counter restarts from zero when its window is this old.
    pub window: Duration,
    /// Each count starts the window again (a wait that runs from the latest failure).
    pub from_latest: bool,
}

#[derive(Clone)]
pub enum Counts {
    Memory(Arc<Mutex<HashMap<String, (u32, Instant)>>>),
    Postgres(PgPool),
}

impl Counts {
    /// Shared through the database on PostgreSQL; in memory on SQLite, which one process owns.
    pub fn for_database(db: &Db) -> Self {
        match db {
            Db::Postgres(pool) => Counts::Postgres(pool.clone()),
            Db::Sqlite { .. } => Counts::memory(),
        }
    }

    pub fn memory() -> Self {
        Counts::Memory(Arc::default())
    }

    /// Checks the counters of `steps` with `wait` (given each step's index and its counter, it
    /// says how long that step must still wait, if at all); unless one must wait, counts one
    /// on each. `now` is for the memory store; PostgreSQL uses its own clock.
    pub async fn count(
        &self,
        steps: &[Step],
        now: Instant,
        wait: impl Fn(usize, Counted) -> Option<Duration>,
    ) -> Result<Result<(), Duration>, sqlx::Error> {
        match self {
            Counts::Memory(map) => {
                let mut map = map.lock().unwrap_or_else(PoisonError::into_inner);
                if map.len() > SWEEP_ABOVE {
                    let longest = steps.iter().map(|s| s.window).max().unwrap_or_default();
                    map.retain(|_, (_, since)| *since + longest > now);
                }
                let counted: Vec<Counted> = steps
                    .iter()
                    .map(|step| match map.get(&step.key) {
                        Some(&(count, since)) => current(step, count, now - since),
                        None => current(step, 0, Duration::MAX),
                    })
                    .collect();
                if let Some(longest) = longest_wait(&counted, &wait) {
                    return Ok(Err(longest));
                }
                for (step, counted) in steps.iter().zip(&counted) {
                    let entry = map.entry(step.key.clone()).or_insert((0, now));
                    if counted.count == 0 || step.from_latest {
                        entry.1 = now;
                    }
                    entry.0 = counted.count + 1;
                }
                Ok(Ok(()))
            }
            Counts::Postgres(pool) => {
                let keys: Vec<String> = steps.iter().map(|step| step.key.clone()).collect();
                let mut tx = pool.begin().await?;
                let counted: Vec<Counted> = throttles::lock(&mut tx, &keys)
                    .await?
                    .into_iter()
                    .zip(steps)
                    .map(|(found, step)| current(step, found.count, found.age))
                    .collect();
                if let Some(longest) = longest_wait(&counted, &wait) {
                    tx.rollback().await?;
                    return Ok(Err(longest));
                }
                for (step, counted) in steps.iter().zip(&counted) {
                    let restart = counted.count == 0 || step.from_latest;
                    throttles::set(&mut tx, &step.key, counted.count + 1, restart).await?;
                }
                tx.commit().await?;
                Ok(Ok(()))
            }
        }
    }

    /// Takes one back from each of `keys`, and forgets `forget` altogether.
    pub async fn take_back(&self, keys: &[String], forget: &[String]) -> Result<(), sqlx::Error> {
        match self {
            Counts::Memory(map) => {
                let mut map = map.lock().unwrap_or_else(PoisonError::into_inner);
                for key in keys {
                    if let Some(entry) = map.get_mut(key) {
                        entry.0 = entry.0.saturating_sub(1);
                    }
                }
                for key in forget {
                    map.remove(key);
                }
                Ok(())
            }
            Counts::Postgres(pool) => {
                let mut conn = pool.acquire().await?;
                throttles::take_back(&mut conn, keys).await?;
                throttles::forget(&mut conn, forget).await
            }
        }
    }

    /// On PostgreSQL, deletes counters older than `window` every hour until the pool closes.
    pub fn spawn_cleanup(&self, window: Duration) {
        let Counts::Postgres(pool) = self.clone() else {
            return;
        };
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(SWEEP_EVERY).await;
                if pool.is_closed() {
                    return;
                }
                let deleted = match pool.acquire().await {
                    Ok(mut conn) => throttles::delete_expired(&mut conn, window).await,
                    Err(err) => Err(err),
                };
                if let Err(err) = deleted {
                    tracing::warn!(error = %err, "could not delete expired throttle counts");
                }
            }
        });
    }
}

/// The counter as it stands: a window past its end counts from zero again.
fn current(step: &Step, count: u32, age: Duration) -> Counted {
    if age >= step.window {
        Counted {
            count: 0,
            age: Duration::ZERO,
        }
    } else {
        Counted { count, age }
    }
}

fn longest_wait(
    counted: &[Counted],
    wait: &impl Fn(usize, Counted) -> Option<Duration>,
) -> Option<Duration> {
    counted
        .iter()
        .enumerate()
        .filter_map(|(index, counted)| wait(index, *counted))
        .max()
}
