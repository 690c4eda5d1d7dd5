//! SQL for `attachments` and `attachment_garbage`. The same statements run on SQLite and
//! PostgreSQL. Every statement is scoped to one user.

use crate::domain::{Attachment, TodoId, UserId};

use super::{on_read_pool, on_write_pool, Db};

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

/// An attachment with where its bytes are.
#[derive(sqlx::FromRow)]
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

/// A finished upload, ready to be recorded.
pub struct NewAttachment {
    pub storage_key: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
}

const COLUMNS: &str = "id, todo_id, file_name, content_type, size_bytes";

/// All of the user's attachments, by to-do, oldest first.
pub async fn for_user(db: &Db, user: UserId) -> Result<Vec<Attachment>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM attachments WHERE user_id = $1 ORDER BY todo_id, id");
    let rows: Vec<AttachmentRow> =
        on_read_pool!(db, pool => sqlx::query_as(&sql).bind(user.0).fetch_all(pool).await)?;
    Ok(rows.into_iter().map(Attachment::from).collect())
}

/// One to-do's attachments, oldest first.
pub async fn for_todo(db: &Db, user: UserId, todo: TodoId) -> Result<Vec<Attachment>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM attachments WHERE user_id = $1 AND todo_id = $2 ORDER BY id"
    );
    let rows: Vec<AttachmentRow> = on_read_pool!(db, pool => {
        sqlx::query_as(&sql).bind(user.0).bind(todo.0).fetch_all(pool).await
    })?;
    Ok(rows.into_iter().map(Attachment::from).collect())
}

pub async fn get(db: &Db, user: UserId, id: i64) -> Result<Option<Stored>, sqlx::Error> {
    const GET: &str = "SELECT id, todo_id, file_name, content_type, size_bytes, storage_key, \
         sha256 FROM attachments WHERE user_id = $1 AND id = $2";
    on_read_pool!(db, pool => sqlx::query_as(GET).bind(user.0).bind(id).fetch_optional(pool).await)
}

/// Bytes the user's attachments take.
pub async fn used_bytes(db: &Db, user: UserId) -> Result<i64, sqlx::Error> {
    const USED: &str =
        "SELECT CAST(COALESCE(SUM(size_bytes), 0) AS BIGINT) FROM attachments WHERE user_id = $1";
    on_read_pool!(db, pool => sqlx::query_scalar(USED).bind(user.0).fetch_one(pool).await)
}

/// Records `files` on the user's to-do and, inside the same transaction, has `commit` move
/// each file into place: the rows exist only if every file is in place. `None` when the to-do
/// is not the user's.
pub async fn insert_all<F, Fut>(
    db: &Db,
    user: UserId,
    todo: TodoId,
    files: &[NewAttachment],
    commit: F,
) -> Result<Option<Vec<Attachment>>, anyhow::Error>
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = std::io::Result<()>>,
{
    const OWNS: &str = "SELECT id FROM todos WHERE user_id = $1 AND id = $2";
    let insert = format!(
        "INSERT INTO attachments (todo_id, user_id, storage_key, file_name, content_type, \
         size_bytes, sha256) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {COLUMNS}"
    );
    on_write_pool!(db, pool => {
        let mut tx = pool.begin().await?;
        let owned: Option<i64> =
            sqlx::query_scalar(OWNS).bind(user.0).bind(todo.0).fetch_optional(&mut *tx).await?;
        if owned.is_none() {
            return Ok(None);
        }
        let mut recorded = Vec::with_capacity(files.len());
        for file in files {
            let row: AttachmentRow = sqlx::query_as(&insert)
                .bind(todo.0)
                .bind(user.0)
                .bind(&file.storage_key)
                .bind(&file.file_name)
                .bind(&file.content_type)
                .bind(file.size_bytes)
                .bind(&file.sha256)
                .fetch_one(&mut *tx)
                .await?;
            recorded.push(Attachment::from(row));
        }
        for file in files {
            commit(file.storage_key.clone()).await?;
        }
        tx.commit().await?;
        Ok(Some(recorded))
    })
}

/// Deletes one of the user's attachments (its file follows, through the garbage list).
pub async fn delete(db: &Db, user: UserId, id: i64) -> Result<bool, sqlx::Error> {
    let deleted = on_write_pool!(db, pool => {
        sqlx::query("DELETE FROM attachments WHERE user_id = $1 AND id = $2")
            .bind(user.0)
            .bind(id)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(deleted > 0)
}

/// Whether any row refers to `key`.
pub async fn key_is_recorded(db: &Db, key: &str) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = on_read_pool!(db, pool => {
        sqlx::query_scalar("SELECT id FROM attachments WHERE storage_key = $1")
            .bind(key)
            .fetch_optional(pool)
            .await
    })?;
    Ok(found.is_some())
}

/// Storage keys whose rows are gone, up to `limit`.
pub async fn garbage(db: &Db, limit: i64) -> Result<Vec<String>, sqlx::Error> {
    on_read_pool!(db, pool => {
        sqlx::query_scalar("SELECT storage_key FROM attachment_garbage LIMIT $1")
            .bind(limit)
            .fetch_all(pool)
            .await
    })
}

/// Forgets a garbage entry once its file is deleted.
pub async fn forget_garbage(db: &Db, key: &str) -> Result<(), sqlx::Error> {
    on_write_pool!(db, pool => {
        sqlx::query("DELETE FROM attachment_garbage WHERE storage_key = $1")
            .bind(key)
            .execute(pool)
            .await
            .map(|_| ())
    })
}
