//! Uploads and downloads at their edges: parallel uploads never take a user past the quota,
//! nothing staged outlives a refused or empty upload, form fields cannot make an upload big
//! for free, and `Range` headers at the limits of `u64` are answered sensibly.

use std::time::Duration;

use futures::future::join_all;
use reqwest::{
    header,
    multipart::{Form, Part},
    StatusCode,
};
use serde_json::Value;

use crate::{
    helpers::{
        count, eventually_async, every_store, every_store_backends, send_upload, spawn_app_on,
        Backend, TestApp,
    },
    stores::Store,
};

every_store!(
    empty_nameless_parts_leave_nothing_staged,
    a_huge_form_field_is_refused,
    ranges_at_the_limits,
);

every_store_backends!(parallel_uploads_never_pass_the_quota);

async fn send(app: &TestApp, todo: &Value, form: Form) -> (StatusCode, Value) {
    send_upload(app, &app.client, todo, form).await
}

fn one_file(name: &str, bytes: Vec<u8>) -> Form {
    Form::new().part("file", Part::bytes(bytes).file_name(name.to_owned()))
}

/// Eight uploads at once, each allowed alone, together over the quota: the transaction that
/// records each checks the quota against what is stored, so the total never passes it; the
/// refused get 413 and leave no file behind.
async fn parallel_uploads_never_pass_the_quota(backend: Backend, store: Store) {
    const QUOTA: i64 = 40_000;
    const FILE: usize = 8_000;
    let app = spawn_app_on(
        backend,
        store,
        &["--user-quota", "40000", "--max-file-size", "10000"],
    )
    .await;
    let todo = app.add("many at once").await;
    let answers = join_all((0..8).map(|i| {
        let (app, todo) = (&app, &todo);
        async move {
            send(
                app,
                todo,
                one_file(&format!("part{i}.bin"), vec![i as u8; FILE]),
            )
            .await
        }
    }))
    .await;
    let mut stored = 0;
    for (status, body) in &answers {
        match *status {
            StatusCode::CREATED => stored += 1,
            StatusCode::PAYLOAD_TOO_LARGE => {
                assert!(
                    body["error"]["message"]
                        .as_str()
                        .is_some_and(|m| m.contains("go over your")),
                    "{body}"
                );
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert!((1..=5).contains(&stored), "{stored} stored");
    let total = count(
        &app,
        "SELECT CAST(COALESCE(SUM(size_bytes), 0) AS BIGINT) FROM attachments",
    )
    .await;
    assert!(total <= QUOTA, "{total} bytes stored, quota {QUOTA}");
    assert_eq!(total, stored * FILE as i64);
    // Refused uploads remove what they staged or put in place (in the background).
    let rows = count(&app, "SELECT COUNT(*) FROM attachments").await as usize;
    assert!(
        eventually_async(Duration::from_secs(5), || async {
            app.stored_keys().await.len() == rows && app.staged_uploads() == 0
        })
        .await,
        "{} files for {rows} rows, {} staged",
        app.stored_keys().await.len(),
        app.staged_uploads()
    );
    app.stop().await;
}

/// A form sent with no file chosen carries an empty part without a file name: not a file, and
/// nothing of it stays in `tmp/`.
async fn empty_nameless_parts_leave_nothing_staged(app: &TestApp) {
    let todo = app.add("nothing chosen").await;
    let form = Form::new()
        .part("file", Part::bytes(Vec::new()))
        .part("file", Part::bytes(Vec::new()).file_name(""))
        .part("file", Part::bytes(Vec::new()));
    let (status, body) = send(app, &todo, form).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["error"]["message"], "Choose a file to attach.");
    assert_eq!(app.staged_uploads(), 0, "staged files left behind");
    assert_eq!(count(app, "SELECT COUNT(*) FROM attachments").await, 0);
}

/// Fields other than files are read and counted too: a huge one is refused with 413, not
/// skipped for free.
async fn a_huge_form_field_is_refused(app: &TestApp) {
    let todo = app.add("big note").await;
    let form = Form::new().text("note", "n".repeat(200 * 1024)).part(
        "file",
        Part::bytes(b"small".to_vec()).file_name("small.txt"),
    );
    let (status, body) = send(app, &todo, form).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert_eq!(
        body["error"]["message"],
        "The upload's form fields are too large."
    );
    assert_eq!(count(app, "SELECT COUNT(*) FROM attachments").await, 0);
    assert_eq!(app.staged_uploads(), 0);
}

/// The largest end a header can name is clamped to the file (not wrapped past it); a suffix
/// longer than the file means the whole file; `last` before `first` is ignored.
async fn ranges_at_the_limits(app: &TestApp) {
    let todo = app.add("ranged").await;
    let bytes: Vec<u8> = (0..1000u32).map(|i| (i % 251) as u8).collect();
    let (status, stored) = send(app, &todo, one_file("data.bin", bytes.clone())).await;
    assert_eq!(status, StatusCode::CREATED, "{stored}");
    let url = app.url(&format!("/attachments/{}", stored[0]["id"]));
    let get = |range: &'static str| {
        let request = app.client.get(&url).header(header::RANGE, range);
        async move { request.send().await.unwrap() }
    };

    for range in ["bytes=0-18446744073709551615", "bytes=-5000"] {
        let response = get(range).await;
        assert_eq!(response.status(), StatusCode::PARTIAL_CONTENT, "{range}");
        assert_eq!(
            response.headers()[header::CONTENT_RANGE],
            "bytes 0-999/1000",
            "{range}"
        );
        assert_eq!(response.bytes().await.unwrap().to_vec(), bytes, "{range}");
    }

    let backwards = get("bytes=5-2").await;
    assert_eq!(backwards.status(), StatusCode::OK);
    assert!(!backwards.headers().contains_key(header::CONTENT_RANGE));
    assert_eq!(backwards.bytes().await.unwrap().to_vec(), bytes);
}
