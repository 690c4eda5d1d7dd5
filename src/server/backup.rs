//! `tick backup PATH` and `tick restore PATH`: a consistent copy of a live SQLite database
//! (`VACUUM INTO`, while Tick keeps serving) with its attachments and a manifest of them
//! (key, size, SHA-256), and the way back into an empty data directory. PostgreSQL is backed
//! up with its own tools (see the README).

use std::{
    fs,
    io::{self, Read, Write},
    path::{Path, PathBuf},
    str::FromStr,
};

use anyhow::{bail, Context as _};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sqlx::{sqlite::SqliteConnectOptions, Connection as _, SqliteConnection};

use crate::server::{
    config::{Config, StorageUrl},
    hex,
    storage::is_key,
};

const DATABASE: &str = "tick.db";
const MANIFEST: &str = "manifest.json";
/// The folder of a backup that holds the attachment store's `files/`.
const ATTACHMENTS: &str = "attachments";

/// What a backup holds, written beside it.
#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub database: String,
    pub attachments: Vec<StoredFile>,
}

#[derive(Debug, Clone, Serialize, Deserialize, sqlx::FromRow)]
pub struct StoredFile {
    #[sqlx(rename = "storage_key")]
    pub key: String,
    #[sqlx(rename = "size_bytes")]
    pub size: i64,
    pub sha256: String,
}

fn files_dir(root: &Path) -> PathBuf {
    root.join("files")
}

/// The folder of the local attachment store; backups copy local stores only (an S3 bucket is
/// kept safe by the store's own versioning or replication).
fn store_root(config: &Config) -> anyhow::Result<PathBuf> {
    match config.storage_url()? {
        StorageUrl::File(root) => Ok(root),
        StorageUrl::S3 { .. } => bail!(
            "tick backup and restore copy a local attachment store; for S3, use the bucket's \
             versioning or replication (see the README)"
        ),
    }
}

fn sqlite_file(config: &Config) -> anyhow::Result<String> {
    let url = config.database_url()?;
    if !url.starts_with("sqlite:") {
        bail!(
            "tick backup copies SQLite databases; for PostgreSQL use pg_dump and copy the \
             attachments folder (see the README)"
        );
    }
    Ok(url)
}

/// Copies the live database and its attachments to `target`, a directory that must not exist
/// yet (or be empty).
pub async fn backup(config: &Config, target: &Path) -> anyhow::Result<Manifest> {
    let url = sqlite_file(config)?;
    let store = store_root(config)?;
    if target.exists() && fs::read_dir(target)?.next().is_some() {
        bail!(
            "{} is not empty: back up into a new directory",
            target.display()
        );
    }
    fs::create_dir_all(files_dir(&target.join(ATTACHMENTS)))
        .with_context(|| format!("creating {}", target.display()))?;
    let copy = target.join(DATABASE);
    // One consistent snapshot, taken while Tick reads and writes: SQLite copies the database
    // as of one read transaction.
    let options =
        SqliteConnectOptions::from_str(&url)?.busy_timeout(std::time::Duration::from_secs(30));
    let mut live = SqliteConnection::connect_with(&options)
        .await
        .context("opening the database")?;
    sqlx::query("VACUUM INTO $1")
        .bind(copy.to_string_lossy().as_ref())
        .execute(&mut live)
        .await
        .context("copying the database")?;
    live.close().await.ok();

    let mut snapshot = SqliteConnection::connect_with(
        &SqliteConnectOptions::new()
            .filename(&copy)
            .foreign_keys(true),
    )
    .await?;
    let rows: Vec<StoredFile> =
        sqlx::query_as("SELECT storage_key, size_bytes, sha256 FROM attachments ORDER BY id")
            .fetch_all(&mut snapshot)
            .await?;
    let mut attachments = Vec::with_capacity(rows.len());
    for row in rows {
        let source = files_dir(&store).join(&row.key);
        match copy_verified(
            &source,
            &files_dir(&target.join(ATTACHMENTS)).join(&row.key),
            &row,
        ) {
            Ok(()) => attachments.push(row),
            // Deleted (with its row) since the snapshot: the copy forgets it too.
            Err(err) if err.kind() == io::ErrorKind::NotFound => {
                tracing::warn!(key = row.key, "an attachment was deleted during the backup");
                sqlx::query("DELETE FROM attachments WHERE storage_key = $1")
                    .bind(&row.key)
                    .execute(&mut snapshot)
                    .await?;
            }
            Err(err) => return Err(err).with_context(|| format!("copying attachment {}", row.key)),
        }
    }
    // Those files have nothing to collect in the copy.
    sqlx::query("DELETE FROM attachment_garbage")
        .execute(&mut snapshot)
        .await?;
    snapshot.close().await?;
    let manifest = Manifest {
        format: 1,
        database: DATABASE.to_owned(),
        attachments,
    };
    write_synced(
        &target.join(MANIFEST),
        &serde_json::to_vec_pretty(&manifest)?,
    )?;
    Ok(manifest)
}

/// Checks a backup against its manifest, then copies it into `--data-dir`, which must hold no
/// database yet. Tick migrates it (if it is older) when it next starts.
pub fn restore(config: &Config, source: &Path) -> anyhow::Result<Manifest> {
    let store = store_root(config)?;
    let manifest: Manifest = serde_json::from_slice(
        &fs::read(source.join(MANIFEST)).context("reading the backup's manifest")?,
    )
    .context("the backup's manifest is not valid")?;
    if manifest.format != 1 || manifest.database != DATABASE {
        bail!("this backup was made by a newer Tick");
    }
    let database = match &config.database_url {
        None => config.data_dir.join(DATABASE),
        Some(_) => bail!("restore into --data-dir, without --database-url"),
    };
    if database.exists() {
        bail!(
            "{} already holds a database: restore into an empty data directory",
            config.data_dir.display()
        );
    }
    for file in &manifest.attachments {
        if !is_key(&file.key) {
            bail!("the manifest names a file that is not Tick's: {}", file.key);
        }
        let digest = sha256_of(&files_dir(&source.join(ATTACHMENTS)).join(&file.key))
            .with_context(|| format!("reading attachment {}", file.key))?;
        if digest != file.sha256 {
            bail!(
                "attachment {} does not match its checksum: the backup is damaged",
                file.key
            );
        }
    }
    fs::create_dir_all(files_dir(&store))?;
    for file in &manifest.attachments {
        copy_verified(
            &files_dir(&source.join(ATTACHMENTS)).join(&file.key),
            &files_dir(&store).join(&file.key),
            file,
        )?;
    }
    // The database last, by rename: a restore cut short leaves no database behind.
    let partial = config.data_dir.join(format!("{DATABASE}.restoring"));
    fs::copy(source.join(DATABASE), &partial).context("copying the database")?;
    fs::File::open(&partial)?.sync_all()?;
    fs::rename(&partial, &database)?;
    Ok(manifest)
}

/// Copies `from` to `to`, checking size and SHA-256 against `expected`; fsyncs the copy.
fn copy_verified(from: &Path, to: &Path, expected: &StoredFile) -> io::Result<()> {
    let mut input = fs::File::open(from)?;
    let mut output = fs::File::create(to)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 256 * 1024];
    let mut size = 0i64;
    loop {
        let read = input.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
        output.write_all(&buffer[..read])?;
        size += read as i64;
    }
    output.sync_all()?;
    if size != expected.size || hex::encode(&hasher.finalize()) != expected.sha256 {
        let _ = fs::remove_file(to);
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "{} does not match its recorded size and checksum",
                from.display()
            ),
        ));
    }
    Ok(())
}

fn sha256_of(path: &Path) -> io::Result<String> {
    let mut input = fs::File::open(path)?;
    let mut hasher = Sha256::new();
    io::copy(&mut input, &mut hasher)?;
    Ok(hex::encode(&hasher.finalize()))
}

fn write_synced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = fs::File::create(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}
