//! Server-side sessions (tower-sessions, stored in the app's database) and who is signed in.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

mod store;

use axum::{
    extract::{Request, State},
    middleware::Next,
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};
use tower_sessions::{
    cookie::SameSite, session::Id, Expiry, Session, SessionManagerLayer, SessionStore,
};

pub use store::{error, Store};

use crate::{
    domain::{ListId, UserId},
    error::AppError,
    server::{db::users, state::AppState},
};

/// The session cookie's name over plain HTTP (development, or behind a proxy that says so).
pub const COOKIE: &str = "tick_session";
/// Its name over HTTPS: browsers accept a `__Host-` cookie only if it is `Secure`, for this
/// host alone and for every path, so no other site or subdomain can set or shadow it.
pub const SECURE_COOKIE: &str = "__Host-tick_session";
/// The key under which a session holds its [`SignedIn`] record.
const SIGNED_IN: &str = "signed_in";

/// How long sessions last, and whether the cookie is `Secure`.
#[derive(Debug, Clone, Copy)]
pub struct SessionSettings {
    /// A session ends after this long without a request.
    pub idle: Duration,
    /// A session ends this long after log-in, however active.
    pub max_age: Duration,
    /// Mark the cookie `Secure` (only sent over HTTPS) and name it [`SECURE_COOKIE`].
    pub secure_cookie: bool,
}

impl SessionSettings {
    pub fn cookie_name(&self) -> &'static str {
        if self.secure_cookie {
            SECURE_COOKIE
        } else {
            COOKIE
        }
    }
}

/// What a signed-in session stores. Times are Unix seconds.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct SignedIn {
    user_id: i64,
    /// The user's `session_generation` at log-in: a password change bumps it, ending the session.
    generation: i64,
    signed_in_at: u64,
    /// When the session's expiry was last pushed back.
    refreshed_at: u64,
}

/// The signed-in user of this request, put in the request's extensions by [`resolve_user`].
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: UserId,
    pub username: String,
    /// See [`users::SessionUser`]: read with the user on every request, for kept pages.
    pub lists_version: i64,
    pub inbox: ListId,
    pub inbox_version: i64,
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The layer that reads the session cookie. Sessions are saved only once something is put in
/// them, so anonymous page views create no rows.
pub fn layer(store: Store, settings: SessionSettings) -> SessionManagerLayer<Store> {
    let idle = time::Duration::try_from(settings.idle).unwrap_or(time::Duration::MAX);
    SessionManagerLayer::new(store)
        .with_name(settings.cookie_name())
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_path("/")
        .with_secure(settings.secure_cookie)
        .with_expiry(Expiry::OnInactivity(idle))
}

/// Puts the signed-in user, if any, in the request's extensions. Ends sessions that are past
/// their maximum age or whose user changed password or no longer exists, and pushes back the
/// idle expiry of active sessions (at most once a minute, to keep writes rare).
pub async fn resolve_user(
    State(state): State<AppState>,
    session: Session,
    mut request: Request,
    next: Next,
) -> Response {
    match current_user(&state, &session).await {
        Ok(Some(user)) => {
            request.extensions_mut().insert(user);
        }
        Ok(None) => {}
        Err(err) if crate::server::forms::accepts_html(request.headers()) => {
            return crate::server::error::error_page(&err)
        }
        Err(err) => return err.into_response(),
    }
    next.run(request).await
}

/// Whether the session `id` is still signed in as `user`: for long-lived responses (the event
/// stream), which must end when their session does (log-out, password change, expiry).
pub async fn still_signed_in(state: &AppState, id: Id, user: UserId) -> Result<bool, AppError> {
    let Some(record) = state
        .sessions
        .load(&id)
        .await
        .map_err(|err| error(err.into()))?
    else {
        return Ok(false);
    };
    let Some(signed_in) = record
        .data
        .get(SIGNED_IN)
        .and_then(|value| serde_json::from_value::<SignedIn>(value.clone()).ok())
    else {
        return Ok(false);
    };
    if signed_in.user_id != user.0 {
        return Ok(false);
    }
    Ok(standing_user(state, &signed_in, now_secs())
        .await?
        .is_some())
}

/// The user `signed_in` stands for, if it still stands: not past the maximum age, and the
/// user still there with the password (the session generation) it signed in with.
async fn standing_user(
    state: &AppState,
    signed_in: &SignedIn,
    now: u64,
) -> Result<Option<users::SessionUser>, AppError> {
    let max_age = state.auth.sessions.max_age.as_secs();
    if now >= signed_in.signed_in_at.saturating_add(max_age) {
        return Ok(None);
    }
    let user = users::by_id(state.db.reader().await?.ex(), UserId(signed_in.user_id)).await?;
    Ok(user.filter(|user| user.session_generation == signed_in.generation))
}

async fn current_user(
    state: &AppState,
    session: &Session,
) -> Result<Option<CurrentUser>, AppError> {
    let Some(mut signed_in) = session.get::<SignedIn>(SIGNED_IN).await.map_err(error)? else {
        return Ok(None);
    };
    let now = now_secs();
    let Some(user) = standing_user(state, &signed_in, now).await? else {
        session.flush().await.map_err(error)?;
        return Ok(None);
    };
    let refresh_every = (state.auth.sessions.idle.as_secs() / 10).clamp(1, 60);
    if now >= signed_in.refreshed_at + refresh_every {
        signed_in.refreshed_at = now;
        session.insert(SIGNED_IN, signed_in).await.map_err(error)?;
    }
    Ok(Some(CurrentUser {
        id: UserId(user.id),
        username: user.username,
        lists_version: user.lists_version,
        inbox: ListId(user.inbox),
        inbox_version: user.inbox_version,
    }))
}

/// Signs `user` in on a fresh session id (the old id, if any, stops working).
pub async fn sign_in(session: &Session, user: &users::SessionUser) -> Result<(), AppError> {
    session.cycle_id().await.map_err(error)?;
    let now = now_secs();
    let signed_in = SignedIn {
        user_id: user.id,
        generation: user.session_generation,
        signed_in_at: now,
        refreshed_at: now,
    };
    session.insert(SIGNED_IN, signed_in).await.map_err(error)
}

/// After a password change: this session stays signed in under the new generation, on a new id.
pub async fn renew(session: &Session, generation: i64) -> Result<(), AppError> {
    let mut signed_in = session
        .get::<SignedIn>(SIGNED_IN)
        .await
        .map_err(error)?
        .ok_or(AppError::Unauthorized)?;
    signed_in.generation = generation;
    session.cycle_id().await.map_err(error)?;
    session.insert(SIGNED_IN, signed_in).await.map_err(error)
}

/// Ends the session: its row is deleted and the cookie removed.
pub async fn sign_out(session: &Session) -> Result<(), AppError> {
    session.flush().await.map_err(error)
}
