//! `/api/v1/lists/{id}/members`: who a list is shared with. Any member reads; the owner shares,
//! changes roles and removes anyone else; a member removes themself (leaves). Who may do what is
//! decided by `services::lists`.

use axum::{
    extract::{rejection::PathRejection, Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::{
    domain::{ListId, Member, Role, Username},
    error::AppError,
    server::{services::lists, state::AppState},
};

use super::{
    auth::ApiUser,
    error::{ApiError, ApiJson, ErrorBody},
    lists::{list_id, list_in_path},
};

/// Whom to share a list with, and as what.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewMember {
    /// An existing user's username.
    pub username: String,
    /// `editor` or `viewer`.
    pub role: String,
}

/// A member's new role.
#[derive(Debug, Deserialize, ToSchema)]
pub struct MemberPatch {
    /// `editor` or `viewer`.
    pub role: String,
}

fn role(raw: &str) -> Result<Role, ApiError> {
    Role::parse_shared(raw).map_err(|err| ApiError::field("role", err.to_string()))
}

/// The list and the member named by the path's `{id}` and `{username}`. A username that
/// cannot be anyone's names no member: 404.
fn list_and_member(
    raw: Result<Path<(String, String)>, PathRejection>,
) -> Result<(ListId, Username), ApiError> {
    let Path((list, username)) = raw.map_err(|_| ApiError::from(AppError::MemberNotFound))?;
    let list = list_id(&list)?;
    let username = Username::parse(&username).map_err(|_| AppError::MemberNotFound)?;
    Ok((list, username))
}

/// A list's members: the owner first, then by username.
#[utoipa::path(
    get,
    path = "/api/v1/lists/{id}/members",
    tag = "members",
    params(("id" = i64, Path, description = "The list's id")),
    responses(
        (status = 200, description = "The list's members", body = [Member]),
        (status = 401, description = "No valid token or session", body = ErrorBody),
        (status = 404, description = "No such list (or not shared with the caller)", body = ErrorBody),
    ),
    security(("bearer" = []), ("session" = []))
)]
pub async fn list(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    list: Result<Path<String>, PathRejection>,
) -> Result<Json<Vec<Member>>, ApiError> {
    let list = list_in_path(list)?;
    Ok(Json(lists::members(&state, user, list).await?))
}

/// Shares a list with an existing user, as editor or viewer; owner only.
#[utoipa::path(
    post,
    path = "/api/v1/lists/{id}/members",
    tag = "members",
    params(("id" = i64, Path, description = "The list's id")),
    request_body = NewMember,
    responses(
        (status = 201, description = "Shared", body = Member),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "No valid token or session", body = ErrorBody),
        (status = 403, description = "Only the owner shares a list", body = ErrorBody),
        (status = 404, description = "No such list (or not shared with the caller)", body = ErrorBody),
        (status = 409, description = "Already a member", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "No such user, the owner, too many members, or a bad role", body = ErrorBody),
    ),
    security(("bearer" = []), ("session" = []))
)]
pub async fn add(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    list: Result<Path<String>, PathRejection>,
    ApiJson(new): ApiJson<NewMember>,
) -> Result<Response, ApiError> {
    let list = list_in_path(list)?;
    let role = role(&new.role)?;
    let username = Username::parse(&new.username)
        .map_err(|err| ApiError::field("username", err.to_string()))?;
    let added = lists::add_member(&state, user, list, &username, role)
        .await
        .map_err(ApiError::refused(Some("username")))?;
    Ok((StatusCode::CREATED, Json(added)).into_response())
}

/// Gives a member another role; owner only.
#[utoipa::path(
    patch,
    path = "/api/v1/lists/{id}/members/{username}",
    tag = "members",
    params(
        ("id" = i64, Path, description = "The list's id"),
        ("username" = String, Path, description = "The member's username"),
    ),
    request_body = MemberPatch,
    responses(
        (status = 200, description = "The member, with the new role", body = Member),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "No valid token or session", body = ErrorBody),
        (status = 403, description = "Only the owner changes roles", body = ErrorBody),
        (status = 404, description = "No such list, or no such member (the owner's role never changes)", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "A bad role", body = ErrorBody),
    ),
    security(("bearer" = []), ("session" = []))
)]
pub async fn set_role(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    ids: Result<Path<(String, String)>, PathRejection>,
    ApiJson(patch): ApiJson<MemberPatch>,
) -> Result<Json<Member>, ApiError> {
    let (list, username) = list_and_member(ids)?;
    let role = role(&patch.role)?;
    Ok(Json(
        lists::set_role(&state, user, list, &username, role).await?,
    ))
}

/// Takes a member off a list: the owner removes anyone else; a member removes themself
/// (leaves).
#[utoipa::path(
    delete,
    path = "/api/v1/lists/{id}/members/{username}",
    tag = "members",
    params(
        ("id" = i64, Path, description = "The list's id"),
        ("username" = String, Path, description = "The member's username"),
    ),
    responses(
        (status = 204, description = "Removed (or left)"),
        (status = 401, description = "No valid token or session", body = ErrorBody),
        (status = 403, description = "Only the owner removes others", body = ErrorBody),
        (status = 404, description = "No such list, or no such member", body = ErrorBody),
        (status = 422, description = "The owner cannot leave their own list", body = ErrorBody),
    ),
    security(("bearer" = []), ("session" = []))
)]
pub async fn remove(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    ids: Result<Path<(String, String)>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    let (list, username) = list_and_member(ids)?;
    lists::remove_member(&state, user, list, &username)
        .await
        .map_err(ApiError::refused(None))?;
    Ok(StatusCode::NO_CONTENT)
}
