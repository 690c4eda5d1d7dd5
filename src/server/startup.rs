//! Builds the application from its settings (database, storage, auth, change feed, the one
//! state, the router), binds its address, and serves until shutdown.

use std::{future::Future, net::SocketAddr, path::Path, sync::Arc, time::Duration};

use anyhow::Context as _;
use axum::Router;
use leptos::prelude::LeptosOptions;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::server::{
    auth::{
        session::{SessionSettings, Store},
        Auth, Counts, Hasher, LoginThrottle, SignUpThrottle, ThrottleLimits,
    },
    config::Config,
    db::{Db, DbTimeouts},
    events::{ChangeFeed, Hub, LocalFeed, PostgresFeed},
    page_cache::PageCache,
    router::{self, Timeouts},
    row_cache::RowCache,
    serve::{self, ServeSettings},
    services::attachments::{collector, FileLimits},
    state::{AppState, Settings, State},
    storage::Storage,
};

/// How often expired sessions are swept from the database.
const SESSION_SWEEP_PERIOD: Duration = Duration::from_secs(60 * 60);

/// A bound listener and the router it will serve.
pub struct Application {
    listener: TcpListener,
    router: Router,
    state: AppState,
    serve: ServeSettings,
}

impl Application {
    /// Connects the database, applies migrations and binds `config.addr` (port 0 picks a free port).
    pub async fn build(config: &Config) -> anyhow::Result<Self> {
        Self::build_with(config, Router::new()).await
    }

    /// [`Application::build`], with `extra` routes served behind the same layers as the pages
    /// (for tests that need a route the app does not have).
    pub async fn build_with(config: &Config, extra: Router<AppState>) -> anyhow::Result<Self> {
        let url = config.database_url()?;
        let timeouts = DbTimeouts {
            acquire: config.db_acquire_timeout.0,
            statement: config.db_statement_timeout.0,
        };
        let db = Db::connect(&url, timeouts).await?;
        let listener = TcpListener::bind(config.addr)
            .await
            .with_context(|| format!("binding {}", config.addr))?;
        let addr = listener.local_addr()?;
        let auth = Auth {
            hasher: Hasher::new(config.hash_queue).await?,
            throttle: LoginThrottle::new(
                ThrottleLimits {
                    per_client: config.login_failures_per_user,
                    per_username: config.login_ceiling_per_user,
                    per_network: config.login_failures_per_address,
                    window: config.login_window.0,
                },
                Counts::for_database(&db),
            ),
            sign_ups: SignUpThrottle::new(config.signups_per_address, Counts::for_database(&db)),
            sessions: SessionSettings {
                idle: config.session_idle.0,
                max_age: config.session_max_age.0,
                secure_cookie: config.https(),
            },
        };
        let storage = Storage::open(&config.storage_url()?, &config.s3)
            .await
            .context("opening the attachment storage")?;
        if let Err(err) = collector::sweep(&db, &storage).await {
            tracing::warn!(error = format!("{err:#}"), "could not sweep the file store");
        }
        let hub = Hub::new(config.max_streams_per_user);
        let feed: Arc<dyn ChangeFeed> = match &db {
            Db::Sqlite { .. } => Arc::new(LocalFeed::new(hub)),
            Db::Postgres(pool) => Arc::new(
                PostgresFeed::start(pool.clone(), hub)
                    .await
                    .context("listening for changes on PostgreSQL")?,
            ),
        };
        let sessions = Store::new(&db);
        sessions.spawn_cleanup(SESSION_SWEEP_PERIOD);
        let state = AppState::new(State {
            leptos_options: leptos_options(&config.site_root, addr),
            collector: collector::spawn(db.clone(), storage.clone()),
            db,
            auth,
            sessions: sessions.clone(),
            storage,
            file_limits: FileLimits {
                max_file_bytes: config.max_file_size.0,
                user_quota_bytes: config.user_quota.0,
                max_files_per_upload: config.max_files_per_upload,
            },
            page_cache: (!config.no_page_cache).then(|| {
                PageCache::new(usize::try_from(config.page_cache_size.0).unwrap_or(usize::MAX))
            }),
            row_cache: (!config.no_row_cache).then(|| {
                RowCache::new(usize::try_from(config.row_cache_size.0).unwrap_or(usize::MAX))
            }),
            feed,
            settings: Settings {
                public_url: config.public_url.clone(),
                trusted_proxies: config.trusted_proxies.clone(),
                https: config.https(),
            },
            shutdown: CancellationToken::new(),
        });
        let timeouts = Timeouts {
            request: config.request_timeout.0,
            upload_idle: config.upload_idle_timeout.0,
        };
        let router = router::build(state.clone(), sessions, timeouts, extra);
        Ok(Self {
            listener,
            router,
            state,
            serve: ServeSettings {
                header_read_timeout: config.header_read_timeout.0,
                keep_alive_timeout: config.keep_alive_timeout.0,
                max_connections: config.max_connections,
                shutdown_timeout: config.shutdown_timeout.0,
            },
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    /// The state the app serves with (for tests that look inside).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until Ctrl-C or SIGTERM, then drains requests in flight and closes the database.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.run_until(shutdown_signal()).await
    }

    /// Serves until `shutdown` completes.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        tracing::info!(address = %self.local_addr(), "Tick is listening");
        let state = self.state.clone();
        let stopping = async move {
            shutdown.await;
            tracing::info!("shutting down: finishing requests in flight");
            // Event streams never finish by themselves: end them now.
            state.shutdown.cancel();
        };
        let served = serve::serve(self.listener, self.router, self.serve, stopping).await;
        self.state.feed.close().await;
        self.state.db.close().await;
        tracing::info!("Tick has stopped");
        served
    }
}

fn leptos_options(site_root: &Path, addr: SocketAddr) -> LeptosOptions {
    // cargo-leptos writes the asset hashes beside the server binary when `hash-files` is on.
    let hash_file_exists = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("hash.txt").exists()))
        .unwrap_or(false);
    LeptosOptions::builder()
        .output_name("tick")
        .site_root(site_root.to_string_lossy().as_ref())
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .hash_files(hash_file_exists)
        .build()
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %err, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(err) => {
                tracing::error!(error = %err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
