//! SQL for the `users` table. The same statements run on SQLite and PostgreSQL.

use crate::domain::{UserId, Username};

use super::{on, Ex};

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

impl Credentials {
    pub fn session_user(self) -> SessionUser {
        SessionUser {
            id: self.id,
            username: self.username,
            session_generation: self.session_generation,
            list_version: self.list_version,
        }
    }
}

const SESSION_COLUMNS: &str = "id, username, session_generation, list_version";
const CREDENTIAL_COLUMNS: &str = "id, username, password_hash, session_generation, list_version";

/// Creates a user; `None` when the username is taken (in any case). The first user also
/// adopts the to-dos made before accounts existed (run it in the same transaction).
pub async fn create(
    mut ex: Ex<'_>,
    username: &Username,
    password_hash: &str,
) -> Result<Option<SessionUser>, sqlx::Error> {
    let insert = format!(
        "INSERT INTO users (username, password_hash) VALUES ($1, $2) RETURNING {SESSION_COLUMNS}"
    );
    const ADOPT_UNOWNED_TODOS: &str = "UPDATE todos SET user_id = $1 WHERE user_id IS NULL";
    on!(&mut ex, conn => {
        let created = sqlx::query_as::<_, SessionUser>(&insert)
            .bind(username.as_str())
            .bind(password_hash)
            .fetch_one(&mut **conn)
            .await;
        let user = match created {
            Ok(user) => user,
            Err(sqlx::Error::Database(err)) if err.is_unique_violation() => return Ok(None),
            Err(err) => return Err(err),
        };
        sqlx::query(ADOPT_UNOWNED_TODOS).bind(user.id).execute(&mut **conn).await?;
        Ok(Some(user))
    })
}

pub async fn by_id(ex: Ex<'_>, id: UserId) -> Result<Option<SessionUser>, sqlx::Error> {
    let sql = format!("SELECT {SESSION_COLUMNS} FROM users WHERE id = $1");
    on!(ex, conn => sqlx::query_as(&sql).bind(id.0).fetch_optional(conn).await)
}

/// The user named `username` (whatever its case), with the password hash.
pub async fn credentials_by_name(
    ex: Ex<'_>,
    username: &Username,
) -> Result<Option<Credentials>, sqlx::Error> {
    let sql = format!("SELECT {CREDENTIAL_COLUMNS} FROM users WHERE lower(username) = lower($1)");
    on!(ex, conn => sqlx::query_as(&sql).bind(username.as_str()).fetch_optional(conn).await)
}

pub async fn credentials_by_id(ex: Ex<'_>, id: UserId) -> Result<Option<Credentials>, sqlx::Error> {
    let sql = format!("SELECT {CREDENTIAL_COLUMNS} FROM users WHERE id = $1");
    on!(ex, conn => sqlx::query_as(&sql).bind(id.0).fetch_optional(conn).await)
}

/// Stores a new password hash and ends the user's sessions; returns the new session generation.
pub async fn set_password(
    ex: Ex<'_>,
    id: UserId,
    password_hash: &str,
) -> Result<Option<i64>, sqlx::Error> {
    const SQL: &str = "UPDATE users SET password_hash = $2, \
         session_generation = session_generation + 1, updated_at = CURRENT_TIMESTAMP \
         WHERE id = $1 RETURNING session_generation";
    on!(ex, conn => sqlx::query_scalar(SQL).bind(id.0).bind(password_hash).fetch_optional(conn).await)
}

/// Deletes the user; their to-dos, attachments and tokens go with them (`ON DELETE CASCADE`).
pub async fn delete(ex: Ex<'_>, id: UserId) -> Result<bool, sqlx::Error> {
    let deleted = on!(ex, conn => {
        sqlx::query("DELETE FROM users WHERE id = $1")
            .bind(id.0)
            .execute(conn)
            .await
            .map(|done| done.rows_affected())
    })?;
    Ok(deleted > 0)
}

/// The user's list version now (in a transaction: including its own changes).
pub async fn list_version(ex: Ex<'_>, id: UserId) -> Result<i64, sqlx::Error> {
    const SQL: &str = "SELECT list_version FROM users WHERE id = $1";
    let version: Option<i64> =
        on!(ex, conn => sqlx::query_scalar(SQL).bind(id.0).fetch_optional(conn).await)?;
    Ok(version.unwrap_or(0))
}

/// Locks the user's row until the transaction ends, so that checks of the user's totals (the
/// attachment quota) and the writes that follow them are one step. On SQLite the transaction
/// already holds the database's only write lock.
pub async fn lock(ex: Ex<'_>, id: UserId) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = match ex {
        Ex::Sqlite(conn) => {
            sqlx::query_scalar("SELECT id FROM users WHERE id = $1")
                .bind(id.0)
                .fetch_optional(conn)
                .await?
        }
        Ex::Postgres(conn) => {
            sqlx::query_scalar("SELECT id FROM users WHERE id = $1 FOR UPDATE")
                .bind(id.0)
                .fetch_optional(conn)
                .await?
        }
    };
    Ok(found.is_some())
}
