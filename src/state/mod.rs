//! Browser-side state, provided through the context: who is signed in, and the to-do list.

mod account;
mod todos;

pub use account::{reload_at, Account};
pub use todos::{Entry, TodoStore};
