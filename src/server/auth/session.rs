//! Server-side sessions (tower-sessions, stored in the app's database) and who is signed in.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use axum::{
    extract::{Request, State},
    middleware::Next,
    response::{IntoResponse, Response},
};
use serde::{Deserialize, Serialize};
use tower_sessions::{
    cookie::SameSite,
    session::{Id, Record},
    session_store::{self, ExpiredDeletion},
    Expiry, Session, SessionManagerLayer, SessionStore,
};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

use crate::{
    domain::UserId,
    error::AppError,
    server::{
        db::{users, Db},
        startup::AppState,
    },
};

/// The session cookie's name.
pub const COOKIE: &str = "tick_session";
/// The key under which a session holds its [`SignedIn`] record.
const SIGNED_IN: &str = "signed_in";

/// How long sessions last, and whether the cookie is `Secure`.
#[derive(Debug, Clone, Copy)]
pub struct SessionSettings {
    /// A session ends after this long without a request.
    pub idle: Duration,
    /// A session ends this long after log-in, however active.
    pub max_age: Duration,
    /// Mark the cookie `Secure` (only sent over HTTPS).
    pub secure_cookie: bool,
}

/// What a signed-in session stores. Times are Unix seconds.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct SignedIn {
    user_id: i64,
    /// The user's `session_generation` at log-in: a password change bumps it, ending the session.
    generation: i64,
    signed_in_at: u64,
    /// When the session's expiry was last pushed back.
    refreshed_at: u64,
}

/// The signed-in user of this request, put in the request's extensions by [`resolve_user`].
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: UserId,
    pub username: String,
    /// See [`users::SessionUser::list_version`]: read with the user on every request.
    pub list_version: i64,
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Sessions in the database. On SQLite, loads use the read pool and writes the single writer.
#[derive(Debug, Clone)]
pub enum Store {
    Sqlite {
        read: SqliteStore,
        write: SqliteStore,
    },
    Postgres(PostgresStore),
}

impl Store {
    pub fn new(db: &Db) -> Self {
        const TABLE: &str = "sessions";
        match db {
            Db::Sqlite { read, write } => Store::Sqlite {
                read: SqliteStore::new(read.clone())
                    .with_table_name(TABLE)
                    .expect("a plain table name"),
                write: SqliteStore::new(write.clone())
                    .with_table_name(TABLE)
                    .expect("a plain table name"),
            },
            Db::Postgres(pool) => Store::Postgres(
                PostgresStore::new(pool.clone())
                    .with_schema_name("public")
                    .and_then(|store| store.with_table_name(TABLE))
                    .expect("plain schema and table names"),
            ),
        }
    }

    fn writer(&self) -> &dyn SessionStore {
        match self {
            Store::Sqlite { write, .. } => write,
            Store::Postgres(store) => store,
        }
    }

    /// Deletes expired sessions every `period`, for as long as the server runs.
    pub fn spawn_cleanup(&self, period: Duration) {
        let store = self.clone();
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(period);
            loop {
                ticks.tick().await;
                let swept = match &store {
                    Store::Sqlite { write, .. } => write.delete_expired().await,
                    Store::Postgres(store) => store.delete_expired().await,
                };
                if let Err(err) = swept {
                    tracing::warn!(error = %err, "could not delete expired sessions");
                }
            }
        });
    }
}

#[async_trait]
impl SessionStore for Store {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        self.writer().create(record).await
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        self.writer().save(record).await
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        match self {
            Store::Sqlite { read, .. } => read.load(id).await,
            Store::Postgres(store) => store.load(id).await,
        }
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.writer().delete(id).await
    }
}

/// The layer that reads the session cookie. Sessions are saved only once something is put in
/// them, so anonymous page views create no rows.
pub fn layer(store: Store, settings: SessionSettings) -> SessionManagerLayer<Store> {
    let idle = time::Duration::try_from(settings.idle).unwrap_or(time::Duration::MAX);
    SessionManagerLayer::new(store)
        .with_name(COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_path("/")
        .with_secure(settings.secure_cookie)
        .with_expiry(Expiry::OnInactivity(idle))
}

/// Puts the signed-in user, if any, in the request's extensions. Ends sessions that are past
/// their maximum age or whose user changed password or no longer exists, and pushes back the
/// idle expiry of active sessions (at most once a minute, to keep writes rare).
pub async fn resolve_user(
    State(state): State<AppState>,
    session: Session,
    mut request: Request,
    next: Next,
) -> Response {
    match current_user(&state, &session).await {
        Ok(Some(user)) => {
            request.extensions_mut().insert(user);
        }
        Ok(None) => {}
        Err(err) => return err.into_response(),
    }
    next.run(request).await
}

async fn current_user(
    state: &AppState,
    session: &Session,
) -> Result<Option<CurrentUser>, AppError> {
    let Some(mut signed_in) = session
        .get::<SignedIn>(SIGNED_IN)
        .await
        .map_err(AppError::internal)?
    else {
        return Ok(None);
    };
    let settings = state.auth.sessions;
    let now = now_secs();
    if now
        >= signed_in
            .signed_in_at
            .saturating_add(settings.max_age.as_secs())
    {
        session.flush().await.map_err(AppError::internal)?;
        return Ok(None);
    }
    let user = users::by_id(&state.db, UserId(signed_in.user_id)).await?;
    let Some(user) = user.filter(|user| user.session_generation == signed_in.generation) else {
        session.flush().await.map_err(AppError::internal)?;
        return Ok(None);
    };
    let refresh_every = (settings.idle.as_secs() / 10).clamp(1, 60);
    if now >= signed_in.refreshed_at + refresh_every {
        signed_in.refreshed_at = now;
        session
            .insert(SIGNED_IN, signed_in)
            .await
            .map_err(AppError::internal)?;
    }
    Ok(Some(CurrentUser {
        id: UserId(user.id),
        username: user.username,
        list_version: user.list_version,
    }))
}

/// Signs `user` in on a fresh session id (the old id, if any, stops working).
pub async fn sign_in(session: &Session, user: &users::SessionUser) -> Result<(), AppError> {
    session.cycle_id().await.map_err(AppError::internal)?;
    let now = now_secs();
    let signed_in = SignedIn {
        user_id: user.id,
        generation: user.session_generation,
        signed_in_at: now,
        refreshed_at: now,
    };
    session
        .insert(SIGNED_IN, signed_in)
        .await
        .map_err(AppError::internal)
}

/// After a password change: this session stays signed in under the new generation, on a new id.
pub async fn renew(session: &Session, generation: i64) -> Result<(), AppError> {
    let mut signed_in = session
        .get::<SignedIn>(SIGNED_IN)
        .await
        .map_err(AppError::internal)?
        .ok_or(AppError::Unauthorized)?;
    signed_in.generation = generation;
    session.cycle_id().await.map_err(AppError::internal)?;
    session
        .insert(SIGNED_IN, signed_in)
        .await
        .map_err(AppError::internal)
}

/// Ends the session: its row is deleted and the cookie removed.
pub async fn sign_out(session: &Session) -> Result<(), AppError> {
    session.flush().await.map_err(AppError::internal)
}
