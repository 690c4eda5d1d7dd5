//! Browser-facing defences: refusing cross-site requests that change state, and the security
//! headers on every response (a nonce-based Content-Security-Policy on pages).

use axum::{
    extract::{Request, State},
    http::{header, HeaderMap, HeaderValue, Uri},
    middleware::Next,
    response::{IntoResponse, Response},
};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

use crate::error::AppError;

/// Refuses, with 403 and before anything runs, a request that changes state (any method but
/// GET, HEAD, OPTIONS, TRACE) when the browser says it comes from another site.
///
/// One exception: API calls that carry a bearer token. They are authenticated by the token
/// alone, never by the cookie, so another site gains nothing it did not already hold.
pub async fn refuse_cross_site(request: Request, next: Next) -> Response {
    let by_token = request.uri().path().starts_with("/api/")
        && request.headers().contains_key(header::AUTHORIZATION);
    if !request.method().is_safe() && !by_token && is_cross_site(request.headers(), request.uri()) {
        tracing::warn!(
            origin = ?request.headers().get(header::ORIGIN),
            fetch_site = ?request.headers().get("sec-fetch-site"),
            "refused a cross-site request"
        );
        return AppError::CrossSite.into_response();
    }
    next.run(request).await
}

/// `Sec-Fetch-Site` when the browser sends it (all current ones do); otherwise `Origin` against
/// the `Host` the request was sent to. Requests with neither come from programs, not browsers.
pub fn is_cross_site(headers: &HeaderMap, uri: &Uri) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        // `none`: the user started it (typed, bookmarked), not a page.
        return !matches!(site.as_bytes(), b"same-origin" | b"none");
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return false;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|host| host.to_str().ok())
        .or_else(|| uri.authority().map(|a| a.as_str()));
    let origin_authority = origin
        .to_str()
        .ok()
        .and_then(|origin| origin.split_once("://"))
        .map(|(_, authority)| authority);
    match (origin_authority, host) {
        (Some(origin), Some(host)) => !origin.eq_ignore_ascii_case(host),
        // `Origin: null` (sandboxed frames, some redirects) or no host to compare with.
        _ => true,
    }
}

/// The policy for pages: scripts only from this site or inline with this response's nonce
/// (Leptos adds it to its hydration scripts), WebAssembly allowed, no framing, no plugins.
fn page_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; \
         frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
    )
}

/// For anything that is not a page (JSON, files): nothing may run or be framed.
const NON_PAGE_POLICY: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/// Called while a page renders: sets its Content-Security-Policy with the page's nonce.
pub fn set_page_policy() {
    let (Some(nonce), Some(response)) =
        (leptos::nonce::use_nonce(), use_context::<ResponseOptions>())
    else {
        return;
    };
    if let Some(policy) = page_policy_header(&nonce) {
        response.insert_header(header::CONTENT_SECURITY_POLICY, policy);
    }
}

/// The page policy for `nonce` as a header value.
pub fn page_policy_header(nonce: &str) -> Option<HeaderValue> {
    HeaderValue::from_str(&page_policy(nonce)).ok()
}

/// The nonce in a page policy that [`page_policy_header`] made.
pub fn nonce_of_policy(policy: &HeaderValue) -> Option<&str> {
    let policy = policy.to_str().ok()?;
    let (_, rest) = policy.split_once("'nonce-")?;
    rest.split_once('\'').map(|(nonce, _)| nonce)
}

/// Adds the headers every response should carry, keeping any a handler chose itself. Over
/// HTTPS (`https`), also `Strict-Transport-Security`: browsers then never try plain HTTP.
pub async fn security_headers(State(https): State<bool>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    add_security_headers(response.headers_mut());
    if https {
        response.headers_mut().insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    response
}

fn add_security_headers(headers: &mut HeaderMap) {
    let defaults = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        // Same-origin only: Leptos sends failed form posts back to their page by `Referer`.
        (header::REFERRER_POLICY, "same-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::CONTENT_SECURITY_POLICY, NON_PAGE_POLICY),
    ];
    for (name, value) in defaults {
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    }
    // Pages and API answers hold a user's data: never stored by browsers or proxies.
    // Static files set their own caching.
    let is_data = headers
        .get(header::CONTENT_TYPE)
        .and_then(|ct| ct.to_str().ok())
        .is_none_or(|ct| {
            ct.starts_with("text/html")
                || ct.starts_with("application/json")
                || ct.starts_with("text/plain")
        });
    if is_data {
        headers
            .entry(header::CACHE_CONTROL)
            .or_insert(HeaderValue::from_static("no-store"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::{body::Body, http::Method};

    fn is_cross_site_post(headers: &[(&str, &str)]) -> bool {
        let mut builder = Request::builder().method(Method::POST).uri("/fn/todos/add");
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        let request = builder.body(Body::empty()).unwrap();
        is_cross_site(request.headers(), request.uri())
    }

    #[test]
    fn fetch_metadata_decides_when_present() {
        assert!(!is_cross_site_post(&[("sec-fetch-site", "same-origin")]));
        assert!(!is_cross_site_post(&[("sec-fetch-site", "none")]));
        assert!(is_cross_site_post(&[("sec-fetch-site", "cross-site")]));
        assert!(is_cross_site_post(&[("sec-fetch-site", "same-site")]));
        // It wins over a matching Origin.
        assert!(is_cross_site_post(&[
            ("sec-fetch-site", "cross-site"),
            ("origin", "http://tick.test"),
            ("host", "tick.test"),
        ]));
    }

    #[test]
    fn otherwise_origin_must_match_the_host() {
        assert!(!is_cross_site_post(&[
            ("origin", "http://tick.test:3000"),
            ("host", "tick.test:3000"),
        ]));
        assert!(is_cross_site_post(&[
            ("origin", "http://evil.test"),
            ("host", "tick.test:3000"),
        ]));
        assert!(is_cross_site_post(&[
            ("origin", "null"),
            ("host", "tick.test")
        ]));
    }

    #[test]
    fn the_nonce_is_read_back_from_a_page_policy() {
        let policy = page_policy_header("AbC-123_x").unwrap();
        assert_eq!(nonce_of_policy(&policy), Some("AbC-123_x"));
        assert_eq!(
            nonce_of_policy(&HeaderValue::from_static(NON_PAGE_POLICY)),
            None
        );
    }

    #[test]
    fn programs_without_browser_headers_pass() {
        assert!(!is_cross_site_post(&[("host", "tick.test")]));
    }
}
