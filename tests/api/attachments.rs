//! Attachments: streamed uploads, limits and quota, hostile names, types from bytes, owner-only
//! downloads with ranges, and files that go when their rows go.

use std::time::Duration;

use reqwest::{
    header,
    multipart::{Form, Part},
    Client, StatusCode,
};
use serde_json::{json, Value};
use tokio::io::AsyncWriteExt;

use crate::{
    helpers::{
        both_backends, count, every_store, every_store_backends, restart, spawn_app, spawn_app_on,
        upload_as, Backend, TestApp,
    },
    stores::Store,
};
use tick::server::config::StorageUrl;

every_store!(
    upload_and_download,
    range_requests_and_etags,
    types_come_from_bytes_not_names,
    hostile_file_names_are_cleaned,
    other_users_get_404,
    deleting_rows_deletes_files,
    an_aborted_upload_leaves_nothing,
    plain_form_uploads_redirect_back,
    through_the_api,
);

every_store_backends!(limits_and_quota);
// Ages files on a local disk; on S3 an object's age cannot be set.
both_backends!(a_restart_cleans_up_after_a_crash);

/// A PNG signature and some bytes after it.
pub(crate) fn png(len: usize) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.extend((0..len.saturating_sub(8)).map(|i| (i % 251) as u8));
    bytes
}

/// Waits (up to 10 s) for `done`; for work the server finishes just after answering.
async fn eventually(mut done: impl AsyncFnMut() -> bool) -> bool {
    for _ in 0..100 {
        if done().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    done().await
}

async fn upload(app: &TestApp, todo: &Value, files: Vec<(&str, Vec<u8>)>) -> (StatusCode, Value) {
    upload_as(app, &app.client, todo, files).await
}

async fn upload_and_download(app: &TestApp) {
    let todo = app.add("with files").await;
    let picture = png(3000);
    let (status, stored) = upload(app, &todo, vec![("holiday photo.png", picture.clone())]).await;
    assert_eq!(status, StatusCode::CREATED, "{stored}");
    let attachment = &stored[0];
    assert_eq!(attachment["file_name"], "holiday photo.png");
    assert_eq!(attachment["content_type"], "image/png");
    assert_eq!(attachment["size_bytes"], 3000);
    let snapshot: Value = app
        .call_as(&app.client, "todos/snapshot", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(snapshot["attachments"], json!([attachment.clone()]));

    let url = app.url(&format!("/attachments/{}", attachment["id"]));
    let response = app.client.get(&url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    assert_eq!(headers[header::CONTENT_TYPE], "image/png");
    assert_eq!(
        headers[header::CONTENT_DISPOSITION],
        "attachment; filename=\"holiday photo.png\"; filename*=UTF-8''holiday%20photo.png"
    );
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert!(headers[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .starts_with("sandbox"));
    assert!(headers.contains_key(header::ETAG));
    assert_eq!(response.bytes().await.unwrap().to_vec(), picture);

    let preview = app
        .client
        .get(format!("{url}?inline=true"))
        .send()
        .await
        .unwrap();
    assert!(preview.headers()[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .starts_with("inline;"));
    // The file is stored under a generated name, never the client's.
    let files = app.stored_keys().await;
    assert_eq!(files.len(), 1);
    assert!(files[0].len() == 32 && files[0].bytes().all(|b| b.is_ascii_hexdigit()));
}

async fn range_requests_and_etags(app: &TestApp) {
    let todo = app.add("ranges").await;
    let bytes: Vec<u8> = (0..1000u32).map(|i| (i % 256) as u8).collect();
    let (_, stored) = upload(app, &todo, vec![("data.bin", bytes.clone())]).await;
    let url = app.url(&format!("/attachments/{}", stored[0]["id"]));
    let get = |range: &'static str| app.client.get(&url).header(header::RANGE, range).send();
    let part = get("bytes=100-199").await.unwrap();
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(part.headers()[header::CONTENT_RANGE], "bytes 100-199/1000");
    assert_eq!(part.bytes().await.unwrap().to_vec(), bytes[100..200]);
    let tail = get("bytes=-10").await.unwrap();
    assert_eq!(tail.bytes().await.unwrap().to_vec(), bytes[990..]);
    let resume = get("bytes=600-").await.unwrap();
    assert_eq!(resume.bytes().await.unwrap().to_vec(), bytes[600..]);
    let outside = get("bytes=5000-").await.unwrap();
    assert_eq!(outside.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(outside.headers()[header::CONTENT_RANGE], "bytes */1000");

    let full = app.client.get(&url).send().await.unwrap();
    let etag = full.headers()[header::ETAG].clone();
    let again = app
        .client
        .get(&url)
        .header(header::IF_NONE_MATCH, etag.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    // A range for another version of the file gets the whole (current) file.
    let stale = app
        .client
        .get(&url)
        .header(header::RANGE, "bytes=0-9")
        .header(header::IF_RANGE, "\"something-else\"")
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), StatusCode::OK);
    assert_eq!(stale.bytes().await.unwrap().len(), 1000);
}

async fn types_come_from_bytes_not_names(app: &TestApp) {
    let todo = app.add("disguises").await;
    let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>".to_vec();
    let html = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>".to_vec();
    let (status, stored) = upload(app, &todo, vec![("cat.png", svg), ("dog.jpg", html)]).await;
    assert_eq!(status, StatusCode::CREATED);
    for attachment in stored.as_array().unwrap() {
        assert_eq!(attachment["content_type"], "text/plain", "{attachment}");
        let response = app
            .client
            .get(app.url(&format!("/attachments/{}?inline=true", attachment["id"])))
            .send()
            .await
            .unwrap();
        assert_eq!(response.headers()[header::CONTENT_TYPE], "text/plain");
        assert!(
            response.headers()[header::CONTENT_DISPOSITION]
                .to_str()
                .unwrap()
                .starts_with("attachment;"),
            "never shown inline"
        );
        assert_eq!(
            response.headers()[header::X_CONTENT_TYPE_OPTIONS],
            "nosniff"
        );
    }
}

async fn hostile_file_names_are_cleaned(app: &TestApp) {
    let todo = app.add("names").await;
    let long = format!("{}.txt", "n".repeat(1000));
    let (status, stored) = upload(
        app,
        &todo,
        vec![
            ("../../x", b"one".to_vec()),
            ("tab\there.txt", b"two".to_vec()),
            (long.as_str(), b"three".to_vec()),
            ("invoice\u{202E}fdp.exe", b"four".to_vec()),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{stored}");
    let names: Vec<&str> = stored
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["file_name"].as_str().unwrap())
        .collect();
    assert_eq!(names[0], "x");
    assert_eq!(names[1], "tabhere.txt");
    assert_eq!(names[2].chars().count(), 200);
    assert_eq!(names[3], "invoicefdp.exe");
    // Nothing was written outside storage, under a client's name.
    assert!(!app.data_path().join("x").exists());
    assert!(!app.data_path().join("attachments").join("x").exists());
    assert!(app.stored_keys().await.iter().all(|name| name.len() == 32));

    // A NUL byte cannot travel in a multipart header: the form is refused, clearly, whole.
    let before = app.stored_keys().await.len();
    let body = b"--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\0b.txt\"\r\n\r\nnul\r\n--B--\r\n";
    let response = app
        .client
        .post(app.url(&format!("/todos/{}/attachments", todo["id"])))
        .header(header::CONTENT_TYPE, "multipart/form-data; boundary=B")
        .body(body.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let error: Value = response.json().await.unwrap();
    assert!(error["error"]["message"]
        .as_str()
        .unwrap()
        .contains("could not be read"));
    assert_eq!(app.stored_keys().await.len(), before);
    assert!(eventually(async || app.staged_uploads() == 0).await);
}

async fn other_users_get_404(app: &TestApp) {
    let todo = app.add("mine").await;
    let (_, stored) = upload(app, &todo, vec![("secret.txt", b"private".to_vec())]).await;
    let id = stored[0]["id"].to_string();
    let other = app.sign_up().await;
    let download = other
        .client
        .get(app.url(&format!("/attachments/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(download.status(), StatusCode::NOT_FOUND);
    let delete = app
        .call_as(&other.client, "attachments/delete", &[("id", &id)])
        .await;
    assert_eq!(delete.status(), StatusCode::NOT_FOUND);
    let (status, _) = upload_as(app, &other.client, &todo, vec![("x.txt", b"x".to_vec())]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let anonymous = Client::new()
        .get(app.url(&format!("/attachments/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.stored_keys().await.len(), 1);
}

async fn deleting_rows_deletes_files(app: &TestApp) {
    let first = app.add("first").await;
    let second = app.add("second").await;
    let (_, one) = upload(app, &first, vec![("a.txt", b"a".to_vec())]).await;
    upload(
        app,
        &second,
        vec![("b.txt", b"b".to_vec()), ("c.txt", b"c".to_vec())],
    )
    .await;
    assert_eq!(app.stored_keys().await.len(), 3);

    let id = one[0]["id"].to_string();
    let deleted = app
        .call_as(&app.client, "attachments/delete", &[("id", &id)])
        .await;
    assert_eq!(deleted.status(), StatusCode::OK);
    assert!(eventually(async || app.stored_keys().await.len() == 2).await);

    let todo_id = second["id"].to_string();
    app.call_ok::<Value>("delete", &[("id", &todo_id)]).await;
    assert!(eventually(async || app.stored_keys().await.is_empty()).await);
    assert_eq!(count(app, "SELECT COUNT(*) FROM attachments").await, 0);
    assert!(eventually(async || true).await);

    // Deleting the account takes its files too.
    let third = app.add("third").await;
    upload(app, &third, vec![("d.txt", b"d".to_vec())]).await;
    assert_eq!(app.stored_keys().await.len(), 1);
    let gone = app
        .call_as(
            &app.client,
            "account/delete",
            &[("password", crate::helpers::PASSWORD)],
        )
        .await;
    assert_eq!(gone.status(), StatusCode::OK);
    assert!(eventually(async || app.stored_keys().await.is_empty()).await);
}

async fn an_aborted_upload_leaves_nothing(app: &TestApp) {
    let todo = app.add("interrupted").await;
    let cookie = app.client.get(app.url("/")).send().await.map(|_| ()).ok();
    let _ = cookie;
    // Log in on a raw connection's behalf: take the session cookie from a fresh log-in.
    let (login, _) = app.log_in(&app.username, crate::helpers::PASSWORD).await;
    let session = login
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned())
        .find(|c| c.starts_with("tick_session="))
        .unwrap();
    let address = app.address.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
    let boundary = "XBOUNDARYX";
    let head = crate::helpers::file_part_head(boundary, "big.bin", "application/octet-stream");
    // More than one part (5 MiB), so a multipart upload is under way when the client goes.
    let total = head.len() + 8_000_000 + 64;
    let request = format!(
        "POST /todos/{}/attachments HTTP/1.1\r\nHost: {address}\r\nCookie: {session}\r\n\
         Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {total}\r\n\r\n{head}",
        todo["id"]
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    stream.write_all(&vec![7u8; 6_000_000]).await.unwrap();
    stream.flush().await.unwrap();
    // On a local disk the staged file exists while the bytes arrive (on S3 an unfinished
    // upload is no object)...
    if matches!(app.storage, StorageUrl::File(_)) {
        assert!(eventually(async || app.staged_uploads() == 1).await);
    }
    // ...and goes when the client does, leaving no row either.
    drop(stream);
    assert!(eventually(async || app.staged_uploads() == 0).await);
    assert_eq!(count(app, "SELECT COUNT(*) FROM attachments").await, 0);
    assert!(app.stored_keys().await.is_empty());
}

async fn plain_form_uploads_redirect_back(app: &TestApp) {
    let todo = app.add("no script").await;
    let form = Form::new().part("file", Part::bytes(b"hello".to_vec()).file_name("note.txt"));
    let response = app
        .client
        .post(app.url(&format!("/todos/{}/attachments", todo["id"])))
        .header(header::ACCEPT, "text/html")
        .header(header::REFERER, app.url("/active"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()[header::LOCATION], app.url("/active"));
    let (_, html) = app.page("/").await;
    assert!(html.contains("note.txt"), "{html}");

    // No file chosen: back to the page, with the reason.
    let empty = Form::new().part("file", Part::bytes(Vec::new()).file_name(""));
    let response = app
        .client
        .post(app.url(&format!("/todos/{}/attachments", todo["id"])))
        .header(header::ACCEPT, "text/html")
        .header(header::REFERER, app.url("/"))
        .multipart(empty)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let location = response.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(location.contains("__err="), "{location}");
    let page = app
        .client
        .get(&location)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Choose a file to attach."), "{page}");
}

async fn limits_and_quota(backend: Backend, store: Store) {
    let app = spawn_app_on(
        backend,
        store,
        &[
            "--max-file-size",
            "1KiB",
            "--user-quota",
            "3KiB",
            "--max-files-per-upload",
            "2",
        ],
    )
    .await;
    let todo = app.add("limits").await;
    let (status, error) = upload(&app, &todo, vec![("big.bin", vec![1; 2000])]).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        error["error"]["message"],
        "That file is too big: the most is 1 KiB per file."
    );
    assert_eq!(error["error"]["code"], "too_large");
    let three = vec![("a", vec![1; 10]), ("b", vec![1; 10]), ("c", vec![1; 10])];
    let (status, error) = upload(&app, &todo, three).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        error["error"]["message"],
        "At most 2 files can be uploaded at once."
    );
    for name in ["one", "two", "three"] {
        let (status, _) = upload(&app, &todo, vec![(name, vec![2; 1000])]).await;
        assert_eq!(status, StatusCode::CREATED, "{name}");
    }
    let (status, error) = upload(&app, &todo, vec![("four", vec![2; 200])]).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("3 KiB"),
        "{error}"
    );
    // Refused uploads left nothing behind.
    assert_eq!(count(&app, "SELECT COUNT(*) FROM attachments").await, 3);
    assert_eq!(app.stored_keys().await.len(), 3);
    assert!(eventually(async || app.staged_uploads() == 0).await);
    app.stop().await;
}

async fn through_the_api(app: &TestApp) {
    let token: Value = app
        .call_as(&app.client, "tokens/create", &[("name", "files")])
        .await
        .json()
        .await
        .unwrap();
    let secret = token["secret"].as_str().unwrap().to_owned();
    let api = Client::new();
    let todo = app.add("via the API").await;
    let base = app.url(&format!("/api/v1/todos/{}/attachments", todo["id"]));

    let form = Form::new().part("file", Part::bytes(png(500)).file_name("scan.png"));
    let created = api
        .post(&base)
        .bearer_auth(&secret)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let created: Value = created.json().await.unwrap();
    let url = created[0]["url"].as_str().unwrap().to_owned();
    assert_eq!(created[0]["content_type"], "image/png");
    assert_eq!(url, format!("{base}/{}", created[0]["id"]));

    let listed: Value = api
        .get(&base)
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    let part = api
        .get(&url)
        .bearer_auth(&secret)
        .header(header::RANGE, "bytes=0-7")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(part.bytes().await.unwrap().to_vec(), png(500)[..8]);

    // Another user's token sees nothing of it.
    let other = app.sign_up().await;
    let other_token: Value = app
        .call_as(&other.client, "tokens/create", &[("name", "x")])
        .await
        .json()
        .await
        .unwrap();
    let other_secret = other_token["secret"].as_str().unwrap();
    for response in [
        api.get(&base)
            .bearer_auth(other_secret)
            .send()
            .await
            .unwrap(),
        api.get(&url)
            .bearer_auth(other_secret)
            .send()
            .await
            .unwrap(),
        api.delete(&url)
            .bearer_auth(other_secret)
            .send()
            .await
            .unwrap(),
    ] {
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
    }
    let anonymous = api.get(&base).send().await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);

    let deleted = api.delete(&url).bearer_auth(&secret).send().await.unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert!(eventually(async || app.stored_keys().await.is_empty()).await);
}

/// Sets a file's modification time to `age` ago.
fn age(path: &std::path::Path, age: std::time::Duration) {
    let file = std::fs::File::options().write(true).open(path).unwrap();
    file.set_modified(std::time::SystemTime::now() - age)
        .unwrap();
}

/// What a killed server can leave: a half-written upload (`files/<key>#<n>`, or in `tmp/` from
/// before object storage), and a file put in place whose row was never committed. The next start removes both once they are older than
/// the grace period (another process may be uploading them right now), keeps real files, and
/// never touches what Tick did not make (`lost+found`, a stray folder or file).
async fn a_restart_cleans_up_after_a_crash(backend: Backend) {
    let app = spawn_app(backend).await;
    let todo = app.add("survivor").await;
    let (_, stored) = upload(&app, &todo, vec![("keep.txt", b"keep me".to_vec())]).await;
    let kept = app.stored_keys().await;
    let attachments_dir = app.data_path().join("attachments");
    let (tmp, files) = (attachments_dir.join("tmp"), attachments_dir.join("files"));
    let two_hours = std::time::Duration::from_secs(2 * 60 * 60);
    std::fs::create_dir_all(&tmp).unwrap();
    let stale_part = files.join("0badc0de0badc0de0badc0de0badc0de#0");
    std::fs::write(&stale_part, b"half").unwrap();
    age(&stale_part, two_hours);
    let fresh_part = files.join("feedfacefeedfacefeedfacefeedface#1");
    std::fs::write(&fresh_part, b"in progress elsewhere").unwrap();
    let stale_upload = tmp.join("0badc0de0badc0de0badc0de0badc0de.part");
    std::fs::write(&stale_upload, b"half").unwrap();
    age(&stale_upload, two_hours);
    let fresh_upload = tmp.join("feedfacefeedfacefeedfacefeedface.part");
    std::fs::write(&fresh_upload, b"in progress elsewhere").unwrap();
    let orphan = files.join("0123456789abcdef0123456789abcdef");
    std::fs::write(&orphan, b"orphan").unwrap();
    age(&orphan, two_hours);
    let fresh_orphan = files.join("fedcba9876543210fedcba9876543210");
    std::fs::write(&fresh_orphan, b"being recorded elsewhere").unwrap();
    // Not Tick's: left alone, and no reason to fail.
    std::fs::create_dir(tmp.join("lost+found")).unwrap();
    std::fs::write(files.join("README.txt"), b"a note").unwrap();
    age(&files.join("README.txt"), two_hours);
    let owner = app.username.clone();

    let app = restart(app).await;
    assert!(!stale_upload.exists() && !orphan.exists() && !stale_part.exists());
    assert!(fresh_upload.exists() && fresh_orphan.exists() && fresh_part.exists());
    assert!(tmp.join("lost+found").is_dir() && files.join("README.txt").exists());
    let mut expected = kept.clone();
    expected.extend([
        "README.txt".to_owned(),
        "fedcba9876543210fedcba9876543210".to_owned(),
    ]);
    expected.sort();
    assert_eq!(app.stored_keys().await, expected);
    let url = app.url(&format!("/attachments/{}", stored[0]["id"]));
    let (_, client) = app.log_in(&owner, crate::helpers::PASSWORD).await;
    let body = client.get(&url).send().await.unwrap().text().await.unwrap();
    assert_eq!(body, "keep me");
    app.stop().await;
}
