//! The server face of [`AppError`]: causes go to the log, clients get the safe message and status.

use axum::{
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};

use crate::error::AppError;

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

    /// A stable, machine-readable name for the kind of error.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Invalid(_) => "invalid",
            AppError::BadRequest => "bad_request",
            AppError::NotFound | AppError::TokenNotFound | AppError::AttachmentNotFound => {
                "not_found"
            }
            AppError::Unauthorized => "unauthorized",
            AppError::WrongCredentials => "wrong_credentials",
            AppError::CrossSite => "cross_site",
            AppError::Conflict(_) => "conflict",
            AppError::TooLarge(_) => "too_large",
            AppError::TooManyAttempts { .. } => "too_many_attempts",
            AppError::Network | AppError::Internal => "internal",
        }
    }
}

impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        if matches!(err, sqlx::Error::PoolClosed) {
            // Only while shutting down: a request that outlived its connection.
            tracing::info!("a request ended after the database closed for shutdown");
            return AppError::Internal;
        }
        AppError::internal(err)
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.http_status();
        let body = serde_json::json!({
            "error": { "code": self.code(), "message": self.to_string() }
        });
        let mut response = (status, Json(body)).into_response();
        self.add_headers(response.headers_mut());
        response
    }
}

impl AppError {
    /// Headers that belong with this error: `Retry-After` on 429.
    pub fn add_headers(&self, headers: &mut HeaderMap) {
        if let AppError::TooManyAttempts { retry_after_secs } = self {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_secs));
        }
    }
}
