//! SQL for `attachments` and `attachment_garbage`. The same statements run on SQLite and
//! PostgreSQL. Every statement on attachments is scoped to one user.

use crate::domain::{Attachment, TodoId, UserId};

use super::{on, Ex};

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

const COLUMNS: &str = "id, todo_id, file_name, content_type, size_bytes";

/// The user's attachments, by to-do, oldest first; only `todo`'s when given.
pub async fn list(
    ex: Ex<'_>,
    user: UserId,
    todo: Option<TodoId>,
) -> Result<Vec<Attachment>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM attachments WHERE user_id = $1 AND ($2 IS NULL OR todo_id = $2) \
         ORDER BY todo_id, id"
    );
    let rows: Vec<AttachmentRow> = on!(ex, conn => {
        sqlx::query_as(&sql).bind(user.0).bind(todo.map(|t| t.0)).fetch_all(conn).await
    })?;
    Ok(rows.into_iter().map(Attachment::from).collect())
}

pub async fn get(ex: Ex<'_>, user: UserId, id: i64) -> Result<Option<Stored>, sqlx::Error> {
    const SQL: &str = "SELECT id, todo_id, file_name, content_type, size_bytes, storage_key, \
         sha256 FROM attachments WHERE user_id = $1 AND id = $2";
    on!(ex, conn => sqlx::query_as(SQL).bind(user.0).bind(id).fetch_optional(conn).await)
}

/// Bytes the user's attachments take.
pub async fn used_bytes(ex: Ex<'_>, user: UserId) -> Result<i64, sqlx::Error> {
    const SQL: &str =
        "SELECT CAST(COALESCE(SUM(size_bytes), 0) AS BIGINT) FROM attachments WHERE user_id = $1";
    on!(ex, conn => sqlx::query_scalar(SQL).bind(user.0).fetch_one(conn).await)
}

/// Records a stored file on the user's to-do.
pub async fn insert(
    ex: Ex<'_>,
    user: UserId,
    todo: TodoId,
    file: &NewAttachment,
) -> Result<Attachment, sqlx::Error> {
    let sql = format!(
        "INSERT INTO attachments (todo_id, user_id, storage_key, file_name, content_type, \
         size_bytes, sha256) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {COLUMNS}"
    );
    let row: AttachmentRow = on!(ex, conn => {
        sqlx::query_as(&sql)
            .bind(todo.0)
            .bind(user.0)
            .bind(&file.storage_key)
            .bind(&file.file_name)
            .bind(&file.content_type)
            .bind(file.size_bytes)
            .bind(&file.sha256)
            .fetch_one(conn)
            .await
    })?;
    Ok(row.into())
}

/// Deletes one of the user's attachments (its file follows, through the garbage list).
pub async fn delete(ex: Ex<'_>, user: UserId, id: i64) -> Result<bool, sqlx::Error> {
    let deleted = on!(ex, conn => {
        sqlx::query("DELETE FROM attachments WHERE user_id = $1 AND id = $2")
            .bind(user.0)
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
