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

/// Sends a plain form post on to `path`. Other callers (the island, programs) get the reply.
pub fn redirect_plain_form(path: &str) {
    if is_plain_form() {
        leptos_axum::redirect(path);
    }
}

/// The address a plain form post is sent back to, tidied. Leptos adds the failure to the
/// address of the page the form was on (`__path` and `__err`), even when that address already
/// carries an earlier failure, and leaves a bare `?` when there is none: keep only the latest
/// failure, and no empty query.
pub fn tidy_form_redirect(location: &str) -> String {
    let Some((path, query)) = location.split_once('?') else {
        return location.to_owned();
    };
    let is_failure = |pair: &str| pair.starts_with("__path=") || pair.starts_with("__err=");
    let pairs: Vec<&str> = query.split('&').filter(|pair| !pair.is_empty()).collect();
    let latest_failure = pairs
        .iter()
        .rposition(|pair| pair.starts_with("__path="))
        .map_or(&[][..], |start| &pairs[start..]);
    let kept: Vec<&str> = pairs
        .iter()
        .copied()
        .filter(|pair| !is_failure(pair))
        .chain(
            latest_failure
                .iter()
                .copied()
                .filter(|pair| is_failure(pair)),
        )
        .collect();
    if kept.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", kept.join("&"))
    }
}

#[cfg(test)]
mod tests {
    use super::tidy_form_redirect;

    #[test]
    fn an_empty_query_is_dropped() {
        assert_eq!(tidy_form_redirect("/active?"), "/active");
        assert_eq!(tidy_form_redirect("/active"), "/active");
    }

    #[test]
    fn only_the_latest_failure_is_kept() {
        assert_eq!(
            tidy_form_redirect("/signup?__path=%2Ffn%2Fa&__err=old&__path=%2Ffn%2Fb&__err=new"),
            "/signup?__path=%2Ffn%2Fb&__err=new"
        );
        assert_eq!(
            tidy_form_redirect("/login?__path=%2Ffn%2Fa&__err=only"),
            "/login?__path=%2Ffn%2Fa&__err=only"
        );
    }

    #[test]
    fn other_parameters_stay() {
        assert_eq!(
            tidy_form_redirect("/active?edit=4&__path=p&__err=e1&__path=p&__err=e2"),
            "/active?edit=4&__path=p&__err=e2"
        );
        assert_eq!(
            tidy_form_redirect("/settings?password=changed"),
            "/settings?password=changed"
        );
    }
}
