//! `tick backup` and `tick restore`: a backup taken while to-dos and files are being added
//! restores into a fresh data directory that serves the same to-dos and the same file bytes;
//! a damaged backup is refused, and so is a data directory that already has a database; on
//! PostgreSQL, backup points at pg_dump.

use std::{
    sync::{
        atomic::{AtomicBool, AtomicUsize, Ordering},
        Arc,
    },
    time::Duration,
};

use clap::Parser;
use reqwest::{
    multipart::{Form, Part},
    StatusCode,
};
use serde_json::Value;
use sqlx::{Connection, SqliteConnection};
use tick::server::{backup, config::Config};

use crate::helpers::{
    entries, new_database, run_tick, spawn_app, wait_until, Backend, TestApp, TestDatabase,
    PASSWORD,
};

/// The bytes of the `n`th file: different for each.
fn file_bytes(n: usize) -> Vec<u8> {
    (0..20_000 + n * 1000)
        .map(|i| ((i * 7 + n) % 251) as u8)
        .collect()
}

/// Adds a to-do and uploads a file to it, as the app's user.
async fn add_with_file(app: &TestApp, n: usize) {
    let todo = app.add(&format!("to-do {n}")).await;
    let form = Form::new().part(
        "file",
        Part::bytes(file_bytes(n)).file_name(format!("{n}.bin")),
    );
    let response = app
        .client
        .post(app.url(&format!("/todos/{}/attachments", todo["id"])))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
}

/// `tick backup PATH`, in-process, for the app's SQLite database.
async fn back_up(app: &TestApp, target: &std::path::Path) -> backup::Manifest {
    let data_dir = app.data_path().display().to_string();
    let target = target.display().to_string();
    let args = [
        "tick",
        "--database-url",
        &app.database_url,
        "--data-dir",
        &data_dir,
    ];
    let config = Config::try_parse_from(args.into_iter().chain(["backup", &target])).unwrap();
    backup::backup(&config, std::path::Path::new(&target))
        .await
        .expect("a backup")
}

async fn download(client: &reqwest::Client, url: String) -> Vec<u8> {
    let response = client.get(url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.bytes().await.unwrap().to_vec()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_during_writes_restores_whole() {
    let app = Arc::new(spawn_app(Backend::Sqlite).await);
    // A writer adds to-dos with files the whole time the backup runs.
    let (stop, done) = (
        Arc::new(AtomicBool::new(false)),
        Arc::new(AtomicUsize::new(0)),
    );
    let writer = {
        let (app, stop, done) = (app.clone(), stop.clone(), done.clone());
        tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::SeqCst) && n < 200 {
                add_with_file(&app, n).await;
                n += 1;
                done.store(n, Ordering::SeqCst);
            }
        })
    };
    assert!(wait_until(Duration::from_secs(10), || done.load(Ordering::SeqCst) >= 3).await);
    let backups = tempfile::tempdir().unwrap();
    let target = backups.path().join("backup");
    let before = done.load(Ordering::SeqCst);
    let manifest = back_up(&app, &target).await;
    // The writer carries on after the backup too.
    let after = done.load(Ordering::SeqCst) + 2;
    assert!(
        wait_until(Duration::from_secs(10), || done.load(Ordering::SeqCst)
            >= after)
        .await
    );
    stop.store(true, Ordering::SeqCst);
    writer.await.unwrap();

    // The backup is one consistent moment: every file its database names is in it, whole.
    let mut copy =
        SqliteConnection::connect(&format!("sqlite://{}", target.join("tick.db").display()))
            .await
            .unwrap();
    let mut titles: Vec<String> = sqlx::query_scalar("SELECT title FROM todos")
        .fetch_all(&mut copy)
        .await
        .unwrap();
    let attachments: Vec<i64> = sqlx::query_scalar("SELECT id FROM attachments ORDER BY id")
        .fetch_all(&mut copy)
        .await
        .unwrap();
    copy.close().await.unwrap();
    assert!(
        titles.len() >= before,
        "{} to-dos, {before} added before",
        titles.len()
    );
    // Each to-do of the backup had its file uploaded right after it, so the last may lack one.
    assert!(attachments.len() + 1 >= titles.len() && attachments.len() <= titles.len());
    assert_eq!(manifest.attachments.len(), attachments.len());
    assert_eq!(
        entries(&target.join("attachments/files")).len(),
        attachments.len()
    );

    // Restored into a fresh data directory by the binary...
    let fresh = tempfile::tempdir().unwrap();
    let fresh_dir = fresh.path().display().to_string();
    let (status, output) = run_tick(&[
        "--data-dir",
        &fresh_dir,
        "restore",
        &target.display().to_string(),
    ]);
    assert!(status.success(), "{output}");
    // ...it serves the same to-dos and the same bytes.
    let restored = TestDatabase::sqlite_in(fresh);
    let url = restored.url.clone();
    let restored = restored.start(&url, &[]).await;
    let (login, client) = restored.log_in(&app.username, PASSWORD).await;
    assert_eq!(login.status(), StatusCode::OK);
    let listed: Vec<Value> = client
        .get(restored.url("/api/v1/todos?limit=1000"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut served: Vec<String> = listed
        .iter()
        .map(|todo| todo["title"].as_str().unwrap().to_owned())
        .collect();
    served.sort();
    titles.sort();
    assert_eq!(served, titles);
    for id in &attachments {
        let path = format!("/attachments/{id}");
        let original = download(&app.client, app.url(&path)).await;
        assert_eq!(
            download(&client, restored.url(&path)).await,
            original,
            "attachment {id}"
        );
    }
    restored.stop().await;
    Arc::into_inner(app).unwrap().stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_refuses_a_damaged_backup_and_a_data_dir_with_a_database() {
    let app = spawn_app(Backend::Sqlite).await;
    add_with_file(&app, 1).await;
    let backups = tempfile::tempdir().unwrap();
    let target = backups.path().join("backup");
    back_up(&app, &target).await;
    let target_arg = target.display().to_string();

    // Not over a database that is there already (the app's own).
    let data_dir = app.data_path().display().to_string();
    let (status, output) = run_tick(&["--data-dir", &data_dir, "restore", &target_arg]);
    assert!(!status.success());
    assert!(output.contains("already holds a database"), "{output}");
    assert_eq!(app.titles().await, ["to-do 1"]);

    // One flipped byte in an attachment: refused, and nothing restored.
    let files = target.join("attachments/files");
    let damaged = files.join(&entries(&files)[0]);
    let mut bytes = std::fs::read(&damaged).unwrap();
    bytes[100] ^= 0x01;
    std::fs::write(&damaged, bytes).unwrap();
    let fresh = tempfile::tempdir().unwrap();
    let fresh_dir = fresh.path().display().to_string();
    let (status, output) = run_tick(&["--data-dir", &fresh_dir, "restore", &target_arg]);
    assert!(!status.success());
    assert!(output.contains("damaged"), "{output}");
    assert!(!fresh.path().join("tick.db").exists());
    assert!(entries(&fresh.path().join("attachments/files")).is_empty());
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_on_postgres_points_at_pg_dump() {
    let database = new_database(Backend::Postgres).await;
    let target = database.data_dir.path().join("backup");
    let data_dir = database.data_dir.path().display().to_string();
    let target_arg = target.display().to_string();
    let (status, output) = run_tick(&[
        "--database-url",
        &database.url,
        "--data-dir",
        &data_dir,
        "backup",
        &target_arg,
    ]);
    assert!(!status.success());
    assert!(output.contains("pg_dump"), "{output}");
    assert!(!target.exists());
    database.remove().await;
}
