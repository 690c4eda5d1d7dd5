//! The database: SQLite (a read pool plus a single-writer pool) or PostgreSQL, chosen at run time.

pub mod attachments;
pub mod todos;
pub mod tokens;
pub mod users;

use std::{path::Path, str::FromStr, time::Duration};

use anyhow::Context as _;
use sqlx::{
    postgres::{PgConnectOptions, PgPoolOptions},
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
    PgPool, SqlitePool,
};

use crate::error::AppError;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

/// The one handle on the database, cloned cheaply into every request.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite { read: SqlitePool, write: SqlitePool },
    Postgres(PgPool),
}

/// Runs `$body` with `$pool` bound to the pool that serves reads.
macro_rules! on_read_pool {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::server::db::Db::Sqlite { read: $pool, .. } => $body,
            $crate::server::db::Db::Postgres($pool) => $body,
        }
    };
}

/// Runs `$body` with `$pool` bound to the pool that serves writes (SQLite: its single writer).
macro_rules! on_write_pool {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::server::db::Db::Sqlite { write: $pool, .. } => $body,
            $crate::server::db::Db::Postgres($pool) => $body,
        }
    };
}

pub(crate) use {on_read_pool, on_write_pool};

/// A timestamp read with `CAST(… AS TEXT)` (SQLite `2026-11-25 08:30:00`, PostgreSQL in UTC
/// `2026-11-25 08:30:00.123456+00`) as RFC 3339 to the second: `2026-11-25T08:30:00Z`.
pub fn rfc3339(raw: &str) -> String {
    match raw.get(..19) {
        Some(seconds) => format!("{}Z", seconds.replacen(' ', "T", 1)),
        None => raw.to_owned(),
    }
}

impl Db {
    /// Connects to `url` (`sqlite:…` or `postgres://…`) and applies the migrations.
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        let db = if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Self::connect_postgres(url).await?
        } else if url.starts_with("sqlite:") {
            Self::connect_sqlite(url).await?
        } else {
            anyhow::bail!("unsupported database URL: it must start with sqlite: or postgres://");
        };
        db.migrate().await?;
        Ok(db)
    }

    /// The URL of the default SQLite file inside `data_dir`, creating the directory.
    pub fn default_sqlite_url(data_dir: &Path) -> anyhow::Result<String> {
        std::fs::create_dir_all(data_dir)
            .with_context(|| format!("creating the data directory {}", data_dir.display()))?;
        Ok(format!("sqlite://{}", data_dir.join("tick.db").display()))
    }

    async fn connect_sqlite(url: &str) -> anyhow::Result<Self> {
        let options = SqliteConnectOptions::from_str(url)
            .context("parsing the SQLite URL")?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true);
        // One writer: SQLite allows one write transaction at a time, so writes queue in
        // the pool instead of failing with "database is locked".
        // A local file cannot drop a connection the way a network can: skip the ping that
        // sqlx otherwise sends through each connection's worker thread on every acquire.
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .test_before_acquire(false)
            .connect_with(options.clone())
            .await
            .context("opening the SQLite database for writing")?;
        SQLITE_MIGRATIONS
            .run(&write)
            .await
            .context("applying the SQLite migrations")?;
        let readers = std::thread::available_parallelism().map_or(4, |n| n.get().max(4)) as u32;
        let read = SqlitePoolOptions::new()
            .max_connections(readers)
            .test_before_acquire(false)
            .connect_with(options.read_only(true))
            .await
            .context("opening the SQLite database for reading")?;
        Ok(Db::Sqlite { read, write })
    }

    async fn connect_postgres(url: &str) -> anyhow::Result<Self> {
        // Timestamps read as text come out in UTC, as on SQLite.
        let options = PgConnectOptions::from_str(url)
            .context("parsing the PostgreSQL URL")?
            .options([("TimeZone", "UTC")]);
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(options)
            .await
            .context("connecting to PostgreSQL")?;
        Ok(Db::Postgres(pool))
    }

    async fn migrate(&self) -> anyhow::Result<()> {
        match self {
            // SQLite was migrated through its writer before the readers opened.
            Db::Sqlite { .. } => Ok(()),
            Db::Postgres(pool) => POSTGRES_MIGRATIONS
                .run(pool)
                .await
                .context("applying the PostgreSQL migrations"),
        }
    }

    /// Answers whether the database responds, for `/healthz`.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        on_read_pool!(self, pool => sqlx::query("SELECT 1").execute(pool).await.map(|_| ()))
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite { read, write } => {
                read.close().await;
                write.close().await;
            }
            Db::Postgres(pool) => pool.close().await,
        }
    }

    /// Whether this is SQLite (for the few statements whose SQL differs).
    pub fn is_sqlite(&self) -> bool {
        matches!(self, Db::Sqlite { .. })
    }

    /// The database held in the Leptos context of this request.
    pub fn from_context() -> Result<Self, AppError> {
        leptos::prelude::use_context::<Db>().ok_or_else(|| {
            tracing::error!("no database in the request context");
            AppError::Internal
        })
    }
}
