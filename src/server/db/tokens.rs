//! SQL for the `api_tokens` table. The same statements run on SQLite and PostgreSQL.

use crate::domain::{TokenName, TokenView, UserId};

use super::{on_read_pool, on_write_pool, rfc3339, Db};

#[derive(sqlx::FromRow)]
struct TokenRow {
    id: i64,
    name: String,
    created_at: String,
    last_used_at: Option<String>,
}

impl From<TokenRow> for TokenView {
    fn from(row: TokenRow) -> Self {
        TokenView {
            id: row.id,
            name: row.name,
            created_at: rfc3339(&row.created_at),
            last_used_at: row.last_used_at.as_deref().map(rfc3339),
        }
    }
}

const COLUMNS: &str = "id, name, CAST(created_at AS TEXT) AS created_at, \
     CAST(last_used_at AS TEXT) AS last_used_at";

/// Stores a new token's hash; returns how the settings page lists it.
pub async fn create(
    db: &Db,
    user: UserId,
    name: &TokenName,
    token_hash: &str,
) -> Result<TokenView, sqlx::Error> {
    let sql = format!(
        "INSERT INTO api_tokens (user_id, name, token_hash) VALUES ($1, $2, $3) RETURNING {COLUMNS}"
    );
    let row: TokenRow = on_write_pool!(db, pool => {
        sqlx::query_as(&sql).bind(user.0).bind(name.as_str()).bind(token_hash).fetch_one(pool).await
    })?;
    Ok(row.into())
}

/// The user's tokens, oldest first.
pub async fn list(db: &Db, user: UserId) -> Result<Vec<TokenView>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM api_tokens WHERE user_id = $1 ORDER BY id");
    let rows: Vec<TokenRow> =
        on_read_pool!(db, pool => sqlx::query_as(&sql).bind(user.0).fetch_all(pool).await)?;
    Ok(rows.into_iter().map(TokenView::from).collect())
}

/// Deletes one of the user's tokens; `false` when there is no such token.
pub async fn revoke(db: &Db, user: UserId, id: i64) -> Result<bool, sqlx::Error> {
    let deleted = on_write_pool!(db, pool => {
        sqlx::query("DELETE FROM api_tokens WHERE user_id = $1 AND id = $2")
            .bind(user.0)
            .bind(id)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(deleted > 0)
}

/// The owner of the token with this hash, noting that it was used; `None` for no such token.
pub async fn authenticate(db: &Db, token_hash: &str) -> Result<Option<UserId>, sqlx::Error> {
    const TOUCH: &str = "UPDATE api_tokens SET last_used_at = CURRENT_TIMESTAMP \
         WHERE token_hash = $1 RETURNING user_id";
    let user: Option<i64> = on_write_pool!(db, pool => {
        sqlx::query_scalar(TOUCH).bind(token_hash).fetch_optional(pool).await
    })?;
    Ok(user.map(UserId))
}
