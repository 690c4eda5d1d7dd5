//! Builds the application: state, router (pages, server functions, static files), layers, shutdown.

use std::{
    future::Future,
    net::SocketAddr,
    path::Path,
    sync::{Arc, OnceLock},
    time::Duration,
};

use anyhow::Context as _;
use axum::{
    body::Body,
    extract::{FromRef, Request, State},
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    serve::ListenerExt,
    Router,
};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use tokio::net::TcpListener;
use tower_http::{
    compression::CompressionLayer, limit::RequestBodyLimitLayer, services::ServeDir,
    set_header::SetResponseHeaderLayer, trace::TraceLayer,
};
use tracing::Span;

use crate::{
    app::{shell, App},
    error::AppError,
    server::{
        api,
        attachments::{self, FileLimits},
        auth::{
            self,
            session::{self, SessionSettings, Store},
            Auth, Hasher, LoginThrottle, ThrottleLimits,
        },
        config::Config,
        db::Db,
        forms,
        page_cache::{self, PageCache},
        security,
        storage::{LocalStorage, Storage},
    },
};

/// Requests carry small forms; anything bigger is refused with 413.
const BODY_LIMIT: usize = 64 * 1024;
/// The longest a server function's error body can be for us to read its status from it.
const ERROR_BODY_LIMIT: usize = 16 * 1024;

/// How often expired sessions are swept from the database.
const SESSION_SWEEP_PERIOD: Duration = Duration::from_secs(60 * 60);

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub auth: Auth,
    /// See `Config::public_url`.
    pub public_url: Option<String>,
    pub storage: Arc<dyn Storage>,
    pub file_limits: FileLimits,
    /// Wakes the collector that deletes the files of deleted attachments.
    pub collector: Collector,
    /// Rendered to-do pages; `None` when turned off.
    pub page_cache: Option<Arc<PageCache>>,
}

/// A handle to wake the file collector after deleting rows.
#[derive(Clone)]
pub struct Collector(pub Arc<tokio::sync::Notify>);

impl Collector {
    pub fn wake(&self) {
        self.0.notify_one();
    }

    /// After a server function deleted to-dos, attachments or an account.
    pub fn wake_from_context() {
        if let Some(collector) = use_context::<Collector>() {
            collector.wake();
        }
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// A bound listener and the router it will serve.
pub struct Application {
    listener: TcpListener,
    router: Router,
    db: Db,
}

impl Application {
    /// Connects the database, applies migrations and binds `config.addr` (port 0 picks a free port).
    pub async fn build(config: &Config) -> anyhow::Result<Self> {
        let url = config.database_url()?;
        let db = Db::connect(&url).await?;
        let listener = TcpListener::bind(config.addr)
            .await
            .with_context(|| format!("binding {}", config.addr))?;
        let addr = listener.local_addr()?;
        let leptos_options = leptos_options(&config.site_root, addr);
        let auth = Auth {
            hasher: Hasher::new().await?,
            throttle: LoginThrottle::new(ThrottleLimits {
                per_username: config.login_failures_per_user,
                per_address: config.login_failures_per_address,
                window: config.login_window.0,
            }),
            sessions: SessionSettings {
                idle: config.session_idle.0,
                max_age: config.session_max_age.0,
                secure_cookie: config.secure_cookie,
            },
        };
        let storage = LocalStorage::open(&config.data_dir.join("attachments"))
            .await
            .context("opening the attachment storage")?;
        attachments::recover(&db, &storage)
            .await
            .context("cleaning the attachment storage")?;
        let storage: Arc<dyn Storage> = Arc::new(storage);
        let collector = Collector(attachments::spawn_collector(db.clone(), storage.clone()));
        let sessions = Store::new(&db);
        sessions.spawn_cleanup(SESSION_SWEEP_PERIOD);
        let router = router(
            AppState {
                leptos_options,
                db: db.clone(),
                auth,
                public_url: config.public_url.clone(),
                storage,
                file_limits: FileLimits {
                    max_file_bytes: config.max_file_size.0,
                    user_quota_bytes: config.user_quota.0,
                    max_files_per_upload: config.max_files_per_upload,
                },
                collector,
                page_cache: (!config.no_page_cache).then(|| {
                    let budget = usize::try_from(config.page_cache_size.0).unwrap_or(usize::MAX);
                    Arc::new(PageCache::new(budget))
                }),
            },
            sessions,
        );
        Ok(Self {
            listener,
            router,
            db,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    /// Serves until Ctrl-C or SIGTERM, then finishes in-flight requests and closes the database.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.run_until(shutdown_signal()).await
    }

    /// Serves until `shutdown` completes.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        tracing::info!(address = %self.local_addr(), "Tick is listening");
        // Streamed pages go out in several writes: without TCP_NODELAY, Nagle's algorithm
        // holds the later ones until the client's delayed ACK, some 40 ms per response.
        let listener = self.listener.tap_io(|tcp| {
            if let Err(err) = tcp.set_nodelay(true) {
                tracing::warn!(error = %err, "cannot set TCP_NODELAY");
            }
        });
        // The peer address feeds the per-address log-in throttle.
        let service = self
            .router
            .into_make_service_with_connect_info::<SocketAddr>();
        let served = axum::serve(listener, service)
            .with_graceful_shutdown(shutdown)
            .await;
        self.db.close().await;
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

/// The app's routes, generated once per process. Generating them stops resources from loading
/// in the whole process for a moment (leptos-rs/leptos#4773): a page that another server in the
/// same process (as in the tests) renders just then would never finish.
fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

fn router(state: AppState, sessions: Store) -> Router {
    let routes = route_list();
    let context = {
        let (db, auth, collector) = (
            state.db.clone(),
            state.auth.clone(),
            state.collector.clone(),
        );
        move || {
            provide_context(db.clone());
            provide_context(auth.clone());
            provide_context(collector.clone());
        }
    };
    let options = state.leptos_options.clone();
    let pkg_dir = Path::new(&*options.site_root).join(&*options.site_pkg_dir);
    let pkg_cache = if options.hash_files {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };

    // Pages and server functions: these know who is signed in.
    let pages = Router::new()
        // Also mounts every server function, with the same context.
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, shell))
        .with_state(state.clone())
        .nest("/api/v1", api::router(state.clone()))
        .layer(axum::middleware::map_response(tidy_server_fn_response))
        // Forms and JSON are small: anything bigger is refused with 413.
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        // Uploads have limits of their own.
        .merge(attachments::router(state.clone()))
        .merge(api::attachments_router(
            state.clone(),
            state.file_limits.request_limit(),
        ))
        // Knows the user (and their list's version) from the layer outside it.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            page_cache::serve,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::session::resolve_user,
        ))
        .layer(session::layer(sessions, state.auth.sessions));

    // Health and hashed assets: no session work.
    Router::new()
        .route("/healthz", get(healthz))
        .nest_service(
            "/pkg",
            tower::ServiceBuilder::new()
                .layer(SetResponseHeaderLayer::overriding(
                    header::CACHE_CONTROL,
                    HeaderValue::from_static(pkg_cache),
                ))
                .service(ServeDir::new(pkg_dir).precompressed_gzip().precompressed_br()),
        )
        .with_state(state)
        .merge(pages)
        .layer(axum::middleware::from_fn(api::json_payload_too_large))
        .layer(axum::middleware::from_fn(security::security_headers))
        .layer(axum::middleware::from_fn(security::refuse_cross_site))
        .layer(CompressionLayer::new())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request<Body>| {
                    tracing::info_span!("request", method = %req.method(), path = %req.uri().path())
                })
                .on_request(())
                .on_response(|res: &Response, latency: Duration, _span: &Span| {
                    tracing::info!(
                        status = res.status().as_u16(),
                        micros = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX),
                        "served"
                    );
                })
                .on_failure(()),
        )
}

/// 200 when the database answers, 503 when it does not.
async fn healthz(State(state): State<AppState>) -> Response {
    match state.db.ping().await {
        Ok(()) => (StatusCode::OK, "ok").into_response(),
        Err(err) => {
            tracing::error!(error = %err, "health check: the database does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

/// Server functions answer every error with 500: give each its real status (400, 404, …).
/// Plain form posts get redirects back to their page; tidy their address (`tidy_form_redirect`).
/// A page that redirects (signed-out visitor, say) is a real 302 for every client, not only
/// for those that ask for HTML.
async fn tidy_server_fn_response(mut response: Response) -> Response {
    if let Some(location) = response.headers().get(header::LOCATION) {
        if let Some(tidy) = location
            .to_str()
            .ok()
            .map(forms::tidy_form_redirect)
            .and_then(|tidy| HeaderValue::from_str(&tidy).ok())
        {
            response.headers_mut().insert(header::LOCATION, tidy);
        }
        // Leptos makes it a 302 only when the request asked for HTML; the hydrated app's own
        // calls get JSON (and a `serverfnredirect` header) and must stay 200.
        let is_page = response
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|ct| ct.as_bytes().starts_with(b"text/html"));
        if is_page && response.status().is_success() {
            *response.status_mut() = StatusCode::FOUND;
            response.headers_mut().remove("serverfnredirect");
        }
    }
    let is_fn_error = response.status() == StatusCode::INTERNAL_SERVER_ERROR
        && response.headers().contains_key("serverfnerror");
    if !is_fn_error {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, ERROR_BODY_LIMIT).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response();
    };
    if let Ok(err) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = err.http_status();
        err.add_headers(&mut parts.headers);
    }
    Response::from_parts(parts, Body::from(bytes))
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
    tracing::info!("shutting down: finishing requests in flight");
}
