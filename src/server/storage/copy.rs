//! `tick storage copy --from … --to …`: every stored file of one store copied to another,
//! checked against the SHA-256 the database recorded for it (or, for a file without a row,
//! against the source's own bytes), then read back from the target and checked again. Files
//! already in the target and whole are skipped, so running it again resumes.

use std::collections::HashMap;

use anyhow::{bail, Context as _};
use futures_util::TryStreamExt;
use sha2::{Digest, Sha256};

use crate::server::{
    config::{Config, StorageUrl},
    db::{attachments, Db, DbTimeouts},
    hex,
};

use super::Storage;

/// What a copy did.
#[derive(Debug, Default, Clone, Copy)]
pub struct Copied {
    /// Files copied and checked.
    pub copied: usize,
    /// Files already in the target with the right bytes.
    pub skipped: usize,
}

pub async fn copy(config: &Config, from: &StorageUrl, to: &StorageUrl) -> anyhow::Result<Copied> {
    if from == to {
        bail!("--from and --to are the same store");
    }
    let timeouts = DbTimeouts {
        acquire: config.db_acquire_timeout.0,
        statement: config.db_statement_timeout.0,
    };
    let db = Db::connect(&config.database_url()?, timeouts).await?;
    let recorded: HashMap<String, String> = {
        let mut conn = db.reader().await?;
        attachments::recorded_files(conn.ex())
            .await?
            .into_iter()
            .map(|(key, _, sha256)| (key, sha256))
            .collect()
    };
    db.close().await;
    let source = Storage::open(from, &config.s3).await?;
    let target = Storage::open(to, &config.s3).await?;
    let mut done = Copied::default();
    for (key, _) in source.keys().await.context("listing the source")? {
        let expected = match recorded.get(&key) {
            Some(sha256) => sha256.clone(),
            None => sha256_of(&source, &key).await?,
        };
        if target.size(&key).await?.is_some() && sha256_of(&target, &key).await? == expected {
            done.skipped += 1;
            continue;
        }
        copy_one(&source, &target, &key, &expected).await?;
        done.copied += 1;
        tracing::info!(key, "copied");
    }
    Ok(done)
}

async fn copy_one(
    source: &Storage,
    target: &Storage,
    key: &str,
    expected: &str,
) -> anyhow::Result<()> {
    let mut upload = target.upload(key)?;
    let mut bytes = source.read(key, None).await?;
    let mut hasher = Sha256::new();
    while let Some(chunk) = bytes.try_next().await? {
        hasher.update(&chunk);
        upload.write(chunk).await?;
    }
    if hex::encode(&hasher.finalize()) != expected {
        upload.abort().await;
        bail!("{key} in the source does not match its recorded SHA-256: not copied");
    }
    upload.finish().await?;
    if sha256_of(target, key).await? != expected {
        target.delete(key).await?;
        bail!("{key} changed on its way to the target: try again");
    }
    Ok(())
}

async fn sha256_of(storage: &Storage, key: &str) -> anyhow::Result<String> {
    let mut bytes = storage.read(key, None).await?;
    let mut hasher = Sha256::new();
    while let Some(chunk) = bytes.try_next().await? {
        hasher.update(&chunk);
    }
    Ok(hex::encode(&hasher.finalize()))
}
