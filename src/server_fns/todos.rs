//! Server functions for to-dos: who is asking → parse → `services::todos` → reply. Each acts
//! for the signed-in user, on a list they are a member of: `list` names it (`None`: their
//! Inbox); a to-do named by id may be on any list they can see.

use leptos::prelude::*;

use crate::{
    domain::{Filter, ListAndMenu, ListId, Snapshot, Todo, TodoId},
    error::AppError,
};

#[cfg(feature = "ssr")]
use crate::{
    domain::{list_path, NewTodo, TodoChange, TodoTitle},
    server::{auth::require_user, services::todos, state::AppState},
};

/// Every to-do of the list, in order.
#[server(prefix = "/fn", endpoint = "todos/list")]
pub async fn list_todos(list: Option<ListId>) -> Result<Vec<Todo>, AppError> {
    let user = require_user()?.id;
    todos::list(
        &AppState::from_context()?,
        user,
        list.into(),
        Default::default(),
    )
    .await
}

/// The whole list with its attachments and version: the page renders it, and the island
/// reloads it when it may have missed changes.
#[server(prefix = "/fn", endpoint = "todos/snapshot")]
pub async fn list_snapshot(list: Option<ListId>) -> Result<Snapshot, AppError> {
    let user = require_user()?.id;
    todos::snapshot(&AppState::from_context()?, user, list.into()).await
}

/// A list's page: the user's lists for the menu, and the list's snapshot.
#[server(prefix = "/fn", endpoint = "todos/page")]
pub async fn list_page(list: Option<ListId>) -> Result<ListAndMenu, AppError> {
    let user = require_user()?.id;
    todos::page(&AppState::from_context()?, user, list.into()).await
}

/// Adds a to-do at the bottom of the list.
#[server(prefix = "/fn", endpoint = "todos/add")]
pub async fn add_todo(list: Option<ListId>, title: String) -> Result<Todo, AppError> {
    let user = require_user()?.id;
    let new = NewTodo::titled(TodoTitle::parse(&title)?);
    todos::add(&AppState::from_context()?, user, list.into(), new).await
}

/// Marks one to-do done (or not done).
#[server(prefix = "/fn", endpoint = "todos/set_completed")]
pub async fn set_completed(id: TodoId, completed: bool) -> Result<Todo, AppError> {
    let user = require_user()?.id;
    let change = TodoChange {
        completed: Some(completed),
        ..TodoChange::default()
    };
    todos::change(&AppState::from_context()?, user, None, id, change).await
}

/// Marks every to-do of the list done (or not done).
#[server(prefix = "/fn", endpoint = "todos/set_all_completed")]
pub async fn set_all_completed(list: Option<ListId>, completed: bool) -> Result<u64, AppError> {
    let user = require_user()?.id;
    todos::set_all_completed(&AppState::from_context()?, user, list.into(), completed).await
}

/// Renames a to-do. Returns the to-do, or `None` when it was deleted.
///
/// Where the UI differs from the API on purpose: in the TodoMVC editor an empty title deletes
/// the to-do (the API answers 422 instead). `back_to` is sent by the page-reload edit form: on
/// success the browser is sent back to that filter of list `list`, closing the form.
#[server(prefix = "/fn", endpoint = "todos/edit")]
pub async fn edit_todo(
    id: TodoId,
    title: String,
    back_to: Option<Filter>,
    list: Option<ListId>,
) -> Result<Option<Todo>, AppError> {
    let user = require_user()?.id;
    let state = AppState::from_context()?;
    let edited = if title.trim().is_empty() {
        todos::delete(&state, user, None, id).await?;
        None
    } else {
        let change = TodoChange {
            title: Some(TodoTitle::parse(&title)?),
            ..TodoChange::default()
        };
        Some(todos::change(&state, user, None, id, change).await?)
    };
    if let Some(filter) = back_to {
        leptos_axum::redirect(&list_path(list, filter));
    }
    Ok(edited)
}

/// Deletes one to-do.
#[server(prefix = "/fn", endpoint = "todos/delete")]
pub async fn delete_todo(id: TodoId) -> Result<(), AppError> {
    let user = require_user()?.id;
    todos::delete(&AppState::from_context()?, user, None, id).await
}

/// Deletes every completed to-do of the list; returns how many went.
#[server(prefix = "/fn", endpoint = "todos/clear_completed")]
pub async fn clear_completed(list: Option<ListId>) -> Result<u64, AppError> {
    let user = require_user()?.id;
    todos::delete_many(&AppState::from_context()?, user, list.into(), true).await
}
