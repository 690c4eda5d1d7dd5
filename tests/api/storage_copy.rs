//! `tick storage copy`: an installation's attachments moved from its local folder to S3, each
//! checked against its recorded SHA-256; a second run resumes (skips what is there and whole,
//! copies again what is missing or damaged); a source file that does not match its record is
//! refused; and the app then serves every file from S3.

use std::process::Command;

use object_store::{path::Path, PutPayload};
use reqwest::{
    multipart::{Form, Part},
    StatusCode,
};
use serde_json::Value;
use tick::server::config::StorageUrl;

use crate::{
    helpers::{both_backends, reopen_with, spawn_app_on, Backend, TestApp},
    stores::{self, Store},
};

both_backends!(copying_a_local_store_to_s3);

async fn upload(app: &TestApp, todo: &Value, name: &str, bytes: Vec<u8>) -> i64 {
    let form = Form::new().part("file", Part::bytes(bytes).file_name(name.to_owned()));
    let response = app
        .client
        .post(app.url(&format!("/todos/{}/attachments", todo["id"])))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let stored: Value = response.json().await.unwrap();
    stored[0]["id"].as_i64().unwrap()
}

/// Runs `tick storage copy` on `app`'s database; returns whether it succeeded, and its log.
fn copy(app: &TestApp, from: &str, to: &str) -> (bool, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_tick"))
        .args(["--database-url", &app.database_url, "--log", "info"])
        .args(["--log-format", "json"])
        .args(stores::connection_settings())
        .args(["storage", "copy", "--from", from, "--to", to])
        .env_remove("TICK_STORAGE")
        .output()
        .expect("tick runs");
    let log = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    (output.status.success(), log)
}

/// How many files the copy that logged `log` copied and skipped.
fn counts(log: &str) -> (u64, u64) {
    let done = log
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .find(|line| line.get("copied").is_some())
        .unwrap_or_else(|| panic!("no summary in {log}"));
    (
        done["copied"].as_u64().unwrap(),
        done["skipped"].as_u64().unwrap(),
    )
}

async fn copying_a_local_store_to_s3(backend: Backend) {
    let app = spawn_app_on(backend, Store::Local, &[]).await;
    let todo = app.add("files to move").await;
    // One file bigger than a part (5 MiB): it goes up as a multipart upload.
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("small.txt", b"a small file".to_vec()),
        (
            "big.bin",
            (0..6_000_000u32).map(|i| (i % 253) as u8).collect(),
        ),
        ("empty.txt", Vec::new()),
    ];
    let mut ids = Vec::new();
    for (name, bytes) in &files {
        ids.push(upload(&app, &todo, name, bytes.clone()).await);
    }
    let StorageUrl::File(root) = app.storage.clone() else {
        panic!("a local store")
    };
    let from = format!("file://{}", root.display());
    let prefix = uuid::Uuid::new_v4().simple().to_string();
    let to = format!("s3://tick-test/{prefix}");
    let keys = app.stored_keys().await;
    assert_eq!(keys.len(), 3);

    let (ok, log) = copy(&app, &from, &to);
    assert!(ok, "{log}");
    assert_eq!(counts(&log), (3, 0));
    let in_s3 = async || stores::objects_under(&format!("{prefix}/files")).await;
    assert_eq!(in_s3().await, keys);

    // Resuming: one object damaged, one missing; both are copied again, the rest skipped.
    let bucket = stores::bucket();
    let object = |key: &str| Path::from(format!("{prefix}/files/{key}"));
    bucket
        .put(&object(&keys[0]), PutPayload::from_static(b"damaged"))
        .await
        .unwrap();
    bucket.delete(&object(&keys[1])).await.unwrap();
    let (ok, log) = copy(&app, &from, &to);
    assert!(ok, "{log}");
    assert_eq!(counts(&log), (2, 1));
    assert_eq!(in_s3().await, keys);

    // A source file that does not match its recorded SHA-256 is not copied.
    let damaged_source = root.join("files").join(&keys[2]);
    let original = std::fs::read(&damaged_source).unwrap();
    std::fs::write(&damaged_source, b"bit rot").unwrap();
    bucket.delete(&object(&keys[2])).await.unwrap();
    let (ok, log) = copy(&app, &from, &to);
    assert!(!ok, "{log}");
    assert!(log.contains("does not match its recorded SHA-256"), "{log}");
    std::fs::write(&damaged_source, original).unwrap();
    let (ok, log) = copy(&app, &from, &to);
    assert!(ok, "{log}");
    assert_eq!(counts(&log), (1, 2));

    // The same installation on S3 serves every file as it was.
    let mut settings = vec!["--storage".to_owned(), to.clone()];
    settings.extend(stores::connection_settings());
    let settings: Vec<&str> = settings.iter().map(String::as_str).collect();
    let moved = reopen_with(&app, &settings).await;
    let (_, owner) = moved.log_in(&app.username, crate::helpers::PASSWORD).await;
    for ((_, bytes), id) in files.iter().zip(&ids) {
        let response = owner
            .get(moved.url(&format!("/attachments/{id}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(&response.bytes().await.unwrap().to_vec(), bytes);
    }
    moved.stop().await;
    app.stop().await;
}
