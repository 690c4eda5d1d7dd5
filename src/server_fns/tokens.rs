//! Server functions for personal API tokens: list, create (shown once), revoke. Who is asking →
//! parse → `services::tokens` → reply.

use leptos::prelude::*;

use serde::{Deserialize, Serialize};

use crate::{
    domain::{NewToken, TokenView},
    error::AppError,
};

/// The settings page's view of the tokens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenList {
    pub tokens: Vec<TokenView>,
    /// A token just made by a plain form post, shown on this one page load only.
    pub created: Option<NewToken>,
}

#[cfg(feature = "ssr")]
use crate::{
    domain::TokenName,
    server::{
        auth::{request_session, require_user, reveal},
        forms::{is_plain_form, redirect_plain_form},
        services::tokens,
        state::AppState,
    },
};

/// The signed-in user's tokens, oldest first, and one just created by a plain form post.
#[server(prefix = "/fn", endpoint = "tokens/list")]
pub async fn list_tokens() -> Result<TokenList, AppError> {
    let user = require_user()?.id;
    let tokens = tokens::list(&AppState::from_context()?, user).await?;
    let created = reveal::take(&request_session()?).await?;
    Ok(TokenList { tokens, created })
}

/// Creates a token. Its secret is in this reply and nowhere else: only its hash is stored.
#[server(prefix = "/fn", endpoint = "tokens/create")]
pub async fn create_token(name: String) -> Result<NewToken, AppError> {
    let user = require_user()?.id;
    let name = TokenName::parse(&name)?;
    let created = tokens::create(&AppState::from_context()?, user, name).await?;
    if is_plain_form() {
        // Without JavaScript the reply is a redirect; the next page load shows the token once.
        reveal::keep(&request_session()?, &created).await?;
        redirect_plain_form("/settings#tokens");
    }
    Ok(created)
}

/// Revokes a token: it stops working at once.
#[server(prefix = "/fn", endpoint = "tokens/revoke")]
pub async fn revoke_token(id: i64) -> Result<(), AppError> {
    let user = require_user()?.id;
    tokens::revoke(&AppState::from_context()?, user, id).await
}
