//! `/api/v1/todos`: the Todo-Backend contract, for the calling user's list.

use axum::{
    extract::{rejection::QueryRejection, Path, Query},
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::{
    domain::{NewTodo as NewTodoInput, Todo, TodoChange, TodoId, TodoTitle},
    error::AppError,
    server::{
        db::{lists::ListRef, todos::Query as ListQuery},
        services::todos,
        state::AppState,
    },
};

use super::{
    auth::{ApiUser, BaseUrl},
    error::{ApiError, ApiJson, ErrorBody},
};

/// A to-do as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiTodo {
    pub id: i64,
    pub title: String,
    pub completed: bool,
    /// Position in the list; lower comes first.
    pub order: i64,
    /// This to-do's own address, for GET, PATCH and DELETE.
    pub url: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub updated_at: String,
}

impl ApiTodo {
    fn new(todo: Todo, base: &BaseUrl) -> Self {
        ApiTodo {
            url: format!("{}/api/v1/todos/{}", base.0, todo.id),
            id: todo.id.0,
            title: todo.title,
            completed: todo.completed,
            order: todo.order,
            created_at: todo.created_at.rfc3339(),
            updated_at: todo.updated_at.rfc3339(),
        }
    }
}

/// A new to-do. Title: 1 to 500 characters after trimming.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewTodo {
    pub title: String,
    /// Defaults to `false`.
    #[serde(default)]
    pub completed: Option<bool>,
    /// Defaults to the bottom of the list.
    #[serde(default)]
    pub order: Option<i64>,
}

/// Any subset of the fields to change. Other fields (such as `id` or `url`) are ignored.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TodoPatch {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub completed: Option<bool>,
    #[serde(default)]
    pub order: Option<i64>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Only done (`true`) or not done (`false`) to-dos.
    pub completed: Option<bool>,
    /// At most this many (1 to 1000).
    pub limit: Option<i64>,
    /// Skip this many first.
    pub offset: Option<i64>,
}

const MAX_LIMIT: i64 = 1000;

fn title(raw: &str) -> Result<TodoTitle, ApiError> {
    TodoTitle::parse(raw).map_err(|err| ApiError::field("title", err.to_string()))
}

/// The caller's to-dos, in order.
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
    axum::extract::State(state): axum::extract::State<AppState>,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Result<Json<Vec<ApiTodo>>, ApiError> {
    let Query(params) = params.map_err(|err| ApiError::BadQuery(err.body_text()))?;
    if let Some(limit) = params.limit {
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(ApiError::BadQuery(format!(
                "limit must be 1 to {MAX_LIMIT}"
            )));
        }
    }
    let offset = params.offset.unwrap_or(0);
    if offset < 0 {
        return Err(ApiError::BadQuery("offset must not be negative".into()));
    }
    let query = ListQuery {
        completed: params.completed,
        limit: params.limit,
        offset,
    };
    let listed = todos::list(&state, user, ListRef::Inbox, query).await?;
    Ok(Json(
        listed
            .into_iter()
            .map(|todo| ApiTodo::new(todo, &base))
            .collect(),
    ))
}

/// Adds a to-do (not completed unless asked).
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
    axum::extract::State(state): axum::extract::State<AppState>,
    ApiJson(new): ApiJson<NewTodo>,
) -> Result<Response, ApiError> {
    let new = NewTodoInput {
        title: title(&new.title)?,
        completed: new.completed.unwrap_or(false),
        order: new.order,
    };
    let todo = ApiTodo::new(todos::add(&state, user, ListRef::Inbox, new).await?, &base);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, todo.url.clone())],
        Json(todo),
    )
        .into_response())
}

/// Deletes all of the caller's to-dos.
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
    axum::extract::State(state): axum::extract::State<AppState>,
) -> Result<StatusCode, ApiError> {
    todos::delete_many(&state, user, ListRef::Inbox, false).await?;
    Ok(StatusCode::NO_CONTENT)
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
    axum::extract::State(state): axum::extract::State<AppState>,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
) -> Result<Json<ApiTodo>, ApiError> {
    let id = todo_id(id)?;
    Ok(Json(ApiTodo::new(
        todos::get(&state, user, Some(ListRef::Inbox), id).await?,
        &base,
    )))
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
    axum::extract::State(state): axum::extract::State<AppState>,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
    ApiJson(patch): ApiJson<TodoPatch>,
) -> Result<Json<ApiTodo>, ApiError> {
    let id = todo_id(id)?;
    let change = TodoChange {
        title: patch.title.as_deref().map(title).transpose()?,
        completed: patch.completed,
        order: patch.order,
    };
    let todo = todos::change(&state, user, Some(ListRef::Inbox), id, change).await?;
    Ok(Json(ApiTodo::new(todo, &base)))
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
    axum::extract::State(state): axum::extract::State<AppState>,
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
) -> Result<StatusCode, ApiError> {
    todos::delete(&state, user, Some(ListRef::Inbox), todo_id(id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An id that is not a number names no to-do: 404, like any other unknown id.
fn todo_id(
    id: Result<Path<i64>, axum::extract::rejection::PathRejection>,
) -> Result<TodoId, ApiError> {
    id.map(|Path(id)| TodoId(id))
        .map_err(|_| AppError::NotFound.into())
}
