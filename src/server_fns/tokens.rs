//! Server functions for personal API tokens: list, create (shown once), revoke.

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
        auth::{api_token, request_session, require_user},
        db::{tokens, Db},
        forms::{is_plain_form, redirect_plain_form},
    },
};

/// Where a token made without JavaScript waits, in the session, for the page that shows it.
#[cfg(feature = "ssr")]
const CREATED_TOKEN: &str = "created_token";

/// The signed-in user's tokens, oldest first, and one just created by a plain form post.
#[server(prefix = "/fn", endpoint = "tokens/list")]
pub async fn list_tokens() -> Result<TokenList, AppError> {
    let user = require_user()?.id;
    let tokens = tokens::list(&Db::from_context()?, user).await?;
    let session = request_session()?;
    let created = match session.get::<NewToken>(CREATED_TOKEN).await {
        Ok(Some(created)) => {
            session
                .remove_value(CREATED_TOKEN)
                .await
                .map_err(AppError::internal)?;
            Some(created)
        }
        Ok(None) => None,
        Err(err) => return Err(AppError::internal(err)),
    };
    Ok(TokenList { tokens, created })
}

/// Creates a token. Its secret is in this reply and nowhere else: only its hash is stored.
#[server(prefix = "/fn", endpoint = "tokens/create")]
pub async fn create_token(name: String) -> Result<NewToken, AppError> {
    let user = require_user()?.id;
    let name = TokenName::parse(&name)?;
    let secret = api_token::generate();
    let token =
        tokens::create(&Db::from_context()?, user, &name, &api_token::hash(&secret)).await?;
    tracing::info!(
        user_id = user.0,
        token_id = token.id,
        "created an API token"
    );
    let created = NewToken { secret, token };
    if is_plain_form() {
        // Without JavaScript the reply is a redirect: the next page load shows the token once.
        request_session()?
            .insert(CREATED_TOKEN, &created)
            .await
            .map_err(AppError::internal)?;
        redirect_plain_form("/settings#tokens");
    }
    Ok(created)
}

/// Revokes a token: it stops working at once.
#[server(prefix = "/fn", endpoint = "tokens/revoke")]
pub async fn revoke_token(id: i64) -> Result<(), AppError> {
    let user = require_user()?.id;
    if tokens::revoke(&Db::from_context()?, user, id).await? {
        tracing::info!(user_id = user.0, token_id = id, "revoked an API token");
        Ok(())
    } else {
        Err(AppError::TokenNotFound)
    }
}
