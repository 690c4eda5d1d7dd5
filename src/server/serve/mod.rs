//! Serving connections: an accept loop over hyper's HTTP/1.1 connection builder, so that Tick
//! decides what plain `axum::serve` cannot: a client gets a bounded time to send its request
//! headers and an idle keep-alive connection a bounded time to stay open; open connections are
//! capped (beyond the cap new ones wait in the listen queue while existing ones carry on); and
//! a shutdown drains requests in flight for a bounded time, then cuts what is left and says
//! what it cut.

mod activity;

use std::{convert::Infallible, future::Future, net::SocketAddr, sync::Arc, time::Duration};

use axum::{
    body::Body,
    extract::{ConnectInfo, Request},
    Router,
};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::{
    net::{TcpListener, TcpStream},
    sync::{watch, Semaphore},
    task::JoinSet,
    time::Instant,
};
use tower::Service as _;

use activity::{Activity, Open, Tracked, Verdict, Watched};

/// The limits on connections, each a setting.
#[derive(Debug, Clone, Copy)]
pub struct ServeSettings {
    pub header_read_timeout: Duration,
    pub keep_alive_timeout: Duration,
    pub max_connections: usize,
    pub shutdown_timeout: Duration,
}

/// Serves `router` on `listener` until `shutdown` completes, then drains (see the module).
pub async fn serve(
    listener: TcpListener,
    router: Router,
    settings: ServeSettings,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let permits = Arc::new(Semaphore::new(settings.max_connections.max(1)));
    let (stop, stopped) = watch::channel(false);
    let open = Open::default();
    let mut connections = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        // Beyond the cap, stop accepting: new connections wait in the kernel's queue.
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => permit.expect("the semaphore is never closed"),
            () = &mut shutdown => break,
        };
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        while connections.try_join_next().is_some() {}
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(err) => {
                // Out of file descriptors, say: wait a little rather than spin.
                tracing::warn!(error = %err, "could not accept a connection");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        // Streamed pages go out in several writes: without TCP_NODELAY, Nagle's algorithm
        // holds the later ones until the client's delayed ACK, some 40 ms per response.
        if let Err(err) = stream.set_nodelay(true) {
            tracing::warn!(error = %err, "cannot set TCP_NODELAY");
        }
        let (router, stopped, open) = (router.clone(), stopped.clone(), open.clone());
        connections.spawn(async move {
            connection(stream, peer, router, settings, stopped, open).await;
            drop(permit);
        });
    }
    // New connections are refused from here on.
    drop(listener);
    let _ = stop.send(true);
    let drained = tokio::time::timeout(settings.shutdown_timeout, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        let cut = open.requests();
        tracing::warn!(
            connections = connections.len(),
            requests = ?cut,
            "shutdown: requests still running after the shutdown timeout were cut"
        );
        connections.shutdown().await;
    }
    Ok(())
}

/// One connection: served until it closes, times out idle or mid-headers, or shutdown.
async fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    router: Router,
    settings: ServeSettings,
    mut stopped: watch::Receiver<bool>,
    open: Open,
) {
    let activity = Arc::new(Activity::new());
    let id = open.add(activity.clone());
    let io = TokioIo::new(Watched {
        stream,
        activity: activity.clone(),
    });
    let service = {
        let activity = activity.clone();
        hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
            let mut request: Request = request.map(Body::new);
            request.extensions_mut().insert(ConnectInfo(peer));
            let guard = activity.start(&request);
            let response = router.clone().call(request);
            async move {
                let response = response.await.unwrap_or_else(|never| match never {});
                Ok::<_, Infallible>(response.map(|body| Tracked {
                    body,
                    _guard: guard,
                }))
            }
        })
    };
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .keep_alive(true)
        .serve_connection(io, service);
    tokio::pin!(conn);
    let mut draining = *stopped.borrow();
    if draining {
        conn.as_mut().graceful_shutdown();
    }
    let mut check = Instant::now()
        + settings
            .header_read_timeout
            .min(settings.keep_alive_timeout);
    loop {
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(err) = result {
                    tracing::debug!(error = %err, "connection ended with an error");
                }
                break;
            }
            _ = stopped.changed(), if !draining => {
                draining = true;
                conn.as_mut().graceful_shutdown();
            }
            () = tokio::time::sleep_until(check) => {
                match activity.verdict(Instant::now(), settings) {
                    Verdict::Keep(next) => check = next,
                    Verdict::Close(why) => {
                        tracing::debug!(%peer, why, "closed a connection");
                        break;
                    }
                }
            }
        }
    }
    open.remove(id);
}
