//! A to-do and its parsed parts: the id, the title rules, and the changes a caller may ask for.

use serde::{Deserialize, Serialize};
use std::fmt;

use super::{Attachment, ListView, Timestamp};

/// The database id of a to-do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TodoId(pub i64);

impl fmt::Display for TodoId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// One to-do: the one type from the database to the page, the island and the API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Todo {
    pub id: TodoId,
    pub title: String,
    pub completed: bool,
    /// Place in the list; lower comes first (ties by id).
    pub order: i64,
    /// The browser never needs these, so they stay out of what is sent to it.
    #[serde(skip)]
    pub created_at: Timestamp,
    #[serde(skip)]
    pub updated_at: Timestamp,
}

/// A to-do to add, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTodo {
    pub title: TodoTitle,
    pub completed: bool,
    /// `None`: at the bottom of the list.
    pub order: Option<i64>,
}

impl NewTodo {
    /// Not done, at the bottom: what the page's "What needs to be done?" adds.
    pub fn titled(title: TodoTitle) -> Self {
        NewTodo {
            title,
            completed: false,
            order: None,
        }
    }
}

/// Fields of a to-do to change; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TodoChange {
    pub title: Option<TodoTitle>,
    pub completed: Option<bool>,
    pub order: Option<i64>,
}

/// A user's whole list at one moment: what the page renders and what the island reloads when
/// it has missed changes. `version` is the list's version when it was read (or older, never
/// newer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// The list, as the member who asked sees it.
    pub list: ListView,
    pub version: i64,
    pub todos: Vec<Todo>,
    pub attachments: Vec<Attachment>,
}

/// What a list's page shows: the reader's lists, for the menu, and the list itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListAndMenu {
    pub lists: Vec<ListView>,
    pub snapshot: Snapshot,
}

/// A title that is trimmed, not empty and at most [`TodoTitle::MAX_CHARS`] characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TodoTitle(String);

/// Why a title was refused; the `Display` text is shown to people.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TodoTitleError {
    #[error("Please enter a title for the to-do.")]
    Empty,
    #[error("The title is too long: {chars} characters, the most is {max}.", max = TodoTitle::MAX_CHARS)]
    TooLong { chars: usize },
}

impl TodoTitle {
    /// The longest title, counted in Unicode scalar values after trimming.
    pub const MAX_CHARS: usize = 500;

    pub fn parse(raw: &str) -> Result<Self, TodoTitleError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(TodoTitleError::Empty);
        }
        let chars = trimmed.chars().count();
        if chars > Self::MAX_CHARS {
            return Err(TodoTitleError::TooLong { chars });
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for TodoTitle {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_surrounding_whitespace() {
        let title = TodoTitle::parse("  buy milk \n").unwrap();
        assert_eq!(title.as_str(), "buy milk");
    }

    #[test]
    fn refuses_empty_and_blank_titles() {
        assert_eq!(TodoTitle::parse(""), Err(TodoTitleError::Empty));
        assert_eq!(TodoTitle::parse(" \t\n "), Err(TodoTitleError::Empty));
    }

    #[test]
    fn counts_characters_not_bytes() {
        // 500 three-byte characters are 1500 bytes but still a valid title.
        let longest = "€".repeat(TodoTitle::MAX_CHARS);
        assert_eq!(TodoTitle::parse(&longest).unwrap().as_str(), longest);
        let emoji = "🦀".repeat(TodoTitle::MAX_CHARS);
        assert!(TodoTitle::parse(&emoji).is_ok());
    }

    #[test]
    fn refuses_titles_over_the_limit() {
        let too_long = "a".repeat(TodoTitle::MAX_CHARS + 1);
        assert_eq!(
            TodoTitle::parse(&too_long),
            Err(TodoTitleError::TooLong { chars: 501 })
        );
        // Whitespace around the limit does not count.
        let padded = format!("  {}  ", "a".repeat(TodoTitle::MAX_CHARS));
        assert!(TodoTitle::parse(&padded).is_ok());
    }

    #[test]
    fn error_messages_are_for_people() {
        let message = TodoTitle::parse(&"x".repeat(600)).unwrap_err().to_string();
        assert_eq!(
            message,
            "The title is too long: 600 characters, the most is 500."
        );
    }

    mod properties {
        use super::*;
        use crate::domain::test_strategies::{long_text, padding, text};
        use proptest::prelude::*;

        /// Short titles, titles around the limit, and blank ones.
        fn title_like() -> impl Strategy<Value = String> {
            prop_oneof![
                text(0..=20),
                long_text(TodoTitle::MAX_CHARS - 5..=TodoTitle::MAX_CHARS + 5),
                padding(),
            ]
        }

        proptest! {
            #[test]
            fn accepted_titles_are_trimmed_non_empty_and_short(raw in title_like()) {
                let trimmed = raw.trim();
                match TodoTitle::parse(&raw) {
                    Ok(title) => {
                        prop_assert_eq!(title.as_str(), trimmed);
                        prop_assert!(!title.as_str().is_empty());
                        prop_assert!(title.as_str().chars().count() <= TodoTitle::MAX_CHARS);
                    }
                    Err(TodoTitleError::Empty) => prop_assert!(trimmed.is_empty()),
                    Err(TodoTitleError::TooLong { chars }) => {
                        prop_assert_eq!(chars, trimmed.chars().count());
                        prop_assert!(chars > TodoTitle::MAX_CHARS);
                    }
                }
            }

            #[test]
            fn parsing_an_accepted_title_again_changes_nothing(raw in title_like()) {
                if let Ok(title) = TodoTitle::parse(&raw) {
                    prop_assert_eq!(TodoTitle::parse(title.as_str()), Ok(title));
                }
            }

            #[test]
            fn whitespace_padding_never_changes_the_verdict(
                raw in title_like(),
                before in padding(),
                after in padding(),
            ) {
                prop_assert_eq!(
                    TodoTitle::parse(&format!("{before}{raw}{after}")),
                    TodoTitle::parse(&raw)
                );
            }
        }
    }
}
