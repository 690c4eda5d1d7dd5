//! To-dos through the API: the Todo-Backend contract at `/api/v1/todos` on the caller's Inbox
//! ([`inbox`]), and the same operations, shapes and statuses on any list they are a member of
//! at `/api/v1/lists/{id}/todos` ([`in_list`]). Which list, is a [`Scope`].

pub mod in_list;
pub mod inbox;

use axum::{
    extract::{
        rejection::{PathRejection, QueryRejection},
        Path, Query,
    },
    http::{header, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::{
    domain::{ListId, NewTodo as NewTodoInput, Todo, TodoChange, TodoId, TodoTitle, UserId},
    error::AppError,
    server::{
        db::{lists::ListRef, todos::Query as ListQuery},
        services::todos,
        state::AppState,
    },
};

use super::{auth::BaseUrl, error::ApiError};

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
    fn new(todo: Todo, base: &BaseUrl, scope: Scope) -> Self {
        ApiTodo {
            url: format!("{}/{}", scope.todos_url(base), todo.id),
            id: todo.id.0,
            title: todo.title,
            completed: todo.completed,
            order: todo.order,
            created_at: todo.created_at.rfc3339(),
            updated_at: todo.updated_at.rfc3339(),
        }
    }
}

/// Which list the to-do routes act on, and so under which path its to-dos are addressed: the
/// caller's Inbox at `/api/v1/todos`, any list they are a member of at
/// `/api/v1/lists/{id}/todos`.
#[derive(Debug, Clone, Copy)]
pub struct Scope(ListRef);

impl Scope {
    pub const INBOX: Scope = Scope(ListRef::Inbox);

    pub fn list(id: ListId) -> Scope {
        Scope(ListRef::Id(id))
    }

    /// The address of the list's to-dos.
    pub fn todos_url(self, base: &BaseUrl) -> String {
        match self.0 {
            ListRef::Inbox => format!("{}/api/v1/todos", base.0),
            ListRef::Id(id) => format!("{}/api/v1/lists/{id}/todos", base.0),
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

// The operations themselves, for any list: the handlers only say which.

async fn list_in(
    state: &AppState,
    user: UserId,
    base: &BaseUrl,
    scope: Scope,
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
    let listed = todos::list(state, user, scope.0, query).await?;
    Ok(Json(
        listed
            .into_iter()
            .map(|todo| ApiTodo::new(todo, base, scope))
            .collect(),
    ))
}

async fn create_in(
    state: &AppState,
    user: UserId,
    base: &BaseUrl,
    scope: Scope,
    new: NewTodo,
) -> Result<Response, ApiError> {
    let new = NewTodoInput {
        title: title(&new.title)?,
        completed: new.completed.unwrap_or(false),
        order: new.order,
    };
    let todo = ApiTodo::new(todos::add(state, user, scope.0, new).await?, base, scope);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, todo.url.clone())],
        Json(todo),
    )
        .into_response())
}

async fn delete_all_in(
    state: &AppState,
    user: UserId,
    scope: Scope,
) -> Result<StatusCode, ApiError> {
    todos::delete_many(state, user, scope.0, false).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn get_in(
    state: &AppState,
    user: UserId,
    base: &BaseUrl,
    scope: Scope,
    id: TodoId,
) -> Result<Json<ApiTodo>, ApiError> {
    let todo = todos::get(state, user, Some(scope.0), id).await?;
    Ok(Json(ApiTodo::new(todo, base, scope)))
}

async fn patch_in(
    state: &AppState,
    user: UserId,
    base: &BaseUrl,
    scope: Scope,
    id: TodoId,
    patch: TodoPatch,
) -> Result<Json<ApiTodo>, ApiError> {
    let change = TodoChange {
        title: patch.title.as_deref().map(title).transpose()?,
        completed: patch.completed,
        order: patch.order,
    };
    let todo = todos::change(state, user, Some(scope.0), id, change).await?;
    Ok(Json(ApiTodo::new(todo, base, scope)))
}

async fn delete_in(
    state: &AppState,
    user: UserId,
    scope: Scope,
    id: TodoId,
) -> Result<StatusCode, ApiError> {
    todos::delete(state, user, Some(scope.0), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A to-do's id from the path. One that is not a number names no to-do: 404, like any other
/// unknown id.
fn todo_id(raw: &str) -> Result<TodoId, ApiError> {
    raw.parse()
        .map(TodoId)
        .map_err(|_| AppError::NotFound.into())
}

/// A path that cannot be read (not UTF-8, say) names nothing: 404.
fn path<T>(path: Result<Path<T>, PathRejection>, none: AppError) -> Result<T, ApiError> {
    path.map(|Path(raw)| raw).map_err(|_| none.into())
}
