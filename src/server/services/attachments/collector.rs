//! Files without rows: the files of deleted attachments (the database lists them in
//! `attachment_garbage`), and what a crash leaves behind (staged uploads, and files put in
//! place whose transaction never committed). The last two are removed only once they are
//! older than [`GRACE`]: until then an upload may still be on its way, in this process or in
//! another sharing the store.
//!
//! Several nodes on one PostgreSQL database share the work: each claims garbage entries with
//! `FOR UPDATE SKIP LOCKED`, so no two delete the same file, and a sweep runs under an
//! advisory lock, so one node at a time lists the store.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use tokio::sync::Notify;

use crate::server::{
    db::{attachments, Db, Ex},
    storage::Storage,
};

/// How old a staged upload or an unrecorded file must be before it is taken for debris.
pub const GRACE: Duration = Duration::from_secs(60 * 60);
/// How often debris is looked for while running (deleted attachments go as soon as woken).
const SWEEP_EVERY: Duration = Duration::from_secs(60 * 60);
/// How often the garbage list is read without being woken.
const POLL_EVERY: Duration = Duration::from_secs(30);

/// Wakes the collector after rows with files were deleted.
#[derive(Clone)]
pub struct Collector(Arc<Notify>);

impl Collector {
    pub fn wake(&self) {
        self.0.notify_one();
    }
}

/// Removes debris older than [`GRACE`]; returns how many staged uploads and unrecorded files
/// went. Entries Tick did not make are left alone (the store says so in the log). On
/// PostgreSQL, a node that finds another sweeping leaves it to that one.
pub async fn sweep(db: &Db, storage: &Storage) -> anyhow::Result<(usize, usize)> {
    let Db::Postgres(pool) = db else {
        return sweep_store(db, storage).await;
    };
    // A session lock on a connection of its own: a node that dies lets go with it.
    let mut lock = pool.acquire().await?;
    if !attachments::try_lock_sweep(&mut lock).await? {
        tracing::info!("another node is sweeping the file store");
        return Ok((0, 0));
    }
    let swept = sweep_store(db, storage).await;
    if attachments::unlock_sweep(&mut lock).await.is_err() {
        // Never back into the pool holding the lock: closing the session lets go of it.
        let _ = lock.close().await;
    }
    swept
}

async fn sweep_store(db: &Db, storage: &Storage) -> anyhow::Result<(usize, usize)> {
    let staged = storage.remove_stale_staged(GRACE).await?;
    let keys = storage.keys_older_than(GRACE).await?;
    let mut orphans = 0;
    for chunk in keys.chunks(500) {
        let recorded = attachments::recorded_keys(db.reader().await?.ex(), chunk).await?;
        for key in chunk.iter().filter(|key| !recorded.contains(key)) {
            storage.delete(key).await?;
            orphans += 1;
        }
    }
    if staged + orphans > 0 {
        tracing::info!(
            staged,
            orphans,
            "removed files left by an interrupted upload"
        );
    }
    Ok((staged, orphans))
}

/// Deletes the files of deleted attachments when woken and every so often, and sweeps debris
/// every hour, until the database closes.
pub fn spawn(db: Db, storage: Storage) -> Collector {
    let wake = Arc::new(Notify::new());
    let woken = wake.clone();
    tokio::spawn(async move {
        let mut next_sweep = Instant::now() + SWEEP_EVERY;
        loop {
            match collect_garbage(&db, &storage).await {
                Err(sqlx::Error::PoolClosed) => return,
                Err(err) => tracing::warn!(error = %err, "could not read the deleted files list"),
                Ok(()) => {}
            }
            if Instant::now() >= next_sweep {
                next_sweep = Instant::now() + SWEEP_EVERY;
                if let Err(err) = sweep(&db, &storage).await {
                    tracing::warn!(error = format!("{err:#}"), "could not sweep the file store");
                }
            }
            tokio::select! {
                () = woken.notified() => {}
                () = tokio::time::sleep(POLL_EVERY) => {}
            }
        }
    });
    Collector(wake)
}

async fn collect_garbage(db: &Db, storage: &Storage) -> Result<(), sqlx::Error> {
    if let Db::Postgres(pool) = db {
        // The claimed entries stay locked while their files go: other nodes skip them.
        let mut tx = pool.begin().await?;
        for key in attachments::claim_garbage(&mut tx, 100).await? {
            match storage.delete(&key).await {
                Ok(()) => attachments::forget_garbage(Ex::Postgres(&mut tx), &key).await?,
                Err(err) => tracing::warn!(error = %err, "could not delete a stored file"),
            }
        }
        return tx.commit().await;
    }
    let keys = attachments::garbage(db.reader().await?.ex(), 100).await?;
    for key in keys {
        match storage.delete(&key).await {
            Ok(()) => {
                let mut tx = db.begin().await?;
                attachments::forget_garbage(tx.ex(), &key).await?;
                tx.commit().await?;
            }
            Err(err) => tracing::warn!(error = %err, "could not delete a stored file"),
        }
    }
    Ok(())
}
