//! Who is calling the API: a bearer token, or the session cookie of Tick's own pages.

use axum::{
    extract::FromRequestParts,
    http::{header, request::Parts},
};

use crate::{
    domain::UserId,
    server::{auth::CurrentUser, security, services::tokens, state::AppState},
};

use super::error::ApiError;

/// The user an API call acts for.
pub struct ApiUser(pub UserId);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if let Some(authorization) = parts.headers.get(header::AUTHORIZATION) {
            // With a token, only the token counts: never the cookie.
            let token = authorization
                .to_str()
                .ok()
                .and_then(|value| value.strip_prefix("Bearer "))
                .map(str::trim)
                .ok_or(ApiError::BadToken)?;
            return tokens::authenticate(state, token)
                .await?
                .map(ApiUser)
                .ok_or(ApiError::BadToken);
        }
        // The cookie counts only for Tick's own pages: another site's request cannot use it.
        if security::is_cross_site(&parts.headers, &parts.uri) {
            return Err(ApiError::MissingCredentials);
        }
        parts
            .extensions
            .get::<CurrentUser>()
            .map(|user| ApiUser(user.id))
            .ok_or(ApiError::MissingCredentials)
    }
}

/// Where this server is reached: the configured public URL, or `http://` and the request's
/// `Host`. Each to-do's `url` starts with it.
pub struct BaseUrl(pub String);

impl FromRequestParts<AppState> for BaseUrl {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(public) = &state.settings.public_url {
            return Ok(BaseUrl(public.trim_end_matches('/').to_owned()));
        }
        let host = parts
            .headers
            .get(header::HOST)
            .and_then(|host| host.to_str().ok())
            .filter(|host| !host.is_empty() && !host.contains(['/', ' ', '\\']))
            .map(str::to_owned)
            .unwrap_or_else(|| state.leptos_options.site_addr.to_string());
        Ok(BaseUrl(format!("http://{host}")))
    }
}
