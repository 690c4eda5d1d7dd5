//! SQL for the `todos` table. The same statements run on SQLite and PostgreSQL.
//!
//! Every statement is scoped to one user: another user's to-do behaves as if it did not exist.

use crate::domain::{NewTodo, Todo, TodoChange, TodoId, UserId};

use super::{on, DbTime, Ex};

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

/// Which of a user's to-dos to list, and how many.
#[derive(Debug, Clone, Copy, Default)]
pub struct Query {
    /// Only done (`Some(true)`) or not done (`Some(false)`) ones.
    pub completed: Option<bool>,
    pub limit: Option<i64>,
    pub offset: i64,
}

const COLUMNS: &str = "id, title, completed, position, created_at, updated_at";

/// The user's to-dos in list order, as `query` narrows them.
pub async fn list(ex: Ex<'_>, user: UserId, query: Query) -> Result<Vec<Todo>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM todos WHERE user_id = $1 AND ($2 IS NULL OR completed = $2) \
         ORDER BY position, id LIMIT $3 OFFSET $4"
    );
    let rows: Vec<TodoRow> = on!(ex, conn => {
        sqlx::query_as(&sql)
            .bind(user.0)
            .bind(query.completed)
            .bind(query.limit.unwrap_or(i64::MAX))
            .bind(query.offset)
            .fetch_all(conn)
            .await
    })?;
    Ok(rows.into_iter().map(Todo::from).collect())
}

pub async fn get(ex: Ex<'_>, user: UserId, id: TodoId) -> Result<Option<Todo>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM todos WHERE user_id = $1 AND id = $2");
    let row: Option<TodoRow> = on!(ex, conn => {
        sqlx::query_as(&sql).bind(user.0).bind(id.0).fetch_optional(conn).await
    })?;
    Ok(row.map(Todo::from))
}

/// Adds a to-do at its `order`, or at the bottom of the list.
pub async fn insert(ex: Ex<'_>, user: UserId, new: &NewTodo) -> Result<Todo, sqlx::Error> {
    let sql = format!(
        "INSERT INTO todos (user_id, title, completed, position) VALUES ($1, $2, $3, \
         COALESCE($4, (SELECT COALESCE(MAX(position), 0) + 1 FROM todos WHERE user_id = $1))) \
         RETURNING {COLUMNS}"
    );
    let row: TodoRow = on!(ex, conn => {
        sqlx::query_as(&sql)
            .bind(user.0)
            .bind(new.title.as_str())
            .bind(new.completed)
            .bind(new.order)
            .fetch_one(conn)
            .await
    })?;
    Ok(row.into())
}

/// Changes the given fields of one to-do; `None` when there is no such to-do.
pub async fn update(
    ex: Ex<'_>,
    user: UserId,
    id: TodoId,
    change: &TodoChange,
) -> Result<Option<Todo>, sqlx::Error> {
    let sql = format!(
        "UPDATE todos SET title = COALESCE($3, title), completed = COALESCE($4, completed), \
         position = COALESCE($5, position), updated_at = CURRENT_TIMESTAMP \
         WHERE user_id = $1 AND id = $2 RETURNING {COLUMNS}"
    );
    let row: Option<TodoRow> = on!(ex, conn => {
        sqlx::query_as(&sql)
            .bind(user.0)
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
    user: UserId,
    completed: bool,
) -> Result<Vec<TodoId>, sqlx::Error> {
    const SQL: &str = "UPDATE todos SET completed = $2, updated_at = CURRENT_TIMESTAMP \
         WHERE user_id = $1 AND completed <> $2 RETURNING id";
    let ids: Vec<i64> = on!(ex, conn => {
        sqlx::query_scalar(SQL).bind(user.0).bind(completed).fetch_all(conn).await
    })?;
    Ok(ids.into_iter().map(TodoId).collect())
}

/// Deletes one to-do; `false` when there was no such to-do.
pub async fn delete(ex: Ex<'_>, user: UserId, id: TodoId) -> Result<bool, sqlx::Error> {
    const SQL: &str = "DELETE FROM todos WHERE user_id = $1 AND id = $2";
    let deleted = on!(ex, conn => {
        sqlx::query(SQL)
            .bind(user.0)
            .bind(id.0)
            .execute(conn)
            .await
            .map(|done| done.rows_affected())
    })?;
    Ok(deleted > 0)
}

/// Deletes the user's to-dos, only the completed ones if `only_completed`; returns their ids.
pub async fn delete_many(
    ex: Ex<'_>,
    user: UserId,
    only_completed: bool,
) -> Result<Vec<TodoId>, sqlx::Error> {
    const SQL: &str =
        "DELETE FROM todos WHERE user_id = $1 AND ($2 = FALSE OR completed = TRUE) RETURNING id";
    let ids: Vec<i64> = on!(ex, conn => {
        sqlx::query_scalar(SQL).bind(user.0).bind(only_completed).fetch_all(conn).await
    })?;
    Ok(ids.into_iter().map(TodoId).collect())
}
