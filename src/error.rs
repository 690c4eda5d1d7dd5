//! The error clients see: a stable, safe message and a status. Causes stay in the server log.

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use crate::domain::{ListNameError, PasswordError, TodoTitleError, TokenNameError, UsernameError};

/// The JSON body of every error answer outside server functions (the API, uploads,
/// downloads): `{"error": {"code", "message", "fields"?}}`. The browser reads it too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    /// Stable, for programs: `not_found`, `unauthorized`, `invalid`, `malformed_json`, …
    pub code: String,
    /// For people.
    pub message: String,
    /// For 422: which fields broke which rule. (The browser shows only the message, so its
    /// Wasm carries no code to read these back.)
    #[serde(default, skip_serializing_if = "Option::is_none", skip_deserializing)]
    pub fields: Option<BTreeMap<String, String>>,
}

/// Every failure a server function can report. Serialised as JSON for the browser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// The input broke a rule; the message says which, in words for people.
    #[error("{0}")]
    Invalid(String),
    /// The request itself could not be read (missing or malformed fields).
    #[error("The request could not be understood.")]
    BadRequest,
    #[error("That to-do does not exist (it may have been deleted).")]
    NotFound,
    #[error("That token does not exist (it may have been revoked).")]
    TokenNotFound,
    #[error("That attachment does not exist (it may have been deleted).")]
    AttachmentNotFound,
    /// Unknown, deleted, or not shared with the user: the same answer for each.
    #[error("That list does not exist, or it is not shared with you.")]
    ListNotFound,
    #[error("That person is not a member of this list.")]
    MemberNotFound,
    /// A viewer tried to change something, or a member tried what only the owner may do; the
    /// message says which.
    #[error("{0}")]
    Forbidden(String),
    /// No one is logged in (or the session has ended).
    #[error("Please log in to continue.")]
    Unauthorized,
    /// The same words whether the user exists or not.
    #[error("Wrong username or password.")]
    WrongCredentials,
    /// A state-changing request sent from another site (cross-site request forgery).
    #[error("This request came from another site, so it was refused.")]
    CrossSite,
    /// The name is taken, or similar: the input is fine but clashes with what exists.
    #[error("{0}")]
    Conflict(String),
    /// Over a size limit or quota; the message names it.
    #[error("{0}")]
    TooLarge(String),
    /// Too many failed log-ins; try again after `retry_after_secs`.
    #[error("Too many failed log-ins. Please try again in {}.", minutes(*retry_after_secs))]
    TooManyAttempts { retry_after_secs: u64 },
    /// Too many new accounts from one network.
    #[error("Too many accounts were created from your network. Please try again in {}.", minutes(*retry_after_secs))]
    TooManySignUps { retry_after_secs: u64 },
    /// Too many open live-update streams for one user.
    #[error("Too many windows are receiving live updates. Close some and reload.")]
    TooManyStreams,
    /// Too much work queued (password checks): try again shortly.
    #[error("Tick is busy right now. Please try again in a moment.")]
    Busy { retry_after_secs: u64 },
    /// The database cannot be reached, or is too busy to answer in time.
    #[error("Tick cannot reach its database right now. Please try again in a moment.")]
    Unavailable,
    /// The server's disk is full: nothing was saved.
    #[error("The server has run out of space, so nothing was saved. Please try again later.")]
    OutOfSpace,
    /// The browser could not reach the server.
    #[error("Could not reach the server. Check your connection and try again.")]
    Network,
    /// Anything that went wrong on our side; the cause is in the server log.
    #[error("Something went wrong on our side. Please try again.")]
    Internal,
}

impl AppError {
    /// The HTTP status this error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Invalid(_) | AppError::BadRequest => 400,
            AppError::Unauthorized | AppError::WrongCredentials => 401,
            AppError::CrossSite | AppError::Forbidden(_) => 403,
            AppError::NotFound
            | AppError::TokenNotFound
            | AppError::AttachmentNotFound
            | AppError::ListNotFound
            | AppError::MemberNotFound => 404,
            AppError::Conflict(_) => 409,
            AppError::TooLarge(_) => 413,
            AppError::TooManyAttempts { .. }
            | AppError::TooManySignUps { .. }
            | AppError::TooManyStreams => 429,
            AppError::Network | AppError::Internal => 500,
            AppError::Busy { .. } | AppError::Unavailable => 503,
            AppError::OutOfSpace => 507,
        }
    }
}

/// "1 minute", "5 minutes": rounded up, never "0 minutes".
fn minutes(secs: u64) -> String {
    match secs.div_ceil(60).max(1) {
        1 => "1 minute".to_owned(),
        n => format!("{n} minutes"),
    }
}

macro_rules! invalid_from {
    ($($rule:ty),*) => {$(
        impl From<$rule> for AppError {
            fn from(err: $rule) -> Self {
                AppError::Invalid(err.to_string())
            }
        }
    )*};
}

invalid_from!(
    TodoTitleError,
    UsernameError,
    PasswordError,
    TokenNameError,
    ListNameError
);

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // On the server, undecodable arguments arrive as `Deserialization`.
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::Deserialization(_) => AppError::BadRequest,
            ServerFnErrorErr::Request(_) => AppError::Network,
            other => {
                leptos::logging::error!("server function failed: {other}");
                AppError::Internal
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_match_the_kind_of_error() {
        assert_eq!(AppError::Invalid("x".into()).status(), 400);
        assert_eq!(AppError::BadRequest.status(), 400);
        assert_eq!(AppError::NotFound.status(), 404);
        assert_eq!(AppError::Unauthorized.status(), 401);
        assert_eq!(AppError::WrongCredentials.status(), 401);
        assert_eq!(AppError::CrossSite.status(), 403);
        assert_eq!(AppError::Conflict("taken".into()).status(), 409);
        assert_eq!(
            AppError::TooManyAttempts {
                retry_after_secs: 1
            }
            .status(),
            429
        );
        assert_eq!(AppError::Internal.status(), 500);
        assert_eq!(AppError::Unavailable.status(), 503);
        assert_eq!(AppError::OutOfSpace.status(), 507);
    }

    #[test]
    fn waits_are_told_in_whole_minutes() {
        let wait = |secs| {
            AppError::TooManyAttempts {
                retry_after_secs: secs,
            }
            .to_string()
        };
        assert_eq!(
            wait(0),
            "Too many failed log-ins. Please try again in 1 minute."
        );
        assert_eq!(
            wait(61),
            "Too many failed log-ins. Please try again in 2 minutes."
        );
    }

    #[test]
    fn malformed_arguments_are_bad_requests() {
        let err =
            AppError::from_server_fn_error(ServerFnErrorErr::Args("id: invalid digit".into()));
        assert_eq!(err, AppError::BadRequest);
    }

    #[test]
    fn internal_messages_reveal_nothing() {
        let err = AppError::from_server_fn_error(ServerFnErrorErr::ServerError(
            "no such table: todos".into(),
        ));
        assert_eq!(err, AppError::Internal);
        assert!(!err.to_string().contains("todos"));
    }
}
