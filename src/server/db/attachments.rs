//! SQL for `attachments` and `attachment_garbage`. The same statements run on SQLite and
//! PostgreSQL. Every statement on attachments is scoped to one list and checks the caller's
//! membership (or right to change it) in its own SQL. An attachment's `user_id` is the list
//! owner's: whose quota it counts against.

use crate::domain::{Attachment, TodoId, UserId};

use super::{
    lists::{Access, EDITOR, MEMBER},
    on, Ex,
};

/// An attachment with where its bytes are.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Stored {
    pub id: i64,
    pub todo_id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub storage_key: String,
    pub sha256: String,
}

impl Stored {
    pub fn view(&self) -> Attachment {
        Attachment {
            id: self.id,
            todo_id: self.todo_id,
            file_name: self.file_name.clone(),
            content_type: self.content_type.clone(),
            size_bytes: self.size_bytes,
        }
    }
}

/// A file already in storage under `storage_key`, to be recorded.
#[derive(Debug, Clone)]
pub struct NewAttachment {
    pub storage_key: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
}

#[derive(sqlx::FromRow)]
struct AttachmentRow {
    id: i64,
    todo_id: i64,
    file_name: String,
    content_type: String,
    size_bytes: i64,
}

impl From<AttachmentRow> for Attachment {
    fn from(row: AttachmentRow) -> Self {
        Attachment {
            id: row.id,
            todo_id: row.todo_id,
            file_name: row.file_name,
            content_type: row.content_type,
            size_bytes: row.size_bytes,
        }
    }
}

const COLUMNS: &str = "a.id, a.todo_id, a.file_name, a.content_type, a.size_bytes";
/// `a`: attachments of list `$1`'s to-dos.
const OF_LIST: &str = "attachments a JOIN todos t ON t.id = a.todo_id AND t.list_id = $1";

/// The list's attachments, by to-do, oldest first; only `todo`'s when given.
pub async fn list(
    ex: Ex<'_>,
    access: &Access,
    todo: Option<TodoId>,
) -> Result<Vec<Attachment>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM {OF_LIST} WHERE {MEMBER} AND ($3 IS NULL OR a.todo_id = $3) \
         ORDER BY a.todo_id, a.id"
    );
    let rows: Vec<AttachmentRow> = on!(ex, conn => {
        sqlx::query_as(&sql)
            .bind(access.list.0)
            .bind(access.user.0)
            .bind(todo.map(|t| t.0))
            .fetch_all(conn)
            .await
    })?;
    Ok(rows.into_iter().map(Attachment::from).collect())
}

pub async fn get(ex: Ex<'_>, access: &Access, id: i64) -> Result<Option<Stored>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS}, a.storage_key, a.sha256 FROM {OF_LIST} WHERE {MEMBER} AND a.id = $3"
    );
    on!(ex, conn => {
        sqlx::query_as(&sql)
            .bind(access.list.0)
            .bind(access.user.0)
            .bind(id)
            .fetch_optional(conn)
            .await
    })
}

/// Bytes the attachments on the user's lists take (their quota).
pub async fn used_bytes(ex: Ex<'_>, user: UserId) -> Result<i64, sqlx::Error> {
    const SQL: &str =
        "SELECT CAST(COALESCE(SUM(size_bytes), 0) AS BIGINT) FROM attachments WHERE user_id = $1";
    on!(ex, conn => sqlx::query_scalar(SQL).bind(user.0).fetch_one(conn).await)
}

/// Records a stored file on the list's to-do `todo`, against the owner's quota; `None` when
/// the caller may not change the list or the to-do is not on it.
pub async fn insert(
    ex: Ex<'_>,
    access: &Access,
    todo: TodoId,
    file: &NewAttachment,
) -> Result<Option<Attachment>, sqlx::Error> {
    let sql = format!(
        "INSERT INTO attachments (todo_id, user_id, storage_key, file_name, content_type, \
         size_bytes, sha256) SELECT t.id, $4, $5, $6, $7, $8, $9 FROM todos t \
         WHERE t.id = $3 AND t.list_id = $1 AND {EDITOR} \
         RETURNING id, todo_id, file_name, content_type, size_bytes"
    );
    let row: Option<AttachmentRow> = on!(ex, conn => {
        sqlx::query_as(&sql)
            .bind(access.list.0)
            .bind(access.user.0)
            .bind(todo.0)
            .bind(access.owner.0)
            .bind(&file.storage_key)
            .bind(&file.file_name)
            .bind(&file.content_type)
            .bind(file.size_bytes)
            .bind(&file.sha256)
            .fetch_optional(conn)
            .await
    })?;
    Ok(row.map(Attachment::from))
}

/// Deletes one of the list's attachments (its file follows, through the garbage list).
pub async fn delete(ex: Ex<'_>, access: &Access, id: i64) -> Result<bool, sqlx::Error> {
    let sql = format!(
        "DELETE FROM attachments WHERE id = $3 AND {EDITOR} \
         AND todo_id IN (SELECT id FROM todos WHERE list_id = $1)"
    );
    let deleted = on!(ex, conn => {
        sqlx::query(&sql)
            .bind(access.list.0)
            .bind(access.user.0)
            .bind(id)
            .execute(conn)
            .await
            .map(|done| done.rows_affected())
    })?;
    Ok(deleted > 0)
}

/// Which of `keys` some row refers to.
pub async fn recorded_keys(ex: Ex<'_>, keys: &[String]) -> Result<Vec<String>, sqlx::Error> {
    const SQL: &str = "SELECT storage_key FROM attachments WHERE storage_key = $1";
    let mut recorded = Vec::new();
    on!(ex, conn => {
        for key in keys {
            let found: Option<String> =
                sqlx::query_scalar(SQL).bind(key).fetch_optional(&mut *conn).await?;
            recorded.extend(found);
        }
    });
    Ok(recorded)
}

/// Storage keys whose rows are gone, up to `limit`.
pub async fn garbage(ex: Ex<'_>, limit: i64) -> Result<Vec<String>, sqlx::Error> {
    const SQL: &str = "SELECT storage_key FROM attachment_garbage LIMIT $1";
    on!(ex, conn => sqlx::query_scalar(SQL).bind(limit).fetch_all(conn).await)
}

/// Forgets a garbage entry once its file is deleted.
pub async fn forget_garbage(ex: Ex<'_>, key: &str) -> Result<(), sqlx::Error> {
    const SQL: &str = "DELETE FROM attachment_garbage WHERE storage_key = $1";
    on!(ex, conn => sqlx::query(SQL).bind(key).execute(conn).await.map(|_| ()))?;
    Ok(())
}

/// Every recorded file's key, size and SHA-256 (for copying a store).
pub async fn recorded_files(ex: Ex<'_>) -> Result<Vec<(String, i64, String)>, sqlx::Error> {
    const SQL: &str = "SELECT storage_key, size_bytes, sha256 FROM attachments";
    on!(ex, conn => sqlx::query_as(SQL).fetch_all(conn).await)
}

/// PostgreSQL: up to `limit` garbage entries that no other node has claimed, locked (`FOR
/// UPDATE SKIP LOCKED`) until the transaction ends, so two nodes never work on one entry.
pub async fn claim_garbage(
    conn: &mut sqlx::PgConnection,
    limit: i64,
) -> Result<Vec<String>, sqlx::Error> {
    const SQL: &str = "SELECT storage_key FROM attachment_garbage LIMIT $1 FOR UPDATE SKIP LOCKED";
    sqlx::query_scalar(SQL).bind(limit).fetch_all(conn).await
}

/// The advisory lock that lets one node at a time sweep the store for debris.
pub const SWEEP_LOCK: i64 = 0x7469_636b_5357_4550; // "tickSWEP"

/// PostgreSQL: takes the sweep lock for this session unless another holds it.
pub async fn try_lock_sweep(conn: &mut sqlx::PgConnection) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
        .bind(SWEEP_LOCK)
        .fetch_one(conn)
        .await
}

/// PostgreSQL: gives the sweep lock back.
pub async fn unlock_sweep(conn: &mut sqlx::PgConnection) -> Result<(), sqlx::Error> {
    sqlx::query_scalar::<_, bool>("SELECT pg_advisory_unlock($1)")
        .bind(SWEEP_LOCK)
        .fetch_one(conn)
        .await
        .map(|_| ())
}
