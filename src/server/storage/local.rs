//! Storage in a local folder: `<root>/files/<key>` for stored files, `<root>/tmp/` for uploads
//! in progress. A commit is an fsync and a rename, so a file is either whole or absent.

use std::{
    io,
    ops::Range,
    path::{Path, PathBuf},
};

use async_trait::async_trait;
use tokio::io::{AsyncReadExt, AsyncSeekExt};
use tokio_util::io::ReaderStream;

use super::{new_key, ByteStream, Staged, Storage};

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
        // Keys are ours (hex); anything else is refused rather than joined into a path.
        if key.is_empty() || !key.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "not a storage key",
            ));
        }
        Ok(self.files.join(key))
    }
}

#[async_trait]
impl Storage for LocalStorage {
    async fn stage(&self) -> io::Result<Staged> {
        let path = self.tmp.join(format!("{}.part", new_key()));
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

    async fn discard(&self, staged: &Path) {
        if let Err(err) = tokio::fs::remove_file(staged).await {
            if err.kind() != io::ErrorKind::NotFound {
                tracing::warn!(error = %err, path = %staged.display(), "could not remove a staged upload");
            }
        }
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

    async fn keys(&self) -> io::Result<Vec<String>> {
        let mut keys = Vec::new();
        let mut entries = tokio::fs::read_dir(&self.files).await?;
        while let Some(entry) = entries.next_entry().await? {
            if let Some(name) = entry.file_name().to_str() {
                keys.push(name.to_owned());
            }
        }
        Ok(keys)
    }

    async fn remove_leftovers(&self) -> io::Result<usize> {
        let mut removed = 0;
        let mut entries = tokio::fs::read_dir(&self.tmp).await?;
        while let Some(entry) = entries.next_entry().await? {
            tokio::fs::remove_file(entry.path()).await?;
            removed += 1;
        }
        Ok(removed)
    }
}
