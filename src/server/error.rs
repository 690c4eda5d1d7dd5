//! The server face of [`AppError`]: causes go to the log, clients get the safe message and status.

use axum::{
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};

use crate::error::{AppError, ErrorBody, ErrorDetail};

impl AppError {
    /// Logs `cause` with its whole chain and returns the safe, generic error.
    pub fn internal(cause: impl Into<anyhow::Error>) -> Self {
        let cause = cause.into();
        tracing::error!(error = format!("{cause:#}"), "internal error");
        AppError::Internal
    }

    /// [`AppError::status`] as an HTTP status.
    pub fn http_status(&self) -> StatusCode {
        StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    /// The JSON body this error is answered with.
    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            error: ErrorDetail {
                code: self.code().to_owned(),
                message: self.to_string(),
                fields: None,
            },
        }
    }

    /// A stable, machine-readable name for the kind of error.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Invalid(_) => "invalid",
            AppError::BadRequest => "bad_request",
            AppError::NotFound
            | AppError::TokenNotFound
            | AppError::AttachmentNotFound
            | AppError::ListNotFound
            | AppError::MemberNotFound => "not_found",
            AppError::Forbidden(_) => "forbidden",
            AppError::Unauthorized => "unauthorized",
            AppError::WrongCredentials => "wrong_credentials",
            AppError::CrossSite => "cross_site",
            AppError::Conflict(_) => "conflict",
            AppError::TooLarge(_) => "too_large",
            AppError::TooManyAttempts { .. } => "too_many_attempts",
            AppError::TooManySignUps { .. } => "too_many_sign_ups",
            AppError::TooManyStreams => "too_many_streams",
            AppError::Busy { .. } => "busy",
            AppError::Unavailable => "unavailable",
            AppError::OutOfSpace => "out_of_space",
            AppError::Network | AppError::Internal => "internal",
        }
    }
}

impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        if matches!(err, sqlx::Error::PoolClosed) {
            // Only while shutting down: a request that outlived its connection.
            tracing::info!("a request ended after the database closed for shutdown");
            return AppError::Unavailable;
        }
        if crate::server::db::is_out_of_space(&err) {
            tracing::error!(error = %err, "the database is out of storage space");
            return AppError::OutOfSpace;
        }
        if crate::server::db::is_unavailable(&err) {
            tracing::warn!(error = %err, "the database is unavailable");
            return AppError::Unavailable;
        }
        AppError::internal(err)
    }
}

impl From<std::io::Error> for AppError {
    /// A full disk (or quota) is the one storage failure people can act on; the rest is ours.
    fn from(err: std::io::Error) -> Self {
        if is_out_of_space(&err) {
            tracing::error!(error = %err, "out of storage space");
            return AppError::OutOfSpace;
        }
        AppError::internal(err)
    }
}

/// Whether `err` says the disk (or the user's disk quota) is full.
pub fn is_out_of_space(err: &std::io::Error) -> bool {
    matches!(
        err.kind(),
        std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded
    )
}

/// How long a client is asked to wait after a 503 for an unavailable database.
const UNAVAILABLE_RETRY_SECS: u64 = 5;

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.http_status();
        let mut response = (status, Json(self.body())).into_response();
        self.add_headers(response.headers_mut());
        response
    }
}

impl AppError {
    /// How long the client should wait before trying again, for errors that pass.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            AppError::TooManyAttempts { retry_after_secs }
            | AppError::TooManySignUps { retry_after_secs }
            | AppError::Busy { retry_after_secs } => Some(*retry_after_secs),
            AppError::Unavailable => Some(UNAVAILABLE_RETRY_SECS),
            AppError::TooManyStreams => Some(30),
            _ => None,
        }
    }

    /// Headers that belong with this error: `Retry-After` on 429 and 503.
    pub fn add_headers(&self, headers: &mut HeaderMap) {
        if let Some(secs) = self.retry_after() {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
    }
}

/// A whole page for an error met before any page could render (the session could not be read,
/// say): plain HTML a person can read, with the status and `Retry-After` of the error.
pub fn error_page(err: &AppError) -> Response {
    let message: String = err
        .to_string()
        .chars()
        .map(|c| match c {
            '<' => "&lt;".to_owned(),
            '>' => "&gt;".to_owned(),
            '&' => "&amp;".to_owned(),
            '"' => "&quot;".to_owned(),
            other => other.to_string(),
        })
        .collect();
    let body = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Tick</title></head><body><main><h1>Tick</h1>\
         <p role=\"alert\">{message}</p><p><a href=\"\">Try again</a></p></main></body></html>"
    );
    let mut response = (
        err.http_status(),
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response();
    err.add_headers(response.headers_mut());
    response
}
