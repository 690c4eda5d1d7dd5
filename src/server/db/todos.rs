//! SQL for the `todos` table. The same statements run on SQLite and PostgreSQL.
//!
//! Every statement is scoped to one user: another user's to-do behaves as if it did not exist.

use crate::domain::{Todo, TodoId, TodoTitle, UserId};

use super::{on_read_pool, on_write_pool, Db};

#[derive(sqlx::FromRow)]
struct TodoRow {
    id: i64,
    title: String,
    completed: bool,
}

impl From<TodoRow> for Todo {
    fn from(row: TodoRow) -> Self {
        Todo {
            id: TodoId(row.id),
            title: row.title,
            completed: row.completed,
        }
    }
}

const LIST: &str =
    "SELECT id, title, completed FROM todos WHERE user_id = $1 ORDER BY position, id";
const INSERT: &str = "INSERT INTO todos (user_id, title, completed, position) \
     VALUES ($1, $2, FALSE, (SELECT COALESCE(MAX(position), 0) + 1 FROM todos WHERE user_id = $1)) \
     RETURNING id, title, completed";
const SET_COMPLETED: &str = "UPDATE todos SET completed = $3, updated_at = CURRENT_TIMESTAMP \
     WHERE user_id = $1 AND id = $2 RETURNING id, title, completed";
const SET_TITLE: &str = "UPDATE todos SET title = $3, updated_at = CURRENT_TIMESTAMP \
     WHERE user_id = $1 AND id = $2 RETURNING id, title, completed";
const SET_ALL_COMPLETED: &str = "UPDATE todos SET completed = $2, updated_at = CURRENT_TIMESTAMP \
     WHERE user_id = $1 AND completed <> $2";
const DELETE: &str = "DELETE FROM todos WHERE user_id = $1 AND id = $2";
const DELETE_COMPLETED: &str = "DELETE FROM todos WHERE user_id = $1 AND completed = TRUE";

/// Every to-do, in list order.
pub async fn list(db: &Db, user: UserId) -> Result<Vec<Todo>, sqlx::Error> {
    let rows: Vec<TodoRow> =
        on_read_pool!(db, pool => sqlx::query_as(LIST).bind(user.0).fetch_all(pool).await)?;
    Ok(rows.into_iter().map(Todo::from).collect())
}

/// Adds a to-do at the bottom of the list.
pub async fn insert(db: &Db, user: UserId, title: &TodoTitle) -> Result<Todo, sqlx::Error> {
    let row: TodoRow = on_write_pool!(db, pool => {
        sqlx::query_as(INSERT).bind(user.0).bind(title.as_str()).fetch_one(pool).await
    })?;
    Ok(row.into())
}

/// Marks one to-do done or not; `None` when there is no such to-do.
pub async fn set_completed(
    db: &Db,
    user: UserId,
    id: TodoId,
    completed: bool,
) -> Result<Option<Todo>, sqlx::Error> {
    let row: Option<TodoRow> = on_write_pool!(db, pool => {
        sqlx::query_as(SET_COMPLETED).bind(user.0).bind(id.0).bind(completed).fetch_optional(pool).await
    })?;
    Ok(row.map(Todo::from))
}

/// Renames one to-do; `None` when there is no such to-do.
pub async fn set_title(
    db: &Db,
    user: UserId,
    id: TodoId,
    title: &TodoTitle,
) -> Result<Option<Todo>, sqlx::Error> {
    let row: Option<TodoRow> = on_write_pool!(db, pool => {
        sqlx::query_as(SET_TITLE).bind(user.0).bind(id.0).bind(title.as_str()).fetch_optional(pool).await
    })?;
    Ok(row.map(Todo::from))
}

/// Marks every to-do done or not; returns how many changed.
pub async fn set_all_completed(db: &Db, user: UserId, completed: bool) -> Result<u64, sqlx::Error> {
    let done = on_write_pool!(db, pool => {
        sqlx::query(SET_ALL_COMPLETED).bind(user.0).bind(completed).execute(pool).await.map(|r| r.rows_affected())
    })?;
    Ok(done)
}

/// Deletes one to-do; `false` when there was no such to-do.
pub async fn delete(db: &Db, user: UserId, id: TodoId) -> Result<bool, sqlx::Error> {
    let deleted = on_write_pool!(db, pool => {
        sqlx::query(DELETE).bind(user.0).bind(id.0).execute(pool).await.map(|r| r.rows_affected())
    })?;
    Ok(deleted > 0)
}

/// Deletes every completed to-do; returns how many went.
pub async fn delete_completed(db: &Db, user: UserId) -> Result<u64, sqlx::Error> {
    let deleted = on_write_pool!(db, pool => {
        sqlx::query(DELETE_COMPLETED).bind(user.0).execute(pool).await.map(|r| r.rows_affected())
    })?;
    Ok(deleted)
}

/// A to-do with everything the JSON API shows.
#[derive(Debug, sqlx::FromRow)]
pub struct TodoRecord {
    pub id: i64,
    pub title: String,
    pub completed: bool,
    pub position: i64,
    /// Text as the database gives it; see [`super::rfc3339`].
    pub created_at: String,
    pub updated_at: String,
}

const RECORD_COLUMNS: &str = "id, title, completed, position, \
     CAST(created_at AS TEXT) AS created_at, CAST(updated_at AS TEXT) AS updated_at";

/// The user's to-dos in list order, optionally only done (or not done) ones, one page of them.
pub async fn records(
    db: &Db,
    user: UserId,
    completed: Option<bool>,
    limit: Option<i64>,
    offset: i64,
) -> Result<Vec<TodoRecord>, sqlx::Error> {
    let sql = format!(
        "SELECT {RECORD_COLUMNS} FROM todos WHERE user_id = $1 AND ($2 IS NULL OR completed = $2) \
         ORDER BY position, id LIMIT $3 OFFSET $4"
    );
    on_read_pool!(db, pool => {
        sqlx::query_as(&sql)
            .bind(user.0)
            .bind(completed)
            .bind(limit.unwrap_or(i64::MAX))
            .bind(offset)
            .fetch_all(pool)
            .await
    })
}

pub async fn record(db: &Db, user: UserId, id: TodoId) -> Result<Option<TodoRecord>, sqlx::Error> {
    let sql = format!("SELECT {RECORD_COLUMNS} FROM todos WHERE user_id = $1 AND id = $2");
    on_read_pool!(db, pool => sqlx::query_as(&sql).bind(user.0).bind(id.0).fetch_optional(pool).await)
}

/// Adds a to-do at `order`, or at the bottom of the list.
pub async fn create_record(
    db: &Db,
    user: UserId,
    title: &TodoTitle,
    completed: bool,
    order: Option<i64>,
) -> Result<TodoRecord, sqlx::Error> {
    let sql = format!(
        "INSERT INTO todos (user_id, title, completed, position) VALUES ($1, $2, $3, \
         COALESCE($4, (SELECT COALESCE(MAX(position), 0) + 1 FROM todos WHERE user_id = $1))) \
         RETURNING {RECORD_COLUMNS}"
    );
    on_write_pool!(db, pool => {
        sqlx::query_as(&sql)
            .bind(user.0)
            .bind(title.as_str())
            .bind(completed)
            .bind(order)
            .fetch_one(pool)
            .await
    })
}

/// Changes the given fields of one to-do; `None` when there is no such to-do.
pub async fn update_record(
    db: &Db,
    user: UserId,
    id: TodoId,
    title: Option<&TodoTitle>,
    completed: Option<bool>,
    order: Option<i64>,
) -> Result<Option<TodoRecord>, sqlx::Error> {
    let sql = format!(
        "UPDATE todos SET title = COALESCE($3, title), completed = COALESCE($4, completed), \
         position = COALESCE($5, position), updated_at = CURRENT_TIMESTAMP \
         WHERE user_id = $1 AND id = $2 RETURNING {RECORD_COLUMNS}"
    );
    on_write_pool!(db, pool => {
        sqlx::query_as(&sql)
            .bind(user.0)
            .bind(id.0)
            .bind(title.map(TodoTitle::as_str))
            .bind(completed)
            .bind(order)
            .fetch_optional(pool)
            .await
    })
}

/// Deletes all of the user's to-dos; returns how many went.
pub async fn delete_all(db: &Db, user: UserId) -> Result<u64, sqlx::Error> {
    on_write_pool!(db, pool => {
        sqlx::query("DELETE FROM todos WHERE user_id = $1")
            .bind(user.0)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })
}
