//! Everything that runs only on the server: configuration, start-up, the database and logging.

pub mod config;
pub mod db;
pub mod error;
pub mod startup;
pub mod telemetry;
