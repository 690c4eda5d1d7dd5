//! Domain types shared by the browser and the server, each parsed once at the boundary.

mod account;
mod attachment;
mod filter;
mod list;
mod timestamp;
mod todo;
mod token;

#[cfg(test)]
pub(crate) mod test_strategies;

/// Why a short name (a token's, a list's) was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NameRule {
    Empty,
    TooLong,
}

/// `raw` trimmed, if it is not empty and at most `max` characters.
fn trimmed_name(raw: &str, max: usize) -> Result<String, NameRule> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        Err(NameRule::Empty)
    } else if trimmed.chars().count() > max {
        Err(NameRule::TooLong)
    } else {
        Ok(trimmed.to_owned())
    }
}

pub use account::{Password, PasswordError, UserId, UserView, Username, UsernameError};
pub use attachment::{clean_file_name, human_size, Attachment};
pub use filter::Filter;
pub use list::{
    list_path, parse_list_path, ListId, ListName, ListNameError, ListView, Member, Role,
};
pub use timestamp::Timestamp;
pub use todo::{
    ListAndMenu, NewTodo, Snapshot, Todo, TodoChange, TodoId, TodoTitle, TodoTitleError,
};
pub use token::{NewToken, TokenName, TokenNameError, TokenView};
