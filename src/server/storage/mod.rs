//! Attachment bytes behind one interface over `object_store`: a local folder
//! (`LocalFileSystem`) or an S3-compatible bucket (`AmazonS3`). Each file is the object
//! `[prefix/]files/<key>`; it appears whole, when its upload finishes, or not at all.

mod copy;
mod local;
pub mod sniff;
mod upload;

use std::{
    io,
    ops::Range,
    path::PathBuf,
    pin::Pin,
    sync::Arc,
    time::{Duration, SystemTime},
};

use anyhow::Context as _;
use bytes::Bytes;
use futures_util::{Stream, StreamExt, TryStreamExt};
use object_store::{
    aws::AmazonS3Builder, local::LocalFileSystem, path::Path, GetOptions, GetRange, ObjectStore,
};

use crate::server::config::{S3Settings, StorageUrl};

pub use copy::copy;
pub use upload::Upload;

/// The bytes of a stored file (or of part of it), as a stream.
pub type ByteStream = Pin<Box<dyn Stream<Item = io::Result<Bytes>> + Send>>;

/// The folder (object prefix) that holds stored files.
const FILES: &str = "files";

/// One store. Cheap to clone.
#[derive(Clone)]
pub struct Storage {
    store: Arc<dyn ObjectStore>,
    /// `[prefix/]files`.
    files: Path,
    /// The folder, for a local store (what only a local store can do: fsync, staged files).
    local_root: Option<PathBuf>,
    /// How much of an upload is buffered before it goes out as one part.
    part_bytes: usize,
    url: StorageUrl,
}

/// Only where the store is: the S3 client's `Debug` would show its credentials.
impl std::fmt::Debug for Storage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Storage({})", self.url)
    }
}

impl Storage {
    /// Opens the store at `url` (creating a local folder), and checks that it answers.
    pub async fn open(url: &StorageUrl, s3: &S3Settings) -> anyhow::Result<Self> {
        let storage = match url {
            StorageUrl::File(root) => {
                tokio::fs::create_dir_all(root.join(FILES))
                    .await
                    .with_context(|| format!("creating {}", root.display()))?;
                Storage {
                    store: Arc::new(LocalFileSystem::new_with_prefix(root)?),
                    files: Path::from(FILES),
                    local_root: Some(root.clone()),
                    part_bytes: upload::LOCAL_PART_BYTES,
                    url: url.clone(),
                }
            }
            StorageUrl::S3 { bucket, prefix } => {
                let mut builder = AmazonS3Builder::from_env().with_bucket_name(bucket);
                if let Some(endpoint) = &s3.endpoint {
                    builder = builder.with_endpoint(endpoint);
                }
                if let Some(region) = &s3.region {
                    builder = builder.with_region(region);
                }
                if let Some(key) = &s3.access_key_id {
                    builder = builder.with_access_key_id(key.expose());
                }
                if let Some(secret) = &s3.secret_access_key {
                    builder = builder.with_secret_access_key(secret.expose());
                }
                Storage {
                    store: Arc::new(builder.with_allow_http(s3.allow_http).build()?),
                    files: Path::from(prefix.as_str()).child(FILES),
                    local_root: None,
                    part_bytes: upload::S3_PART_BYTES,
                    url: url.clone(),
                }
            }
        };
        // A wrong bucket, endpoint or key shows at start-up, not at the first upload.
        storage
            .store
            .list_with_delimiter(Some(&storage.files))
            .await
            .with_context(|| format!("reaching the store {url}"))?;
        Ok(storage)
    }

    pub fn url(&self) -> &StorageUrl {
        &self.url
    }

    fn path_of(&self, key: &str) -> io::Result<Path> {
        // Keys are ours; anything else is refused rather than made into a path.
        if !is_key(key) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "not a storage key",
            ));
        }
        Ok(self.files.child(key))
    }

    /// A new upload to `key`, which shows nothing until [`Upload::finish`].
    pub fn upload(&self, key: &str) -> io::Result<Upload> {
        Ok(Upload::new(self.clone(), self.path_of(key)?))
    }

    /// The bytes of `key` in `range` (the whole file when `None`).
    pub async fn read(&self, key: &str, range: Option<Range<u64>>) -> io::Result<ByteStream> {
        let options = GetOptions {
            range: range.map(GetRange::Bounded),
            ..GetOptions::default()
        };
        let found = self
            .store
            .get_opts(&self.path_of(key)?, options)
            .await
            .map_err(io_error)?;
        Ok(Box::pin(found.into_stream().map_err(io_error)))
    }

    /// The size of `key`, or `None` when there is no such file.
    pub async fn size(&self, key: &str) -> io::Result<Option<u64>> {
        match self.store.head(&self.path_of(key)?).await {
            Ok(meta) => Ok(Some(meta.size)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(err) => Err(io_error(err)),
        }
    }

    /// Deletes `key`; deleting what is not there is not an error.
    pub async fn delete(&self, key: &str) -> io::Result<()> {
        match self.store.delete(&self.path_of(key)?).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(err) => Err(io_error(err)),
        }
    }

    /// Every stored key with its age; names Tick did not make are reported and skipped.
    pub async fn keys(&self) -> io::Result<Vec<(String, Duration)>> {
        let now = SystemTime::now();
        let mut found = Vec::new();
        let mut listing = self.store.list(Some(&self.files));
        while let Some(meta) = listing.next().await {
            let meta = meta.map_err(io_error)?;
            match meta.location.filename() {
                Some(name) if is_key(name) => {
                    let modified: SystemTime = meta.last_modified.into();
                    let age = now.duration_since(modified).unwrap_or_default();
                    found.push((name.to_owned(), age));
                }
                _ => tracing::warn!(object = %meta.location, "not a file Tick made: left alone"),
            }
        }
        Ok(found)
    }

    /// The keys of stored files older than `grace`.
    pub async fn keys_older_than(&self, grace: Duration) -> io::Result<Vec<String>> {
        let keys = self.keys().await?;
        Ok(keys
            .into_iter()
            .filter(|(_, age)| *age >= grace)
            .map(|(key, _)| key)
            .collect())
    }

    /// Removes unfinished uploads older than `grace` (left by a crash or a kill) and returns
    /// how many. On S3 an unfinished multipart upload is invisible and aborted when it fails;
    /// after a crash the bucket's `AbortIncompleteMultipartUpload` lifecycle rule removes it.
    pub async fn remove_stale_staged(&self, grace: Duration) -> io::Result<usize> {
        match &self.local_root {
            Some(root) => local::remove_stale_staged(root, grace).await,
            None => Ok(0),
        }
    }

    /// After an upload finishes: on a local disk, makes the file and its name durable.
    async fn settle(&self, key: &str) -> io::Result<()> {
        match &self.local_root {
            Some(root) => local::sync(root.join(FILES), key).await,
            None => Ok(()),
        }
    }
}

/// An `object_store` error as an I/O error of the kind underneath it (a full disk stays
/// `StorageFull`, so the client gets 507), with the whole chain as its message.
pub fn io_error(err: impl std::error::Error + Send + Sync + 'static) -> io::Error {
    let mut kind = io::ErrorKind::Other;
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(&err);
    while let Some(current) = cause {
        if let Some(io) = current.downcast_ref::<io::Error>() {
            if io.kind() != io::ErrorKind::Other {
                kind = io.kind();
            }
            // An io::Error's inner error is not its source(): look inside it too.
            if let Some(inner) = io.get_ref() {
                cause = Some(inner);
                continue;
            }
        }
        if let Some(object_store::Error::NotFound { .. }) = current.downcast_ref() {
            kind = io::ErrorKind::NotFound;
        }
        cause = current.source();
    }
    io::Error::new(kind, err)
}

/// A new storage key: 128 random bits in hex. Never derived from anything the client sent.
pub fn new_key() -> String {
    crate::server::hex::random::<16>()
}

/// Whether `name` could be a key [`new_key`] made.
pub fn is_key(name: &str) -> bool {
    name.len() == 32 && name.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}
