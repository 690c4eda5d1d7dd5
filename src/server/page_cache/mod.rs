//! Rendered to-do pages kept in memory and served again while the user's list is unchanged.
//!
//! A page is kept under its user, its list and filter, and two versions that database triggers
//! bump: the list's (every change to its to-dos, attachments, name or members) and the user's
//! `lists_version` (the list menu: names, members, roles). Both are read on every request (for
//! the Inbox, with the user in `auth::session::resolve_user`; for another list, with the
//! member's access), so a change made by any process or member, through pages, server
//! functions or the API, makes the kept page stale at once, for every member.
//! Pages are kept with their CSP nonce cut out; each reply gets a fresh one. They are kept
//! gzipped too, piece by piece, so that a reply to a browser is stitched together rather than
//! compressed anew: the nonce goes between the pieces as a stored (uncompressed) block.

use std::sync::Arc;

use axum::{
    body::Body,
    extract::{Request, State},
    http::{header, HeaderName, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};

mod page;

use page::Page;

use crate::{
    domain::{parse_list_path, Filter, ListId},
    error::AppError,
    server::{
        auth::session::CurrentUser,
        db::lists::{self, ListRef},
        kept::Kept,
        security,
        state::AppState,
    },
};

/// Says whether a page came from memory (`hit`) or was rendered (`miss`).
pub const CACHE_STATUS: HeaderName = HeaderName::from_static("x-tick-page-cache");

/// Kept pages, each with the versions it was rendered at, within a budget of bytes.
pub struct PageCache {
    pages: Kept<Key, KeptPage>,
}

/// A page and the versions it was rendered at.
struct KeptPage {
    version: Version,
    page: Page,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Key {
    user: i64,
    /// `None`: the Inbox at `/`.
    list: Option<i64>,
    filter: Filter,
}

/// The list's version and the user's `lists_version`.
type Version = (i64, i64);

/// Whether `Accept-Encoding` allows gzip (`gzip` or `*`, with a `q` above zero).
fn accepts_gzip(request: &Request) -> bool {
    let mut star = false;
    for header in request.headers().get_all(header::ACCEPT_ENCODING) {
        let Ok(header) = header.to_str() else {
            continue;
        };
        for item in header.split(',') {
            let mut params = item.split(';');
            let coding = params.next().unwrap_or("").trim();
            let allowed = params
                .filter_map(|param| param.trim().strip_prefix("q="))
                .all(|q| q.trim().parse::<f32>().is_ok_and(|q| q > 0.0));
            if coding.eq_ignore_ascii_case("gzip") {
                return allowed;
            }
            if coding == "*" {
                star = allowed;
            }
        }
    }
    star
}

impl PageCache {
    pub fn new(budget: usize) -> Self {
        Self {
            pages: Kept::new(budget),
        }
    }

    fn get(&self, key: Key, version: Version) -> Option<Arc<KeptPage>> {
        self.pages.get(&key).filter(|kept| kept.version == version)
    }

    fn keep(&self, key: Key, version: Version, page: Page) {
        let size = page.footprint();
        self.pages.keep(key, KeptPage { version, page }, size);
    }
}

/// The list page a request asks for, when its answer can come from memory: a plain `GET` of a
/// filter of the Inbox (`/`, …) or of a list the signed-in user is a member of (`/lists/{id}`,
/// …). A query string (an edit form, the error of a failed form post) is rendered every time.
fn cacheable(request: &Request) -> Option<(Option<ListId>, Filter, CurrentUser)> {
    if request.method() != Method::GET || request.uri().query().is_some() {
        return None;
    }
    let (list, filter) = parse_list_path(request.uri().path())?;
    let user = request.extensions().get::<CurrentUser>()?.clone();
    Some((list, filter, user))
}

/// Where a cacheable page is kept, and the versions it must be at.
async fn key_and_version(
    state: &AppState,
    (list, filter, user): (Option<ListId>, Filter, CurrentUser),
) -> Option<(Key, Version)> {
    let list_version = match list {
        None => user.inbox_version,
        Some(id) => {
            let mut conn = state.db.reader().await.ok()?;
            lists::access(conn.ex(), user.id, ListRef::Id(id))
                .await
                .ok()??
                .version
        }
    };
    let key = Key {
        user: user.id.0,
        list: list.map(|id| id.0),
        filter,
    };
    Some((key, (list_version, user.lists_version)))
}

/// Serves a kept page when it is current; otherwise renders, and keeps what can be kept.
pub async fn serve(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(cache) = state.page_cache.as_ref() else {
        return next.run(request).await;
    };
    let Some(page) = cacheable(&request) else {
        return next.run(request).await;
    };
    let Some((key, version)) = key_and_version(&state, page).await else {
        return next.run(request).await;
    };
    if let Some(kept) = cache.get(key, version) {
        return kept_response(&kept.page, accepts_gzip(&request));
    }
    let response = next.run(request).await;
    keep_response(cache, key, version, response).await
}

fn kept_response(page: &Page, gzip: bool) -> Response {
    let nonce = leptos::nonce::Nonce::new();
    let Some(policy) = security::page_policy_header(&nonce) else {
        return AppError::internal(anyhow::anyhow!("a nonce that is not a header value"))
            .into_response();
    };
    let body = if gzip {
        page.gzipped_with_nonce(&nonce)
    } else {
        page.with_nonce(&nonce)
    };
    let mut response = Response::new(Body::from(body));
    let headers = response.headers_mut();
    if gzip {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    headers.insert(header::CONTENT_TYPE, page.content_type.clone());
    headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    headers.insert(CACHE_STATUS, HeaderValue::from_static("hit"));
    response
}

/// Keeps a rendered page if it is a complete, successful one with nothing but its type and
/// policy in its headers; returns it as it was.
async fn keep_response(
    cache: &PageCache,
    key: Key,
    version: Version,
    response: Response,
) -> Response {
    let (mut parts, body) = response.into_parts();
    let only_page_headers = parts
        .headers
        .keys()
        .all(|name| name == header::CONTENT_TYPE || name == header::CONTENT_SECURITY_POLICY);
    let content_type = parts.headers.get(header::CONTENT_TYPE).cloned();
    let nonce = parts
        .headers
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(security::nonce_of_policy)
        .map(str::to_owned);
    let (Some(content_type), Some(nonce)) = (content_type, nonce) else {
        return Response::from_parts(parts, body);
    };
    if parts.status != StatusCode::OK || !only_page_headers {
        return Response::from_parts(parts, body);
    }
    let bytes = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => bytes,
        Err(err) => return AppError::internal(err).into_response(),
    };
    match Page::new(content_type, &bytes, &nonce) {
        Ok(page) => cache.keep(key, version, page),
        Err(err) => tracing::warn!(error = %err, "could not compress a page to keep"),
    }
    parts
        .headers
        .insert(CACHE_STATUS, HeaderValue::from_static("miss"));
    Response::from_parts(parts, Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use page::tests::page;

    #[test]
    fn gzip_is_used_when_accepted() {
        let accepts = |value: &str| {
            let request = Request::builder()
                .header(header::ACCEPT_ENCODING, value)
                .body(Body::empty())
                .unwrap();
            accepts_gzip(&request)
        };
        assert!(accepts("gzip, deflate, br"));
        assert!(accepts("br;q=1.0, GZIP;q=0.5"));
        assert!(accepts("*"));
        assert!(!accepts("gzip;q=0"));
        assert!(!accepts("br, deflate"));
        assert!(!accepts("identity"));
        assert!(!accepts("*;q=0, br"));
        assert!(!accepts_gzip(&Request::new(Body::empty())));
    }

    fn key(user: i64) -> Key {
        Key {
            user,
            list: None,
            filter: Filter::All,
        }
    }

    #[test]
    fn a_page_is_served_only_at_its_version() {
        let cache = PageCache::new(1000);
        cache.keep(key(1), (7, 1), page("seven", "N"));
        assert!(cache.get(key(1), (7, 1)).is_some());
        assert!(cache.get(key(1), (8, 1)).is_none());
        assert!(cache.get(key(1), (7, 2)).is_none(), "the list menu changed");
        assert!(cache.get(key(2), (7, 1)).is_none());
        cache.keep(key(1), (8, 1), page("eight", "N"));
        assert_eq!(
            cache.get(key(1), (8, 1)).unwrap().page.with_nonce("x"),
            "eight"
        );
        assert!(cache.get(key(1), (7, 1)).is_none());
    }

    #[test]
    fn pages_are_sized_by_their_footprint() {
        let one = page("twenty bytes of page", "N").footprint();
        let cache = PageCache::new(5 * one);
        for user in 0..10 {
            cache.keep(key(user), (0, 0), page("twenty bytes of page", "N"));
        }
        assert_eq!(cache.pages.usage(), (5 * one, 5));
        assert!(cache.get(key(4), (0, 0)).is_none());
        assert!(cache.get(key(5), (0, 0)).is_some());
    }
}
