//! The router: every route (pages, server functions, the API, attachments, the event stream,
//! health, static files) and the layers around them, outermost first: request log, panic
//! catcher, compression, security headers, cross-site refusal, the client's address; then, for
//! everything but health and static files, the session, the signed-in user and the page cache.

use std::{any::Any, path::Path, sync::OnceLock, time::Duration};

use axum::{
    body::Body,
    extract::{Request, State},
    http::{header, HeaderValue, StatusCode},
    middleware::{self, Next},
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use tower_http::{
    catch_panic::CatchPanicLayer,
    compression::CompressionLayer,
    limit::RequestBodyLimitLayer,
    services::ServeDir,
    set_header::{SetResponseHeader, SetResponseHeaderLayer},
    timeout::TimeoutBody,
    timeout::TimeoutLayer,
    trace::TraceLayer,
};
use tracing::Span;

use crate::{
    app::{shell, App},
    error::AppError,
    server::{
        api, attachments,
        auth::{self, session},
        events, forms, page_cache, security,
        state::AppState,
    },
};

/// Requests carry small forms; anything bigger is refused with 413.
const BODY_LIMIT: usize = 64 * 1024;
/// The longest a server function's error body can be for us to read its status from it.
const ERROR_BODY_LIMIT: usize = 16 * 1024;
/// `/healthz` answers within this, whatever the database does.
const HEALTH_TIMEOUT: Duration = Duration::from_millis(1500);

/// How long requests may take.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    /// Pages, forms, API calls: the whole request.
    pub request: Duration,
    /// Uploads: the longest pause in the body.
    pub upload_idle: Duration,
}

/// The app's routes, generated once per process. Generating them stops resources from loading
/// in the whole process for a moment (leptos-rs/leptos#4773): a page that another server in the
/// same process (as in the tests) renders just then would never finish.
fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// Every route and layer. `extra` routes (tests) get the same layers as the pages.
pub fn build(
    state: AppState,
    sessions: session::Store,
    timeouts: Timeouts,
    extra: Router<AppState>,
) -> Router {
    let options = state.leptos_options.clone();
    // The one state, provided to Leptos once per request: server functions and pages reach it
    // with `AppState::from_context()`; the row cache too, for the to-do rows a page renders.
    let context = {
        let state = state.clone();
        move || {
            provide_context(state.clone());
            if let Some(rows) = &state.row_cache {
                provide_context(rows.clone());
            }
        }
    };

    // Pages, server functions, the API, downloads and the event stream: small bodies, and a
    // bound on the whole request (a stream's or a download's body is not part of it).
    let ordinary = Router::new()
        .leptos_routes_with_context(&state, route_list(), context.clone(), {
            let options = options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, shell))
        .merge(extra)
        .with_state(state.clone())
        .nest("/api/v1", api::router(state.clone()))
        .merge(api::attachments_router(state.clone()))
        .merge(attachments::download_router(state.clone()))
        .merge(events::stream::router(state.clone()))
        .layer(middleware::map_response(tidy_server_fn_response))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeouts.request,
        ));
    // Uploads have limits of their own, and may take long as long as they keep moving.
    let uploads = attachments::upload_router(state.clone())
        .merge(api::attachments_upload_router(state.clone()))
        .layer(middleware::from_fn_with_state(
            timeouts.upload_idle,
            upload_idle_timeout,
        ))
        .layer(middleware::map_response(close_after_refused_upload));
    let with_session = ordinary
        .merge(uploads)
        // Knows the user (and their list's version) from the layer outside it.
        .layer(middleware::from_fn_with_state(
            state.clone(),
            page_cache::serve,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            session::resolve_user,
        ))
        .layer(session::layer(sessions, state.auth.sessions));

    Router::new()
        .route("/healthz", get(healthz))
        .nest_service("/pkg", static_files(&options))
        .with_state(state.clone())
        .merge(with_session)
        .layer(middleware::from_fn(api::json_payload_too_large))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::client::resolve,
        ))
        .layer(middleware::from_fn_with_state(
            state.settings.https,
            security::security_headers,
        ))
        .layer(middleware::from_fn(security::refuse_cross_site))
        .layer(CompressionLayer::new())
        .layer(CatchPanicLayer::custom(answer_panic))
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

/// The hashed files under `/pkg`, cached for good when their names carry hashes.
fn static_files(options: &LeptosOptions) -> SetResponseHeader<ServeDir, HeaderValue> {
    let pkg_dir = Path::new(&*options.site_root).join(&*options.site_pkg_dir);
    let cache = if options.hash_files {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    tower::ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static(cache),
        ))
        .service(
            ServeDir::new(pkg_dir)
                .precompressed_gzip()
                .precompressed_br(),
        )
}

/// A panic in a handler: the client gets the generic 500, the log gets the panic, and the
/// server carries on.
fn answer_panic(panic: Box<dyn Any + Send + 'static>) -> Response {
    let message = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    tracing::error!(panic = message, "a request panicked");
    AppError::Internal.into_response()
}

/// An upload body that sends nothing for `idle` ends with an error (and the upload with it).
async fn upload_idle_timeout(
    State(idle): State<Duration>,
    request: Request,
    next: Next,
) -> Response {
    next.run(request.map(|body| Body::new(TimeoutBody::new(idle, body))))
        .await
}

/// A refused upload is mostly answered before its body is read, and the connection cannot
/// carry another request after it: hyper closes it once the answer is out. Say so in the
/// answer, or a client sends its next request on that connection and it fails.
async fn close_after_refused_upload(mut response: Response) -> Response {
    if response.status().is_client_error() || response.status().is_server_error() {
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

/// 200 when the database reads and writes, 503 otherwise, always within [`HEALTH_TIMEOUT`].
async fn healthz(State(state): State<AppState>) -> Response {
    match tokio::time::timeout(HEALTH_TIMEOUT, state.db.check()).await {
        Ok(Ok(())) => (StatusCode::OK, "ok").into_response(),
        outcome => {
            match outcome {
                Ok(Err(err)) => tracing::warn!(error = %err, "health check: the database fails"),
                _ => tracing::warn!("health check: the database did not answer in time"),
            }
            let mut response =
                (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response();
            AppError::Unavailable.add_headers(response.headers_mut());
            response
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
