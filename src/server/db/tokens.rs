//! SQL for the `api_tokens` table. The same statements run on SQLite and PostgreSQL.

use crate::domain::{TokenName, TokenView, UserId};

use super::{on, DbTime, Ex};

#[derive(sqlx::FromRow)]
struct TokenRow {
    id: i64,
    name: String,
    created_at: DbTime,
    last_used_at: Option<DbTime>,
}

impl From<TokenRow> for TokenView {
    fn from(row: TokenRow) -> Self {
        TokenView {
            id: row.id,
            name: row.name,
            created_at: row.created_at.0.rfc3339(),
            last_used_at: row.last_used_at.map(|at| at.0.rfc3339()),
        }
    }
}

const COLUMNS: &str = "id, name, created_at, last_used_at";

/// Stores a new token's hash; returns how the settings page lists it.
pub async fn create(
    ex: Ex<'_>,
    user: UserId,
    name: &TokenName,
    token_hash: &str,
) -> Result<TokenView, sqlx::Error> {
    let sql = format!(
        "INSERT INTO api_tokens (user_id, name, token_hash) VALUES ($1, $2, $3) RETURNING {COLUMNS}"
    );
    let row: TokenRow = on!(ex, conn => {
        sqlx::query_as(&sql).bind(user.0).bind(name.as_str()).bind(token_hash).fetch_one(conn).await
    })?;
    Ok(row.into())
}

/// The user's tokens, oldest first.
pub async fn list(ex: Ex<'_>, user: UserId) -> Result<Vec<TokenView>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM api_tokens WHERE user_id = $1 ORDER BY id");
    let rows: Vec<TokenRow> =
        on!(ex, conn => sqlx::query_as(&sql).bind(user.0).fetch_all(conn).await)?;
    Ok(rows.into_iter().map(TokenView::from).collect())
}

/// Deletes one of the user's tokens; `false` when there is no such token.
pub async fn revoke(ex: Ex<'_>, user: UserId, id: i64) -> Result<bool, sqlx::Error> {
    let deleted = on!(ex, conn => {
        sqlx::query("DELETE FROM api_tokens WHERE user_id = $1 AND id = $2")
            .bind(user.0)
            .bind(id)
            .execute(conn)
            .await
            .map(|done| done.rows_affected())
    })?;
    Ok(deleted > 0)
}

/// A token found by its hash.
#[derive(Debug, sqlx::FromRow)]
pub struct Found {
    pub id: i64,
    pub user_id: i64,
    /// Whether it was used within the last `recent_secs` seconds.
    pub used_recently: bool,
}

/// The token with this hash, if any, and whether it was used in the last `recent_secs`.
pub async fn find(
    ex: Ex<'_>,
    token_hash: &str,
    recent_secs: i64,
) -> Result<Option<Found>, sqlx::Error> {
    // Compared in the database's own clock, on both databases.
    let sql = match ex {
        Ex::Sqlite(_) => {
            "SELECT id, user_id, COALESCE(last_used_at > datetime('now', '-' || $2 || ' seconds'), \
             FALSE) AS used_recently FROM api_tokens WHERE token_hash = $1"
        }
        Ex::Postgres(_) => {
            "SELECT id, user_id, COALESCE(last_used_at > now() - $2 * INTERVAL '1 second', \
             FALSE) AS used_recently FROM api_tokens WHERE token_hash = $1"
        }
    };
    on!(ex, conn => {
        sqlx::query_as(sql).bind(token_hash).bind(recent_secs).fetch_optional(conn).await
    })
}

/// Notes that the token was used now.
pub async fn touch(ex: Ex<'_>, id: i64) -> Result<(), sqlx::Error> {
    const SQL: &str = "UPDATE api_tokens SET last_used_at = CURRENT_TIMESTAMP WHERE id = $1";
    on!(ex, conn => sqlx::query(SQL).bind(id).execute(conn).await.map(|_| ()))?;
    Ok(())
}
