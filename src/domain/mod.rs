//! Domain types shared by the browser and the server, each parsed once at the boundary.

mod account;
mod attachment;
mod filter;
mod todo;
mod token;

pub use account::{Password, PasswordError, UserId, UserView, Username, UsernameError};
pub use attachment::{clean_file_name, human_size, Attachment};
pub use filter::Filter;
pub use todo::{Todo, TodoId, TodoTitle, TodoTitleError};
pub use token::{NewToken, TokenName, TokenNameError, TokenView};
