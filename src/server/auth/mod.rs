//! Authentication: password hashing, log-in throttling, sessions, and the current user.

pub mod api_token;
mod password;
pub mod session;
mod throttle;

use std::net::{IpAddr, SocketAddr};

use axum::{extract::ConnectInfo, http::request::Parts};
use leptos::prelude::use_context;
use tower_sessions::Session;

pub use password::Hasher;
pub use session::{CurrentUser, SessionSettings};
pub use throttle::{LoginThrottle, ThrottleLimits};

use crate::error::AppError;

/// What authentication needs, shared by every request.
#[derive(Clone)]
pub struct Auth {
    pub hasher: Hasher,
    pub throttle: LoginThrottle,
    pub sessions: SessionSettings,
}

impl Auth {
    /// The auth services held in the Leptos context of this request.
    pub fn from_context() -> Result<Self, AppError> {
        use_context::<Auth>().ok_or_else(|| {
            tracing::error!("no auth services in the request context");
            AppError::Internal
        })
    }
}

fn request_parts() -> Result<Parts, AppError> {
    use_context::<Parts>().ok_or_else(|| {
        tracing::error!("no request in the context");
        AppError::Internal
    })
}

/// The signed-in user of this request, if any.
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

/// The address of the client that sent this request (the TCP peer).
pub fn client_address() -> Option<IpAddr> {
    let parts = use_context::<Parts>()?;
    let ConnectInfo(addr) = parts.extensions.get::<ConnectInfo<SocketAddr>>()?;
    Some(addr.ip())
}
