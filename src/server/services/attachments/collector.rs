//! Files without rows: the files of deleted attachments (the database lists them in
//! `attachment_garbage`), and what a crash leaves behind (staged uploads, and files put in
//! place whose transaction never committed). The last two are removed only once they are
//! older than [`GRACE`]: until then an upload may still be on its way, in this process or in
//! another sharing the store.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use tokio::sync::Notify;

use crate::server::{
    db::{attachments, Db},
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
/// went. Entries Tick did not make are left alone (the store says so in the log).
pub async fn sweep(db: &Db, storage: &Storage) -> anyhow::Result<(usize, usize)> {
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
