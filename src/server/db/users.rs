//! SQL for the `users` table. The same statements run on SQLite and PostgreSQL.

use crate::domain::{ListId, ListName, UserId, Username};

use super::{lists, on, Ex};

/// A user as sessions see them: enough to check a session is still valid.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionUser {
    pub id: i64,
    pub username: String,
    pub session_generation: i64,
    /// Changes whenever the user's lists change: names, members, roles (kept by database
    /// triggers). Kept pages show the list menu, so they compare it.
    pub lists_version: i64,
    /// The user's Inbox, and its version (what `/` shows), read with the user.
    pub inbox: i64,
    pub inbox_version: i64,
}

/// A user with the password hash, for logging in.
#[derive(sqlx::FromRow)]
pub struct Credentials {
    pub id: i64,
    pub username: String,
    pub password_hash: String,
    pub session_generation: i64,
}

/// A user with their Inbox: every user has one from sign-up (or the migration) on.
const FROM: &str = "users u JOIN lists l ON l.owner_id = u.id AND l.inbox";
const SESSION_COLUMNS: &str = "u.id, u.username, u.session_generation, u.lists_version, \
     l.id AS inbox, l.version AS inbox_version";
const CREDENTIAL_COLUMNS: &str = "u.id, u.username, u.password_hash, u.session_generation";

/// Creates a user with an empty Inbox; `None` when the username is taken (in any case). The
/// first user also adopts the to-dos made before accounts existed (run it in the same
/// transaction).
pub async fn create(
    mut ex: Ex<'_>,
    username: &Username,
    password_hash: &str,
) -> Result<Option<SessionUser>, sqlx::Error> {
    const INSERT: &str = "INSERT INTO users (username, password_hash) VALUES ($1, $2) RETURNING id";
    const ADOPT_UNOWNED_TODOS: &str = "UPDATE todos SET list_id = $1 WHERE list_id IS NULL";
    let inbox_name =
        ListName::parse("Inbox").map_err(|err| sqlx::Error::Protocol(err.to_string()))?;
    let created = on!(&mut ex, conn => {
        sqlx::query_scalar::<_, i64>(INSERT)
            .bind(username.as_str())
            .bind(password_hash)
            .fetch_one(&mut **conn)
            .await
    });
    let id = match created {
        Ok(id) => UserId(id),
        Err(sqlx::Error::Database(err)) if err.is_unique_violation() => return Ok(None),
        Err(err) => return Err(err),
    };
    let ListId(inbox) = lists::create(ex.reborrow(), id, &inbox_name, true).await?;
    on!(&mut ex, conn => {
        sqlx::query(ADOPT_UNOWNED_TODOS).bind(inbox).execute(&mut **conn).await.map(|_| ())
    })?;
    by_id(ex, id).await
}

pub async fn by_id(ex: Ex<'_>, id: UserId) -> Result<Option<SessionUser>, sqlx::Error> {
    let sql = format!("SELECT {SESSION_COLUMNS} FROM {FROM} WHERE u.id = $1");
    on!(ex, conn => sqlx::query_as(&sql).bind(id.0).fetch_optional(conn).await)
}

/// The user named `username` (whatever its case), with the password hash.
pub async fn credentials_by_name(
    ex: Ex<'_>,
    username: &Username,
) -> Result<Option<Credentials>, sqlx::Error> {
    let sql =
        format!("SELECT {CREDENTIAL_COLUMNS} FROM users u WHERE lower(u.username) = lower($1)");
    on!(ex, conn => sqlx::query_as(&sql).bind(username.as_str()).fetch_optional(conn).await)
}

pub async fn credentials_by_id(ex: Ex<'_>, id: UserId) -> Result<Option<Credentials>, sqlx::Error> {
    let sql = format!("SELECT {CREDENTIAL_COLUMNS} FROM users u WHERE u.id = $1");
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

/// Deletes the user; the lists they own (with their to-dos and attachments), their places on
/// other lists and their tokens go with them (`ON DELETE CASCADE`).
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

/// The id of the user named `username` (whatever its case).
pub async fn id_by_name(ex: Ex<'_>, username: &Username) -> Result<Option<UserId>, sqlx::Error> {
    const SQL: &str = "SELECT id FROM users WHERE lower(username) = lower($1)";
    let id: Option<i64> = on!(ex, conn => {
        sqlx::query_scalar(SQL).bind(username.as_str()).fetch_optional(conn).await
    })?;
    Ok(id.map(UserId))
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
