//! Reusable views. Each works as a plain HTML form without JavaScript.

pub mod account_bar;
pub mod api_tokens;
pub mod attachments;
pub mod credentials;
pub mod error_banner;
pub mod form_error;
pub mod new_todo;
pub mod todo_footer;
pub mod todo_item;
pub mod toggle_all;
#[cfg(feature = "hydrate")]
mod upload;
