//! The change feed over PostgreSQL: a change is published with `pg_notify` (its payload is ids
//! and versions, never rows) and every Tick process on the database LISTENs, delivering to its
//! own streams. The listener has a connection of its own; when it is lost, the listener
//! reconnects by itself and tells every stream to resync, since notifications sent meanwhile
//! are gone.

use std::{sync::Arc, time::Duration};

use async_trait::async_trait;
use sqlx::{
    postgres::{PgListener, PgPoolOptions},
    PgPool,
};

use tower_sessions::session::Id;

use crate::domain::UserId;

use super::{Change, ChangeFeed, Hub, Subscription};

/// The notification channel.
const CHANNEL: &str = "tick_changes";
/// How the listener's connection shows in `pg_stat_activity`.
pub const LISTENER_NAME: &str = "tick-listener";
/// Between attempts to reconnect a lost listener.
const RETRY: Duration = Duration::from_secs(1);

pub struct PostgresFeed {
    hub: Arc<Hub>,
    pool: PgPool,
    listener_pool: PgPool,
}

impl PostgresFeed {
    /// Starts listening on a connection of its own (the same server and settings as `pool`).
    pub async fn start(pool: PgPool, hub: Arc<Hub>) -> anyhow::Result<Self> {
        let options = (*pool.connect_options())
            .clone()
            .application_name(LISTENER_NAME);
        // No acquire timeout: the listener waits out an outage and carries on.
        let listener_pool = PgPoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(10))
            .max_lifetime(None)
            .idle_timeout(None)
            .connect_lazy_with(options);
        let listener = listen(&listener_pool).await?;
        tokio::spawn(run(listener, listener_pool.clone(), hub.clone()));
        Ok(PostgresFeed {
            hub,
            pool,
            listener_pool,
        })
    }
}

async fn listen(pool: &PgPool) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}

/// Delivers notifications until the pool closes (shutdown); resyncs after every reconnection.
async fn run(mut listener: PgListener, pool: PgPool, hub: Arc<Hub>) {
    loop {
        match listener.try_recv().await {
            Ok(Some(notification)) => {
                match serde_json::from_str::<Change>(notification.payload()) {
                    Ok(change) => hub.deliver(change),
                    Err(err) => tracing::warn!(error = %err, "an unreadable change notification"),
                }
            }
            // Lost and already reconnected: whatever was sent in between is gone.
            Ok(None) => {
                tracing::warn!("the change listener's connection was lost; streams resync");
                hub.resync_all();
            }
            Err(sqlx::Error::PoolClosed) => return,
            Err(err) => {
                tracing::warn!(error = %err, "the change listener cannot reach the database");
                listener = loop {
                    tokio::time::sleep(RETRY).await;
                    if pool.is_closed() {
                        return;
                    }
                    match listen(&pool).await {
                        Ok(listener) => break listener,
                        Err(err) => tracing::debug!(error = %err, "the change listener retries"),
                    }
                };
                tracing::info!("the change listener is back; streams resync");
                hub.resync_all();
            }
        }
    }
}

#[async_trait]
impl ChangeFeed for PostgresFeed {
    async fn publish(&self, change: Change) {
        let payload = match serde_json::to_string(&change) {
            Ok(payload) => payload,
            Err(err) => {
                tracing::error!(error = %err, "cannot encode a change");
                return;
            }
        };
        // Committed already: a lost notification only means streams catch up at the next one.
        if let Err(err) = sqlx::query("SELECT pg_notify($1, $2)")
            .bind(CHANNEL)
            .bind(payload)
            .execute(&self.pool)
            .await
        {
            tracing::warn!(error = %err, list_id = change.list.0, "could not publish a change");
        }
    }

    fn subscribe(&self, user: UserId) -> Option<Subscription> {
        self.hub.subscribe(user)
    }

    fn end_streams(&self, user: UserId, session: Option<Id>) {
        self.hub.end(user, session);
    }

    async fn close(&self) {
        self.listener_pool.close().await;
    }
}
