//! SQL for the `todos` table. The same statements run on SQLite and PostgreSQL.
//!
//! Every statement is scoped to one list and checks, in its own SQL, that the caller is a
//! member (to read) or the owner or an editor (to write): a to-do elsewhere behaves as if it
//! did not exist.

use crate::domain::{NewTodo, Todo, TodoChange, TodoId};

use super::{
    lists::{Access, EDITOR, MEMBER},
    on, DbTime, Ex,
};

#[derive(sqlx::FromRow)]
struct TodoRow {
    id: i64,
    title: String,
    completed: bool,
    position: i64,
    created_at: DbTime,
    updated_at: DbTime,
}

impl From<TodoRow> for Todo {
    fn from(row: TodoRow) -> Self {
        Todo {
            id: TodoId(row.id),
            title: row.title,
            completed: row.completed,
            order: row.position,
            created_at: row.created_at.0,
            updated_at: row.updated_at.0,
        }
    }
}

/// Which of a list's to-dos to list, and how many.
#[derive(Debug, Clone, Copy, Default)]
pub struct Query {
    /// Only done (`Some(true)`) or not done (`Some(false)`) ones.
    pub completed: Option<bool>,
    pub limit: Option<i64>,
    pub offset: i64,
}

const COLUMNS: &str = "id, title, completed, position, created_at, updated_at";

/// The list's to-dos in order, as `query` narrows them.
pub async fn list(ex: Ex<'_>, access: &Access, query: Query) -> Result<Vec<Todo>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM todos WHERE list_id = $1 AND {MEMBER} \
         AND ($3 IS NULL OR completed = $3) ORDER BY position, id LIMIT $4 OFFSET $5"
    );
    let rows: Vec<TodoRow> = on!(ex, conn => {
        sqlx::query_as(&sql)
            .bind(access.list.0)
            .bind(access.user.0)
            .bind(query.completed)
            .bind(query.limit.unwrap_or(i64::MAX))
            .bind(query.offset)
            .fetch_all(conn)
            .await
    })?;
    Ok(rows.into_iter().map(Todo::from).collect())
}

pub async fn get(ex: Ex<'_>, access: &Access, id: TodoId) -> Result<Option<Todo>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM todos WHERE list_id = $1 AND {MEMBER} AND id = $3");
    let row: Option<TodoRow> = on!(ex, conn => {
        sqlx::query_as(&sql)
            .bind(access.list.0)
            .bind(access.user.0)
            .bind(id.0)
            .fetch_optional(conn)
            .await
    })?;
    Ok(row.map(Todo::from))
}

/// Adds a to-do at its `order`, or at the bottom of the list; `None` when the caller may not.
pub async fn insert(
    ex: Ex<'_>,
    access: &Access,
    new: &NewTodo,
) -> Result<Option<Todo>, sqlx::Error> {
    let sql = format!(
        "INSERT INTO todos (list_id, title, completed, position) SELECT $1, $3, $4, \
         COALESCE($5, (SELECT COALESCE(MAX(position), 0) + 1 FROM todos WHERE list_id = $1)) \
         WHERE {EDITOR} RETURNING {COLUMNS}"
    );
    let row: Option<TodoRow> = on!(ex, conn => {
        sqlx::query_as(&sql)
            .bind(access.list.0)
            .bind(access.user.0)
            .bind(new.title.as_str())
            .bind(new.completed)
            .bind(new.order)
            .fetch_optional(conn)
            .await
    })?;
    Ok(row.map(Todo::from))
}

/// Changes the given fields of one to-do; `None` when there is no such to-do.
pub async fn update(
    ex: Ex<'_>,
    access: &Access,
    id: TodoId,
    change: &TodoChange,
) -> Result<Option<Todo>, sqlx::Error> {
    let sql = format!(
        "UPDATE todos SET title = COALESCE($4, title), completed = COALESCE($5, completed), \
         position = COALESCE($6, position), updated_at = CURRENT_TIMESTAMP \
         WHERE list_id = $1 AND {EDITOR} AND id = $3 RETURNING {COLUMNS}"
    );
    let row: Option<TodoRow> = on!(ex, conn => {
        sqlx::query_as(&sql)
            .bind(access.list.0)
            .bind(access.user.0)
            .bind(id.0)
            .bind(change.title.as_ref().map(|title| title.as_str()))
            .bind(change.completed)
            .bind(change.order)
            .fetch_optional(conn)
            .await
    })?;
    Ok(row.map(Todo::from))
}

/// Marks every to-do done or not; returns the ids that changed.
pub async fn set_all_completed(
    ex: Ex<'_>,
    access: &Access,
    completed: bool,
) -> Result<Vec<TodoId>, sqlx::Error> {
    let sql = format!(
        "UPDATE todos SET completed = $3, updated_at = CURRENT_TIMESTAMP \
         WHERE list_id = $1 AND {EDITOR} AND completed <> $3 RETURNING id"
    );
    let ids: Vec<i64> = on!(ex, conn => {
        sqlx::query_scalar(&sql)
            .bind(access.list.0)
            .bind(access.user.0)
            .bind(completed)
            .fetch_all(conn)
            .await
    })?;
    Ok(ids.into_iter().map(TodoId).collect())
}

/// Deletes one to-do; `false` when there was no such to-do.
pub async fn delete(ex: Ex<'_>, access: &Access, id: TodoId) -> Result<bool, sqlx::Error> {
    let sql = format!("DELETE FROM todos WHERE list_id = $1 AND {EDITOR} AND id = $3");
    let deleted = on!(ex, conn => {
        sqlx::query(&sql)
            .bind(access.list.0)
            .bind(access.user.0)
            .bind(id.0)
            .execute(conn)
            .await
            .map(|done| done.rows_affected())
    })?;
    Ok(deleted > 0)
}

/// Deletes the list's to-dos, only the completed ones if `only_completed`; returns their ids.
pub async fn delete_many(
    ex: Ex<'_>,
    access: &Access,
    only_completed: bool,
) -> Result<Vec<TodoId>, sqlx::Error> {
    let sql = format!(
        "DELETE FROM todos WHERE list_id = $1 AND {EDITOR} \
         AND ($3 = FALSE OR completed = TRUE) RETURNING id"
    );
    let ids: Vec<i64> = on!(ex, conn => {
        sqlx::query_scalar(&sql)
            .bind(access.list.0)
            .bind(access.user.0)
            .bind(only_completed)
            .fetch_all(conn)
            .await
    })?;
    Ok(ids.into_iter().map(TodoId).collect())
}
