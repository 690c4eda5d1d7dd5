//! Attachments: list, read, delete, and uploads (streamed in, limits checked as the bytes
//! arrive, the quota enforced again in the transaction that records them). The collector that
//! deletes the files of deleted rows lives in [`collector`].

pub mod collector;
mod upload;

use crate::{
    domain::{Attachment, TodoId, UserId},
    error::AppError,
    server::{
        db::{attachments, attachments::Stored, todos},
        events::{Kind, What},
        state::AppState,
    },
};

use super::commit;

pub use collector::Collector;
pub use upload::{bytes_label, upload};

/// Upload limits, each a setting.
#[derive(Debug, Clone, Copy)]
pub struct FileLimits {
    pub max_file_bytes: u64,
    pub user_quota_bytes: u64,
    pub max_files_per_upload: usize,
}

impl FileLimits {
    /// The largest upload request: every allowed file and the multipart framing around them.
    pub fn request_limit(&self) -> usize {
        let bytes = self
            .max_file_bytes
            .saturating_mul(self.max_files_per_upload as u64)
            .saturating_add(1024 * 1024);
        usize::try_from(bytes).unwrap_or(usize::MAX)
    }
}

/// All of the user's attachments, by to-do.
pub async fn list(state: &AppState, user: UserId) -> Result<Vec<Attachment>, AppError> {
    let mut conn = state.db.reader().await?;
    Ok(attachments::list(conn.ex(), user, None).await?)
}

/// One to-do's attachments; 404 when the to-do is not the user's.
pub async fn list_for_todo(
    state: &AppState,
    user: UserId,
    todo: TodoId,
) -> Result<Vec<Attachment>, AppError> {
    let mut conn = state.db.reader().await?;
    todos::get(conn.ex(), user, todo)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(attachments::list(conn.ex(), user, Some(todo)).await?)
}

/// One of the user's attachments, with where its bytes are; `todo`, when given, must be the
/// to-do it belongs to.
pub async fn get(
    state: &AppState,
    user: UserId,
    id: i64,
    todo: Option<TodoId>,
) -> Result<Stored, AppError> {
    let mut conn = state.db.reader().await?;
    attachments::get(conn.ex(), user, id)
        .await?
        .filter(|stored| todo.is_none_or(|todo| stored.todo_id == todo.0))
        .ok_or(AppError::AttachmentNotFound)
}

/// Deletes one attachment; its file follows soon after.
pub async fn delete(state: &AppState, user: UserId, id: i64) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    if !attachments::delete(tx.ex(), user, id).await? {
        return Err(AppError::AttachmentNotFound);
    }
    commit(state, tx, user, What::new(Kind::AttachmentsDeleted, [id])).await?;
    state.collector.wake();
    Ok(())
}
