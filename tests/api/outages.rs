//! The database failing under a running Tick. SQLite: another process holds the write lock,
//! so writes answer 503 with `Retry-After` within `--db-acquire-timeout` while reads carry on,
//! and pass again once it lets go. PostgreSQL: every connection is lost and new ones are
//! refused (a proxy between Tick and the server cuts them), so API calls, pages and
//! `/healthz` answer 503 fast, and Tick heals by itself once the database is back.

use std::{
    net::SocketAddr,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};

use reqwest::{header, Response, StatusCode};
use serde_json::{json, Value};
use sqlx::{Connection, Executor, SqliteConnection};
use tokio::{
    net::{TcpListener, TcpStream},
    task::AbortHandle,
};

use crate::helpers::{new_database, spawn_app_with, Backend, TestApp, PASSWORD};

/// A 503 that says the database is unavailable and when to retry, answered within `limit`.
async fn assert_unavailable(response: Response, started: Instant, limit: Duration) {
    let took = started.elapsed();
    assert!(took < limit, "answered after {took:?}");
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let retry: u64 = response.headers()[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry), "Retry-After: {retry}");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unavailable", "{body}");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains("database"), "{message}");
}

async fn api_add(app: &TestApp, title: &str) -> Response {
    app.client
        .post(app.url("/api/v1/todos"))
        .json(&json!({ "title": title }))
        .send()
        .await
        .unwrap()
}

async fn health(app: &TestApp) -> (StatusCode, Duration) {
    let started = Instant::now();
    let response = app.client.get(app.url("/healthz")).send().await.unwrap();
    (response.status(), started.elapsed())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_a_write_lock_held_elsewhere_gives_fast_503s_then_passes() {
    // Sessions idle for 10 s end, so each request pushes the session's expiry back (a write)
    // if the last push is more than a second old.
    let settings = ["--db-acquire-timeout", "1s", "--session-idle", "10s"];
    let app = spawn_app_with(Backend::Sqlite, &settings).await;
    app.add("before the lock").await;

    // Another process takes the write lock (WAL mode: readers are not blocked).
    let mut other = SqliteConnection::connect(&app.database_url).await.unwrap();
    other.execute("BEGIN EXCLUSIVE").await.unwrap();
    // The session is due for its push.
    tokio::time::sleep(Duration::from_millis(1100)).await;

    // Writes fail fast and say so: through a server function...
    let started = Instant::now();
    let response = app.call("add", &[("title", "while locked")]).await;
    let took = started.elapsed();
    assert!(took < Duration::from_secs(4), "answered after {took:?}");
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(response.headers().contains_key(header::RETRY_AFTER));
    // ...and through the API, with a JSON error.
    let started = Instant::now();
    let response = api_add(&app, "while locked").await;
    assert_unavailable(response, started, Duration::from_secs(4)).await;

    // Reads carry on (the session's push waits for a later request): the page, the API, the
    // list.
    let (status, page) = app.page("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("before the lock"));
    assert_eq!(app.titles().await, ["before the lock"]);
    let listed = app
        .client
        .get(app.url("/api/v1/todos"))
        .send()
        .await
        .unwrap();
    assert_eq!(listed.status(), StatusCode::OK);
    // A log-in writes its new session: it fails like any write, fast and with a retry time.
    let started = Instant::now();
    let (login, _) = app.log_in(&app.username, PASSWORD).await;
    assert!(started.elapsed() < Duration::from_secs(4));
    assert_eq!(login.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(login.headers().contains_key(header::RETRY_AFTER));
    // Health says the database cannot take writes, in under 2 s.
    let (status, took) = health(&app).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(took < Duration::from_secs(2), "/healthz took {took:?}");

    // Once the lock goes, the same write passes, without a restart.
    other.execute("ROLLBACK").await.unwrap();
    let response = api_add(&app, "while locked").await;
    assert_eq!(response.status(), StatusCode::CREATED);
    app.add("after the lock").await;
    assert_eq!(
        app.titles().await,
        ["before the lock", "while locked", "after the lock"]
    );
    assert_eq!(health(&app).await.0, StatusCode::OK);
    let (login, _) = app.log_in(&app.username, PASSWORD).await;
    assert_eq!(login.status(), StatusCode::OK);
    app.stop().await;
}

/// A TCP proxy in front of a database server that can cut every connection it carries and
/// refuse new ones (an outage), then carry on (the database is back).
struct Proxy {
    address: SocketAddr,
    up: Arc<AtomicBool>,
    carried: Arc<Mutex<Vec<AbortHandle>>>,
    accept: AbortHandle,
}

impl Proxy {
    async fn start(target: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let up = Arc::new(AtomicBool::new(true));
        let carried = Arc::new(Mutex::new(Vec::<AbortHandle>::new()));
        let accept = {
            let (up, carried) = (up.clone(), carried.clone());
            tokio::spawn(async move {
                loop {
                    let Ok((mut client, _)) = listener.accept().await else {
                        continue;
                    };
                    if !up.load(Ordering::SeqCst) {
                        // Refused: closed at once.
                        continue;
                    }
                    let target = target.clone();
                    let task = tokio::spawn(async move {
                        if let Ok(mut server) = TcpStream::connect(target).await {
                            let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                        }
                    });
                    carried.lock().unwrap().push(task.abort_handle());
                }
            })
            .abort_handle()
        };
        Proxy {
            address,
            up,
            carried,
            accept,
        }
    }

    /// The outage: every connection closed, new ones refused.
    fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        for task in self.carried.lock().unwrap().drain(..) {
            task.abort();
        }
    }

    fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.cut();
        self.accept.abort();
    }
}

/// `host:port` of a database URL.
fn server_of(url: &str) -> &str {
    let rest = url.split_once("://").unwrap().1;
    let rest = rest.rsplit_once('@').map_or(rest, |(_, rest)| rest);
    rest.split('/').next().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_a_lost_database_gives_fast_503s_and_tick_heals() {
    let database = new_database(Backend::Postgres).await;
    let server = server_of(&database.url).to_owned();
    let proxy = Proxy::start(server.clone()).await;
    let through = database
        .url
        .replacen(&server, &proxy.address.to_string(), 1);
    let app = database
        .start(&through, &["--db-acquire-timeout", "1s"])
        .await;
    app.add("before the outage").await;

    proxy.cut();
    let limit = Duration::from_secs(4);
    // API calls: a JSON 503 with Retry-After, fast.
    let started = Instant::now();
    let response = app
        .client
        .get(app.url("/api/v1/todos"))
        .send()
        .await
        .unwrap();
    assert_unavailable(response, started, limit).await;
    let started = Instant::now();
    assert_unavailable(api_add(&app, "lost").await, started, limit).await;
    // Server functions and log-ins: 503 with Retry-After, fast.
    for (path, form) in [
        ("todos/add", vec![("title", "lost")]),
        (
            "account/log_in",
            vec![("username", app.username.as_str()), ("password", PASSWORD)],
        ),
    ] {
        let started = Instant::now();
        let response = app.call_as(&app.client, path, &form).await;
        assert!(started.elapsed() < limit, "{path}");
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE, "{path}");
        assert!(
            response.headers().contains_key(header::RETRY_AFTER),
            "{path}"
        );
    }
    // A page: an HTML page that says so, with the same status.
    let started = Instant::now();
    let response = app
        .client
        .get(app.url("/"))
        .header(header::ACCEPT, "text/html,application/xhtml+xml")
        .send()
        .await
        .unwrap();
    assert!(started.elapsed() < limit);
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(response.headers().contains_key(header::RETRY_AFTER));
    let content_type = response.headers()[header::CONTENT_TYPE].to_str().unwrap();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    let page = response.text().await.unwrap();
    assert!(page.contains("cannot reach its database"), "{page}");
    // Health: 503 in under 2 s.
    let (status, took) = health(&app).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(took < Duration::from_secs(2), "/healthz took {took:?}");

    // The database is back: Tick heals by itself within a few seconds.
    proxy.restore();
    let started = Instant::now();
    loop {
        let response = app
            .client
            .get(app.url("/api/v1/todos"))
            .send()
            .await
            .unwrap();
        if response.status() == StatusCode::OK {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "still {} after the database came back",
            response.status()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(
        api_add(&app, "after the outage").await.status(),
        StatusCode::CREATED
    );
    assert_eq!(
        app.titles().await,
        ["before the outage", "after the outage"]
    );
    assert_eq!(app.page("/").await.0, StatusCode::OK);
    assert_eq!(health(&app).await.0, StatusCode::OK);
    app.stop().await;
}
