//! Server functions: the browser's calls into the server. Each one is thin: who is asking,
//! parse, then a service.

pub mod account;
pub mod attachments;
pub mod lists;
pub mod todos;
pub mod tokens;
