//! Plain HTML form posts (no JavaScript) to server functions.

use axum::http::{header, request::Parts, HeaderMap};
use leptos::prelude::use_context;

/// Whether a request with these headers is a browser's plain form post (it asks for HTML
/// back, as Leptos also decides).
pub fn accepts_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|accept| accept.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"))
}

/// Whether the request a server function is answering is a plain form post.
pub fn is_plain_form() -> bool {
    use_context::<Parts>().is_some_and(|parts| accepts_html(&parts.headers))
}

/// Sends a plain form post on to `path`. The hydrated app reads the reply and moves on by itself.
pub fn redirect_plain_form(path: &str) {
    if is_plain_form() {
        leptos_axum::redirect(path);
    }
}
