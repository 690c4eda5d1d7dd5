//! Server functions for accounts: sign up, log in and out, change password, delete account.
//!
//! The account pages post to them as plain forms: on success the browser is redirected to the
//! next page, on failure back to the form with the refusal. Other callers get JSON.

use leptos::prelude::*;

use crate::{domain::UserView, error::AppError};

#[cfg(feature = "ssr")]
use crate::{
    domain::{Password, UserId, Username},
    server::{
        auth::{self, session, Auth},
        db::{users, Db},
        forms::redirect_plain_form,
    },
};

/// Where a signed-in user lands.
pub const HOME: &str = "/";

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
    let (db, auth) = (Db::from_context()?, Auth::from_context()?);
    let hash = auth.hasher.hash(&password).await?;
    let user = users::create(&db, &username, &hash).await?.ok_or_else(|| {
        AppError::Conflict("That username is taken. Please choose another.".into())
    })?;
    session::sign_in(&auth::request_session()?, &user).await?;
    tracing::info!(user_id = user.id, "signed up");
    redirect_plain_form(HOME);
    Ok(UserView {
        username: user.username,
    })
}

/// Signs in. A wrong password and an unknown username get the same answer, after the same
/// work; too many failures for a username or from an address get 429 for a while.
#[server(prefix = "/fn", endpoint = "account/log_in")]
pub async fn log_in(username: String, password: String) -> Result<UserView, AppError> {
    let (db, auth) = (Db::from_context()?, Auth::from_context()?);
    let address = auth::client_address();
    if let Err(wait) = auth.throttle.check(&username, address) {
        tracing::warn!(?address, "log-in refused: too many failures");
        return Err(AppError::TooManyAttempts {
            retry_after_secs: wait.as_secs().max(1),
        });
    }
    let password = Password::candidate(password).ok_or(AppError::WrongCredentials)?;
    let found = match Username::parse(&username) {
        Ok(name) => users::credentials_by_name(&db, &name).await?,
        Err(_) => None,
    };
    let matches = auth
        .hasher
        .verify(
            &password,
            found.as_ref().map(|user| user.password_hash.as_str()),
        )
        .await?;
    let Some(user) = found.filter(|_| matches) else {
        auth.throttle.record_failure(&username, address);
        tracing::info!(?address, "log-in failed");
        return Err(AppError::WrongCredentials);
    };
    auth.throttle.record_success(&username);
    let user = users::SessionUser {
        id: user.id,
        username: user.username,
        session_generation: user.session_generation,
        list_version: user.list_version,
    };
    session::sign_in(&auth::request_session()?, &user).await?;
    tracing::info!(user_id = user.id, "logged in");
    redirect_plain_form(HOME);
    Ok(UserView {
        username: user.username,
    })
}

/// Signs out: the session is deleted on the server and its cookie removed.
#[server(prefix = "/fn", endpoint = "account/log_out")]
pub async fn log_out() -> Result<(), AppError> {
    session::sign_out(&auth::request_session()?).await?;
    redirect_plain_form("/login");
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
    let (db, auth) = (Db::from_context()?, Auth::from_context()?);
    check_password(&db, &auth, user.id, current_password).await?;
    let new_password = Password::parse(new_password)?;
    let hash = auth.hasher.hash(&new_password).await?;
    let generation = users::set_password(&db, user.id, &hash)
        .await?
        .ok_or(AppError::Unauthorized)?;
    session::renew(&auth::request_session()?, generation).await?;
    tracing::info!(user_id = user.id.0, "changed password");
    redirect_plain_form("/settings?password=changed");
    Ok(())
}

/// Deletes the account and all its to-dos, after checking the password.
#[server(prefix = "/fn", endpoint = "account/delete")]
pub async fn delete_account(password: String) -> Result<(), AppError> {
    let user = auth::require_user()?;
    let (db, auth) = (Db::from_context()?, Auth::from_context()?);
    check_password(&db, &auth, user.id, password).await?;
    users::delete(&db, user.id).await?;
    crate::server::startup::Collector::wake_from_context();
    session::sign_out(&auth::request_session()?).await?;
    tracing::info!(user_id = user.id.0, "deleted account");
    redirect_plain_form("/signup?account=deleted");
    Ok(())
}

/// Refuses unless `password` is the user's current password. Failures count towards the
/// log-in throttle, so a borrowed session cannot be used to guess the password either.
#[cfg(feature = "ssr")]
async fn check_password(
    db: &Db,
    auth: &Auth,
    user: UserId,
    password: String,
) -> Result<(), AppError> {
    let stored = users::credentials_by_id(db, user)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let address = auth::client_address();
    if let Err(wait) = auth.throttle.check(&stored.username, address) {
        return Err(AppError::TooManyAttempts {
            retry_after_secs: wait.as_secs().max(1),
        });
    }
    let password = Password::candidate(password);
    let matches = match &password {
        Some(password) => {
            auth.hasher
                .verify(password, Some(&stored.password_hash))
                .await?
        }
        None => false,
    };
    if matches {
        Ok(())
    } else {
        auth.throttle.record_failure(&stored.username, address);
        Err(AppError::Invalid(
            "That is not your current password.".into(),
        ))
    }
}
