//! Rendered to-do pages kept in memory and served again while the user's list is unchanged.
//!
//! A page is kept under its user, its filter and the user's `list_version`, which database
//! triggers bump on every change to the user's to-dos or attachments. The version is read with
//! the user on every request (see `auth::session::resolve_user`), so a change made by any
//! process, through pages, server functions or the API, makes the kept page stale at once.
//! Pages are kept with their CSP nonce cut out; each reply gets a fresh one.

use std::{
    collections::{HashMap, VecDeque},
    sync::{Arc, Mutex},
};

use axum::{
    body::Body,
    extract::{Request, State},
    http::{header, HeaderName, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use bytes::{Bytes, BytesMut};

use crate::{
    domain::Filter,
    error::AppError,
    server::{auth::session::CurrentUser, security, startup::AppState},
};

/// Says whether a page came from memory (`hit`) or was rendered (`miss`).
pub const CACHE_STATUS: HeaderName = HeaderName::from_static("x-tick-page-cache");

/// Kept pages, at most `budget` bytes of them; the oldest go first.
pub struct PageCache {
    budget: usize,
    inner: Mutex<Kept>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Key {
    user: i64,
    filter: Filter,
}

#[derive(Default)]
struct Kept {
    pages: HashMap<Key, Entry>,
    /// Keys in the order they were kept, each with the stamp of that keeping.
    order: VecDeque<(Key, u64)>,
    bytes: usize,
    next_stamp: u64,
}

struct Entry {
    version: i64,
    page: Arc<Page>,
    stamp: u64,
}

/// A rendered page, split where its nonce was.
struct Page {
    content_type: HeaderValue,
    pieces: Vec<Bytes>,
}

impl Page {
    fn len(&self) -> usize {
        self.pieces.iter().map(Bytes::len).sum()
    }

    /// The page with `nonce` wherever the rendered one was.
    fn with_nonce(&self, nonce: &str) -> Bytes {
        let gaps = self.pieces.len().saturating_sub(1);
        let mut body = BytesMut::with_capacity(self.len() + gaps * nonce.len());
        for (i, piece) in self.pieces.iter().enumerate() {
            if i > 0 {
                body.extend_from_slice(nonce.as_bytes());
            }
            body.extend_from_slice(piece);
        }
        body.freeze()
    }
}

/// `body` cut at every `nonce`.
fn split_at(body: &Bytes, nonce: &[u8]) -> Vec<Bytes> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut at = 0;
    while !nonce.is_empty() && at + nonce.len() <= body.len() {
        if body[at..].starts_with(nonce) {
            pieces.push(body.slice(start..at));
            at += nonce.len();
            start = at;
        } else {
            at += 1;
        }
    }
    pieces.push(body.slice(start..));
    pieces
}

impl PageCache {
    pub fn new(budget: usize) -> Self {
        Self {
            budget,
            inner: Mutex::new(Kept::default()),
        }
    }

    fn get(&self, key: Key, version: i64) -> Option<Arc<Page>> {
        let kept = self
            .inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        kept.pages
            .get(&key)
            .filter(|entry| entry.version == version)
            .map(|entry| entry.page.clone())
    }

    fn keep(&self, key: Key, version: i64, page: Page) {
        let size = page.len();
        // One page may take a quarter of the memory at most.
        if size > self.budget / 4 {
            return;
        }
        let mut kept = self
            .inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let kept = &mut *kept;
        let stamp = kept.next_stamp;
        kept.next_stamp += 1;
        let entry = Entry {
            version,
            page: Arc::new(page),
            stamp,
        };
        if let Some(old) = kept.pages.insert(key, entry) {
            kept.bytes -= old.page.len();
        }
        kept.bytes += size;
        kept.order.push_back((key, stamp));
        while kept.bytes > self.budget {
            let Some((oldest, stamp)) = kept.order.pop_front() else {
                break;
            };
            // Skip keys kept again since: their newer entry has its own place in the order.
            if kept.pages.get(&oldest).is_some_and(|e| e.stamp == stamp) {
                if let Some(gone) = kept.pages.remove(&oldest) {
                    kept.bytes -= gone.page.len();
                }
            }
        }
        // Entries replaced in place leave stale keys behind: drop them once they dominate.
        if kept.order.len() > 2 * kept.pages.len() + 64 {
            let pages = &kept.pages;
            kept.order
                .retain(|(key, stamp)| pages.get(key).is_some_and(|e| e.stamp == *stamp));
        }
    }
}

/// The filter page a request asks for, when its answer can come from memory: a plain `GET` of
/// `/`, `/active` or `/completed` by a signed-in user. A query string (an edit form, the error
/// of a failed form post) is rendered every time.
fn cacheable(request: &Request) -> Option<(Key, i64)> {
    if request.method() != Method::GET || request.uri().query().is_some() {
        return None;
    }
    let path = request.uri().path();
    let filter = Filter::ALL.into_iter().find(|f| f.path() == path)?;
    let user = request.extensions().get::<CurrentUser>()?;
    let key = Key {
        user: user.id.0,
        filter,
    };
    Some((key, user.list_version))
}

/// Serves a kept page when it is current; otherwise renders, and keeps what can be kept.
pub async fn serve(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some(cache) = state.page_cache.as_deref() else {
        return next.run(request).await;
    };
    let Some((key, version)) = cacheable(&request) else {
        return next.run(request).await;
    };
    if let Some(page) = cache.get(key, version) {
        return kept_response(&page);
    }
    let response = next.run(request).await;
    keep_response(cache, key, version, response).await
}

fn kept_response(page: &Page) -> Response {
    let nonce = leptos::nonce::Nonce::new();
    let Some(policy) = security::page_policy_header(&nonce) else {
        return AppError::internal(anyhow::anyhow!("a nonce that is not a header value"))
            .into_response();
    };
    let mut response = Response::new(Body::from(page.with_nonce(&nonce)));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, page.content_type.clone());
    headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    headers.insert(CACHE_STATUS, HeaderValue::from_static("hit"));
    response
}

/// Keeps a rendered page if it is a complete, successful one with nothing but its type and
/// policy in its headers; returns it as it was.
async fn keep_response(cache: &PageCache, key: Key, version: i64, response: Response) -> Response {
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
    cache.keep(
        key,
        version,
        Page {
            content_type,
            pieces: split_at(&bytes, nonce.as_bytes()),
        },
    );
    parts
        .headers
        .insert(CACHE_STATUS, HeaderValue::from_static("miss"));
    Response::from_parts(parts, Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(body: &'static str, nonce: &str) -> Page {
        Page {
            content_type: HeaderValue::from_static("text/html"),
            pieces: split_at(&Bytes::from_static(body.as_bytes()), nonce.as_bytes()),
        }
    }

    #[test]
    fn every_nonce_is_replaced() {
        let kept = page("<s nonce=\"N1\">a</s><s nonce=\"N1\">b</s>N1", "N1");
        assert_eq!(kept.pieces.len(), 4);
        assert_eq!(
            kept.with_nonce("xyz"),
            "<s nonce=\"xyz\">a</s><s nonce=\"xyz\">b</s>xyz"
        );
        assert_eq!(
            page("no nonce here", "N1").with_nonce("xyz"),
            "no nonce here"
        );
    }

    fn key(user: i64) -> Key {
        Key {
            user,
            filter: Filter::All,
        }
    }

    #[test]
    fn a_page_is_served_only_at_its_version() {
        let cache = PageCache::new(1000);
        cache.keep(key(1), 7, page("seven", "N"));
        assert!(cache.get(key(1), 7).is_some());
        assert!(cache.get(key(1), 8).is_none());
        assert!(cache.get(key(2), 7).is_none());
        cache.keep(key(1), 8, page("eight", "N"));
        assert_eq!(cache.get(key(1), 8).unwrap().with_nonce("x"), "eight");
        assert!(cache.get(key(1), 7).is_none());
    }

    #[test]
    fn memory_stays_within_the_budget_and_the_oldest_go_first() {
        let cache = PageCache::new(100);
        for user in 0..10 {
            cache.keep(key(user), 0, page("twenty bytes of page", "N"));
        }
        let kept = cache.inner.lock().unwrap();
        assert!(kept.bytes <= 100);
        assert_eq!(kept.pages.len(), 5);
        drop(kept);
        assert!(cache.get(key(0), 0).is_none());
        assert!(cache.get(key(9), 0).is_some());
        // Too big for the budget: not kept at all.
        cache.keep(
            key(42),
            0,
            page("this page is longer than a quarter of it", "N"),
        );
        assert!(cache.get(key(42), 0).is_none());
    }
}
