//! Where sessions live: the app's `sessions` table, in the layout tower-sessions' sqlx store
//! uses; every operation through the app's own connections, so that an unavailable database
//! is told apart from a fault.

use std::time::Duration;

use async_trait::async_trait;
use tower_sessions::{
    session::{Id, Record},
    session_store, SessionStore,
};

use crate::{error::AppError, server::db::Db};

/// Sessions in the database: loads on the read pool, writes in write transactions (on SQLite,
/// on the single writer), so that a database that is unavailable answers 503 like any other
/// request.
#[derive(Debug, Clone)]
pub struct Store {
    db: Db,
}

impl Store {
    pub fn new(db: &Db) -> Self {
        Store { db: db.clone() }
    }

    /// Deletes expired sessions every `period`, for as long as the server runs.
    pub fn spawn_cleanup(&self, period: Duration) {
        let store = self.clone();
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(period);
            loop {
                ticks.tick().await;
                if let Err(err) = store.delete_expired().await {
                    tracing::warn!(error = %err, "could not delete expired sessions");
                }
            }
        });
    }

    /// One statement on the `expiry_date` index. (tower-sessions' SQLite store compares
    /// `datetime(expiry_date)`, which reads every row.) Times are stored as sqlx encodes an
    /// `OffsetDateTime` in UTC, so comparing them as stored orders them, as `load` does.
    async fn delete_expired(&self) -> Result<(), sqlx::Error> {
        const SQL: &str = "DELETE FROM sessions WHERE expiry_date < $1";
        let mut tx = self.db.begin().await?;
        crate::server::db::on!(tx.ex(), conn => {
            sqlx::query(SQL)
                .bind(time::OffsetDateTime::now_utc())
                .execute(conn)
                .await
                .map(|_| ())
        })?;
        tx.commit().await
    }
}

#[async_trait]
impl SessionStore for Store {
    /// Inserts a new session's row; a taken id (all but impossible: 128 random bits) is drawn
    /// again.
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        const SQL: &str = "INSERT INTO sessions (id, data, expiry_date) VALUES ($1, $2, $3) \
                           ON CONFLICT (id) DO NOTHING";
        let data = encode(record)?;
        let mut tx = self.db.begin().await.map_err(backend)?;
        loop {
            let inserted = crate::server::db::on!(tx.ex(), conn => {
                sqlx::query(SQL)
                    .bind(record.id.to_string())
                    .bind(&data)
                    .bind(record.expiry_date)
                    .execute(conn)
                    .await
                    .map(|done| done.rows_affected())
            })
            .map_err(backend)?;
            if inserted == 1 {
                break;
            }
            record.id = Id::default();
        }
        tx.commit().await.map_err(backend)
    }

    /// Updates an existing session's row, never creating one: a request still in flight
    /// when its session was ended (log-out, password change) must not bring it back. New
    /// sessions (and new ids) come through `create`, so what comes here is only the push of
    /// an active session's idle expiry, after its request was served: when the database
    /// cannot take the write right now (another process holds SQLite's write lock, or its
    /// disk is full), the push is left to a later request instead of failing this one.
    async fn save(&self, record: &Record) -> session_store::Result<()> {
        const SQL: &str = "UPDATE sessions SET data = $2, expiry_date = $3 WHERE id = $1";
        let data = encode(record)?;
        let updated = async {
            let mut tx = self.db.begin().await?;
            crate::server::db::on!(tx.ex(), conn => {
                sqlx::query(SQL)
                    .bind(record.id.to_string())
                    .bind(data)
                    .bind(record.expiry_date)
                    .execute(conn)
                    .await
                    .map(|_| ())
            })?;
            tx.commit().await
        };
        match updated.await {
            Err(err)
                if crate::server::db::is_unavailable(&err)
                    || crate::server::db::is_out_of_space(&err) =>
            {
                tracing::warn!(error = %err, "a session's expiry could not be pushed back yet");
                Ok(())
            }
            other => other.map_err(backend),
        }
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        const SQL: &str = "SELECT data FROM sessions WHERE id = $1 AND expiry_date > $2";
        let mut conn = self.db.reader().await.map_err(backend)?;
        let data: Option<Vec<u8>> = crate::server::db::on!(conn.ex(), conn => {
            sqlx::query_scalar(SQL)
                .bind(id.to_string())
                .bind(time::OffsetDateTime::now_utc())
                .fetch_optional(conn)
                .await
        })
        .map_err(backend)?;
        data.map(|data| {
            rmp_serde::from_slice(&data)
                .map_err(|err| session_store::Error::Decode(err.to_string()))
        })
        .transpose()
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        const SQL: &str = "DELETE FROM sessions WHERE id = $1";
        let mut tx = self.db.begin().await.map_err(backend)?;
        crate::server::db::on!(tx.ex(), conn => {
            sqlx::query(SQL).bind(id.to_string()).execute(conn).await.map(|_| ())
        })
        .map_err(backend)?;
        tx.commit().await.map_err(backend)
    }
}

fn encode(record: &Record) -> session_store::Result<Vec<u8>> {
    rmp_serde::to_vec(record).map_err(|err| session_store::Error::Encode(err.to_string()))
}

/// What a failed session operation says when the database is unreachable (see [`error`]).
const UNAVAILABLE: &str = "the database is unavailable";

fn backend(err: sqlx::Error) -> session_store::Error {
    if crate::server::db::is_unavailable(&err) {
        session_store::Error::Backend(UNAVAILABLE.to_owned())
    } else {
        session_store::Error::Backend(err.to_string())
    }
}

/// A session failure as the client sees it: 503 when the database is unreachable (so the
/// client may retry), 500 otherwise; the cause goes to the log.
pub fn error(err: tower_sessions::session::Error) -> AppError {
    match &err {
        tower_sessions::session::Error::Store(session_store::Error::Backend(message))
            if message == UNAVAILABLE =>
        {
            tracing::warn!("sessions: the database is unavailable");
            AppError::Unavailable
        }
        _ => AppError::internal(err),
    }
}
