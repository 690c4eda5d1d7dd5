//! Upgrading: a database made by the previous release's schema (migrations up to 0005), with
//! an account, to-dos and an attachment written the way that release wrote them, is migrated
//! by the current Tick at start-up; the user logs in, sees the to-dos (in their Inbox, their
//! only list) and downloads the file.

use std::path::Path;

use reqwest::StatusCode;
use serde_json::Value;
use sha2::{Digest, Sha256};
use sqlx::{migrate::Migrator, Connection, PgConnection, SqliteConnection};

use crate::helpers::{
    both_backends, new_database, spawn_app, text, unique_username, Backend, PASSWORD,
};

both_backends!(a_previous_release_database_upgrades_in_place);

/// The last migration of the previous release.
const PREVIOUS_RELEASE: i64 = 5;
/// The attachment's storage key (as the previous release made them: 32 hex digits).
const KEY: &str = "00112233445566778899aabbccddeeff";

/// Fills a database of the previous release's schema on connection `$conn`: one user with
/// `$hash`, two to-dos (one done) and an attachment of `$bytes` on the first.
macro_rules! fill_previous_release {
    ($conn:expr, $username:expr, $hash:expr, $bytes:expr) => {{
        let conn = $conn;
        let user: i64 =
            sqlx::query_scalar("INSERT INTO users (username, password_hash) VALUES ($1, $2) RETURNING id")
                .bind($username)
                .bind($hash)
                .fetch_one(&mut *conn)
                .await
                .unwrap();
        let mut todos = Vec::new();
        for (position, (title, completed)) in [("old and open", false), ("old and done", true)]
            .into_iter()
            .enumerate()
        {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO todos (title, completed, position, user_id) VALUES ($1, $2, $3, $4) \
                 RETURNING id",
            )
            .bind(title)
            .bind(completed)
            .bind(position as i64)
            .bind(user)
            .fetch_one(&mut *conn)
            .await
            .unwrap();
            todos.push(id);
        }
        let sha256: String = Sha256::digest($bytes).iter().map(|b| format!("{b:02x}")).collect();
        let attachment: i64 = sqlx::query_scalar(
            "INSERT INTO attachments (todo_id, user_id, storage_key, file_name, content_type, \
             size_bytes, sha256) VALUES ($1, $2, $3, 'notes.txt', 'text/plain', $4, $5) RETURNING id",
        )
        .bind(todos[0])
        .bind(user)
        .bind(KEY)
        .bind($bytes.len() as i64)
        .bind(sha256)
        .fetch_one(&mut *conn)
        .await
        .unwrap();
        (todos[0], attachment)
    }};
}

async fn a_previous_release_database_upgrades_in_place(backend: Backend) {
    // A real password hash, made by signing up on the current Tick.
    let donor = spawn_app(backend).await;
    let hash = text(
        &donor,
        &format!(
            "SELECT password_hash FROM users WHERE username = '{}'",
            donor.username
        ),
    )
    .await;
    donor.stop().await;

    let database = new_database(backend).await;
    let dir = match backend {
        Backend::Sqlite => "migrations/sqlite",
        Backend::Postgres => "migrations/postgres",
    };
    let mut previous = Migrator::new(Path::new(env!("CARGO_MANIFEST_DIR")).join(dir))
        .await
        .expect("the migrations");
    previous.migrations = previous
        .migrations
        .iter()
        .filter(|migration| migration.version <= PREVIOUS_RELEASE)
        .cloned()
        .collect();
    let username = unique_username();
    let bytes = b"written by the previous release\n".repeat(100);
    let (todo, attachment) = match backend {
        Backend::Sqlite => {
            let options = database
                .url
                .parse::<sqlx::sqlite::SqliteConnectOptions>()
                .unwrap();
            let mut conn = SqliteConnection::connect_with(&options.create_if_missing(true))
                .await
                .unwrap();
            previous.run(&mut conn).await.expect("the previous schema");
            fill_previous_release!(&mut conn, &username, &hash, &bytes)
        }
        Backend::Postgres => {
            let mut conn = PgConnection::connect(&database.url).await.unwrap();
            previous.run(&mut conn).await.expect("the previous schema");
            fill_previous_release!(&mut conn, &username, &hash, &bytes)
        }
    };
    let files = database.data_dir.path().join("attachments/files");
    std::fs::create_dir_all(&files).unwrap();
    std::fs::write(files.join(KEY), &bytes).unwrap();

    // The current Tick starts on it (migrating it), and the old account works.
    let url = database.url.clone();
    let app = database.start(&url, &[]).await;
    let (login, client) = app.log_in(&username, PASSWORD).await;
    assert_eq!(login.status(), StatusCode::OK);
    let listed: Vec<Value> = client
        .get(app.url("/api/v1/todos"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let seen: Vec<(&str, bool)> = listed
        .iter()
        .map(|todo| {
            (
                todo["title"].as_str().unwrap(),
                todo["completed"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(seen, [("old and open", false), ("old and done", true)]);
    let lists: Vec<Value> = client
        .post(app.url("/fn/lists/mine"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(lists.len(), 1, "{lists:?}");
    assert_eq!(
        (&lists[0]["name"], &lists[0]["role"]),
        (&"Inbox".into(), &"owner".into())
    );
    let in_inbox = client
        .post(app.url("/fn/todos/list"))
        .form(&[("list", lists[0]["id"].to_string())])
        .send()
        .await
        .unwrap()
        .json::<Vec<Value>>()
        .await
        .unwrap();
    assert_eq!(in_inbox.len(), 2, "every to-do is in the Inbox");
    let page = client.get(app.url("/")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("notes.txt"));
    for path in [
        format!("/attachments/{attachment}"),
        format!("/api/v1/todos/{todo}/attachments/{attachment}"),
    ] {
        let response = client.get(app.url(&path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(response.bytes().await.unwrap().to_vec(), bytes, "{path}");
    }
    // And it takes new writes.
    let added = client
        .post(app.url("/api/v1/todos"))
        .json(&serde_json::json!({ "title": "after the upgrade" }))
        .send()
        .await
        .unwrap();
    assert_eq!(added.status(), StatusCode::CREATED);
    app.stop().await;
}
