//! Slow and faulty clients against the real server, over raw TCP: headers sent too slowly and
//! idle keep-alive connections are closed (busy ones are not); beyond `--max-connections`,
//! new connections wait while the open ones carry on; an ordinary request that runs too long
//! gets 408; an upload that stalls is dropped without a trace while a slow but moving one
//! succeeds; and a handler that panics gets a 500 while the server carries on.

use std::time::{Duration, Instant};

use axum::{extract::State, routing::get, Router};
use reqwest::StatusCode;
use serde_json::Value;
use tick::server::state::AppState;
use tokio::{io::AsyncWriteExt, net::TcpStream};

use crate::helpers::{
    both_backends, closed_within, count, entries, read_response, request_head, session_cookie,
    spawn_app_with, spawn_app_with_routes, wait_until, Backend, TestApp, PASSWORD,
};

both_backends!(
    headers_sent_too_slowly_are_cut_off,
    idle_connections_close_and_busy_ones_stay,
    connections_beyond_the_cap_wait_their_turn,
    a_request_that_runs_too_long_gets_408,
    a_stalled_upload_is_dropped_and_a_moving_one_succeeds,
    a_panicking_handler_gets_500_and_the_server_carries_on,
);

/// One `GET /healthz` on `stream`, answered.
async fn health_on(stream: &mut TcpStream, host: &str) -> u16 {
    let head = request_head("GET", "/healthz", host, &[]);
    stream.write_all(head.as_bytes()).await.unwrap();
    read_response(stream).await.expect("an answer").status
}

async fn headers_sent_too_slowly_are_cut_off(backend: Backend) {
    let app = spawn_app_with(backend, &["--header-read-timeout", "1s"]).await;
    let host = app.host();

    // Half a request line, then nothing.
    let mut half = TcpStream::connect(&host).await.unwrap();
    half.write_all(b"GET /healthz HT").await.unwrap();
    let started = Instant::now();
    assert!(
        closed_within(&mut half, Duration::from_secs(5)).await,
        "a half-sent request line kept its connection"
    );
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(800),
        "closed too soon: {waited:?}"
    );

    // Trickling the headers a few bytes at a time does not buy more time.
    let mut trickle = TcpStream::connect(&host).await.unwrap();
    let started = Instant::now();
    let head = request_head(
        "GET",
        "/healthz",
        &host,
        &[("X-Slow", "aaaaaaaaaaaaaaaaaaaaaaaa")],
    );
    let mut cut = false;
    for piece in head.as_bytes()[..head.len() - 2].chunks(3) {
        if trickle.write_all(piece).await.is_err() {
            cut = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    cut = cut || closed_within(&mut trickle, Duration::from_secs(3)).await;
    assert!(cut, "a trickled request head kept its connection");
    assert!(started.elapsed() < Duration::from_secs(6));

    // Whole requests are served as usual.
    let mut prompt = TcpStream::connect(&host).await.unwrap();
    assert_eq!(health_on(&mut prompt, &host).await, 200);
    app.stop().await;
}

async fn idle_connections_close_and_busy_ones_stay(backend: Backend) {
    let app = spawn_app_with(backend, &["--keep-alive-timeout", "1s"]).await;
    let host = app.host();

    let mut idle = TcpStream::connect(&host).await.unwrap();
    assert_eq!(health_on(&mut idle, &host).await, 200);
    let mut busy = TcpStream::connect(&host).await.unwrap();
    assert_eq!(health_on(&mut busy, &host).await, 200);

    // The busy connection asks every 400 ms for 3 s, three times the idle timeout: every
    // request is answered on the same connection. Meanwhile the idle one is closed.
    let idle_closed = tokio::spawn(async move {
        let started = Instant::now();
        let closed = closed_within(&mut idle, Duration::from_secs(5)).await;
        (closed, started.elapsed())
    });
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(3) {
        tokio::time::sleep(Duration::from_millis(400)).await;
        assert_eq!(
            health_on(&mut busy, &host).await,
            200,
            "after {:?}",
            started.elapsed()
        );
    }
    let (closed, after) = idle_closed.await.unwrap();
    assert!(closed, "the idle connection stayed open");
    assert!(
        after >= Duration::from_millis(800) && after < Duration::from_secs(3),
        "closed after {after:?}"
    );
    app.stop().await;
}

async fn connections_beyond_the_cap_wait_their_turn(backend: Backend) {
    let mut app = spawn_app_with(backend, &["--max-connections", "2"]).await;
    let host = app.host();
    // The sign-up's client keeps its connection open: drop it, so both places are free.
    app.client = crate::helpers::new_client();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut first = TcpStream::connect(&host).await.unwrap();
    assert_eq!(health_on(&mut first, &host).await, 200);
    let mut second = TcpStream::connect(&host).await.unwrap();
    assert_eq!(health_on(&mut second, &host).await, 200);

    // A third connection gets through to the kernel's queue, but its request is not served.
    let mut third = TcpStream::connect(&host).await.unwrap();
    let head = request_head("GET", "/healthz", &host, &[]);
    third.write_all(head.as_bytes()).await.unwrap();
    let waiting = tokio::spawn(async move {
        let answer = read_response(&mut third).await;
        (answer.map(|response| response.status), Instant::now())
    });
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(!waiting.is_finished(), "a third connection was served");

    // The two open ones carry on meanwhile.
    assert_eq!(health_on(&mut first, &host).await, 200);
    assert_eq!(health_on(&mut second, &host).await, 200);
    assert!(!waiting.is_finished(), "a third connection was served");

    // One closes: the waiting one is served.
    drop(second);
    let closed_at = Instant::now();
    let (status, served_at) = tokio::time::timeout(Duration::from_secs(5), waiting)
        .await
        .expect("the waiting connection was served once another closed")
        .unwrap();
    assert_eq!(status, Some(200));
    assert!(served_at.duration_since(closed_at) < Duration::from_secs(3));
    app.stop().await;
}

/// Answers after 10 s: longer than any request may take here.
async fn slow() -> &'static str {
    tokio::time::sleep(Duration::from_secs(10)).await;
    "too late"
}

async fn a_request_that_runs_too_long_gets_408(backend: Backend) {
    let extra = Router::new().route("/test/slow", get(slow));
    let app = spawn_app_with_routes(backend, &["--request-timeout", "1s"], extra).await;
    let started = Instant::now();
    let response = app.client.get(app.url("/test/slow")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::REQUEST_TIMEOUT);
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_secs(4),
        "answered after {took:?}"
    );
    // Quick requests are unaffected.
    assert_eq!(app.list().await.len(), 0);
    app.stop().await;
}

fn staged_files(app: &TestApp) -> Vec<String> {
    let files = entries(&app.data_path().join("attachments").join("files"));
    files
        .into_iter()
        .filter(|name| name.contains('#'))
        .collect()
}

/// A raw multipart upload to the to-do `todo`: the request head and the part's head, and the
/// closing boundary that must follow `body_len` bytes of file.
fn upload_request(app: &TestApp, cookie: &str, todo: &Value, body_len: usize) -> (String, String) {
    let boundary = "tick-test-boundary";
    let part = crate::helpers::file_part_head(boundary, "big.bin", "application/octet-stream");
    let tail = format!("\r\n--{boundary}--\r\n");
    let length = (part.len() + body_len + tail.len()).to_string();
    let content_type = format!("multipart/form-data; boundary={boundary}");
    let head = request_head(
        "POST",
        &format!("/todos/{}/attachments", todo["id"]),
        &app.host(),
        &[
            ("Cookie", cookie),
            ("Content-Type", &content_type),
            ("Content-Length", &length),
        ],
    );
    (format!("{head}{part}"), tail)
}

async fn a_stalled_upload_is_dropped_and_a_moving_one_succeeds(backend: Backend) {
    // The whole-request timeout is short too: uploads are bounded by progress, not by it.
    let settings = ["--upload-idle-timeout", "1s", "--request-timeout", "1s"];
    let app = spawn_app_with(backend, &settings).await;
    let todo = app.add("uploads").await;
    let cookie = session_cookie(&app.address, &app.username).await;

    // Stalls after 200 KiB of 1 MiB: past the first part (64 KiB), so the file is being written.
    let (head, _) = upload_request(&app, &cookie, &todo, 1 << 20);
    let mut stalled = TcpStream::connect(app.host()).await.unwrap();
    stalled.write_all(head.as_bytes()).await.unwrap();
    stalled.write_all(&vec![7u8; 200 * 1024]).await.unwrap();
    assert!(wait_until(Duration::from_secs(2), || staged_files(&app).len() == 1).await);
    let started = Instant::now();
    let answer = tokio::time::timeout(Duration::from_secs(5), read_response(&mut stalled))
        .await
        .expect("a stalled upload is dropped within its idle timeout");
    if let Some(answer) = answer {
        assert_eq!(answer.status, 400, "{}", answer.text());
        assert_eq!(answer.header("connection"), Some("close"));
    }
    assert!(started.elapsed() < Duration::from_secs(4));
    assert!(wait_until(Duration::from_secs(2), || staged_files(&app).is_empty()).await);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM attachments").await, 0);

    // 4 MiB in 512 KiB pieces, one every 300 ms: 2.4 s in all, never idle for 1 s.
    let (piece, pieces) = (512 * 1024, 8);
    let (head, tail) = upload_request(&app, &cookie, &todo, piece * pieces);
    let mut moving = TcpStream::connect(app.host()).await.unwrap();
    moving.write_all(head.as_bytes()).await.unwrap();
    let started = Instant::now();
    for n in 0..pieces {
        tokio::time::sleep(Duration::from_millis(300)).await;
        moving.write_all(&vec![n as u8; piece]).await.unwrap();
    }
    moving.write_all(tail.as_bytes()).await.unwrap();
    let answer = read_response(&mut moving).await.expect("an answer");
    assert!(started.elapsed() > Duration::from_secs(2));
    assert_eq!(answer.status, 201, "{}", answer.text());
    let stored: Value = serde_json::from_slice(&answer.body).unwrap();
    assert_eq!(stored[0]["size_bytes"], piece * pieces);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM attachments").await, 1);
    assert!(staged_files(&app).is_empty());
    app.stop().await;
}

/// Takes the database's write transaction (on SQLite, its single writer), then panics.
async fn panics(State(state): State<AppState>) -> &'static str {
    let _tx = state.db.begin().await.expect("a write transaction");
    panic!("a bug in a handler");
}

async fn a_panicking_handler_gets_500_and_the_server_carries_on(backend: Backend) {
    let extra = Router::new().route("/test/panic", get(panics));
    let app = spawn_app_with_routes(backend, &[], extra).await;
    let host = app.host();
    let cookie = session_cookie(&app.address, &app.username).await;

    let mut stream = TcpStream::connect(&host).await.unwrap();
    let head = request_head("GET", "/test/panic", &host, &[("Cookie", &cookie)]);
    stream.write_all(head.as_bytes()).await.unwrap();
    let answer = read_response(&mut stream).await.expect("an answer");
    assert_eq!(answer.status, 500);
    assert_eq!(answer.header("content-type"), Some("application/json"));
    let body: Value = serde_json::from_slice(&answer.body).unwrap();
    assert_eq!(body["error"]["code"], "internal");
    assert_eq!(
        body["error"]["message"],
        "Something went wrong on our side. Please try again."
    );
    assert!(
        !answer.text().contains("a bug in a handler"),
        "the panic leaked"
    );

    // The same connection carries on, and so do new ones.
    assert_eq!(health_on(&mut stream, &host).await, 200);
    let list = app
        .client
        .get(app.url("/api/v1/todos"))
        .send()
        .await
        .unwrap();
    assert_eq!(list.status(), StatusCode::OK);
    // The writer the handler held was given back: writes and log-ins work.
    app.add("after the panic").await;
    let (login, _) = app.log_in(&app.username, PASSWORD).await;
    assert_eq!(login.status(), StatusCode::OK);
    // It can happen again, and still the server carries on.
    let again = app.client.get(app.url("/test/panic")).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(app.titles().await, ["after the panic"]);
    app.stop().await;
}
