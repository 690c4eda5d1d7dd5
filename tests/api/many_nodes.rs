//! Several Tick nodes on one PostgreSQL database: they run the migrations once when they start
//! together, share the log-in and sign-up throttles, and never claim the same file to delete
//! (`FOR UPDATE SKIP LOCKED`); the sweep for debris runs on one node at a time.

use reqwest::{
    multipart::{Form, Part},
    StatusCode,
};
use serde_json::Value;
use sqlx::{Connection, PgConnection};
use tick::server::db::attachments::SWEEP_LOCK;

use std::time::Duration;

use crate::helpers::{
    client_forwarded_for, count, entries, eventually_async, new_database, start_on,
    unique_username, Backend, TestApp, PASSWORD,
};

/// Both nodes believe `X-Forwarded-For` from the test, so its clients can play one network.
const SETTINGS: [&str; 6] = [
    "--trusted-proxies",
    "127.0.0.1",
    "--login-failures-per-user",
    "3",
    "--signups-per-address",
    "2",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrations_run_once_when_nodes_start_together() {
    for _ in 0..3 {
        let database = new_database(Backend::Postgres).await;
        let url = database.url.clone();
        let (a, b) = tokio::join!(
            start_on(Backend::Postgres, &url, &[]),
            start_on(Backend::Postgres, &url, &[])
        );
        let files = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/postgres"))
            .unwrap()
            .count();
        let applied = count(&a, "SELECT COUNT(*) FROM _sqlx_migrations WHERE success").await;
        assert_eq!(applied, files as i64);
        // Both serve.
        assert_eq!(a.add("on a").await["title"], "on a");
        assert_eq!(b.titles().await, Vec::<String>::new());
        a.stop().await;
        b.stop().await;
        database.remove().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_share_the_throttles() {
    let database = new_database(Backend::Postgres).await;
    // Each start signs up one user from 127.0.0.1: two of that network's two an hour.
    let a = start_on(Backend::Postgres, &database.url, &SETTINGS).await;
    let b = start_on(Backend::Postgres, &database.url, &SETTINGS).await;
    let guesser = "198.51.100.7";

    // Wrong passwords for one user from one network, on either node: three, then 429 on both.
    for (i, node) in [&a, &b, &a].into_iter().enumerate() {
        let status = log_in(node, guesser, &a.username, "wrong guess").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    for node in [&b, &a] {
        let status = log_in(node, guesser, &a.username, PASSWORD).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    }
    // From another network the owner still gets in.
    let status = log_in(&b, "203.0.113.9", &a.username, PASSWORD).await;
    assert_eq!(status, StatusCode::OK);

    // Sign-ups from one network: two an hour, whichever node they reach.
    let maker = "192.0.2.44";
    assert_eq!(sign_up(&a, maker).await, StatusCode::OK);
    assert_eq!(sign_up(&b, maker).await, StatusCode::OK);
    assert_eq!(sign_up(&a, maker).await, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(sign_up(&b, maker).await, StatusCode::TOO_MANY_REQUESTS);
    // The two from 127.0.0.1 (the test users) were counted across nodes too.
    assert_eq!(
        sign_up(&a, "127.0.0.1").await,
        StatusCode::TOO_MANY_REQUESTS
    );

    a.stop().await;
    b.stop().await;
    database.remove().await;
}

async fn log_in(node: &TestApp, network: &str, username: &str, password: &str) -> StatusCode {
    let client = client_forwarded_for(network);
    let form = [("username", username), ("password", password)];
    node.call_as(&client, "account/log_in", &form)
        .await
        .status()
}

async fn sign_up(node: &TestApp, network: &str) -> StatusCode {
    let client = client_forwarded_for(network);
    let username = unique_username();
    let form = [("username", username.as_str()), ("password", PASSWORD)];
    node.call_as(&client, "account/sign_up", &form)
        .await
        .status()
}

async fn attach(node: &TestApp, todo: &Value, name: &str) -> i64 {
    let form = Form::new().part(
        "file",
        Part::bytes(name.as_bytes().to_vec()).file_name(name.to_owned()),
    );
    let response = node
        .client
        .post(node.url(&format!("/todos/{}/attachments", todo["id"])))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json::<Value>().await.unwrap()[0]["id"]
        .as_i64()
        .unwrap()
}

/// A garbage entry claimed by one node (here: the test, holding its row) is skipped by the
/// others, which delete the rest; once let go, another node deletes it. The sweep's lock, held
/// elsewhere, makes a starting node leave debris to the node that holds it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn collectors_never_claim_the_same_file() {
    let database = new_database(Backend::Postgres).await;
    let store = tempfile::tempdir().unwrap();
    let storage = format!("file://{}", store.path().display());
    let files = store.path().join("files");
    let settings = ["--storage", storage.as_str()];

    // Files on one node; one of them is already garbage, claimed by another "node".
    let a = start_on(Backend::Postgres, &database.url, &settings).await;
    let todo = a.add("files").await;
    let ids = [
        attach(&a, &todo, "one").await,
        attach(&a, &todo, "two").await,
    ];
    let claimed = "0123456789abcdef0123456789abcdef";
    std::fs::write(files.join(claimed), b"claimed elsewhere").unwrap();
    a.stop().await;
    let mut other_node = PgConnection::connect(&database.url).await.unwrap();
    sqlx::query("INSERT INTO attachment_garbage (storage_key) VALUES ($1)")
        .bind(claimed)
        .execute(&mut other_node)
        .await
        .unwrap();
    let mut claim = other_node.begin().await.unwrap();
    sqlx::query("SELECT storage_key FROM attachment_garbage WHERE storage_key = $1 FOR UPDATE")
        .bind(claimed)
        .fetch_one(&mut *claim)
        .await
        .unwrap();

    // Two nodes start (each collects at once) and one deletes the attachments.
    let a = start_on(Backend::Postgres, &database.url, &settings).await;
    let b = start_on(Backend::Postgres, &database.url, &settings).await;
    let (_, owner) = a.log_in(&first_user(&a).await, PASSWORD).await;
    for id in ids {
        let deleted = a
            .call_as(&owner, "attachments/delete", &[("id", &id.to_string())])
            .await;
        assert_eq!(deleted.status(), StatusCode::OK);
    }
    // The collector deletes the files, then commits forgetting their entries: wait for both.
    let only_claimed = || async {
        entries(&files) == vec![claimed.to_owned()]
            && count(&a, "SELECT COUNT(*) FROM attachment_garbage").await == 1
    };
    assert!(
        eventually_async(Duration::from_secs(10), only_claimed).await,
        "the claimed entry (and only it) stays while it is held: {:?}",
        entries(&files)
    );

    // Let go: the next node to collect deletes it (b, woken by a deletion of its own).
    claim.rollback().await.unwrap();
    let todo = b.add("more").await;
    let id = attach(&b, &todo, "three").await;
    let deleted = b
        .call_as(&b.client, "attachments/delete", &[("id", &id.to_string())])
        .await;
    assert_eq!(deleted.status(), StatusCode::OK);
    let all_gone = || async {
        entries(&files).is_empty()
            && count(&b, "SELECT COUNT(*) FROM attachment_garbage").await == 0
    };
    assert!(eventually_async(Duration::from_secs(10), all_gone).await);
    a.stop().await;
    b.stop().await;

    // The sweep: an old orphan stays while another node holds the sweep lock...
    let orphan = files.join("fedcba9876543210fedcba9876543210");
    std::fs::write(&orphan, b"orphan").unwrap();
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(2 * 60 * 60);
    std::fs::File::options()
        .write(true)
        .open(&orphan)
        .unwrap()
        .set_modified(old)
        .unwrap();
    sqlx::query("SELECT pg_advisory_lock($1)")
        .bind(SWEEP_LOCK)
        .execute(&mut other_node)
        .await
        .unwrap();
    let c = start_on(Backend::Postgres, &database.url, &settings).await;
    assert!(orphan.exists(), "swept while another node held the lock");
    c.stop().await;
    // ...and goes at the next start once it is free.
    sqlx::query("SELECT pg_advisory_unlock($1)")
        .bind(SWEEP_LOCK)
        .execute(&mut other_node)
        .await
        .unwrap();
    let c = start_on(Backend::Postgres, &database.url, &settings).await;
    assert!(!orphan.exists());
    c.stop().await;
    other_node.close().await.unwrap();
    database.remove().await;
}

/// The username of the database's first account (the one the first node signed up).
async fn first_user(node: &TestApp) -> String {
    crate::helpers::text(node, "SELECT username FROM users ORDER BY id LIMIT 1").await
}
