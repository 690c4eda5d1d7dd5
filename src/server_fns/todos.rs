//! Server functions for the to-do list. Each acts for the signed-in user only.

use leptos::prelude::*;

use crate::{
    domain::{Filter, Todo, TodoId},
    error::AppError,
};

#[cfg(feature = "ssr")]
use crate::{
    domain::TodoTitle,
    server::{
        auth::require_user,
        db::{todos, Db},
        startup::Collector,
    },
};

/// Every to-do, in order.
#[server(prefix = "/fn", endpoint = "todos/list")]
pub async fn list_todos() -> Result<Vec<Todo>, AppError> {
    let user = require_user()?.id;
    let db = Db::from_context()?;
    Ok(todos::list(&db, user).await?)
}

/// Adds a to-do at the bottom of the list.
#[server(prefix = "/fn", endpoint = "todos/add")]
pub async fn add_todo(title: String) -> Result<Todo, AppError> {
    let user = require_user()?.id;
    let title = TodoTitle::parse(&title)?;
    let db = Db::from_context()?;
    Ok(todos::insert(&db, user, &title).await?)
}

/// Marks one to-do done (or not done).
#[server(prefix = "/fn", endpoint = "todos/set_completed")]
pub async fn set_completed(id: TodoId, completed: bool) -> Result<Todo, AppError> {
    let user = require_user()?.id;
    let db = Db::from_context()?;
    todos::set_completed(&db, user, id, completed)
        .await?
        .ok_or(AppError::NotFound)
}

/// Marks every to-do done (or not done).
#[server(prefix = "/fn", endpoint = "todos/set_all_completed")]
pub async fn set_all_completed(completed: bool) -> Result<u64, AppError> {
    let user = require_user()?.id;
    let db = Db::from_context()?;
    Ok(todos::set_all_completed(&db, user, completed).await?)
}

/// Renames a to-do; an empty title deletes it (TodoMVC). Returns the to-do, or `None` if deleted.
///
/// `back_to` is sent by the page-reload edit form: on success the browser is sent back to that
/// list, closing the form.
#[server(prefix = "/fn", endpoint = "todos/edit")]
pub async fn edit_todo(
    id: TodoId,
    title: String,
    back_to: Option<Filter>,
) -> Result<Option<Todo>, AppError> {
    let user = require_user()?.id;
    let db = Db::from_context()?;
    let edited = if title.trim().is_empty() {
        if !todos::delete(&db, user, id).await? {
            return Err(AppError::NotFound);
        }
        Collector::wake_from_context();
        None
    } else {
        let title = TodoTitle::parse(&title)?;
        let todo = todos::set_title(&db, user, id, &title)
            .await?
            .ok_or(AppError::NotFound)?;
        Some(todo)
    };
    if let Some(filter) = back_to {
        leptos_axum::redirect(filter.path());
    }
    Ok(edited)
}

/// Deletes one to-do.
#[server(prefix = "/fn", endpoint = "todos/delete")]
pub async fn delete_todo(id: TodoId) -> Result<(), AppError> {
    let user = require_user()?.id;
    let db = Db::from_context()?;
    if todos::delete(&db, user, id).await? {
        Collector::wake_from_context();
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// Deletes every completed to-do; returns how many went.
#[server(prefix = "/fn", endpoint = "todos/clear_completed")]
pub async fn clear_completed() -> Result<u64, AppError> {
    let user = require_user()?.id;
    let db = Db::from_context()?;
    let deleted = todos::delete_completed(&db, user).await?;
    Collector::wake_from_context();
    Ok(deleted)
}
