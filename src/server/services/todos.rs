//! To-dos: list, read, add, change, complete all, delete, on a list the acting user is a member
//! of (changes: as its owner or an editor). A to-do on a list the user cannot see is
//! indistinguishable from one that does not exist.

use crate::{
    domain::{ListAndMenu, NewTodo, Snapshot, Todo, TodoChange, TodoId, UserId},
    error::AppError,
    server::{
        db::{
            self, attachments,
            lists::{Access, ListRef},
            todos,
            todos::Query,
            Ex, Tx,
        },
        events::{Kind, What},
        state::AppState,
    },
};

use super::{commit, lists};

/// The whole list and its attachments, with the list's version read first: never newer than
/// what the snapshot shows, so a change that lands in between only makes the browser load
/// again.
pub async fn snapshot(state: &AppState, user: UserId, list: ListRef) -> Result<Snapshot, AppError> {
    let mut conn = state.db.reader().await?;
    let access = lists::access(conn.ex(), user, list).await?;
    snapshot_of(conn.ex(), access).await
}

/// A list's page: the user's lists (the menu, which names this one) and the list's snapshot,
/// read on one connection.
pub async fn page(state: &AppState, user: UserId, list: ListRef) -> Result<ListAndMenu, AppError> {
    let mut conn = state.db.reader().await?;
    let all = db::lists::all(conn.ex(), user).await?;
    let access = all
        .iter()
        .find(|access| access.is(list))
        .cloned()
        .ok_or(AppError::ListNotFound)?;
    Ok(ListAndMenu {
        lists: all.iter().map(Access::view).collect(),
        snapshot: snapshot_of(conn.ex(), access).await?,
    })
}

async fn snapshot_of(mut ex: Ex<'_>, access: Access) -> Result<Snapshot, AppError> {
    let todos = todos::list(ex.reborrow(), &access, Query::default()).await?;
    let attachments = attachments::list(ex, &access, None).await?;
    Ok(Snapshot {
        list: access.view(),
        version: access.version,
        todos,
        attachments,
    })
}

/// The list's to-dos in order, as `query` narrows them.
pub async fn list(
    state: &AppState,
    user: UserId,
    list: ListRef,
    query: Query,
) -> Result<Vec<Todo>, AppError> {
    let mut conn = state.db.reader().await?;
    let access = lists::access(conn.ex(), user, list).await?;
    Ok(todos::list(conn.ex(), &access, query).await?)
}

/// One to-do (on the list `within`, when given).
pub async fn get(
    state: &AppState,
    user: UserId,
    within: Option<ListRef>,
    id: TodoId,
) -> Result<Todo, AppError> {
    let mut conn = state.db.reader().await?;
    let access = lists::access_to_todo(conn.ex(), user, id, within).await?;
    todos::get(conn.ex(), &access, id)
        .await?
        .ok_or(AppError::NotFound)
}

pub async fn add(
    state: &AppState,
    user: UserId,
    list: ListRef,
    new: NewTodo,
) -> Result<Todo, AppError> {
    let mut tx = state.db.begin().await?;
    let access = lists::writable(tx.ex(), user, list).await?;
    let todo = todos::insert(tx.ex(), &access, &new)
        .await?
        .ok_or(AppError::ListNotFound)?;
    let what = What::new(Kind::TodosAdded, [todo.id.0]);
    commit(state, tx, access.list, &[], what).await?;
    Ok(todo)
}

/// Changes the given fields of one to-do (on the list `within`, when given).
pub async fn change(
    state: &AppState,
    user: UserId,
    within: Option<ListRef>,
    id: TodoId,
    change: TodoChange,
) -> Result<Todo, AppError> {
    let mut tx = state.db.begin().await?;
    let access = lists::writable_todo(tx.ex(), user, id, within).await?;
    let todo = todos::update(tx.ex(), &access, id, &change)
        .await?
        .ok_or(AppError::NotFound)?;
    let what = What::new(Kind::TodosChanged, [id.0]);
    commit(state, tx, access.list, &[], what).await?;
    Ok(todo)
}

/// Marks every to-do of the list done or not; returns how many changed.
pub async fn set_all_completed(
    state: &AppState,
    user: UserId,
    list: ListRef,
    completed: bool,
) -> Result<u64, AppError> {
    let mut tx = state.db.begin().await?;
    let access = lists::writable(tx.ex(), user, list).await?;
    let changed = todos::set_all_completed(tx.ex(), &access, completed).await?;
    commit_many(state, tx, &access, Kind::TodosChanged, changed).await
}

/// Deletes one to-do (on the list `within`, when given) and its attachments (their files
/// follow, through the collector).
pub async fn delete(
    state: &AppState,
    user: UserId,
    within: Option<ListRef>,
    id: TodoId,
) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    let access = lists::writable_todo(tx.ex(), user, id, within).await?;
    if !todos::delete(tx.ex(), &access, id).await? {
        return Err(AppError::NotFound);
    }
    let what = What::new(Kind::TodosDeleted, [id.0]);
    commit(state, tx, access.list, &[], what).await?;
    state.collector.wake();
    Ok(())
}

/// Deletes the list's completed to-dos, or all of them; returns how many went.
pub async fn delete_many(
    state: &AppState,
    user: UserId,
    list: ListRef,
    only_completed: bool,
) -> Result<u64, AppError> {
    let mut tx = state.db.begin().await?;
    let access = lists::writable(tx.ex(), user, list).await?;
    let deleted = todos::delete_many(tx.ex(), &access, only_completed).await?;
    let count = commit_many(state, tx, &access, Kind::TodosDeleted, deleted).await?;
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
    access: &crate::server::db::lists::Access,
    kind: Kind,
    ids: Vec<TodoId>,
) -> Result<u64, AppError> {
    if ids.is_empty() {
        return Ok(0);
    }
    let count = ids.len() as u64;
    let what = What::new(kind, ids.into_iter().map(|id| id.0));
    commit(state, tx, access.list, &[], what).await?;
    Ok(count)
}
