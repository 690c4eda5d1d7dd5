//! Storage in a local folder: `<root>/files/<key>` for stored files, `<root>/tmp/<key>.part` for
//! uploads in progress. A commit is an fsync and a rename, so a file is either whole or absent.
//! Entries that Tick did not make (`lost+found`, a stray folder) are left alone.

use std::{
    io,
    ops::Range,
    path::{Path, PathBuf},
    time::{Duration, SystemTime},
};

use async_trait::async_trait;
use tokio::io::{AsyncReadExt, AsyncSeekExt};
use tokio_util::io::ReaderStream;

use super::{is_key, new_key, ByteStream, Staged, Storage};

/// The suffix of staged files.
const STAGED: &str = ".part";

pub struct LocalStorage {
    files: PathBuf,
    tmp: PathBuf,
}

impl LocalStorage {
    /// Uses (and creates) `root/files` and `root/tmp`.
    pub async fn open(root: &Path) -> io::Result<Self> {
        let storage = Self {
            files: root.join("files"),
            tmp: root.join("tmp"),
        };
        tokio::fs::create_dir_all(&storage.files).await?;
        tokio::fs::create_dir_all(&storage.tmp).await?;
        Ok(storage)
    }

    fn path_of(&self, key: &str) -> io::Result<PathBuf> {
        // Keys are ours; anything else is refused rather than joined into a path.
        if !is_key(key) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "not a storage key",
            ));
        }
        Ok(self.files.join(key))
    }
}

/// The plain files of `dir` that `ours` accepts by name and that are older than `grace`; other
/// entries are reported in the log and skipped.
async fn old_entries(
    dir: &Path,
    grace: Duration,
    ours: impl Fn(&str) -> bool,
) -> io::Result<Vec<(PathBuf, String)>> {
    let mut found = Vec::new();
    let mut entries = tokio::fs::read_dir(dir).await?;
    let now = SystemTime::now();
    while let Some(entry) = entries.next_entry().await? {
        let name = entry.file_name().to_string_lossy().into_owned();
        let metadata = entry.metadata().await?;
        if !metadata.is_file() || !ours(&name) {
            tracing::warn!(path = %entry.path().display(), "not a file Tick made: left alone");
            continue;
        }
        let age = metadata
            .modified()
            .ok()
            .and_then(|modified| now.duration_since(modified).ok())
            .unwrap_or_default();
        if age >= grace {
            found.push((entry.path(), name));
        }
    }
    Ok(found)
}

#[async_trait]
impl Storage for LocalStorage {
    async fn stage(&self) -> io::Result<Staged> {
        let path = self.tmp.join(format!("{}{STAGED}", new_key()));
        let file = tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
            .await?;
        Ok(Staged { path, file })
    }

    async fn commit(&self, staged: &Path, key: &str) -> io::Result<()> {
        let target = self.path_of(key)?;
        tokio::fs::rename(staged, &target).await?;
        // The rename itself must reach the disk too.
        let dir = self.files.clone();
        tokio::task::spawn_blocking(move || std::fs::File::open(dir)?.sync_all())
            .await
            .map_err(io::Error::other)?
    }

    async fn read(&self, key: &str, range: Option<Range<u64>>) -> io::Result<ByteStream> {
        let mut file = tokio::fs::File::open(self.path_of(key)?).await?;
        Ok(match range {
            Some(range) => {
                file.seek(io::SeekFrom::Start(range.start)).await?;
                Box::pin(ReaderStream::new(file.take(range.end - range.start)))
            }
            None => Box::pin(ReaderStream::new(file)),
        })
    }

    async fn delete(&self, key: &str) -> io::Result<()> {
        match tokio::fs::remove_file(self.path_of(key)?).await {
            Err(err) if err.kind() != io::ErrorKind::NotFound => Err(err),
            _ => Ok(()),
        }
    }

    async fn remove_stale_staged(&self, grace: Duration) -> io::Result<usize> {
        let is_staged = |name: &str| name.strip_suffix(STAGED).is_some_and(is_key);
        let stale = old_entries(&self.tmp, grace, is_staged).await?;
        for (path, _) in &stale {
            match tokio::fs::remove_file(path).await {
                Err(err) if err.kind() != io::ErrorKind::NotFound => return Err(err),
                _ => {}
            }
        }
        Ok(stale.len())
    }

    async fn keys_older_than(&self, grace: Duration) -> io::Result<Vec<String>> {
        let old = old_entries(&self.files, grace, is_key).await?;
        Ok(old.into_iter().map(|(_, key)| key).collect())
    }
}
