//! The error clients see: a stable, safe message and a status. Causes stay in the server log.

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

use crate::domain::TodoTitleError;

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
            AppError::NotFound => 404,
            AppError::Network | AppError::Internal => 500,
        }
    }
}

impl From<TodoTitleError> for AppError {
    fn from(err: TodoTitleError) -> Self {
        AppError::Invalid(err.to_string())
    }
}

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
        assert_eq!(AppError::Internal.status(), 500);
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
