//! API tokens cost no writes they do not need: a bogus token is refused with a read alone
//! (even while another process holds the write lock), and a real token's "last used" is
//! written on first use, then at most once a minute.

use std::time::{Duration, Instant};

use reqwest::{Client, StatusCode};
use serde_json::Value;
use sqlx::{Connection, Executor};

use crate::helpers::{both, count, texts, Backend, TestApp};

both!(
    a_bogus_token_is_refused_without_writing,
    last_used_is_written_at_most_once_a_minute,
);

async fn create_token(app: &TestApp, name: &str) -> String {
    let created: Value = app
        .call_as(&app.client, "tokens/create", &[("name", name)])
        .await
        .json()
        .await
        .unwrap();
    created["secret"].as_str().unwrap().to_owned()
}

/// `last_used_at` of every token, as the database's own text.
async fn last_used(app: &TestApp) -> Vec<Option<String>> {
    texts(
        app,
        "SELECT CAST(last_used_at AS TEXT) FROM api_tokens ORDER BY id",
    )
    .await
}

/// A connection of another process holding the write lock on the tokens: SQLite's whole
/// database (`BEGIN EXCLUSIVE`), PostgreSQL's `api_tokens` (reads go on, writes wait).
enum WriteLock {
    Sqlite(sqlx::SqliteConnection),
    Postgres(sqlx::PgConnection),
}

impl WriteLock {
    async fn take(app: &TestApp) -> WriteLock {
        match app.backend {
            Backend::Sqlite => {
                let mut conn = sqlx::SqliteConnection::connect(&app.database_url)
                    .await
                    .unwrap();
                conn.execute("BEGIN EXCLUSIVE").await.unwrap();
                WriteLock::Sqlite(conn)
            }
            Backend::Postgres => {
                let mut conn = sqlx::PgConnection::connect(&app.database_url)
                    .await
                    .unwrap();
                conn.execute("BEGIN; LOCK TABLE api_tokens IN EXCLUSIVE MODE")
                    .await
                    .unwrap();
                WriteLock::Postgres(conn)
            }
        }
    }

    async fn release(self) {
        match self {
            WriteLock::Sqlite(mut conn) => conn.execute("ROLLBACK").await.map(|_| ()),
            WriteLock::Postgres(mut conn) => conn.execute("ROLLBACK").await.map(|_| ()),
        }
        .unwrap();
    }
}

/// An unknown token is found out by a read: 401 at once, even while a write would wait for the
/// lock (`--db-acquire-timeout`, 2 s, on SQLite; the statement timeout on PostgreSQL), and
/// nothing about tokens changes.
async fn a_bogus_token_is_refused_without_writing(app: &TestApp) {
    create_token(app, "real").await;
    let before = (
        count(app, "SELECT COUNT(*) FROM api_tokens").await,
        last_used(app).await,
    );
    let bogus = format!("tick_{}", "0".repeat(64));

    let lock = WriteLock::take(app).await;
    let started = Instant::now();
    let response = Client::new()
        .get(app.url("/api/v1/todos"))
        .bearer_auth(&bogus)
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .unwrap();
    let took = started.elapsed();
    lock.release().await;

    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(
        took < Duration::from_millis(1500),
        "answered without waiting: {took:?}"
    );
    let after = (
        count(app, "SELECT COUNT(*) FROM api_tokens").await,
        last_used(app).await,
    );
    assert_eq!(before, after);
    assert_eq!(after.1, vec![None], "the real token was never used");
}

/// The first use writes "last used"; a second use a second later leaves the same value.
async fn last_used_is_written_at_most_once_a_minute(app: &TestApp) {
    let secret = create_token(app, "script").await;
    assert_eq!(last_used(app).await, vec![None]);
    let api = Client::new();
    let use_token = || async {
        let response = api
            .get(app.url("/api/v1/todos"))
            .bearer_auth(&secret)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    };

    use_token().await;
    let first = last_used(app).await;
    assert!(first[0].is_some(), "written on first use");
    // Past the database clock's next whole second, so a second write would show.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    use_token().await;
    assert_eq!(
        last_used(app).await,
        first,
        "not written again within a minute"
    );
}
