//! Everything that runs only on the server: settings, start-up and serving, the one state, the
//! doors (API, attachment routes, event stream, form handling), the services behind them, the
//! database, storage, accounts and security.

pub mod api;
pub mod attachments;
pub mod auth;
pub mod backup;
pub mod config;
pub mod db;
pub mod error;
pub mod events;
pub mod forms;
pub mod hex;
pub mod kept;
pub mod page_cache;
pub mod refusals;
pub mod router;
pub mod row_cache;
pub mod security;
pub mod serve;
pub mod services;
pub mod startup;
pub mod state;
pub mod storage;
pub mod telemetry;
