//! `/api/v1/todos/{id}/attachments`: list, upload (multipart), download and delete a to-do's
//! files through the API, with the same limits and rules as the web page.

use axum::{
    extract::{Multipart, Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    domain::{Attachment, TodoId, UserId},
    error::AppError,
    server::{
        attachments::{serve, with_upload_limits},
        db::attachments::Stored,
        services::attachments,
        state::AppState,
    },
};

use super::{
    auth::{ApiUser, BaseUrl},
    error::{ApiError, ErrorBody},
};

/// An attachment as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiAttachment {
    pub id: i64,
    pub todo_id: i64,
    /// The uploader's file name, cleaned of path parts and control characters.
    pub file_name: String,
    /// From the file's first bytes.
    pub content_type: String,
    pub size_bytes: i64,
    /// Where its bytes are (GET; supports `Range`).
    pub url: String,
}

impl ApiAttachment {
    fn new(attachment: Attachment, base: &BaseUrl) -> Self {
        ApiAttachment {
            url: format!(
                "{}/api/v1/todos/{}/attachments/{}",
                base.0, attachment.todo_id, attachment.id
            ),
            id: attachment.id,
            todo_id: attachment.todo_id,
            file_name: attachment.file_name,
            content_type: attachment.content_type,
            size_bytes: attachment.size_bytes,
        }
    }
}

/// List, download and delete.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/api/v1/todos/{id}/attachments", get(list))
        .route(
            "/api/v1/todos/{id}/attachments/{attachment}",
            get(download).delete(delete),
        )
        .with_state(state)
}

/// Upload, with the upload limits instead of the API's small body limit.
pub fn upload_router(state: AppState) -> Router {
    let uploads = Router::new().route("/api/v1/todos/{id}/attachments", post(upload));
    with_upload_limits(uploads, state)
}

fn id(raw: &str) -> Result<i64, ApiError> {
    raw.parse().map_err(|_| AppError::NotFound.into())
}

/// The caller's attachment `attachment` on to-do `todo`, from the raw path parts; 404 for
/// anything else (another user's, another to-do's, not a number).
async fn find(
    state: &AppState,
    user: UserId,
    (todo, attachment): (String, String),
) -> Result<Stored, ApiError> {
    let (todo, attachment) = (id(&todo)?, id(&attachment)?);
    Ok(attachments::get(state, user, attachment, Some(TodoId(todo)), None).await?)
}

/// A to-do's attachments, oldest first.
#[utoipa::path(
    get,
    path = "/api/v1/todos/{id}/attachments",
    tag = "attachments",
    params(("id" = i64, Path, description = "The to-do's id")),
    responses(
        (status = 200, description = "The to-do's attachments", body = [ApiAttachment]),
        (status = 401, description = "No valid token or session", body = ErrorBody),
        (status = 404, description = "No such to-do (or another user's)", body = ErrorBody),
    ),
    security(("bearer" = []), ("session" = []))
)]
pub async fn list(
    ApiUser(user): ApiUser,
    base: BaseUrl,
    State(state): State<AppState>,
    Path(todo): Path<String>,
) -> Result<Json<Vec<ApiAttachment>>, ApiError> {
    let todo = TodoId(id(&todo)?);
    let listed = attachments::list_for_todo(&state, user, todo, None).await?;
    Ok(Json(
        listed
            .into_iter()
            .map(|a| ApiAttachment::new(a, &base))
            .collect(),
    ))
}

/// Uploads files (multipart, field `file`, several allowed) to a to-do.
#[utoipa::path(
    post,
    path = "/api/v1/todos/{id}/attachments",
    tag = "attachments",
    params(("id" = i64, Path, description = "The to-do's id")),
    request_body(content_type = "multipart/form-data", description = "One or more `file` fields"),
    responses(
        (status = 201, description = "Stored", body = [ApiAttachment]),
        (status = 400, description = "Not a readable multipart form, or no file", body = ErrorBody),
        (status = 401, description = "No valid token or session", body = ErrorBody),
        (status = 404, description = "No such to-do (or another user's)", body = ErrorBody),
        (status = 413, description = "Over the file size, file count or quota limit", body = ErrorBody),
    ),
    security(("bearer" = []), ("session" = []))
)]
pub async fn upload(
    ApiUser(user): ApiUser,
    base: BaseUrl,
    State(state): State<AppState>,
    Path(todo): Path<String>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, ApiError> {
    let todo = TodoId(id(&todo)?);
    let multipart = multipart.map_err(|_| ApiError::UnsupportedMediaType)?;
    let stored = attachments::upload(&state, user, todo, None, multipart).await?;
    let body: Vec<ApiAttachment> = stored
        .into_iter()
        .map(|a| ApiAttachment::new(a, &base))
        .collect();
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// The file itself, as a download; `Range` and `If-None-Match` work.
#[utoipa::path(
    get,
    path = "/api/v1/todos/{id}/attachments/{attachment}",
    tag = "attachments",
    params(
        ("id" = i64, Path, description = "The to-do's id"),
        ("attachment" = i64, Path, description = "The attachment's id"),
    ),
    responses(
        (status = 200, description = "The file", content_type = "application/octet-stream"),
        (status = 206, description = "The requested range"),
        (status = 401, description = "No valid token or session", body = ErrorBody),
        (status = 404, description = "No such attachment (or another user's)", body = ErrorBody),
        (status = 416, description = "The range is outside the file"),
    ),
    security(("bearer" = []), ("session" = []))
)]
pub async fn download(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Path(path): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let stored = find(&state, user, path).await?;
    Ok(serve(&state.storage, &stored, false, &headers).await)
}

/// Deletes an attachment and its file.
#[utoipa::path(
    delete,
    path = "/api/v1/todos/{id}/attachments/{attachment}",
    tag = "attachments",
    params(
        ("id" = i64, Path, description = "The to-do's id"),
        ("attachment" = i64, Path, description = "The attachment's id"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "No valid token or session", body = ErrorBody),
        (status = 404, description = "No such attachment (or another user's)", body = ErrorBody),
    ),
    security(("bearer" = []), ("session" = []))
)]
pub async fn delete(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    Path(path): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let stored = find(&state, user, path).await?;
    attachments::delete(&state, user, stored.id, None).await?;
    Ok(StatusCode::NO_CONTENT)
}
