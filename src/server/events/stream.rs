//! `GET /events?list=`: the changes to one list (the Inbox without `list`) as Server-Sent
//! Events, for a member of it.
//!
//! Each event's `id` is the list version it left, so an `EventSource` that reconnects sends
//! `Last-Event-ID` (a page opening its first stream sends `?since=` with the version it was
//! rendered at) and is told to `resync` when it missed anything, across a dropped connection
//! or a server restart. Events are sent as they happen: never compressed, buffered or cached.
//! A stream ends with its session (log-out, password change, account deleted, expiry) and at
//! shutdown; each user may hold `--max-streams-per-user` at once. A member taken off the list
//! (or whose list is deleted) is sent `revoked`, and the stream ends.

use std::{convert::Infallible, time::Duration};

use axum::{
    extract::{Query, State},
    http::{header, HeaderMap, HeaderValue},
    response::{
        sse::{Event, KeepAlive, Sse},
        IntoResponse, Response,
    },
    routing::get,
    Extension, Router,
};
use futures_util::stream::{self, Stream};
use serde::{Deserialize, Serialize};
use tokio::time::Instant;
use tower_sessions::{session::Id, Session};

use crate::{
    domain::{ListId, UserId},
    error::AppError,
    routes::EVENTS,
    server::{
        auth::{session, CurrentUser},
        db::lists::ListRef,
        services::lists,
        state::AppState,
    },
};

use super::{Change, Delivery, Kind, Subscription, What};

/// A comment line this often keeps proxies from closing a quiet stream.
const KEEP_ALIVE: Duration = Duration::from_secs(15);
/// How often a stream checks that its session is still signed in.
const SESSION_CHECK: Duration = Duration::from_secs(15);

pub fn router(state: AppState) -> Router {
    Router::new().route(EVENTS, get(events)).with_state(state)
}

#[derive(Deserialize)]
struct Since {
    /// The list (the Inbox when absent).
    list: Option<ListId>,
    /// The version the page was rendered at (an `EventSource` cannot send `Last-Event-ID`
    /// on its first connection).
    since: Option<i64>,
}

/// A change as a stream shows it: its version and what changed (never whose it is).
#[derive(Serialize)]
struct Wire<'a> {
    version: i64,
    #[serde(flatten)]
    what: &'a What,
}

async fn events(
    State(state): State<AppState>,
    user: Option<Extension<CurrentUser>>,
    session: Session,
    headers: HeaderMap,
    since: Query<Since>,
) -> Response {
    let Some(Extension(user)) = user else {
        return AppError::Unauthorized.into_response();
    };
    let Some(subscription) = state.feed.subscribe(user.id) else {
        tracing::info!(
            user_id = user.id.0,
            "refused an event stream: too many open"
        );
        return AppError::TooManyStreams.into_response();
    };
    // Read after subscribing: a change committed from here on reaches the subscription.
    let (list, version) = match version(&state, user.id, since.list.into()).await {
        Ok(found) => found,
        Err(err) => return err.into_response(),
    };
    let known = headers
        .get("last-event-id")
        .and_then(|id| id.to_str().ok())
        .and_then(|id| id.trim().parse().ok())
        .or(since.since);
    let first = match known {
        Some(known) if known != version => resync(version),
        _ => Event::default()
            .event("ready")
            .id(version.to_string())
            .data(""),
    };
    let open = Open {
        state,
        user: user.id,
        list,
        ended: false,
        session: session.id(),
        subscription,
        next_check: Instant::now() + SESSION_CHECK,
        first: Some(first),
    };
    let mut response = Sse::new(open.into_stream())
        .keep_alive(KeepAlive::new().interval(KEEP_ALIVE))
        .into_response();
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // nginx and others buffer responses unless told not to.
    headers.insert("x-accel-buffering", HeaderValue::from_static("no"));
    response
}

/// The list and its version now, for a member; 404 for anyone else.
async fn version(state: &AppState, user: UserId, list: ListRef) -> Result<(ListId, i64), AppError> {
    let mut conn = state.db.reader().await?;
    let access = lists::access(conn.ex(), user, list).await?;
    Ok((access.list, access.version))
}

fn resync(version: i64) -> Event {
    versioned("resync", version)
}

/// The list is no longer the user's to see; the stream ends after this.
fn revoked() -> Event {
    Event::default().event("revoked").data("{}")
}

/// An event that says only the list's version. (Browsers drop an event without data, so it
/// carries the version there too.)
fn versioned(kind: &str, version: i64) -> Event {
    Event::default()
        .event(kind)
        .id(version.to_string())
        .data(format!("{{\"version\":{version}}}"))
}

/// One open stream.
struct Open {
    state: AppState,
    user: UserId,
    list: ListId,
    /// `revoked` was sent: nothing follows.
    ended: bool,
    session: Option<Id>,
    subscription: Subscription,
    next_check: Instant,
    first: Option<Event>,
}

impl Open {
    fn into_stream(self) -> impl Stream<Item = Result<Event, Infallible>> {
        stream::unfold(self, |mut open| async move {
            let event = open.next().await?;
            Some((Ok(event), open))
        })
    }

    /// The next event to send; `None` ends the stream.
    async fn next(&mut self) -> Option<Event> {
        if self.ended {
            return None;
        }
        if let Some(first) = self.first.take() {
            return Some(first);
        }
        loop {
            let shutdown = self.state.shutdown.clone();
            tokio::select! {
                delivery = self.subscription.next() => match delivery {
                    Delivery::Change(change) if change.list == self.list => {
                        if self.lost_by(&change) {
                            return self.revoke();
                        }
                        let data = serde_json::to_string(&Wire {
                            version: change.version,
                            what: &change.what,
                        })
                        .ok()?;
                        return Some(
                            Event::default()
                                .event("change")
                                .id(change.version.to_string())
                                .data(data),
                        );
                    }
                    // Another of the user's lists.
                    Delivery::Change(_) => {}
                    Delivery::Resync => {
                        return match version(&self.state, self.user, ListRef::Id(self.list)).await {
                            Ok((_, version)) => Some(resync(version)),
                            Err(AppError::ListNotFound) => self.revoke(),
                            Err(_) => None,
                        };
                    }
                    Delivery::End(session) => {
                        if session.is_none() || session == self.session {
                            return None;
                        }
                    }
                },
                () = tokio::time::sleep_until(self.next_check) => {
                    self.next_check = Instant::now() + SESSION_CHECK;
                    if !self.still_signed_in().await {
                        return None;
                    }
                    let check = version(&self.state, self.user, ListRef::Id(self.list)).await;
                    if matches!(check, Err(AppError::ListNotFound)) {
                        return self.revoke();
                    }
                }
                () = shutdown.cancelled() => return None,
            }
        }
    }

    /// Whether `change` took this stream's user off the list (or deleted it).
    fn lost_by(&self, change: &Change) -> bool {
        match change.what.kind {
            Kind::ListDeleted => true,
            Kind::MembersRemoved => change.what.ids.contains(&self.user.0),
            _ => false,
        }
    }

    fn revoke(&mut self) -> Option<Event> {
        self.ended = true;
        Some(revoked())
    }

    /// Whether the stream's session still stands; a database that cannot answer right now is
    /// given the benefit of the doubt until the next check.
    async fn still_signed_in(&self) -> bool {
        let Some(id) = self.session else {
            return false;
        };
        session::still_signed_in(&self.state, id, self.user)
            .await
            .unwrap_or(true)
    }
}
