//! Lists: the id, the name rule, the roles of their members, and the addresses of a list's
//! pages.

use serde::{Deserialize, Serialize};
use std::fmt;

use super::Filter;

/// The database id of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ListId(pub i64);

impl fmt::Display for ListId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// What a member may do with a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Role {
    /// Everything: also renames, deletes and shares the list.
    Owner,
    /// Adds, edits, completes and deletes to-dos and attachments.
    Editor,
    /// Sees everything, changes nothing.
    Viewer,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Editor => "editor",
            Role::Viewer => "viewer",
        }
    }

    pub fn parse(raw: &str) -> Option<Role> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "owner" => Some(Role::Owner),
            "editor" => Some(Role::Editor),
            "viewer" => Some(Role::Viewer),
            _ => None,
        }
    }

    /// A role the owner may give a member: editor or viewer.
    pub fn parse_shared(raw: &str) -> Result<Role, ListNameError> {
        match Role::parse(raw) {
            Some(role @ (Role::Editor | Role::Viewer)) => Ok(role),
            _ => Err(ListNameError::Role),
        }
    }

    pub fn can_edit(self) -> bool {
        matches!(self, Role::Owner | Role::Editor)
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Owner => "Owner",
            Role::Editor => "Editor",
            Role::Viewer => "Viewer",
        }
    }
}

/// One list as its member sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListView {
    pub id: ListId,
    pub name: String,
    pub role: Role,
    /// The owner's username.
    pub owner: String,
    /// Whether this is the Inbox of the member who sees it (someone else's shared Inbox is
    /// not).
    pub inbox: bool,
}

impl ListView {
    /// The list's page for `filter`: the Inbox lives at `/`, every list (the Inbox too) at
    /// `/lists/{id}`.
    pub fn path(&self, filter: Filter) -> String {
        list_path((!self.inbox).then_some(self.id), filter)
    }

    pub fn is_shared_with_me(&self) -> bool {
        self.role != Role::Owner
    }
}

/// One member of a list, as its members see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Member {
    pub username: String,
    pub role: Role,
}

/// The page of list `list` (the Inbox for `None`) for `filter`.
pub fn list_path(list: Option<ListId>, filter: Filter) -> String {
    match list {
        None => filter.path().to_owned(),
        Some(id) => match filter {
            Filter::All => format!("/lists/{id}"),
            other => format!("/lists/{id}{}", other.path()),
        },
    }
}

/// Which filter, of which list's pages, `path` is: `None` when it is no list page.
pub fn parse_list_path(path: &str) -> Option<(Option<ListId>, Filter)> {
    if let Some(filter) = Filter::from_path(path) {
        return Some((None, filter));
    }
    let rest = path.strip_prefix("/lists/")?;
    let (id, filter) = match rest.split_once('/') {
        None => (rest, Filter::All),
        Some((id, "active")) => (id, Filter::Active),
        Some((id, "completed")) => (id, Filter::Completed),
        Some(_) => return None,
    };
    let id = id.parse().ok().filter(|id| *id > 0)?;
    Some((Some(ListId(id)), filter))
}

/// A list's name: 1 to 100 characters, trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListName(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ListNameError {
    #[error("Please give the list a name.")]
    Empty,
    #[error("The list name is too long: the most is {max} characters.", max = ListName::MAX_CHARS)]
    TooLong,
    #[error("A member's role must be \"editor\" or \"viewer\".")]
    Role,
}

impl ListName {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(raw: &str) -> Result<Self, ListNameError> {
        super::trimmed_name(raw, Self::MAX_CHARS)
            .map(Self)
            .map_err(|rule| match rule {
                super::NameRule::Empty => ListNameError::Empty,
                super::NameRule::TooLong => ListNameError::TooLong,
            })
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(
            ListName::parse("  Groceries ").unwrap().as_str(),
            "Groceries"
        );
        assert_eq!(ListName::parse(" \n"), Err(ListNameError::Empty));
        assert!(ListName::parse(&"é".repeat(100)).is_ok());
        assert_eq!(
            ListName::parse(&"a".repeat(101)),
            Err(ListNameError::TooLong)
        );
    }

    #[test]
    fn only_editor_and_viewer_can_be_given() {
        assert_eq!(Role::parse_shared("Editor"), Ok(Role::Editor));
        assert_eq!(Role::parse_shared("viewer"), Ok(Role::Viewer));
        assert_eq!(Role::parse_shared("owner"), Err(ListNameError::Role));
        assert_eq!(Role::parse_shared("admin"), Err(ListNameError::Role));
        assert!(Role::Editor.can_edit() && !Role::Viewer.can_edit());
    }

    #[test]
    fn list_paths_round_trip() {
        for filter in Filter::ALL {
            for list in [None, Some(ListId(42))] {
                let path = list_path(list, filter);
                assert_eq!(parse_list_path(&path), Some((list, filter)), "{path}");
            }
        }
        assert_eq!(
            list_path(Some(ListId(3)), Filter::Active),
            "/lists/3/active"
        );
        assert_eq!(parse_list_path("/lists/x"), None);
        assert_eq!(parse_list_path("/lists/0"), None);
        assert_eq!(parse_list_path("/lists/3/settings"), None);
        assert_eq!(parse_list_path("/settings"), None);
    }
}
