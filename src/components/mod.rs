//! Views rendered on the server only: the parts of pages that are plain HTML and forms.

pub mod account;
pub mod account_bar;
pub mod api_tokens;
pub mod credentials;
pub mod form_error;
pub mod list_menu;
