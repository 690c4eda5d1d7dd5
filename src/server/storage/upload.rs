//! One file on its way into the store, in constant memory: up to one part is buffered, then
//! parts go out as a multipart upload, two at a time (on a local disk, written into a staged
//! file beside the key). Nothing shows under the key until [`Upload::finish`]; an upload
//! dropped before that is aborted in the background.

use std::io;

use bytes::Bytes;
use object_store::{buffered::BufWriter, path::Path};
use tokio::io::AsyncWriteExt;

use super::{io_error, Storage};

/// The size of one part on S3 (its smallest): smaller files go up in one request.
pub(super) const S3_PART_BYTES: usize = 5 * 1024 * 1024;
/// On a local disk nothing asks for big parts: the file is staged from its first 64 KiB.
pub(super) const LOCAL_PART_BYTES: usize = 64 * 1024;
/// Parts in flight at once; with the one being filled, at most 15 MiB of an upload in memory
/// on S3, 192 KiB on a local disk.
const PARTS_IN_FLIGHT: usize = 2;

pub struct Upload {
    storage: Storage,
    key: String,
    /// `None` once finished or aborted.
    writer: Option<BufWriter>,
}

impl Upload {
    pub(super) fn new(storage: Storage, path: Path) -> Self {
        let key = path.filename().unwrap_or_default().to_owned();
        let writer = BufWriter::with_capacity(storage.store.clone(), path, storage.part_bytes)
            .with_max_concurrency(PARTS_IN_FLIGHT);
        Upload {
            storage,
            key,
            writer: Some(writer),
        }
    }

    pub fn key(&self) -> &str {
        &self.key
    }

    /// Adds `chunk`; waits while the parts in flight are at their limit.
    pub async fn write(&mut self, chunk: Bytes) -> io::Result<()> {
        match &mut self.writer {
            Some(writer) => writer.put(chunk).await.map_err(io_error),
            None => Err(io::Error::other("the upload is over")),
        }
    }

    /// Completes the upload: from now on the file is there, whole, under its key.
    pub async fn finish(mut self) -> io::Result<String> {
        let mut writer = self.writer.take().expect("an upload finishes once");
        // On failure, object_store aborts what went up (or, on a local disk, removes it).
        writer.shutdown().await.map_err(io_error)?;
        self.storage.settle(&self.key).await?;
        Ok(std::mem::take(&mut self.key))
    }

    /// Gives up: whatever went up is removed.
    pub async fn abort(mut self) {
        if let Some(mut writer) = self.writer.take() {
            if let Err(err) = writer.abort().await {
                tracing::warn!(error = %err, "could not abort an upload");
            }
        }
    }
}

impl Drop for Upload {
    /// A request that went away mid-upload (a client gone, a refusal, a timeout).
    fn drop(&mut self) {
        if let Some(mut writer) = self.writer.take() {
            if let Some(root) = &self.storage.local_root {
                super::local::remove_staged_now(root, &self.key);
            }
            if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                runtime.spawn(async move {
                    if let Err(err) = writer.abort().await {
                        tracing::warn!(error = %err, "could not abort an upload");
                    }
                });
            }
        }
    }
}
