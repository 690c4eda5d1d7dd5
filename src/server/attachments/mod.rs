//! The web page's attachment routes: upload (multipart; the hydrated page and plain forms)
//! and download (owner only). Thin adapters over `services::attachments`; the API has its own
//! routes over the same service.

mod range;
mod serve;

use axum::{
    extract::{DefaultBodyLimit, Multipart, Path, Query, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
    Extension, Json, Router,
};
use leptos::server_fn::error::ServerFnUrlError;
use serde::Deserialize;
use tower_http::limit::RequestBodyLimitLayer;

use crate::{
    domain::TodoId,
    error::AppError,
    server::{
        auth::CurrentUser, forms::accepts_html, refusals::Refusal,
        services::attachments as service, state::AppState,
    },
};

pub use serve::serve;

/// The upload route, with the upload limits instead of the small body limit of forms.
pub fn upload_router(state: AppState) -> Router {
    with_upload_limits(
        Router::new().route("/todos/{id}/attachments", post(upload)),
        state,
    )
}

/// `uploads` with the upload limits instead of the small body limit of forms and JSON.
pub fn with_upload_limits(uploads: Router<AppState>, state: AppState) -> Router {
    let request_limit = state.file_limits.request_limit();
    uploads
        .layer(DefaultBodyLimit::disable())
        .layer(RequestBodyLimitLayer::new(request_limit))
        .with_state(state)
}

/// The download route.
pub fn download_router(state: AppState) -> Router {
    Router::new()
        .route("/attachments/{id}", get(download))
        .with_state(state)
}

/// Back to the page the form was on, or home.
fn back(headers: &HeaderMap) -> String {
    headers
        .get(header::REFERER)
        .and_then(|referer| referer.to_str().ok())
        .unwrap_or("/")
        .to_owned()
}

/// A failure as JSON to programs and the hydrated app, and as a redirect back to the page
/// (with the message) to a plain form.
fn answer_failure(err: AppError, headers: &HeaderMap) -> Response {
    if accepts_html(headers) {
        let back = back(headers);
        let url = ServerFnUrlError::new("/todos/attachments", err)
            .to_url(&back)
            .map(|url| url.to_string())
            .unwrap_or(back);
        return Redirect::to(&url).into_response();
    }
    err.into_response()
}

#[derive(Deserialize)]
pub struct DownloadQuery {
    /// Ask for an image to be shown rather than downloaded (for the preview).
    #[serde(default)]
    inline: bool,
}

async fn upload(
    State(state): State<AppState>,
    user: Option<Extension<CurrentUser>>,
    Path(todo): Path<String>,
    headers: HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let result = async {
        let Extension(user) = user.ok_or(AppError::Unauthorized)?;
        let todo = todo.parse().map(TodoId).map_err(|_| AppError::NotFound)?;
        let multipart = multipart.map_err(|_| AppError::from(Refusal::NotMultipart))?;
        service::upload(&state, user.id, todo, None, multipart).await
    }
    .await;
    match result {
        Ok(_) if accepts_html(&headers) => Redirect::to(&back(&headers)).into_response(),
        Ok(stored) => (StatusCode::CREATED, Json(stored)).into_response(),
        Err(err) => answer_failure(err, &headers),
    }
}

async fn download(
    State(state): State<AppState>,
    user: Option<Extension<CurrentUser>>,
    Path(id): Path<String>,
    Query(query): Query<DownloadQuery>,
    headers: HeaderMap,
) -> Response {
    let Some(Extension(user)) = user else {
        return AppError::Unauthorized.into_response();
    };
    let Ok(id) = id.parse::<i64>() else {
        return AppError::AttachmentNotFound.into_response();
    };
    match service::get(&state, user.id, id, None, None).await {
        Ok(stored) => serve(&state.storage, &stored, query.inline, &headers).await,
        Err(err) => err.into_response(),
    }
}
