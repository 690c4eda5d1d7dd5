//! The JSON REST API under `/api/v1`: the caller's to-dos (Todo-Backend compatible), their
//! lists, those lists' to-dos and members, by personal API token or session cookie, open to
//! other origins (CORS), documented by OpenAPI.

mod attachments;
pub(crate) mod auth;
mod error;
mod lists;
mod members;
mod openapi;
mod todos;

use std::time::Duration;

use axum::{
    http::{header, Method},
    routing::{get, patch},
    Json, Router,
};
use tower_http::cors::{Any, CorsLayer};
use utoipa::OpenApi as _;

use crate::server::state::AppState;

use todos::{in_list, inbox};

pub use error::{json_payload_too_large, ApiError};

/// The attachment routes that stream no request body (full paths): list, download, delete.
pub fn attachments_router(state: AppState) -> Router {
    attachments::router(state).layer(cors())
}

/// The attachment upload route (full path), which takes uploads bigger than the API's body
/// limit.
pub fn attachments_upload_router(state: AppState) -> Router {
    attachments::upload_router(state).layer(cors())
}

/// Token clients run on other origins. `*` never comes with credentials, so another site's
/// page cannot read answers made with the session cookie.
fn cors() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::POST, Method::PATCH, Method::DELETE])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE, header::RANGE])
        .expose_headers([
            header::LOCATION,
            header::CONTENT_RANGE,
            header::CONTENT_DISPOSITION,
            header::ETAG,
        ])
        .max_age(Duration::from_secs(600))
}

/// The routes, to be nested at `/api/v1`.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route(
            "/todos",
            get(inbox::list)
                .post(inbox::create)
                .delete(inbox::delete_all),
        )
        .route(
            "/todos/{id}",
            get(inbox::get_one)
                .patch(inbox::patch_one)
                .delete(inbox::delete_one),
        )
        .route("/lists", get(lists::all).post(lists::create))
        .route(
            "/lists/{id}",
            get(lists::get_one)
                .patch(lists::rename)
                .delete(lists::delete),
        )
        .route(
            "/lists/{id}/todos",
            get(in_list::list)
                .post(in_list::create)
                .delete(in_list::delete_all),
        )
        .route(
            "/lists/{id}/todos/{todo}",
            get(in_list::get_one)
                .patch(in_list::patch_one)
                .delete(in_list::delete_one),
        )
        .route("/lists/{id}/members", get(members::list).post(members::add))
        .route(
            "/lists/{id}/members/{username}",
            patch(members::set_role).delete(members::remove),
        )
        .route(
            "/openapi.json",
            get(|| async { Json(openapi::ApiDoc::openapi()) }),
        )
        .fallback(|| async { ApiError::NoSuchRoute })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .with_state(state)
        .layer(cors())
}
