//! `/api/v1/lists/{id}/todos`: the to-dos of any list the caller is a member of, with exactly
//! the shapes, query parameters and statuses of `/api/v1/todos`. Viewers read; changes need the
//! owner or an editor (403 for a viewer); a list the caller is not a member of is 404.

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
            lists::{list_id, list_in_path},
        },
        state::AppState,
    },
};

use super::{
    create_in, delete_all_in, delete_in, get_in, list_in, patch_in, path, todo_id, ApiTodo,
    ListParams, NewTodo, Scope, TodoPatch,
};

/// The list named by the path's `{id}`.
fn scope(raw: Result<Path<String>, PathRejection>) -> Result<Scope, ApiError> {
    Ok(Scope::list(list_in_path(raw)?))
}

/// The list and the to-do named by the path's `{id}` and `{todo}`.
fn scope_and_todo(
    raw: Result<Path<(String, String)>, PathRejection>,
) -> Result<(Scope, TodoId), ApiError> {
    let (list, todo) = path(raw, AppError::NotFound)?;
    Ok((Scope::list(list_id(&list)?), todo_id(&todo)?))
}

/// A list's to-dos, in order.
#[utoipa::path(
    get,
    path = "/api/v1/lists/{id}/todos",
    tag = "lists",
    params(("id" = i64, Path, description = "The list's id"), ListParams),
    responses(
        (status = 200, description = "The list's to-dos, in order", body = [ApiTodo]),
        (status = 400, description = "The query string is not valid", body = ErrorBody),
        (status = 401, description = "No valid token or session", body = ErrorBody),
        (status = 404, description = "No such list (or not shared with the caller)", body = ErrorBody),
    ),
    security(("bearer" = []), ("session" = []))
)]
pub async fn list(
    ApiUser(user): ApiUser,
    base: BaseUrl,
    State(state): State<AppState>,
    list: Result<Path<String>, PathRejection>,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Result<Json<Vec<ApiTodo>>, ApiError> {
    list_in(&state, user, &base, scope(list)?, params).await
}

/// Adds a to-do to a list (not completed unless asked); owner or editor.
#[utoipa::path(
    post,
    path = "/api/v1/lists/{id}/todos",
    tag = "lists",
    params(("id" = i64, Path, description = "The list's id")),
    request_body = NewTodo,
    responses(
        (status = 201, description = "Created; `Location` is its URL", body = ApiTodo,
            headers(("Location" = String, description = "The new to-do's URL"))),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "No valid token or session", body = ErrorBody),
        (status = 403, description = "The caller may only view this list", body = ErrorBody),
        (status = 404, description = "No such list (or not shared with the caller)", body = ErrorBody),
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
    list: Result<Path<String>, PathRejection>,
    ApiJson(new): ApiJson<NewTodo>,
) -> Result<Response, ApiError> {
    create_in(&state, user, &base, scope(list)?, new).await
}

/// Deletes all of a list's to-dos; owner or editor.
#[utoipa::path(
    delete,
    path = "/api/v1/lists/{id}/todos",
    tag = "lists",
    params(("id" = i64, Path, description = "The list's id")),
    responses(
        (status = 204, description = "All deleted"),
        (status = 401, description = "No valid token or session", body = ErrorBody),
        (status = 403, description = "The caller may only view this list", body = ErrorBody),
        (status = 404, description = "No such list (or not shared with the caller)", body = ErrorBody),
    ),
    security(("bearer" = []), ("session" = []))
)]
pub async fn delete_all(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    list: Result<Path<String>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    delete_all_in(&state, user, scope(list)?).await
}

/// One to-do of a list.
#[utoipa::path(
    get,
    path = "/api/v1/lists/{id}/todos/{todo}",
    tag = "lists",
    params(
        ("id" = i64, Path, description = "The list's id"),
        ("todo" = i64, Path, description = "The to-do's id"),
    ),
    responses(
        (status = 200, description = "The to-do", body = ApiTodo),
        (status = 401, description = "No valid token or session", body = ErrorBody),
        (status = 404, description = "No such to-do on this list (or not shared with the caller)", body = ErrorBody),
    ),
    security(("bearer" = []), ("session" = []))
)]
pub async fn get_one(
    ApiUser(user): ApiUser,
    base: BaseUrl,
    State(state): State<AppState>,
    ids: Result<Path<(String, String)>, PathRejection>,
) -> Result<Json<ApiTodo>, ApiError> {
    let (scope, todo) = scope_and_todo(ids)?;
    get_in(&state, user, &base, scope, todo).await
}

/// Changes any of title, completed and order of a list's to-do; owner or editor.
#[utoipa::path(
    patch,
    path = "/api/v1/lists/{id}/todos/{todo}",
    tag = "lists",
    params(
        ("id" = i64, Path, description = "The list's id"),
        ("todo" = i64, Path, description = "The to-do's id"),
    ),
    request_body = TodoPatch,
    responses(
        (status = 200, description = "The changed to-do", body = ApiTodo),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "No valid token or session", body = ErrorBody),
        (status = 403, description = "The caller may only view this list", body = ErrorBody),
        (status = 404, description = "No such to-do on this list (or not shared with the caller)", body = ErrorBody),
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
    ids: Result<Path<(String, String)>, PathRejection>,
    ApiJson(patch): ApiJson<TodoPatch>,
) -> Result<Json<ApiTodo>, ApiError> {
    let (scope, todo) = scope_and_todo(ids)?;
    patch_in(&state, user, &base, scope, todo, patch).await
}

/// Deletes one to-do of a list; owner or editor.
#[utoipa::path(
    delete,
    path = "/api/v1/lists/{id}/todos/{todo}",
    tag = "lists",
    params(
        ("id" = i64, Path, description = "The list's id"),
        ("todo" = i64, Path, description = "The to-do's id"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "No valid token or session", body = ErrorBody),
        (status = 403, description = "The caller may only view this list", body = ErrorBody),
        (status = 404, description = "No such to-do on this list (or not shared with the caller)", body = ErrorBody),
    ),
    security(("bearer" = []), ("session" = []))
)]
pub async fn delete_one(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    ids: Result<Path<(String, String)>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    let (scope, todo) = scope_and_todo(ids)?;
    delete_in(&state, user, scope, todo).await
}
