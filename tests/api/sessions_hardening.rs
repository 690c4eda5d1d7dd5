//! Sessions that end stay ended, and secrets stay out of them: a request still in flight at
//! log-out cannot bring its session back when it saves it, and a token created by a plain form
//! (no JavaScript) is shown once on the next settings page, to the browser that created it
//! only, without its secret ever being stored in the sessions table.

use std::time::Duration;

use reqwest::{header, StatusCode};
use serde_json::Value;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

use crate::helpers::{
    blobs, both_backends, client_with_cookie, cookie_in, count, eventually_async, log_in_with_jar,
    spawn_app_with, TestApp,
};

both_backends!(
    log_out_is_final_for_requests_in_flight,
    a_token_made_without_javascript_is_shown_once,
);

const SESSION_COOKIE: &str = "tick_session";

/// How many rows the sessions table holds for the session `id` (its cookie's value).
async fn session_rows(app: &TestApp, id: &str) -> i64 {
    // Session ids are URL-safe base64: nothing to escape.
    assert!(id
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_".contains(c)));
    count(
        app,
        &format!("SELECT COUNT(*) FROM sessions WHERE id = '{id}'"),
    )
    .await
}

fn staged_files(app: &TestApp) -> usize {
    crate::helpers::staged_in(app.data_path())
}

/// An upload sent over a raw connection, its body held open halfway: a slow request that
/// carries the session.
struct HeldUpload {
    stream: TcpStream,
    rest: Vec<u8>,
}

impl HeldUpload {
    /// Sends the headers and the first half of a one-file upload to `todo`, with `cookie`.
    async fn start(app: &TestApp, todo: i64, cookie: &str) -> HeldUpload {
        const BOUNDARY: &str = "held-upload-boundary";
        let mut body =
            crate::helpers::file_part_head(BOUNDARY, "slow.txt", "text/plain").into_bytes();
        // More than a local store's first part (64 KiB), so the file is being written.
        body.extend(std::iter::repeat_n(b'x', 128 * 1024));
        let rest_at = body.len() - 4096;
        body.extend(format!("\r\n--{BOUNDARY}--\r\n").into_bytes());
        let authority = app.address.trim_start_matches("http://");
        let head = format!(
            "POST /todos/{todo}/attachments HTTP/1.1\r\nHost: {authority}\r\n\
             Cookie: {SESSION_COOKIE}={cookie}\r\n\
             Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        let mut stream = TcpStream::connect(authority).await.unwrap();
        stream.write_all(head.as_bytes()).await.unwrap();
        stream.write_all(&body[..rest_at]).await.unwrap();
        stream.flush().await.unwrap();
        HeldUpload {
            stream,
            rest: body[rest_at..].to_vec(),
        }
    }

    /// Sends the rest of the body; returns the response's status line.
    async fn finish(mut self) -> String {
        self.stream.write_all(&self.rest).await.unwrap();
        let mut response = Vec::new();
        tokio::time::timeout(
            Duration::from_secs(10),
            self.stream.read_to_end(&mut response),
        )
        .await
        .expect("the upload is answered")
        .unwrap();
        String::from_utf8_lossy(&response)
            .lines()
            .next()
            .unwrap_or_default()
            .to_owned()
    }
}

/// tower-sessions saves a changed session when its request ends. A slow request (an upload)
/// started while signed in, whose session is refreshed, ends after another device with the
/// same cookie logged out: saving it must not create the deleted row again.
async fn log_out_is_final_for_requests_in_flight(backend: crate::helpers::Backend) {
    // Each request refreshes a session a second old or more (a tenth of the idle time).
    let app = spawn_app_with(backend, &["--session-idle", "10s"]).await;
    let (client, jar) = log_in_with_jar(&app, &app.username).await;
    let cookie = cookie_in(&jar, &app, SESSION_COOKIE).expect("a session cookie");
    let todo: Value = app
        .call_as(&client, "todos/add", &[("title", "slow upload")])
        .await
        .json()
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(1500)).await;

    let upload = HeldUpload::start(&app, todo["id"].as_i64().unwrap(), &cookie).await;
    // The upload's handler is running (past the session layers) once it stages its file.
    assert!(
        eventually_async(Duration::from_secs(5), || async { staged_files(&app) == 1 }).await,
        "the upload started"
    );
    let other_device = client_with_cookie(&app, SESSION_COOKIE, &cookie);
    let out = app.call_as(&other_device, "account/log_out", &[]).await;
    assert_eq!(out.status(), StatusCode::OK);
    assert_eq!(session_rows(&app, &cookie).await, 0);

    let status = upload.finish().await;
    assert!(status.starts_with("HTTP/1.1 201"), "{status}");
    assert_eq!(
        session_rows(&app, &cookie).await,
        0,
        "the request in flight did not bring the session back"
    );
    let replayed = client_with_cookie(&app, SESSION_COOKIE, &cookie);
    assert_eq!(
        app.call_as(&replayed, "todos/list", &[]).await.status(),
        StatusCode::UNAUTHORIZED
    );
    app.stop().await;
}

/// The first `tick_` followed by 64 hex digits in `text`: a token's secret.
fn secret_in(text: &str) -> Option<&str> {
    text.match_indices("tick_").find_map(|(at, _)| {
        let secret = text.get(at..at + 5 + 64)?;
        secret[5..]
            .bytes()
            .all(|b| b.is_ascii_hexdigit())
            .then_some(secret)
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `needle` occurs in `haystack`.
fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

/// Posts the settings page's create-token form the way a browser without JavaScript does.
async fn create_token_by_form(app: &TestApp, client: &reqwest::Client, name: &str) {
    let response = client
        .post(app.url("/fn/tokens/create"))
        .header(header::ACCEPT, "text/html,application/xhtml+xml")
        .header(header::REFERER, app.url("/settings"))
        .form(&[("name", name)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(response.headers()[header::LOCATION], "/settings#tokens");
    let pad_cookie = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|cookie| cookie.starts_with("tick_reveal="))
        .unwrap_or_else(|| panic!("the reveal cookie in {:?}", response.headers()))
        .to_owned();
    assert!(pad_cookie.contains("Path=/settings"), "{pad_cookie}");
    assert!(pad_cookie.contains("HttpOnly"), "{pad_cookie}");
}

async fn settings_page(app: &TestApp, client: &reqwest::Client) -> String {
    let response = client.get(app.url("/settings")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.text().await.unwrap()
}

/// Without JavaScript, a new token's secret must survive one redirect: it waits in the
/// session masked by a pad that only the creating browser holds (the `tick_reveal` cookie).
async fn a_token_made_without_javascript_is_shown_once(backend: crate::helpers::Backend) {
    let app = spawn_app_with(backend, &[]).await;
    let (browser, jar) = log_in_with_jar(&app, &app.username).await;
    create_token_by_form(&app, &browser, "no-js script").await;
    let sessions_meanwhile = blobs(&app, "SELECT data FROM sessions").await;

    let page = settings_page(&app, &browser).await;
    let secret = secret_in(&page)
        .unwrap_or_else(|| panic!("the new token on the page: {page}"))
        .to_owned();
    for data in sessions_meanwhile
        .iter()
        .chain(&blobs(&app, "SELECT data FROM sessions").await)
    {
        assert!(
            !contains(data, secret.as_bytes()),
            "the secret in a session"
        );
        assert!(
            !contains(data, &secret.as_bytes()[5..]),
            "its digits in a session"
        );
        assert!(
            !contains(data, hex(secret.as_bytes()).as_bytes()),
            "its hex in a session"
        );
    }
    // The token works, and the page showed it only once.
    let listed = reqwest::Client::new()
        .get(app.url("/api/v1/todos"))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.status(), StatusCode::OK);
    let reload = settings_page(&app, &browser).await;
    assert_eq!(secret_in(&reload), None, "shown again on reload");
    assert!(reload.contains("no-js script"), "still listed by name");

    // A second token: another device holding only the session cookie cannot see it.
    create_token_by_form(&app, &browser, "second script").await;
    let cookie = cookie_in(&jar, &app, SESSION_COOKIE).unwrap();
    let other_device = client_with_cookie(&app, SESSION_COOKIE, &cookie);
    let page = settings_page(&app, &other_device).await;
    assert!(
        page.contains("second script"),
        "signed in, the token listed"
    );
    assert_eq!(secret_in(&page), None, "revealed without the pad");
    app.stop().await;
}
