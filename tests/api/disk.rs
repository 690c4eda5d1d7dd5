//! A full disk. Tick runs as its own process with its data directory on a 2 MiB tmpfs (in a
//! private mount namespace, made with `unshare`), on SQLite with its database there too (as by
//! default), or on PostgreSQL: an upload bigger than the free space answers 507 and leaves
//! nothing behind; while the disk is full, reads carry on (sessions due for their expiry push
//! included), uploads and SQLite writes answer 507; once there is room again, both work (no
//! restart).

use std::{io::Write, path::PathBuf, process::Command, time::Duration};

use reqwest::{
    header,
    multipart::{Form, Part},
    StatusCode,
};
use serde_json::Value;

use crate::helpers::{
    add_at, both_backends, entries, new_database, sign_up_at, tick_args, Backend, TestUser,
    TickProcess,
};

both_backends!(a_full_disk_gives_507_and_leaves_nothing_behind);

/// Whether this machine lets us make a user and mount namespace (to mount a tmpfs unprivileged).
fn can_unshare() -> bool {
    Command::new("unshare")
        .args(["-Urm", "true"])
        .status()
        .is_ok_and(|status| status.success())
}

async fn upload(
    address: &str,
    user: &TestUser,
    todo: &Value,
    bytes: Vec<u8>,
) -> (StatusCode, Value) {
    let form = Form::new().part("file", Part::bytes(bytes).file_name("data.bin"));
    let response = user
        .client
        .post(format!("{address}/todos/{}/attachments", todo["id"]))
        .multipart(form)
        .send()
        .await
        .expect("an answer");
    let status = response.status();
    if !status.is_success() {
        // Refused before its body was all read: the connection is not to be used again.
        let connection = response.headers().get(header::CONNECTION);
        assert_eq!(
            connection.and_then(|value| value.to_str().ok()),
            Some("close")
        );
    }
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

fn assert_out_of_space(status: StatusCode, body: &Value) {
    assert_eq!(status, StatusCode::INSUFFICIENT_STORAGE, "{body}");
    assert_eq!(body["error"]["code"], "out_of_space", "{body}");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains("run out of space"), "{message}");
}

async fn add_through_api(address: &str, user: &TestUser, title: &str) -> (StatusCode, Value) {
    let response = user
        .client
        .post(format!("{address}/api/v1/todos"))
        .json(&serde_json::json!({ "title": title }))
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap())
}

async fn attachments_of(address: &str, user: &TestUser, todo: &Value) -> Vec<Value> {
    let url = format!("{address}/api/v1/todos/{}/attachments", todo["id"]);
    let response = user.client.get(url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

/// Fills the file system of `path`'s folder with `path` until it is full.
fn fill(path: &std::path::Path) {
    let mut file = std::fs::File::create(path).unwrap();
    let chunk = vec![0u8; 64 * 1024];
    loop {
        if let Err(err) = file.write_all(&chunk) {
            assert_eq!(err.kind(), std::io::ErrorKind::StorageFull, "{err}");
            break;
        }
    }
}

async fn a_full_disk_gives_507_and_leaves_nothing_behind(backend: Backend) {
    if !can_unshare() {
        eprintln!(
            "\n\n*** SKIPPED: `unshare -Urm` is not allowed here, so no tmpfs can be mounted ***\n"
        );
        return;
    }
    let database = new_database(backend).await;
    // The data directory gets the tmpfs. On SQLite the database is there too, where Tick
    // keeps it by default (and shares the full disk); PostgreSQL has its own.
    let data_dir = database.data_dir.path().join("data");
    std::fs::create_dir(&data_dir).unwrap();
    let url = match backend {
        Backend::Sqlite => format!("sqlite://{}", data_dir.join("tick.db").display()),
        Backend::Postgres => database.url.clone(),
    };
    let mut command = Command::new("unshare");
    command
        .args(["-Urm", "sh", "-c"])
        .arg(r#"mount -t tmpfs -o size=2m tmpfs "$1" && shift && exec "$@""#)
        .arg("sh")
        .arg(&data_dir)
        .arg(env!("CARGO_BIN_EXE_tick"))
        .args(tick_args(&data_dir, &url))
        // Each request pushes its session's expiry back (a write) once a second.
        .args(["--session-idle", "10s"]);
    let mut tick = TickProcess::start(command).await;
    // The tmpfs as Tick sees it, through its mount namespace.
    let inside = PathBuf::from(format!("/proc/{}/root", tick.pid()))
        .join(data_dir.strip_prefix("/").unwrap());
    let (tmp, files) = (
        inside.join("attachments/tmp"),
        inside.join("attachments/files"),
    );
    assert!(
        files.is_dir(),
        "cannot see Tick's data directory at {}",
        inside.display()
    );
    assert!(
        entries(&data_dir).is_empty(),
        "the tmpfs is not private to Tick"
    );
    let user = sign_up_at(&tick.address).await;
    let todo = add_at(&tick.address, &user, "on a small disk").await;

    // Bigger than the whole disk: refused, and nothing left behind.
    let (status, body) = upload(&tick.address, &user, &todo, vec![9u8; 3 << 20]).await;
    assert_out_of_space(status, &body);
    assert!(entries(&tmp).is_empty(), "{:?}", entries(&tmp));
    assert!(entries(&files).is_empty(), "{:?}", entries(&files));
    // No row either (SQLite cannot open a database through /proc/PID/root: ask Tick).
    assert!(attachments_of(&tick.address, &user, &todo).await.is_empty());

    // The disk fills up (something else wrote to it).
    let filler = inside.join("filler");
    fill(&filler);
    // The sessions are due for their push, which must not fail the reads.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    // Reads carry on: the list page and the API.
    let page = user
        .client
        .get(format!("{}/", tick.address))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("on a small disk"));
    let listed = user
        .client
        .get(format!("{}/api/v1/todos", tick.address))
        .send()
        .await
        .unwrap();
    assert_eq!(listed.status(), StatusCode::OK);
    let listed: Value = listed.json().await.unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    // A to-do: on SQLite the database shares the full disk, so it is refused as out of
    // space; PostgreSQL keeps its own disk and stores it.
    let (status, body) = add_through_api(&tick.address, &user, "while the disk is full").await;
    match backend {
        Backend::Sqlite => assert_out_of_space(status, &body),
        Backend::Postgres => assert_eq!(status, StatusCode::CREATED, "{body}"),
    }
    // Even a small upload finds no room.
    let small: Vec<u8> = (0..100_000u32).map(|i| (i % 253) as u8).collect();
    let (status, body) = upload(&tick.address, &user, &todo, small.clone()).await;
    assert_out_of_space(status, &body);
    assert!(entries(&tmp).is_empty(), "{:?}", entries(&tmp));

    // Room again: the same to-do and the same upload are stored whole.
    std::fs::remove_file(&filler).unwrap();
    if let Backend::Sqlite = backend {
        let (status, body) = add_through_api(&tick.address, &user, "while the disk is full").await;
        assert_eq!(status, StatusCode::CREATED, "{body}\n{}", tick.log());
    }
    let (status, body) = upload(&tick.address, &user, &todo, small.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let download = user
        .client
        .get(format!("{}/attachments/{}", tick.address, body[0]["id"]))
        .send()
        .await
        .unwrap();
    assert_eq!(download.status(), StatusCode::OK);
    assert_eq!(download.bytes().await.unwrap().to_vec(), small);
    assert_eq!(entries(&files).len(), 1);
    assert!(entries(&tmp).is_empty());
    assert_eq!(attachments_of(&tick.address, &user, &todo).await.len(), 1);

    tick.terminate();
    let status = tick
        .exit_within(Duration::from_secs(10))
        .await
        .expect("tick stops");
    assert!(status.success(), "{}", tick.log());
    database.remove().await;
}
