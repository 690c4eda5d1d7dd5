//! SQL for the `users` table. The same statements run on SQLite and PostgreSQL.

use crate::domain::{UserId, Username};

use super::{on_read_pool, on_write_pool, Db};

/// A user as sessions see them: enough to check a session is still valid.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionUser {
    pub id: i64,
    pub username: String,
    pub session_generation: i64,
    /// Changes whenever the user's to-dos or attachments change (kept by database triggers).
    pub list_version: i64,
}

/// A user with the password hash, for logging in.
#[derive(sqlx::FromRow)]
pub struct Credentials {
    pub id: i64,
    pub username: String,
    pub password_hash: String,
    pub session_generation: i64,
    pub list_version: i64,
}

const INSERT: &str = "INSERT INTO users (username, password_hash) VALUES ($1, $2) \
     RETURNING id, username, session_generation, list_version";
const ADOPT_UNOWNED_TODOS: &str = "UPDATE todos SET user_id = $1 WHERE user_id IS NULL";
const BY_ID: &str =
    "SELECT id, username, session_generation, list_version FROM users WHERE id = $1";
const CREDENTIALS_BY_NAME: &str = "SELECT id, username, password_hash, session_generation, \
     list_version FROM users WHERE lower(username) = lower($1)";
const CREDENTIALS_BY_ID: &str = "SELECT id, username, password_hash, session_generation, \
     list_version FROM users WHERE id = $1";
const SET_PASSWORD: &str = "UPDATE users SET password_hash = $2, \
     session_generation = session_generation + 1, updated_at = CURRENT_TIMESTAMP \
     WHERE id = $1 RETURNING session_generation";
const DELETE: &str = "DELETE FROM users WHERE id = $1";

/// Creates a user; `None` when the username is taken (in any case). The first user also
/// adopts the to-dos made before accounts existed, in the same transaction.
pub async fn create(
    db: &Db,
    username: &Username,
    password_hash: &str,
) -> Result<Option<SessionUser>, sqlx::Error> {
    on_write_pool!(db, pool => {
        let mut tx = pool.begin().await?;
        let created = sqlx::query_as::<_, SessionUser>(INSERT)
            .bind(username.as_str())
            .bind(password_hash)
            .fetch_one(&mut *tx)
            .await;
        let user = match created {
            Ok(user) => user,
            Err(sqlx::Error::Database(err)) if err.is_unique_violation() => return Ok(None),
            Err(err) => return Err(err),
        };
        sqlx::query(ADOPT_UNOWNED_TODOS).bind(user.id).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(Some(user))
    })
}

pub async fn by_id(db: &Db, id: UserId) -> Result<Option<SessionUser>, sqlx::Error> {
    on_read_pool!(db, pool => sqlx::query_as(BY_ID).bind(id.0).fetch_optional(pool).await)
}

/// The user named `username` (whatever its case), with the password hash.
pub async fn credentials_by_name(
    db: &Db,
    username: &Username,
) -> Result<Option<Credentials>, sqlx::Error> {
    on_read_pool!(db, pool => {
        sqlx::query_as(CREDENTIALS_BY_NAME).bind(username.as_str()).fetch_optional(pool).await
    })
}

pub async fn credentials_by_id(db: &Db, id: UserId) -> Result<Option<Credentials>, sqlx::Error> {
    on_read_pool!(db, pool => {
        sqlx::query_as(CREDENTIALS_BY_ID).bind(id.0).fetch_optional(pool).await
    })
}

/// Stores a new password hash and ends the user's sessions; returns the new session generation.
pub async fn set_password(
    db: &Db,
    id: UserId,
    password_hash: &str,
) -> Result<Option<i64>, sqlx::Error> {
    on_write_pool!(db, pool => {
        sqlx::query_scalar(SET_PASSWORD).bind(id.0).bind(password_hash).fetch_optional(pool).await
    })
}

/// Deletes the user; their to-dos go with them (`ON DELETE CASCADE`).
pub async fn delete(db: &Db, id: UserId) -> Result<bool, sqlx::Error> {
    let deleted = on_write_pool!(db, pool => {
        sqlx::query(DELETE).bind(id.0).execute(pool).await.map(|r| r.rows_affected())
    })?;
    Ok(deleted > 0)
}
