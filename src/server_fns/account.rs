//! Server functions for accounts: sign up, log in and out, change password, delete account.
//! Who is asking → parse → `services::accounts` → the session and the reply.
//!
//! The account pages post to them as plain forms: on success the browser is redirected to the
//! next page, on failure back to the form with the refusal. Other callers get JSON.

use leptos::prelude::*;

use crate::{domain::UserView, error::AppError};

#[cfg(feature = "ssr")]
use crate::{
    domain::{Password, Username},
    routes::{HOME, LOG_IN},
    server::{
        auth::{self, client_address, request_session, session},
        forms::redirect_plain_form,
        services::accounts,
        state::AppState,
    },
};

/// The signed-in user, or `None`.
#[server(prefix = "/fn", endpoint = "account/me")]
pub async fn current_user() -> Result<Option<UserView>, AppError> {
    Ok(auth::current_user().map(|user| UserView {
        username: user.username,
    }))
}

/// Creates an account and signs it in.
#[server(prefix = "/fn", endpoint = "account/sign_up")]
pub async fn sign_up(username: String, password: String) -> Result<UserView, AppError> {
    let username = Username::parse(&username)?;
    let password = Password::parse(password)?;
    let state = AppState::from_context()?;
    let user = accounts::sign_up(&state, client_address(), username, password).await?;
    session::sign_in(&request_session()?, &user).await?;
    redirect_plain_form(HOME);
    Ok(UserView {
        username: user.username,
    })
}

/// Signs in. A wrong password and an unknown username get the same answer, after the same
/// work; too many failures for a username or from a network get 429 for a while.
#[server(prefix = "/fn", endpoint = "account/log_in")]
pub async fn log_in(username: String, password: String) -> Result<UserView, AppError> {
    let state = AppState::from_context()?;
    let user = accounts::log_in(&state, client_address(), &username, password).await?;
    session::sign_in(&request_session()?, &user).await?;
    redirect_plain_form(HOME);
    Ok(UserView {
        username: user.username,
    })
}

/// Signs out: the session is deleted on the server and its cookie removed.
#[server(prefix = "/fn", endpoint = "account/log_out")]
pub async fn log_out() -> Result<(), AppError> {
    let session = request_session()?;
    let ended = session.id();
    session::sign_out(&session).await?;
    if let Some(user) = auth::current_user() {
        accounts::signed_out(&AppState::from_context()?, user.id, ended);
    }
    redirect_plain_form(LOG_IN);
    Ok(())
}

/// Changes the password after checking the current one. Every other session of the user ends;
/// this one carries on under a new id.
#[server(prefix = "/fn", endpoint = "account/change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), AppError> {
    let user = auth::require_user()?;
    let state = AppState::from_context()?;
    let generation = accounts::change_password(
        &state,
        user.id,
        client_address(),
        current_password,
        new_password,
    )
    .await?;
    session::renew(&request_session()?, generation).await?;
    redirect_plain_form("/settings?password=changed");
    Ok(())
}

/// Deletes the account and all its to-dos, after checking the password.
#[server(prefix = "/fn", endpoint = "account/delete")]
pub async fn delete_account(password: String) -> Result<(), AppError> {
    let user = auth::require_user()?;
    let state = AppState::from_context()?;
    accounts::delete(&state, user.id, client_address(), password).await?;
    session::sign_out(&request_session()?).await?;
    redirect_plain_form("/signup?account=deleted");
    Ok(())
}
