//! To-dos: list, read, add, change, complete all, delete. For the acting user only: another
//! user's to-do is indistinguishable from one that does not exist.

use crate::{
    domain::{NewTodo, Snapshot, Todo, TodoChange, TodoId, UserId},
    error::AppError,
    server::{
        db::{attachments, todos, todos::Query, users, Tx},
        events::{Kind, What},
        state::AppState,
    },
};

use super::commit;

/// The whole list and its attachments. `version` is the list's version read before (with the
/// signed-in user, at the start of the request): never newer than what the snapshot shows, so
/// a change that lands in between only makes the browser load again.
pub async fn snapshot(state: &AppState, user: UserId, version: i64) -> Result<Snapshot, AppError> {
    let mut conn = state.db.reader().await?;
    let todos = todos::list(conn.ex(), user, Query::default()).await?;
    let attachments = attachments::list(conn.ex(), user, None).await?;
    Ok(Snapshot {
        version,
        todos,
        attachments,
    })
}

/// The list's version now: what an event stream compares with the version a page shows.
pub async fn version(state: &AppState, user: UserId) -> Result<i64, AppError> {
    let mut conn = state.db.reader().await?;
    Ok(users::list_version(conn.ex(), user).await?)
}

/// The user's to-dos in order, as `query` narrows them.
pub async fn list(state: &AppState, user: UserId, query: Query) -> Result<Vec<Todo>, AppError> {
    let mut conn = state.db.reader().await?;
    Ok(todos::list(conn.ex(), user, query).await?)
}

pub async fn get(state: &AppState, user: UserId, id: TodoId) -> Result<Todo, AppError> {
    let mut conn = state.db.reader().await?;
    todos::get(conn.ex(), user, id)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn add(state: &AppState, user: UserId, new: NewTodo) -> Result<Todo, AppError> {
    let mut tx = state.db.begin().await?;
    let todo = todos::insert(tx.ex(), user, &new).await?;
    commit(state, tx, user, What::new(Kind::TodosAdded, [todo.id.0])).await?;
    Ok(todo)
}

/// Changes the given fields of one to-do.
pub async fn change(
    state: &AppState,
    user: UserId,
    id: TodoId,
    change: TodoChange,
) -> Result<Todo, AppError> {
    let mut tx = state.db.begin().await?;
    let todo = todos::update(tx.ex(), user, id, &change)
        .await?
        .ok_or(AppError::NotFound)?;
    commit(state, tx, user, What::new(Kind::TodosChanged, [id.0])).await?;
    Ok(todo)
}

/// Marks every to-do done or not; returns how many changed.
pub async fn set_all_completed(
    state: &AppState,
    user: UserId,
    completed: bool,
) -> Result<u64, AppError> {
    let mut tx = state.db.begin().await?;
    let changed = todos::set_all_completed(tx.ex(), user, completed).await?;
    commit_many(state, tx, user, Kind::TodosChanged, changed).await
}

/// Deletes one to-do and its attachments (their files follow, through the collector).
pub async fn delete(state: &AppState, user: UserId, id: TodoId) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    if !todos::delete(tx.ex(), user, id).await? {
        return Err(AppError::NotFound);
    }
    commit(state, tx, user, What::new(Kind::TodosDeleted, [id.0])).await?;
    state.collector.wake();
    Ok(())
}

/// Deletes the completed to-dos, or all of them; returns how many went.
pub async fn delete_many(
    state: &AppState,
    user: UserId,
    only_completed: bool,
) -> Result<u64, AppError> {
    let mut tx = state.db.begin().await?;
    let deleted = todos::delete_many(tx.ex(), user, only_completed).await?;
    let count = commit_many(state, tx, user, Kind::TodosDeleted, deleted).await?;
    if count > 0 {
        state.collector.wake();
    }
    Ok(count)
}

/// Commits a change to the to-dos `ids` (there is nothing to commit or publish when there
/// are none); returns how many there were.
async fn commit_many(
    state: &AppState,
    tx: Tx,
    user: UserId,
    kind: Kind,
    ids: Vec<TodoId>,
) -> Result<u64, AppError> {
    if ids.is_empty() {
        return Ok(0);
    }
    let count = ids.len() as u64;
    commit(
        state,
        tx,
        user,
        What::new(kind, ids.into_iter().map(|id| id.0)),
    )
    .await?;
    Ok(count)
}
