//! `/api/v1/todos`: the Todo-Backend contract, on the caller's Inbox.

use axum::{
    extract::{
        rejection::{PathRejection, QueryRejection},
        Path, Query, State,
    },
    http::StatusCode,
    response::Response,
    Json,
};

use crate::{
    domain::TodoId,
    error::AppError,
    server::{
        api::{
            auth::{ApiUser, BaseUrl},
            error::{ApiError, ApiJson, ErrorBody},
        },
        state::AppState,
    },
};

use super::{
    create_in, delete_all_in, delete_in, get_in, list_in, patch_in, path, todo_id, ApiTodo,
    ListParams, NewTodo, Scope, TodoPatch,
};

/// The to-do named by the path's `{id}`.
fn id(raw: Result<Path<String>, PathRejection>) -> Result<TodoId, ApiError> {
    todo_id(&path(raw, AppError::NotFound)?)
}

/// The caller's Inbox to-dos, in order.
#[utoipa::path(
    get,
    path = "/api/v1/todos",
    tag = "todos",
    params(ListParams),
    responses(
        (status = 200, description = "The caller's to-dos, in order", body = [ApiTodo]),
        (status = 400, description = "The query string is not valid", body = ErrorBody),
        (status = 401, description = "No valid token or session", body = ErrorBody),
    ),
    security(("bearer" = []), ("session" = []))
)]
pub async fn list(
    ApiUser(user): ApiUser,
    base: BaseUrl,
    State(state): State<AppState>,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Result<Json<Vec<ApiTodo>>, ApiError> {
    list_in(&state, user, &base, Scope::INBOX, params).await
}

/// Adds a to-do to the caller's Inbox (not completed unless asked).
#[utoipa::path(
    post,
    path = "/api/v1/todos",
    tag = "todos",
    request_body = NewTodo,
    responses(
        (status = 201, description = "Created; `Location` is its URL", body = ApiTodo,
            headers(("Location" = String, description = "The new to-do's URL"))),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "No valid token or session", body = ErrorBody),
        (status = 413, description = "The body is too large", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "A field breaks the rules", body = ErrorBody),
    ),
    security(("bearer" = []), ("session" = []))
)]
pub async fn create(
    ApiUser(user): ApiUser,
    base: BaseUrl,
    State(state): State<AppState>,
    ApiJson(new): ApiJson<NewTodo>,
) -> Result<Response, ApiError> {
    create_in(&state, user, &base, Scope::INBOX, new).await
}

/// Deletes all of the caller's Inbox to-dos.
#[utoipa::path(
    delete,
    path = "/api/v1/todos",
    tag = "todos",
    responses(
        (status = 204, description = "All deleted"),
        (status = 401, description = "No valid token or session", body = ErrorBody),
    ),
    security(("bearer" = []), ("session" = []))
)]
pub async fn delete_all(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
) -> Result<StatusCode, ApiError> {
    delete_all_in(&state, user, Scope::INBOX).await
}

/// One to-do.
#[utoipa::path(
    get,
    path = "/api/v1/todos/{id}",
    tag = "todos",
    params(("id" = i64, Path, description = "The to-do's id")),
    responses(
        (status = 200, description = "The to-do", body = ApiTodo),
        (status = 401, description = "No valid token or session", body = ErrorBody),
        (status = 404, description = "No such to-do (or another user's)", body = ErrorBody),
    ),
    security(("bearer" = []), ("session" = []))
)]
pub async fn get_one(
    ApiUser(user): ApiUser,
    base: BaseUrl,
    State(state): State<AppState>,
    todo: Result<Path<String>, PathRejection>,
) -> Result<Json<ApiTodo>, ApiError> {
    get_in(&state, user, &base, Scope::INBOX, id(todo)?).await
}

/// Changes any of title, completed and order.
#[utoipa::path(
    patch,
    path = "/api/v1/todos/{id}",
    tag = "todos",
    params(("id" = i64, Path, description = "The to-do's id")),
    request_body = TodoPatch,
    responses(
        (status = 200, description = "The changed to-do", body = ApiTodo),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "No valid token or session", body = ErrorBody),
        (status = 404, description = "No such to-do (or another user's)", body = ErrorBody),
        (status = 413, description = "The body is too large", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "A field breaks the rules", body = ErrorBody),
    ),
    security(("bearer" = []), ("session" = []))
)]
pub async fn patch_one(
    ApiUser(user): ApiUser,
    base: BaseUrl,
    State(state): State<AppState>,
    todo: Result<Path<String>, PathRejection>,
    ApiJson(patch): ApiJson<TodoPatch>,
) -> Result<Json<ApiTodo>, ApiError> {
    patch_in(&state, user, &base, Scope::INBOX, id(todo)?, patch).await
}

/// Deletes one to-do.
#[utoipa::path(
    delete,
    path = "/api/v1/todos/{id}",
    tag = "todos",
    params(("id" = i64, Path, description = "The to-do's id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "No valid token or session", body = ErrorBody),
        (status = 404, description = "No such to-do (or another user's)", body = ErrorBody),
    ),
    security(("bearer" = []), ("session" = []))
)]
pub async fn delete_one(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    todo: Result<Path<String>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    delete_in(&state, user, Scope::INBOX, id(todo)?).await
}
