//! File storage behind one interface. The default keeps files in a folder of the data
//! directory; an S3-compatible object store fits the same trait (stage to a local temporary
//! file, then upload it on `commit`), for example through the `object_store` crate.

mod local;
pub mod sniff;

use std::{io, ops::Range, path::PathBuf, pin::Pin, time::Duration};

use async_trait::async_trait;
use bytes::Bytes;
use futures_util::Stream;

pub use local::LocalStorage;

/// The bytes of a stored file (or of part of it), as a stream.
pub type ByteStream = Pin<Box<dyn Stream<Item = io::Result<Bytes>> + Send>>;

/// A file being uploaded: a local temporary file, never visible under a key until
/// [`Storage::commit`]. Whoever stages it removes it if it is not committed.
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
    /// The bytes of `key` in `range` (the whole file when `None`).
    async fn read(&self, key: &str, range: Option<Range<u64>>) -> io::Result<ByteStream>;
    /// Deletes `key`; deleting what is not there is not an error.
    async fn delete(&self, key: &str) -> io::Result<()>;
    /// Removes staged files older than `grace` (left by a crash or a kill) and returns how
    /// many; anything the store did not make is left alone.
    async fn remove_stale_staged(&self, grace: Duration) -> io::Result<usize>;
    /// The keys of stored files older than `grace`.
    async fn keys_older_than(&self, grace: Duration) -> io::Result<Vec<String>>;
}

/// A new storage key: 128 random bits in hex. Never derived from anything the client sent.
pub fn new_key() -> String {
    crate::server::hex::random::<16>()
}

/// Whether `name` could be a key [`new_key`] made.
pub fn is_key(name: &str) -> bool {
    name.len() == 32 && name.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}
