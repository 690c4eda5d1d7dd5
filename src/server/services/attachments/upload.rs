//! An upload: every file of a multipart form streamed into the store under a new key (limits
//! and the quota checked as bytes arrive; nothing shows under the key until the file is
//! whole), then recorded in one transaction that checks the quota again against what is
//! stored, so parallel uploads can never take a list's owner past it (files on a shared list
//! count against its owner's). Files go in place before the transaction, never inside it: an
//! upload must not hold the database's writer. Whatever fails, nothing is left behind:
//! unfinished uploads are aborted, and files put in place without rows are deleted again (or,
//! after a crash, swept by the collector once they are older than its grace period).

use axum::{extract::Multipart, http::StatusCode};
use sha2::{Digest, Sha256};

use crate::{
    domain::{clean_file_name, Attachment, TodoId, UserId},
    error::AppError,
    server::{
        db::{
            attachments::{self, NewAttachment},
            lists::ListRef,
            users,
        },
        events::{Kind, What},
        hex,
        refusals::Refusal,
        services::{commit, lists},
        state::AppState,
        storage::{new_key, sniff, Storage, Upload},
    },
};

use super::FileLimits;

/// The form field that carries files.
const FILE_FIELD: &str = "file";
/// All other fields of an upload together may hold this much.
const OTHER_FIELDS_BYTES: u64 = 64 * 1024;

/// Stores the files of `multipart` on to-do `todo` (on the list `within`, when given), of a
/// list the user may change.
pub async fn upload(
    state: &AppState,
    user: UserId,
    todo: TodoId,
    within: Option<ListRef>,
    multipart: Multipart,
) -> Result<Vec<Attachment>, AppError> {
    let limits = state.file_limits;
    // Early answers, before any bytes are read: no such to-do, or not the user's to change;
    // and the owner's stored total, so an upload over the quota stops as soon as it goes over.
    let already_used = {
        let mut conn = state.db.reader().await?;
        let access = lists::writable_todo(conn.ex(), user, todo, within).await?;
        u64::try_from(attachments::used_bytes(conn.ex(), access.owner).await?).unwrap_or(0)
    };
    let mut staging = Staging::new(state.storage.clone());
    let files = receive(&mut staging, multipart, limits, already_used).await?;
    if files.is_empty() {
        return Err(Refusal::NoFile.into());
    }
    let recorded = record(state, user, todo, within, &files, limits).await?;
    staging.done();
    Ok(recorded)
}

/// Records the placed files, in one transaction that holds the list owner's row while it checks
/// the quota against what is stored.
async fn record(
    state: &AppState,
    user: UserId,
    todo: TodoId,
    within: Option<ListRef>,
    files: &[NewAttachment],
    limits: FileLimits,
) -> Result<Vec<Attachment>, AppError> {
    let mut tx = state.db.begin().await?;
    let access = lists::writable_todo(tx.ex(), user, todo, within).await?;
    if !users::lock(tx.ex(), access.owner).await? {
        return Err(AppError::NotFound);
    }
    let used = u64::try_from(attachments::used_bytes(tx.ex(), access.owner).await?).unwrap_or(0);
    let adding: u64 = files
        .iter()
        .map(|file| u64::try_from(file.size_bytes).unwrap_or(0))
        .sum();
    if used.saturating_add(adding) > limits.user_quota_bytes {
        return Err(over_quota(limits));
    }
    let mut recorded = Vec::with_capacity(files.len());
    for file in files {
        let attachment = attachments::insert(tx.ex(), &access, todo, file)
            .await?
            .ok_or(AppError::NotFound)?;
        recorded.push(attachment);
    }
    let what = What::new(Kind::AttachmentsAdded, recorded.iter().map(|a| a.id)).on_todo(todo.0);
    commit(state, tx, access.list, &[], what).await?;
    Ok(recorded)
}

/// Streams every file field into the store, checking the limits as the bytes arrive.
async fn receive(
    staging: &mut Staging,
    mut multipart: Multipart,
    limits: FileLimits,
    already_used: u64,
) -> Result<Vec<NewAttachment>, AppError> {
    let mut files = Vec::new();
    let (mut received, mut other_bytes) = (0u64, 0u64);
    while let Some(mut field) = multipart.next_field().await.map_err(unreadable)? {
        if field.name() != Some(FILE_FIELD) {
            // Read and counted, not kept: no field may make a request big for free.
            while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
                other_bytes += chunk.len() as u64;
                if other_bytes > OTHER_FIELDS_BYTES {
                    return Err(Refusal::FieldsTooLarge.into());
                }
            }
            continue;
        }
        let named = field.file_name().is_some_and(|name| !name.is_empty());
        let file_name = clean_file_name(field.file_name().unwrap_or_default());
        if files.len() == limits.max_files_per_upload {
            return Err(Refusal::TooManyFiles(limits.max_files_per_upload).into());
        }
        // Dropped on any early return: the unfinished upload is aborted.
        let mut file = staging.storage.upload(&new_key())?;
        let mut hasher = Sha256::new();
        let mut head: Vec<u8> = Vec::with_capacity(sniff::SNIFF_LEN);
        let mut size = 0u64;
        while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
            size += chunk.len() as u64;
            if size > limits.max_file_bytes {
                return Err(Refusal::FileTooBig(limits.max_file_bytes).into());
            }
            if already_used + received + size > limits.user_quota_bytes {
                return Err(over_quota(limits));
            }
            if head.len() < sniff::SNIFF_LEN {
                let take = (sniff::SNIFF_LEN - head.len()).min(chunk.len());
                head.extend_from_slice(&chunk[..take]);
            }
            hasher.update(&chunk);
            file.write(chunk).await?;
        }
        // A form sent with no file chosen has one empty, nameless part: not a file.
        if size == 0 && !named {
            file.abort().await;
            continue;
        }
        let storage_key = staging.finish(file).await?;
        received += size;
        files.push(NewAttachment {
            storage_key,
            file_name,
            content_type: sniff::content_type(&head).to_owned(),
            size_bytes: i64::try_from(size).unwrap_or(i64::MAX),
            sha256: hex::encode(&hasher.finalize()),
        });
    }
    Ok(files)
}

fn over_quota(limits: FileLimits) -> AppError {
    Refusal::OverQuota(limits.user_quota_bytes).into()
}

fn unreadable(err: axum::extract::multipart::MultipartError) -> AppError {
    if err.status() == StatusCode::PAYLOAD_TOO_LARGE {
        Refusal::UploadTooLarge.into()
    } else {
        // A client that went away halfway (or stalled past the upload timeout), or a form
        // that is not valid multipart (such as a file name with a NUL byte).
        tracing::info!(error = %err, "an upload could not be read");
        Refusal::UnreadableUpload.into()
    }
}

/// `25 MiB`, `1 GiB`.
pub fn bytes_label(bytes: u64) -> String {
    const GIB: u64 = 1024 * 1024 * 1024;
    const MIB: u64 = 1024 * 1024;
    if bytes >= GIB && bytes.is_multiple_of(GIB) {
        format!("{} GiB", bytes / GIB)
    } else if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= 1024 && bytes.is_multiple_of(1024) {
        format!("{} KiB", bytes / 1024)
    } else {
        format!("{bytes} bytes")
    }
}

/// The files of one upload put in place and not yet recorded. Whatever has not been recorded
/// when it is dropped is deleted again in the background. That covers every way out, a
/// dropped request (a client gone, a timeout) included.
struct Staging {
    storage: Storage,
    /// Keys put in place, not yet recorded.
    placed: Vec<String>,
}

impl Staging {
    fn new(storage: Storage) -> Self {
        Staging {
            storage,
            placed: Vec::new(),
        }
    }

    /// Finishes `upload`: the file is in place, and tracked until it is recorded.
    async fn finish(&mut self, upload: Upload) -> Result<String, AppError> {
        let key = upload.finish().await?;
        self.placed.push(key.clone());
        Ok(key)
    }

    /// Everything is recorded: nothing to clean up.
    fn done(mut self) {
        self.placed.clear();
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.placed.is_empty() {
            let (storage, keys) = (self.storage.clone(), std::mem::take(&mut self.placed));
            tokio::spawn(async move {
                for key in keys {
                    if let Err(err) = storage.delete(&key).await {
                        tracing::warn!(error = %err, "could not remove an unrecorded file");
                    }
                }
            });
        }
    }
}
