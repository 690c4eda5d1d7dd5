//! One routed page per module.

pub mod api_docs;
pub mod list_settings;
pub mod log_in;
pub mod not_found;
pub mod settings;
pub mod sign_up;
pub mod todos;
