//! What one connection is doing, as its watchdog sees it: requests in flight (until their
//! response bodies are done), when it became idle, and when a half-sent request head began;
//! and the registry of open connections that names the requests a shutdown cuts.

use std::{
    collections::HashMap,
    pin::Pin,
    sync::{
        atomic::{AtomicU64, AtomicUsize, Ordering},
        Arc, Mutex, PoisonError,
    },
    task::{Context, Poll},
    time::Duration,
};

use axum::{body::Body, extract::Request};
use bytes::Bytes;
use hyper::body::{Frame, SizeHint};
use tokio::{
    io::{AsyncRead, AsyncWrite, ReadBuf},
    net::TcpStream,
    time::Instant,
};

use super::ServeSettings;

/// What a connection is doing, shared by its socket, its requests and its watchdog.
pub(super) struct Activity {
    born: Instant,
    in_flight: AtomicUsize,
    /// Milliseconds after `born` when the connection last became idle.
    idle_since: AtomicU64,
    /// Milliseconds after `born` (plus one; zero for none) since when a request head is owed:
    /// from the connection's start, and then from the first byte of each later request.
    head_since: AtomicU64,
    /// The requests in flight, as `METHOD /path`, to name them if they are cut.
    current: Mutex<Vec<String>>,
}

pub(super) enum Verdict {
    /// Look again at this time.
    Keep(Instant),
    Close(&'static str),
}

impl Activity {
    pub(super) fn new() -> Self {
        Activity {
            born: Instant::now(),
            in_flight: AtomicUsize::new(0),
            idle_since: AtomicU64::new(0),
            // A new connection owes its first request head from the start.
            head_since: AtomicU64::new(1),
            current: Mutex::default(),
        }
    }

    fn millis(&self, at: Instant) -> u64 {
        u64::try_from(at.duration_since(self.born).as_millis()).unwrap_or(u64::MAX)
    }

    fn at(&self, millis: u64) -> Instant {
        self.born + Duration::from_millis(millis)
    }

    /// Bytes arrived from the client.
    fn read(&self) {
        if self.in_flight.load(Ordering::Acquire) == 0 {
            let now = self.millis(Instant::now()) + 1;
            let _ = self
                .head_since
                .compare_exchange(0, now, Ordering::AcqRel, Ordering::Acquire);
        }
    }

    /// A request's headers are in: it runs until its response body is done or dropped.
    pub(super) fn start(self: &Arc<Self>, request: &Request) -> RequestGuard {
        self.in_flight.fetch_add(1, Ordering::AcqRel);
        self.head_since.store(0, Ordering::Release);
        let line = format!("{} {}", request.method(), request.uri().path());
        self.current
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(line.clone());
        RequestGuard {
            activity: self.clone(),
            line,
        }
    }

    pub(super) fn verdict(&self, now: Instant, settings: ServeSettings) -> Verdict {
        let soon = now
            + settings
                .header_read_timeout
                .min(settings.keep_alive_timeout);
        if self.in_flight.load(Ordering::Acquire) > 0 {
            return Verdict::Keep(soon);
        }
        let head = self.head_since.load(Ordering::Acquire);
        let (since, limit, why) = if head > 0 {
            (head - 1, settings.header_read_timeout, "headers too slow")
        } else {
            let idle = self.idle_since.load(Ordering::Acquire);
            (idle, settings.keep_alive_timeout, "idle")
        };
        let deadline = self.at(since) + limit;
        if now >= deadline {
            Verdict::Close(why)
        } else {
            Verdict::Keep(deadline.min(soon))
        }
    }
}

/// Ends a request's place in [`Activity`] when its response is done (or dropped).
pub(super) struct RequestGuard {
    activity: Arc<Activity>,
    line: String,
}

impl Drop for RequestGuard {
    fn drop(&mut self) {
        let activity = &self.activity;
        let mut current = activity
            .current
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(at) = current.iter().position(|line| *line == self.line) {
            current.remove(at);
        }
        drop(current);
        activity
            .idle_since
            .store(activity.millis(Instant::now()), Ordering::Release);
        activity.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

/// A response body that holds its request's guard until it is done.
pub(super) struct Tracked {
    pub(super) body: Body,
    pub(super) _guard: RequestGuard,
}

impl hyper::body::Body for Tracked {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

/// The socket, noting when request bytes arrive.
pub(super) struct Watched {
    pub(super) stream: TcpStream,
    pub(super) activity: Arc<Activity>,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.stream).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.activity.read();
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}

/// The open connections, to name the requests a shutdown cuts.
#[derive(Clone, Default)]
pub(super) struct Open(Arc<Mutex<Connections>>);

#[derive(Default)]
struct Connections {
    last_id: u64,
    by_id: HashMap<u64, Arc<Activity>>,
}

impl Open {
    pub(super) fn add(&self, activity: Arc<Activity>) -> u64 {
        let mut open = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        open.last_id += 1;
        let id = open.last_id;
        open.by_id.insert(id, activity);
        id
    }

    pub(super) fn remove(&self, id: u64) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .by_id
            .remove(&id);
    }

    /// Every request in flight, as `METHOD /path`.
    pub(super) fn requests(&self) -> Vec<String> {
        let open = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        open.by_id
            .values()
            .flat_map(|activity| {
                activity
                    .current
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .clone()
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SETTINGS: ServeSettings = ServeSettings {
        header_read_timeout: Duration::from_secs(10),
        keep_alive_timeout: Duration::from_secs(60),
        max_connections: 4,
        shutdown_timeout: Duration::from_secs(30),
    };

    fn request() -> Request {
        Request::builder()
            .uri("/slow?x=1")
            .body(Body::empty())
            .unwrap()
    }

    #[test]
    fn a_silent_new_connection_closes_after_the_header_timeout() {
        let activity = Arc::new(Activity::new());
        let start = Instant::now();
        assert!(matches!(
            activity.verdict(start + Duration::from_secs(9), SETTINGS),
            Verdict::Keep(_)
        ));
        assert!(matches!(
            activity.verdict(start + Duration::from_secs(11), SETTINGS),
            Verdict::Close("headers too slow")
        ));
    }

    #[test]
    fn an_idle_connection_closes_after_the_keep_alive_timeout() {
        let activity = Arc::new(Activity::new());
        drop(activity.start(&request()));
        let start = Instant::now();
        assert!(matches!(
            activity.verdict(start + Duration::from_secs(59), SETTINGS),
            Verdict::Keep(_)
        ));
        assert!(matches!(
            activity.verdict(start + Duration::from_secs(60), SETTINGS),
            Verdict::Close("idle")
        ));
    }

    #[test]
    fn half_sent_headers_close_after_the_header_timeout() {
        let activity = Arc::new(Activity::new());
        activity.read();
        let start = Instant::now();
        assert!(matches!(
            activity.verdict(start + Duration::from_secs(9), SETTINGS),
            Verdict::Keep(_)
        ));
        assert!(matches!(
            activity.verdict(start + Duration::from_secs(11), SETTINGS),
            Verdict::Close("headers too slow")
        ));
        // A request's headers arrived: no longer half-sent.
        let _guard = activity.start(&request());
        assert!(matches!(
            activity.verdict(start + Duration::from_secs(11), SETTINGS),
            Verdict::Keep(_)
        ));
    }

    #[test]
    fn a_request_in_flight_is_never_closed_and_is_named() {
        let activity = Arc::new(Activity::new());
        let guard = activity.start(&request());
        let later = Instant::now() + Duration::from_secs(3600);
        assert!(matches!(
            activity.verdict(later, SETTINGS),
            Verdict::Keep(_)
        ));
        assert_eq!(*activity.current.lock().unwrap(), ["GET /slow"]);
        // Done: idle from now on.
        drop(guard);
        assert!(activity.current.lock().unwrap().is_empty());
        let now = Instant::now();
        assert!(matches!(
            activity.verdict(now + Duration::from_secs(30), SETTINGS),
            Verdict::Keep(_)
        ));
        assert!(matches!(
            activity.verdict(now + Duration::from_secs(60), SETTINGS),
            Verdict::Close("idle")
        ));
    }
}
