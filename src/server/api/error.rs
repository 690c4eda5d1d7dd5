//! The API's errors: one JSON shape, `{"error": {"code", "message", "fields"?}}`, with the
//! right status, and the extractors that turn bad requests into them.

use std::collections::BTreeMap;

use axum::{
    body::Bytes,
    extract::{FromRequest, Request},
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use serde::de::DeserializeOwned;

use crate::error::AppError;
pub use crate::error::{ErrorBody, ErrorDetail};

/// Everything an API call can fail with.
#[derive(Debug)]
pub enum ApiError {
    /// From the shared rules (not found, internal, …).
    App(AppError),
    /// No token and no session (401).
    MissingCredentials,
    /// A token that is malformed, unknown or revoked (401).
    BadToken,
    /// The body is not JSON at all (400).
    MalformedJson(String),
    /// A query string that cannot be read (400).
    BadQuery(String),
    /// Not `Content-Type: application/json` (415).
    UnsupportedMediaType,
    /// Over the body limit (413).
    PayloadTooLarge,
    /// No API route at this path (404).
    NoSuchRoute,
    /// The route exists, the method does not (405).
    MethodNotAllowed,
    /// Well-formed JSON whose fields break the rules (422).
    Invalid {
        message: String,
        fields: BTreeMap<&'static str, String>,
    },
}

impl ApiError {
    /// A 422 naming the one field at fault.
    pub fn field(field: &'static str, message: impl Into<String>) -> Self {
        let message = message.into();
        ApiError::Invalid {
            message: message.clone(),
            fields: BTreeMap::from([(field, message)]),
        }
    }

    /// For a service whose refusals of well-formed input (`AppError::Invalid`: the Inbox kept, an
    /// unknown username, …) are, in the API, 422 like any rule a field breaks, naming `field`
    /// when given; any other error is answered as usual.
    pub fn refused(field: Option<&'static str>) -> impl FnOnce(AppError) -> ApiError {
        move |err| match (err, field) {
            (AppError::Invalid(message), Some(field)) => ApiError::field(field, message),
            (AppError::Invalid(message), None) => ApiError::Invalid {
                message,
                fields: BTreeMap::new(),
            },
            (other, _) => other.into(),
        }
    }

    fn parts(self) -> (StatusCode, ErrorDetail) {
        let detail = |code: &str, message: String| ErrorDetail {
            code: code.to_owned(),
            message,
            fields: None,
        };
        match self {
            ApiError::App(err) => (err.http_status(), detail(err.code(), err.to_string())),
            ApiError::MissingCredentials => (
                StatusCode::UNAUTHORIZED,
                detail(
                    "unauthorized",
                    "Send a personal API token: `Authorization: Bearer <token>`.".into(),
                ),
            ),
            ApiError::BadToken => (
                StatusCode::UNAUTHORIZED,
                detail(
                    "invalid_token",
                    "The API token is not valid (it may have been revoked).".into(),
                ),
            ),
            ApiError::MalformedJson(why) => (
                StatusCode::BAD_REQUEST,
                detail(
                    "malformed_json",
                    format!("The body is not valid JSON: {why}"),
                ),
            ),
            ApiError::BadQuery(why) => (
                StatusCode::BAD_REQUEST,
                detail("bad_query", format!("The query string is not valid: {why}")),
            ),
            ApiError::NoSuchRoute => (
                StatusCode::NOT_FOUND,
                detail("not_found", "There is no such API route.".into()),
            ),
            ApiError::MethodNotAllowed => (
                StatusCode::METHOD_NOT_ALLOWED,
                detail(
                    "method_not_allowed",
                    "This route does not take that method.".into(),
                ),
            ),
            ApiError::UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                detail(
                    "unsupported_media_type",
                    "Send the body as JSON, with `Content-Type: application/json`.".into(),
                ),
            ),
            ApiError::PayloadTooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                detail("payload_too_large", "The body is too large.".into()),
            ),
            ApiError::Invalid { message, fields } => (
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorDetail {
                    code: "invalid".to_owned(),
                    message,
                    fields: (!fields.is_empty()).then(|| {
                        fields
                            .into_iter()
                            .map(|(field, rule)| (field.to_owned(), rule))
                            .collect()
                    }),
                },
            ),
        }
    }
}

impl From<AppError> for ApiError {
    fn from(err: AppError) -> Self {
        match err {
            AppError::Unauthorized => ApiError::MissingCredentials,
            other => ApiError::App(other),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let unauthorized = matches!(self, ApiError::MissingCredentials | ApiError::BadToken);
        let invalid_token = matches!(self, ApiError::BadToken);
        let retry = match &self {
            ApiError::App(err) => Some(err.clone()),
            _ => None,
        };
        let (status, error) = self.parts();
        let mut response = (status, Json(ErrorBody { error })).into_response();
        if unauthorized {
            let challenge = if invalid_token {
                r#"Bearer realm="tick", error="invalid_token""#
            } else {
                r#"Bearer realm="tick""#
            };
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static(challenge),
            );
        }
        if let Some(err) = retry {
            err.add_headers(response.headers_mut());
        }
        response
    }
}

/// A JSON body: 415 without a JSON content type, 413 over the limit, 400 when it does not
/// parse, 422 when its fields have the wrong types or are missing.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let is_json = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|ct| ct.to_str().ok())
            .and_then(|ct| ct.split(';').next())
            .map(|mime| mime.trim().to_ascii_lowercase())
            .is_some_and(|mime| mime == "application/json" || mime.ends_with("+json"));
        if !is_json {
            return Err(ApiError::UnsupportedMediaType);
        }
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::PayloadTooLarge
                } else {
                    ApiError::MalformedJson(rejection.body_text())
                }
            })?;
        serde_json::from_slice(&bytes)
            .map(ApiJson)
            .map_err(|err| match err.classify() {
                serde_json::error::Category::Data => ApiError::Invalid {
                    message: format!("The body does not fit: {err}"),
                    fields: BTreeMap::new(),
                },
                _ => ApiError::MalformedJson(err.to_string()),
            })
    }
}

/// Turns the body limit's plain-text 413 into the API's JSON error, for API paths; and asks
/// the client to close the connection after any 413, since the rest of its body was not read
/// (a client that reused the connection would write into a closed socket).
pub async fn json_payload_too_large(request: Request, next: axum::middleware::Next) -> Response {
    let is_api = request.uri().path().starts_with("/api/");
    let mut response = next.run(request).await;
    if response.status() != StatusCode::PAYLOAD_TOO_LARGE {
        return response;
    }
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|ct| ct.as_bytes().starts_with(b"application/json"));
    if is_api && !is_json {
        response = ApiError::PayloadTooLarge.into_response();
    }
    response
        .headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    response
}
