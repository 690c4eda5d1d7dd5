//! Server functions for attachments: list and delete. Uploads and downloads are plain HTTP
//! routes (`server/attachments`), since they stream.

use leptos::prelude::*;

use crate::{domain::Attachment, error::AppError};

#[cfg(feature = "ssr")]
use crate::server::{auth::require_user, services::attachments, state::AppState};

/// All of the signed-in user's attachments.
#[server(prefix = "/fn", endpoint = "attachments/list")]
pub async fn list_attachments() -> Result<Vec<Attachment>, AppError> {
    let user = require_user()?.id;
    attachments::list(&AppState::from_context()?, user).await
}

/// Deletes one attachment and, soon after, its file.
#[server(prefix = "/fn", endpoint = "attachments/delete")]
pub async fn delete_attachment(id: i64) -> Result<(), AppError> {
    let user = require_user()?.id;
    attachments::delete(&AppState::from_context()?, user, id).await
}
