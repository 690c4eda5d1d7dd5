//! Attachments: list, read, delete, and uploads (streamed in, limits checked as the bytes
//! arrive, the quota enforced again in the transaction that records them). The collector that
//! deletes the files of deleted rows lives in [`collector`].

pub mod collector;
mod upload;

use crate::{
    domain::{Attachment, TodoId, UserId},
    error::AppError,
    server::{
        db::{attachments, attachments::Stored, lists::ListRef},
        events::{Kind, What},
        state::AppState,
    },
};

use super::{commit, lists};

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

/// One to-do's attachments (on the list `within`, when given); 404 when the user cannot see
/// the to-do.
pub async fn list_for_todo(
    state: &AppState,
    user: UserId,
    todo: TodoId,
    within: Option<ListRef>,
) -> Result<Vec<Attachment>, AppError> {
    let mut conn = state.db.reader().await?;
    let access = lists::access_to_todo(conn.ex(), user, todo, within).await?;
    Ok(attachments::list(conn.ex(), &access, Some(todo)).await?)
}

/// One attachment the user can see, with where its bytes are; `todo`, when given, must be the
/// to-do it belongs to, and `within` the list.
pub async fn get(
    state: &AppState,
    user: UserId,
    id: i64,
    todo: Option<TodoId>,
    within: Option<ListRef>,
) -> Result<Stored, AppError> {
    let mut conn = state.db.reader().await?;
    let access = lists::access_to_attachment(conn.ex(), user, id, within).await?;
    attachments::get(conn.ex(), &access, id)
        .await?
        .filter(|stored| todo.is_none_or(|todo| stored.todo_id == todo.0))
        .ok_or(AppError::AttachmentNotFound)
}

/// Deletes one attachment from a list the user may change; its file follows soon after.
pub async fn delete(
    state: &AppState,
    user: UserId,
    id: i64,
    within: Option<ListRef>,
) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    let access = lists::access_to_attachment(tx.ex(), user, id, within).await?;
    lists::can_edit(&access)?;
    if !attachments::delete(tx.ex(), &access, id).await? {
        return Err(AppError::AttachmentNotFound);
    }
    let what = What::new(Kind::AttachmentsDeleted, [id]);
    commit(state, tx, access.list, &[], what).await?;
    state.collector.wake();
    Ok(())
}
