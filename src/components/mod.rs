//! Reusable pieces of the to-do page. Each works as a plain HTML form without JavaScript.

pub mod error_banner;
pub mod new_todo;
pub mod todo_footer;
pub mod todo_item;
pub mod toggle_all;
