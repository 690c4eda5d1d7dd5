//! `/api/v1/lists`: the lists the caller is a member of; make, read, rename (owner) and delete
//! (owner; never the Inbox). Their to-dos are in `todos/in_list.rs`, their members in
//! `members.rs`; who may do what is decided by `services::lists`.

use axum::{
    extract::{rejection::PathRejection, Path, State},
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::{
    domain::{ListId, ListName, ListView, Role},
    error::AppError,
    server::{db::lists::ListRef, services::lists, state::AppState},
};

use super::{
    auth::{ApiUser, BaseUrl},
    error::{ApiError, ApiJson, ErrorBody},
};

/// A list as the caller sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiList {
    pub id: i64,
    pub name: String,
    /// What the caller may do with it.
    pub role: Role,
    /// The owner's username.
    pub owner: String,
    /// This list's own address, for GET, PATCH and DELETE.
    pub url: String,
    /// Where its to-dos are.
    pub todos_url: String,
}

impl ApiList {
    fn new(list: ListView, base: &BaseUrl) -> Self {
        let url = format!("{}/api/v1/lists/{}", base.0, list.id);
        ApiList {
            todos_url: format!("{url}/todos"),
            url,
            id: list.id.0,
            name: list.name,
            role: list.role,
            owner: list.owner,
        }
    }
}

/// A new list, or a new name for one. Name: 1 to 100 characters after trimming.
#[derive(Debug, Deserialize, ToSchema)]
pub struct ListNameBody {
    pub name: String,
}

fn name(body: &ListNameBody) -> Result<ListName, ApiError> {
    ListName::parse(&body.name).map_err(|err| ApiError::field("name", err.to_string()))
}

/// A list's id from the path. One that is not a number names no list: 404, like any list the
/// caller is not a member of.
pub(super) fn list_id(raw: &str) -> Result<ListId, ApiError> {
    raw.parse()
        .ok()
        .filter(|id| *id > 0)
        .map(ListId)
        .ok_or_else(|| AppError::ListNotFound.into())
}

/// The list named by the path's `{id}`.
pub(super) fn list_in_path(raw: Result<Path<String>, PathRejection>) -> Result<ListId, ApiError> {
    let Path(raw) = raw.map_err(|_| ApiError::from(AppError::ListNotFound))?;
    list_id(&raw)
}

/// Every list the caller is a member of: their Inbox first, then the others as they were made.
#[utoipa::path(
    get,
    path = "/api/v1/lists",
    tag = "lists",
    responses(
        (status = 200, description = "The caller's lists", body = [ApiList]),
        (status = 401, description = "No valid token or session", body = ErrorBody),
    ),
    security(("bearer" = []), ("session" = []))
)]
pub async fn all(
    ApiUser(user): ApiUser,
    base: BaseUrl,
    State(state): State<AppState>,
) -> Result<Json<Vec<ApiList>>, ApiError> {
    let all = lists::all(&state, user).await?;
    Ok(Json(
        all.into_iter()
            .map(|list| ApiList::new(list, &base))
            .collect(),
    ))
}

/// Makes a list the caller owns.
#[utoipa::path(
    post,
    path = "/api/v1/lists",
    tag = "lists",
    request_body = ListNameBody,
    responses(
        (status = 201, description = "Created; `Location` is its URL", body = ApiList,
            headers(("Location" = String, description = "The new list's URL"))),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "No valid token or session", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "The name breaks the rules", body = ErrorBody),
    ),
    security(("bearer" = []), ("session" = []))
)]
pub async fn create(
    ApiUser(user): ApiUser,
    base: BaseUrl,
    State(state): State<AppState>,
    ApiJson(body): ApiJson<ListNameBody>,
) -> Result<Response, ApiError> {
    let list = ApiList::new(lists::create(&state, user, name(&body)?).await?, &base);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, list.url.clone())],
        Json(list),
    )
        .into_response())
}

/// One list.
#[utoipa::path(
    get,
    path = "/api/v1/lists/{id}",
    tag = "lists",
    params(("id" = i64, Path, description = "The list's id")),
    responses(
        (status = 200, description = "The list", body = ApiList),
        (status = 401, description = "No valid token or session", body = ErrorBody),
        (status = 404, description = "No such list (or not shared with the caller)", body = ErrorBody),
    ),
    security(("bearer" = []), ("session" = []))
)]
pub async fn get_one(
    ApiUser(user): ApiUser,
    base: BaseUrl,
    State(state): State<AppState>,
    list: Result<Path<String>, PathRejection>,
) -> Result<Json<ApiList>, ApiError> {
    let list = ListRef::Id(list_in_path(list)?);
    Ok(Json(ApiList::new(
        lists::get(&state, user, list).await?,
        &base,
    )))
}

/// Renames a list; owner only.
#[utoipa::path(
    patch,
    path = "/api/v1/lists/{id}",
    tag = "lists",
    params(("id" = i64, Path, description = "The list's id")),
    request_body = ListNameBody,
    responses(
        (status = 200, description = "The renamed list", body = ApiList),
        (status = 400, description = "The body is not JSON", body = ErrorBody),
        (status = 401, description = "No valid token or session", body = ErrorBody),
        (status = 403, description = "Only the owner renames a list", body = ErrorBody),
        (status = 404, description = "No such list (or not shared with the caller)", body = ErrorBody),
        (status = 415, description = "Not `application/json`", body = ErrorBody),
        (status = 422, description = "The name breaks the rules", body = ErrorBody),
    ),
    security(("bearer" = []), ("session" = []))
)]
pub async fn rename(
    ApiUser(user): ApiUser,
    base: BaseUrl,
    State(state): State<AppState>,
    list: Result<Path<String>, PathRejection>,
    ApiJson(body): ApiJson<ListNameBody>,
) -> Result<Json<ApiList>, ApiError> {
    let list = list_in_path(list)?;
    let renamed = lists::rename(&state, user, list, name(&body)?).await?;
    Ok(Json(ApiList::new(renamed, &base)))
}

/// Deletes a list with its to-dos and attachments; owner only, and never the Inbox.
#[utoipa::path(
    delete,
    path = "/api/v1/lists/{id}",
    tag = "lists",
    params(("id" = i64, Path, description = "The list's id")),
    responses(
        (status = 204, description = "Deleted, for every member"),
        (status = 401, description = "No valid token or session", body = ErrorBody),
        (status = 403, description = "Only the owner deletes a list", body = ErrorBody),
        (status = 404, description = "No such list (or not shared with the caller)", body = ErrorBody),
        (status = 422, description = "The Inbox cannot be deleted", body = ErrorBody),
    ),
    security(("bearer" = []), ("session" = []))
)]
pub async fn delete(
    ApiUser(user): ApiUser,
    State(state): State<AppState>,
    list: Result<Path<String>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    let list = list_in_path(list)?;
    lists::delete(&state, user, list)
        .await
        .map_err(ApiError::refused(None))?;
    Ok(StatusCode::NO_CONTENT)
}
