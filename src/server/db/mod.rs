//! The database: SQLite (a read pool plus a single-writer pool) or PostgreSQL, chosen at run
//! time. The submodules hold the only SQL; each statement takes an [`Ex`] (a pooled connection
//! or a transaction), so a service can run several in one transaction.

pub mod attachments;
pub mod lists;
pub mod throttles;
mod time;
pub mod todos;
pub mod tokens;
pub mod users;

use std::{path::Path, str::FromStr, time::Duration};

use anyhow::Context as _;
use sqlx::{
    pool::PoolConnection,
    postgres::{PgConnectOptions, PgPoolOptions},
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
    Connection as _, PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool,
    Transaction,
};

pub use time::DbTime;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

/// The one handle on the database, cloned cheaply into every request.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite { read: SqlitePool, write: SqlitePool },
    Postgres(PgPool),
}

/// How long to wait for the database before giving up (each a setting).
#[derive(Debug, Clone, Copy)]
pub struct DbTimeouts {
    /// For a free connection (SQLite: also for another process's write lock).
    pub acquire: Duration,
    /// For one statement (PostgreSQL's `statement_timeout`).
    pub statement: Duration,
}

/// A connection from the pool that serves reads.
pub enum Conn {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
}

/// A write transaction (on SQLite, on the single writer, holding the write lock).
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// Where a statement runs: borrowed from a [`Conn`] or a [`Tx`].
pub enum Ex<'c> {
    Sqlite(&'c mut SqliteConnection),
    Postgres(&'c mut PgConnection),
}

impl Ex<'_> {
    /// The same connection, lent again for one more statement.
    pub fn reborrow(&mut self) -> Ex<'_> {
        match self {
            Ex::Sqlite(conn) => Ex::Sqlite(conn),
            Ex::Postgres(conn) => Ex::Postgres(conn),
        }
    }
}

impl Conn {
    pub fn ex(&mut self) -> Ex<'_> {
        match self {
            Conn::Sqlite(conn) => Ex::Sqlite(conn),
            Conn::Postgres(conn) => Ex::Postgres(conn),
        }
    }
}

impl Tx {
    pub fn ex(&mut self) -> Ex<'_> {
        match self {
            Tx::Sqlite(tx) => Ex::Sqlite(tx),
            Tx::Postgres(tx) => Ex::Postgres(tx),
        }
    }

    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await,
            Tx::Postgres(tx) => tx.commit().await,
        }
    }
}

/// Runs `$body` with `$conn` bound to the connection of `$ex` (an [`Ex`]), whichever database.
macro_rules! on {
    ($ex:expr, $conn:ident => $body:expr) => {
        match $ex {
            $crate::server::db::Ex::Sqlite($conn) => $body,
            $crate::server::db::Ex::Postgres($conn) => $body,
        }
    };
}

pub(crate) use on;

/// Applies the SQLite migrations on a connection of their own with foreign keys off, as
/// SQLite's own procedure for rebuilding a table asks (dropping the old `todos` would
/// otherwise delete every attachment that refers to it), then checks every reference.
async fn migrate_sqlite(options: SqliteConnectOptions) -> anyhow::Result<()> {
    let mut conn = SqliteConnection::connect_with(&options.foreign_keys(false))
        .await
        .context("opening the SQLite database to migrate it")?;
    SQLITE_MIGRATIONS
        .run(&mut conn)
        .await
        .context("applying the SQLite migrations")?;
    let broken: Vec<(String, i64)> =
        sqlx::query_as("SELECT \"table\", rowid FROM pragma_foreign_key_check")
            .fetch_all(&mut conn)
            .await
            .context("checking references after migrating")?;
    if let Some((table, row)) = broken.first() {
        anyhow::bail!("after migrating, row {row} of {table} refers to a row that does not exist ({} such rows)", broken.len());
    }
    conn.close().await.ok();
    Ok(())
}

impl Db {
    /// Connects to `url` (`sqlite:…` or `postgres://…`) and applies the migrations.
    pub async fn connect(url: &str, timeouts: DbTimeouts) -> anyhow::Result<Self> {
        if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Self::connect_postgres(url, timeouts).await
        } else if url.starts_with("sqlite:") {
            Self::connect_sqlite(url, timeouts).await
        } else {
            anyhow::bail!("unsupported database URL: it must start with sqlite: or postgres://");
        }
    }

    /// The URL of the default SQLite file inside `data_dir`, creating the directory.
    pub fn default_sqlite_url(data_dir: &Path) -> anyhow::Result<String> {
        std::fs::create_dir_all(data_dir)
            .with_context(|| format!("creating the data directory {}", data_dir.display()))?;
        Ok(format!("sqlite://{}", data_dir.join("tick.db").display()))
    }

    async fn connect_sqlite(url: &str, timeouts: DbTimeouts) -> anyhow::Result<Self> {
        // A write lock held by another process (a backup, a tool) is waited for this long.
        let options = SqliteConnectOptions::from_str(url)
            .context("parsing the SQLite URL")?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(timeouts.acquire)
            .foreign_keys(true);
        // One writer: SQLite allows one write transaction at a time, so writes queue in
        // the pool instead of failing with "database is locked".
        // A local file cannot drop a connection the way a network can: skip the ping that
        // sqlx otherwise sends through each connection's worker thread on every acquire.
        // After some errors (a full disk, an I/O error) SQLite rolls a transaction back by
        // itself; sqlx's own rollback then fails and leaves the connection marked as inside a
        // transaction, where every later `begin` fails. Such a writer is replaced.
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .acquire_timeout(timeouts.acquire)
            .test_before_acquire(false)
            .before_acquire(|conn, _| {
                let stuck = conn.is_in_transaction();
                if stuck {
                    tracing::warn!(
                        "replacing the SQLite writer, left in a rolled-back transaction"
                    );
                }
                Box::pin(std::future::ready(Ok(!stuck)))
            })
            .connect_with(options.clone())
            .await
            .context("opening the SQLite database for writing")?;
        migrate_sqlite(options.clone()).await?;
        let readers = std::thread::available_parallelism().map_or(4, |n| n.get().max(4)) as u32;
        let read = SqlitePoolOptions::new()
            .max_connections(readers)
            .acquire_timeout(timeouts.acquire)
            .test_before_acquire(false)
            .connect_with(options.read_only(true))
            .await
            .context("opening the SQLite database for reading")?;
        Ok(Db::Sqlite { read, write })
    }

    async fn connect_postgres(url: &str, timeouts: DbTimeouts) -> anyhow::Result<Self> {
        // Timestamps come out in UTC, as on SQLite.
        let options = PgConnectOptions::from_str(url)
            .context("parsing the PostgreSQL URL")?
            .options([("TimeZone", "UTC")]);
        // Migrations may take longer than one request's statement is allowed: their own
        // connection, without the statement timeout. Several nodes starting at once take
        // turns (sqlx holds an advisory lock while migrating).
        let mut migrator = PgConnection::connect_with(&options)
            .await
            .context("connecting to PostgreSQL")?;
        POSTGRES_MIGRATIONS
            .run(&mut migrator)
            .await
            .context("applying the PostgreSQL migrations")?;
        migrator.close().await.ok();
        let statement_ms = timeouts.statement.as_millis().to_string();
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(timeouts.acquire)
            .connect_with(options.options([("statement_timeout", statement_ms.as_str())]))
            .await
            .context("connecting to PostgreSQL")?;
        Ok(Db::Postgres(pool))
    }

    /// A connection for reading.
    pub async fn reader(&self) -> Result<Conn, sqlx::Error> {
        match self {
            Db::Sqlite { read, .. } => read.acquire().await.map(Conn::Sqlite),
            Db::Postgres(pool) => pool.acquire().await.map(Conn::Postgres),
        }
    }

    /// A write transaction. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`),
    /// so it never fails halfway for want of it.
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        match self {
            Db::Sqlite { write, .. } => write.begin_with("BEGIN IMMEDIATE").await.map(Tx::Sqlite),
            Db::Postgres(pool) => pool.begin().await.map(Tx::Postgres),
        }
    }

    /// Whether reads and writes both work, for `/healthz`: SQLite takes and drops the write
    /// lock; PostgreSQL must be a primary (not a read-only standby).
    pub async fn check(&self) -> Result<(), sqlx::Error> {
        match self {
            Db::Sqlite { read, write } => {
                sqlx::query("SELECT 1").execute(read).await?;
                let mut tx = write.begin_with("BEGIN IMMEDIATE").await?;
                sqlx::query("SELECT 1").execute(&mut *tx).await?;
                tx.rollback().await
            }
            Db::Postgres(pool) => {
                let writable: bool = sqlx::query_scalar("SELECT NOT pg_is_in_recovery()")
                    .fetch_one(pool)
                    .await?;
                if writable {
                    Ok(())
                } else {
                    Err(sqlx::Error::Protocol(
                        "the database is a read-only standby".into(),
                    ))
                }
            }
        }
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

    /// Whether this is SQLite (for the few things that differ).
    pub fn is_sqlite(&self) -> bool {
        matches!(self, Db::Sqlite { .. })
    }
}

/// Whether `err` means the database cannot be reached or is too busy right now (so the answer
/// is 503 and a retry may work), rather than a fault in Tick.
pub fn is_unavailable(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => {
            // SQLite: busy or locked by another process. PostgreSQL: statement timeout,
            // shutting down, too many connections, cannot connect, read-only standby.
            matches!(
                db.code().as_deref(),
                Some("5" | "6" | "261" | "517" | "57014" | "57P01" | "57P02" | "57P03" | "53300")
                    | Some("08000" | "08001" | "08003" | "08004" | "08006" | "25006")
            )
        }
        _ => false,
    }
}

/// Whether `err` says the database's disk is full (SQLite `SQLITE_FULL`, PostgreSQL
/// `disk_full`): nothing was written, and nothing will be until space is freed.
pub fn is_out_of_space(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Database(db) => matches!(db.code().as_deref(), Some("13" | "53100")),
        sqlx::Error::Io(io) => crate::server::error::is_out_of_space(io),
        _ => false,
    }
}
