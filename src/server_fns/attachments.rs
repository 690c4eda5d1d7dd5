//! Server functions for attachments: delete. Uploads and downloads are plain HTTP
//! routes (`server/attachments`), since they stream.

use leptos::prelude::*;

use crate::error::AppError;

#[cfg(feature = "ssr")]
use crate::server::{auth::require_user, services::attachments, state::AppState};

/// Deletes one attachment and, soon after, its file.
#[server(prefix = "/fn", endpoint = "attachments/delete")]
pub async fn delete_attachment(id: i64) -> Result<(), AppError> {
    let user = require_user()?.id;
    attachments::delete(&AppState::from_context()?, user, id, None).await
}
