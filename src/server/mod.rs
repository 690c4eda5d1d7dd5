//! Everything that runs only on the server: configuration, start-up, the database, accounts,
//! security middleware and logging.

pub mod api;
pub mod attachments;
pub mod auth;
pub mod config;
pub mod db;
pub mod error;
pub mod forms;
pub mod hex;
pub mod page_cache;
pub mod security;
pub mod startup;
pub mod storage;
pub mod telemetry;
