//! Personal API tokens: list, create (the secret is shown once; only its hash is kept),
//! revoke, and authenticate a request that carries one.

use crate::{
    domain::{NewToken, TokenName, TokenView, UserId},
    error::AppError,
    server::{auth::api_token, db::tokens, state::AppState},
};

/// "Last used" is written at most this often per token, so token traffic does not turn into
/// writes (SQLite has one writer).
const LAST_USED_EVERY_SECS: i64 = 60;

pub async fn list(state: &AppState, user: UserId) -> Result<Vec<TokenView>, AppError> {
    Ok(tokens::list(state.db.reader().await?.ex(), user).await?)
}

pub async fn create(state: &AppState, user: UserId, name: TokenName) -> Result<NewToken, AppError> {
    let secret = api_token::generate();
    let mut tx = state.db.begin().await?;
    let token = tokens::create(tx.ex(), user, &name, &api_token::hash(&secret)).await?;
    tx.commit().await?;
    tracing::info!(
        user_id = user.0,
        token_id = token.id,
        "created an API token"
    );
    Ok(NewToken { secret, token })
}

pub async fn revoke(state: &AppState, user: UserId, id: i64) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    if !tokens::revoke(tx.ex(), user, id).await? {
        return Err(AppError::TokenNotFound);
    }
    tx.commit().await?;
    tracing::info!(user_id = user.0, token_id = id, "revoked an API token");
    Ok(())
}

/// The user a token (`tick_…`) acts for; `None` for a token that is unknown or revoked. Read
/// on the read pool; "last used" is written only for a real token, at most once a minute.
pub async fn authenticate(state: &AppState, token: &str) -> Result<Option<UserId>, AppError> {
    if !token.starts_with(api_token::PREFIX) {
        return Ok(None);
    }
    let hash = api_token::hash(token);
    let found = tokens::find(state.db.reader().await?.ex(), &hash, LAST_USED_EVERY_SECS).await?;
    let Some(found) = found else {
        return Ok(None);
    };
    if !found.used_recently {
        let mut tx = state.db.begin().await?;
        tokens::touch(tx.ex(), found.id).await?;
        tx.commit().await?;
    }
    Ok(Some(UserId(found.user_id)))
}
