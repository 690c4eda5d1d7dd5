//! The yardstick for `make bench`: hand-written axum + sqlx doing the same work as Tick on the
//! same SQLite file — the same session lookup (tower-sessions' sqlx store on the `sessions`
//! table), the same queries, the same page markup written with `write!`, the same changes,
//! the JSON API with the same token lookup, and log-in with argon2id — and nothing else (no
//! framework rendering, no page cache, no live-sync notifications, no limits or throttles).
//!
//! Usage: `baseline <sqlite-file> <address>`.

mod api;
mod page;
mod writes;

use std::str::FromStr;

use axum::{
    http::StatusCode,
    routing::{get, post},
    Router,
};
use serde::{Deserialize, Serialize};
use sqlx::{
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions},
    SqlitePool,
};
use tower_sessions::{Session, SessionManagerLayer};
use tower_sessions_sqlx_store::SqliteStore;

/// Reads on a pool, writes on the single writer, as Tick does.
#[derive(Clone)]
pub struct Db {
    pub read: SqlitePool,
    pub write: SqlitePool,
}

/// What Tick keeps in a signed-in session (the same key and fields).
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct SignedIn {
    pub user_id: i64,
    pub generation: i64,
    pub signed_in_at: u64,
    pub refreshed_at: u64,
}

/// The signed-in user with their Inbox.
#[derive(sqlx::FromRow)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub session_generation: i64,
    pub inbox: i64,
}

pub type Failure = (StatusCode, String);

/// Any database failure, as a 500 with its cause (a benchmark shows it, an app would not).
pub fn failed(err: impl std::fmt::Display) -> Failure {
    (StatusCode::INTERNAL_SERVER_ERROR, err.to_string())
}

pub const USER_SQL: &str = "SELECT u.id, u.username, u.session_generation, l.id AS inbox \
     FROM users u JOIN lists l ON l.owner_id = u.id AND l.inbox WHERE u.id = $1";

/// The session's user, if it is signed in and its password has not changed since.
pub async fn signed_in(db: &Db, session: &Session) -> Result<User, Failure> {
    let unauthorized = || (StatusCode::UNAUTHORIZED, "not signed in".to_owned());
    let Some(signed_in) = session.get::<SignedIn>("signed_in").await.map_err(failed)? else {
        return Err(unauthorized());
    };
    let user: Option<User> = sqlx::query_as(USER_SQL)
        .bind(signed_in.user_id)
        .fetch_optional(&db.read)
        .await
        .map_err(failed)?;
    user.filter(|user| user.session_generation == signed_in.generation)
        .ok_or_else(unauthorized)
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let file = args
        .next()
        .expect("usage: baseline <sqlite-file> <address>");
    let addr = args.next().unwrap_or_else(|| "127.0.0.1:3201".to_owned());
    let options = SqliteConnectOptions::from_str(&format!("sqlite://{file}"))
        .expect("a SQLite URL")
        .journal_mode(SqliteJournalMode::Wal)
        .busy_timeout(std::time::Duration::from_secs(5))
        .foreign_keys(true);
    let read = SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(options.clone().read_only(true))
        .await
        .expect("the database opens");
    let write = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .expect("the database opens for writing");
    let sessions = SqliteStore::new(write.clone())
        .with_table_name("sessions")
        .expect("a plain table name");
    let db = Db { read, write };
    let app = Router::new()
        .route("/", get(page::page))
        .route("/fn/todos/list", post(writes::list))
        .route("/fn/todos/add", post(writes::add))
        .route("/fn/todos/set_completed", post(writes::change))
        .route("/fn/todos/edit", post(writes::change))
        .route("/fn/todos/delete", post(writes::delete))
        .route("/fn/account/log_in", post(writes::log_in))
        .route("/api/v1/todos", get(api::list).post(api::create))
        .layer(SessionManagerLayer::new(sessions).with_name("tick_session"))
        .with_state(db);
    let listener = tokio::net::TcpListener::bind(&addr)
        .await
        .expect("the address binds");
    axum::serve(listener, app).await.expect("the server runs");
}
