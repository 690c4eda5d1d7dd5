//! The one state every door reaches: axum handlers through `State<AppState>`, server functions
//! through Leptos's context, where the router provides it once per request.

use std::{ops::Deref, sync::Arc};

use axum::extract::FromRef;
use leptos::prelude::{use_context, LeptosOptions};
use tokio_util::sync::CancellationToken;

use crate::{
    error::AppError,
    server::{
        auth::{session, Auth, TrustedProxies},
        db::Db,
        events::ChangeFeed,
        page_cache::PageCache,
        row_cache::RowCache,
        services::attachments::{Collector, FileLimits},
        storage::Storage,
    },
};

/// Cheap to clone: one pointer.
#[derive(Clone)]
pub struct AppState(Arc<State>);

pub struct State {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub auth: Auth,
    pub sessions: session::Store,
    pub storage: Storage,
    pub file_limits: FileLimits,
    /// Wakes the collector that deletes the files of deleted attachments.
    pub collector: Collector,
    /// Rendered to-do pages; `None` when turned off.
    pub page_cache: Option<PageCache>,
    /// Rendered to-do rows, for pages rendered again; `None` when turned off.
    pub row_cache: Option<RowCache>,
    /// Where committed changes are published, and event streams subscribe.
    pub feed: Arc<dyn ChangeFeed>,
    pub settings: Settings,
    /// Cancelled when shutdown starts: long-lived responses (event streams) end.
    pub shutdown: CancellationToken,
}

/// Settings the doors need as they answer.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where Tick is reached (`--public-url`), for absolute URLs in the API.
    pub public_url: Option<String>,
    pub trusted_proxies: TrustedProxies,
    /// Served over HTTPS: `Strict-Transport-Security` on every response.
    pub https: bool,
}

impl AppState {
    pub fn new(state: State) -> Self {
        AppState(Arc::new(state))
    }

    /// The state, in a server function or while a page renders.
    pub fn from_context() -> Result<Self, AppError> {
        use_context::<AppState>().ok_or_else(|| {
            tracing::error!("no app state in the request context");
            AppError::Internal
        })
    }
}

impl Deref for AppState {
    type Target = State;

    fn deref(&self) -> &State {
        &self.0
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
