//! Showing a new API token once after a redirect (plain forms, without JavaScript) without ever
//! storing it. The session keeps the token masked with a one-time pad; the pad travels only in
//! a short-lived cookie on the redirect. Neither half tells anything alone, and the page load
//! that shows the token deletes both.

use axum::http::{header, request::Parts, HeaderValue};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use crate::{
    domain::{NewToken, TokenView},
    error::AppError,
    server::{auth::session, hex},
};

/// Where the masked token waits in the session.
const MASKED: &str = "created_token";
/// The cookie carrying the pad, for the settings page only.
const PAD_COOKIE: &str = "tick_reveal";
/// A minute is plenty for a redirect.
const PAD_MAX_AGE: u32 = 60;

#[derive(Serialize, Deserialize)]
struct Masked {
    /// The secret's bytes XOR the pad, in hex.
    secret: String,
    token: TokenView,
}

/// `bytes` XOR `pad`; a pad is never reused, so it must be at least as long.
fn xor(bytes: &[u8], pad: &[u8]) -> Option<Vec<u8>> {
    (pad.len() >= bytes.len()).then(|| bytes.iter().zip(pad).map(|(b, p)| b ^ p).collect())
}

/// Keeps `created` for the next page load: masked in the session, the pad in a cookie.
pub async fn keep(session: &Session, created: &NewToken) -> Result<(), AppError> {
    // Longer than any token (`tick_` and 64 hex digits).
    let pad_hex = hex::random::<96>();
    let pad = hex::decode(&pad_hex).ok_or(AppError::Internal)?;
    let masked = Masked {
        secret: hex::encode(&xor(created.secret.as_bytes(), &pad).ok_or(AppError::Internal)?),
        token: created.token.clone(),
    };
    session
        .insert(MASKED, masked)
        .await
        .map_err(session::error)?;
    if let Some(response) = use_context::<ResponseOptions>() {
        let cookie = format!(
            "{PAD_COOKIE}={pad_hex}; Path=/settings; Max-Age={PAD_MAX_AGE}; HttpOnly; SameSite=Strict"
        );
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.append_header(header::SET_COOKIE, value);
        }
    }
    Ok(())
}

/// The token kept by [`keep`], once: both halves are deleted as it is read.
pub async fn take(session: &Session) -> Result<Option<NewToken>, AppError> {
    let masked = session
        .remove::<Masked>(MASKED)
        .await
        .map_err(session::error)?;
    let pad = use_context::<Parts>().and_then(|parts| pad_of(&parts.headers));
    if pad.is_some() {
        if let Some(response) = use_context::<ResponseOptions>() {
            let expired =
                format!("{PAD_COOKIE}=; Path=/settings; Max-Age=0; HttpOnly; SameSite=Strict");
            if let Ok(value) = HeaderValue::from_str(&expired) {
                response.append_header(header::SET_COOKIE, value);
            }
        }
    }
    let (Some(masked), Some(pad)) = (masked, pad) else {
        return Ok(None);
    };
    let secret = hex::decode(&masked.secret)
        .and_then(|bytes| xor(&bytes, &pad))
        .and_then(|bytes| String::from_utf8(bytes).ok());
    Ok(secret.map(|secret| NewToken {
        secret,
        token: masked.token,
    }))
}

fn pad_of(headers: &axum::http::HeaderMap) -> Option<Vec<u8>> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .find_map(|pair| pair.trim().strip_prefix(PAD_COOKIE)?.strip_prefix('='))
        .and_then(hex::decode)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pad_masks_and_unmasks() {
        let secret = "tick_0123456789abcdef";
        let pad = hex::decode(&hex::random::<96>()).unwrap();
        let masked = xor(secret.as_bytes(), &pad).unwrap();
        assert_ne!(masked, secret.as_bytes());
        assert_eq!(xor(&masked, &pad).unwrap(), secret.as_bytes());
        assert_eq!(xor(b"longer than the pad", b"short"), None);
    }

    #[test]
    fn the_pad_is_read_from_its_cookie_only() {
        let mut headers = axum::http::HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("tick_session=x; tick_reveal=0aff; other=1"),
        );
        assert_eq!(pad_of(&headers), Some(vec![0x0a, 0xff]));
        assert_eq!(pad_of(&axum::http::HeaderMap::new()), None);
    }
}
