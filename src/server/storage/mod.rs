//! File storage behind one interface. The default keeps files in a folder of the data
//! directory; an S3-compatible object store fits the same trait (stage to a local temporary
//! file, then upload it on `commit`), for example through the `object_store` crate.

mod local;
pub mod sniff;

use std::{io, ops::Range, path::PathBuf, pin::Pin};

use async_trait::async_trait;
use bytes::Bytes;
use futures_util::Stream;

pub use local::LocalStorage;

/// The bytes of a stored file (or of part of it), as a stream.
pub type ByteStream = Pin<Box<dyn Stream<Item = io::Result<Bytes>> + Send>>;

/// A file being uploaded: written to a temporary file first, never visible under a key
/// until [`Storage::commit`].
pub struct Staged {
    pub path: PathBuf,
    pub file: tokio::fs::File,
}

#[async_trait]
pub trait Storage: Send + Sync + 'static {
    /// A new temporary file to stream an upload into.
    async fn stage(&self) -> io::Result<Staged>;
    /// Makes a fully written, flushed staged file the content of `key`, atomically.
    async fn commit(&self, staged: &std::path::Path, key: &str) -> io::Result<()>;
    /// Drops a staged file (a failed or refused upload).
    async fn discard(&self, staged: &std::path::Path);
    /// The bytes of `key` in `range` (the whole file when `None`).
    async fn read(&self, key: &str, range: Option<Range<u64>>) -> io::Result<ByteStream>;
    /// Deletes `key`; deleting what is not there is not an error.
    async fn delete(&self, key: &str) -> io::Result<()>;
    /// Removes what a crash or a kill left half-written. Run at start-up.
    async fn remove_leftovers(&self) -> io::Result<usize>;
    /// Every stored key (for the start-up check against the database).
    async fn keys(&self) -> io::Result<Vec<String>>;
}

/// A new storage key: 128 random bits in hex. Never derived from anything the client sent.
pub fn new_key() -> String {
    crate::server::hex::random::<16>()
}
