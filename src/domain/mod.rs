//! Domain types shared by the browser and the server, each parsed once at the boundary.

mod filter;
mod todo;

pub use filter::Filter;
pub use todo::{Todo, TodoId, TodoTitle, TodoTitleError};
