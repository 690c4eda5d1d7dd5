//! Accounts: sign up, log in, change password, delete. The rules on guessing live here: every
//! password check goes through the log-in throttle, every sign-up through the sign-up throttle,
//! and both through the hasher's bounded queue.

use std::net::IpAddr;

use tower_sessions::session::Id;

use crate::{
    domain::{Password, Role, UserId, Username},
    error::AppError,
    server::{
        db::{lists, users, users::SessionUser, Tx},
        events::{Change, Kind, What},
        refusals::Refusal,
        state::AppState,
    },
};

/// The wait a throttle asked for, as the error clients see.
fn too_many_attempts(wait: std::time::Duration) -> AppError {
    AppError::TooManyAttempts {
        retry_after_secs: wait.as_secs().max(1),
    }
}

/// Creates an account. At most `--signups-per-address` an hour from one client network.
pub async fn sign_up(
    state: &AppState,
    client: Option<IpAddr>,
    username: Username,
    password: Password,
) -> Result<SessionUser, AppError> {
    let slot = state.auth.sign_ups.begin(client).await?.map_err(|wait| {
        tracing::warn!(?client, "sign-up refused: too many from this network");
        AppError::TooManySignUps {
            retry_after_secs: wait.as_secs().max(1),
        }
    })?;
    let created = async {
        let hash = state.auth.hasher.hash(&password).await?;
        let mut tx = state.db.begin().await?;
        let user = users::create(tx.ex(), &username, &hash)
            .await?
            .ok_or(Refusal::UsernameTaken)?;
        tx.commit().await?;
        Ok::<_, AppError>(user)
    }
    .await;
    match created {
        Ok(user) => {
            tracing::info!(user_id = user.id, "signed up");
            Ok(user)
        }
        Err(err) => {
            slot.release().await?;
            Err(err)
        }
    }
}

/// Checks a username and password. A wrong password and an unknown username get the same
/// answer after the same work; too many failures get 429 for a while.
pub async fn log_in(
    state: &AppState,
    client: Option<IpAddr>,
    username: &str,
    password: String,
) -> Result<SessionUser, AppError> {
    let attempt = state
        .auth
        .throttle
        .begin(username, client)
        .await?
        .map_err(|wait| {
            tracing::warn!(?client, "log-in refused: too many failures");
            too_many_attempts(wait)
        })?;
    let password = Password::candidate(password).ok_or(AppError::WrongCredentials)?;
    let found = match Username::parse(username) {
        Ok(name) => users::credentials_by_name(state.db.reader().await?.ex(), &name).await?,
        Err(_) => None,
    };
    let stored = found.as_ref().map(|user| user.password_hash.as_str());
    let matches = state.auth.hasher.verify(&password, stored).await?;
    match found.filter(|_| matches) {
        Some(user) => {
            attempt.succeeded().await?;
            tracing::info!(user_id = user.id, "logged in");
            users::by_id(state.db.reader().await?.ex(), UserId(user.id))
                .await?
                .ok_or(AppError::WrongCredentials)
        }
        None => {
            tracing::info!(?client, "log-in failed");
            Err(AppError::WrongCredentials)
        }
    }
}

/// Changes the password after checking the current one; returns the new session generation
/// (every session signed in under the old one ends).
pub async fn change_password(
    state: &AppState,
    user: UserId,
    client: Option<IpAddr>,
    current: String,
    new: String,
) -> Result<i64, AppError> {
    check_password(state, user, client, current).await?;
    let new = Password::parse(new)?;
    let hash = state.auth.hasher.hash(&new).await?;
    let mut tx = state.db.begin().await?;
    let generation = users::set_password(tx.ex(), user, &hash)
        .await?
        .ok_or(AppError::Unauthorized)?;
    tx.commit().await?;
    // Every session has ended; the one that asked carries on under a new id (its pages open
    // their streams again).
    state.feed.end_streams(user, None);
    tracing::info!(user_id = user.0, "changed password");
    Ok(generation)
}

/// Deletes the account after checking the password: the lists it owns go with their to-dos
/// and attachments, and it leaves the lists shared with it. Their other members are told.
pub async fn delete(
    state: &AppState,
    user: UserId,
    client: Option<IpAddr>,
    password: String,
) -> Result<(), AppError> {
    check_password(state, user, client, password).await?;
    let mut tx = state.db.begin().await?;
    let changes = delete_with_lists(&mut tx, user).await?;
    tx.commit().await?;
    for change in changes {
        state.feed.publish(change).await;
    }
    state.collector.wake();
    state.feed.end_streams(user, None);
    tracing::info!(user_id = user.0, "deleted account");
    Ok(())
}

/// Deletes `user` in `tx`; returns what that does to each of their lists, to publish.
async fn delete_with_lists(tx: &mut Tx, user: UserId) -> Result<Vec<Change>, AppError> {
    let mut lists_of_user = Vec::new();
    for access in lists::all(tx.ex(), user).await? {
        let members = lists::member_ids(tx.ex(), access.list).await?;
        lists_of_user.push((access, members));
    }
    users::delete(tx.ex(), user).await?;
    let mut changes = Vec::with_capacity(lists_of_user.len());
    for (access, members) in lists_of_user {
        let what = if access.role == Role::Owner {
            What::new(Kind::ListDeleted, [access.list.0])
        } else {
            What::new(Kind::MembersRemoved, [user.0])
        };
        let version = lists::version(tx.ex(), access.list).await?.unwrap_or(0);
        changes.push(Change {
            list: access.list,
            members,
            version,
            what,
        });
    }
    Ok(changes)
}

/// A session of `user` was signed out: its event streams end at once.
pub fn signed_out(state: &AppState, user: UserId, session: Option<Id>) {
    state.feed.end_streams(user, session);
}

/// Refuses unless `password` is the user's current one. It counts towards the log-in throttle,
/// so a borrowed session cannot be used to guess the password either.
async fn check_password(
    state: &AppState,
    user: UserId,
    client: Option<IpAddr>,
    password: String,
) -> Result<(), AppError> {
    let stored = users::credentials_by_id(state.db.reader().await?.ex(), user)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let attempt = state
        .auth
        .throttle
        .begin(&stored.username, client)
        .await?
        .map_err(too_many_attempts)?;
    let matches = match Password::candidate(password) {
        Some(password) => {
            state
                .auth
                .hasher
                .verify(&password, Some(&stored.password_hash))
                .await?
        }
        None => false,
    };
    if matches {
        attempt.succeeded().await?;
        Ok(())
    } else {
        Err(Refusal::WrongCurrentPassword.into())
    }
}
