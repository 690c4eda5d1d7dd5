//! Authentication: password hashing, throttles, sessions, the client's address, and who is
//! asking in a server function.

pub mod api_token;
pub mod client;
mod counts;
mod password;
pub mod reveal;
pub mod session;
mod sign_ups;
mod throttle;

use std::net::IpAddr;

use axum::http::request::Parts;
use leptos::prelude::use_context;
use tower_sessions::Session;

pub use client::{ClientAddr, TrustedProxies};
pub use counts::Counts;
pub use password::Hasher;
pub use session::{CurrentUser, SessionSettings};
pub use sign_ups::SignUpThrottle;
pub use throttle::{Attempt, LoginThrottle, ThrottleLimits};

use crate::error::AppError;

/// What authentication needs, shared by every request.
#[derive(Clone)]
pub struct Auth {
    pub hasher: Hasher,
    pub throttle: LoginThrottle,
    pub sign_ups: SignUpThrottle,
    pub sessions: SessionSettings,
}

fn request_parts() -> Result<Parts, AppError> {
    use_context::<Parts>().ok_or_else(|| {
        tracing::error!("no request in the context");
        AppError::Internal
    })
}

/// The signed-in user of the request a server function answers, if any.
pub fn current_user() -> Option<CurrentUser> {
    use_context::<Parts>()?
        .extensions
        .get::<CurrentUser>()
        .cloned()
}

/// The signed-in user, or 401. Every server function that touches user data starts here: the
/// user comes from the session, never from the request's arguments.
pub fn require_user() -> Result<CurrentUser, AppError> {
    current_user().ok_or(AppError::Unauthorized)
}

/// This request's session (loaded lazily; nothing is stored until something is put in it).
pub fn request_session() -> Result<Session, AppError> {
    request_parts()?
        .extensions
        .get::<Session>()
        .cloned()
        .ok_or_else(|| {
            tracing::error!("no session layer in front of this request");
            AppError::Internal
        })
}

/// The address of the client that sent this request (see [`client`]).
pub fn client_address() -> Option<IpAddr> {
    let parts = use_context::<Parts>()?;
    parts
        .extensions
        .get::<ClientAddr>()
        .map(|ClientAddr(ip)| *ip)
}
