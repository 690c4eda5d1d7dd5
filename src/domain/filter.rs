//! Which to-dos a list view shows; each filter is a real URL.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Filter {
    #[default]
    All,
    Active,
    Completed,
}

impl Filter {
    pub const ALL: [Filter; 3] = [Filter::All, Filter::Active, Filter::Completed];

    /// The page that shows this filter.
    pub fn path(self) -> &'static str {
        match self {
            Filter::All => "/",
            Filter::Active => "/active",
            Filter::Completed => "/completed",
        }
    }

    /// The name a form field carries for this filter (its serde form).
    pub fn as_str(self) -> &'static str {
        match self {
            Filter::All => "all",
            Filter::Active => "active",
            Filter::Completed => "completed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Filter::All => "All",
            Filter::Active => "Active",
            Filter::Completed => "Completed",
        }
    }

    pub fn shows(self, completed: bool) -> bool {
        match self {
            Filter::All => true,
            Filter::Active => !completed,
            Filter::Completed => completed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_filter_shows_its_to_dos() {
        assert!(Filter::All.shows(true) && Filter::All.shows(false));
        assert!(Filter::Active.shows(false) && !Filter::Active.shows(true));
        assert!(Filter::Completed.shows(true) && !Filter::Completed.shows(false));
    }

    #[test]
    fn form_names_are_the_serde_names() {
        for filter in Filter::ALL {
            let json = serde_json::to_string(&filter).unwrap();
            assert_eq!(json, format!("\"{}\"", filter.as_str()));
        }
    }

    #[test]
    fn paths_are_distinct() {
        assert_eq!(
            Filter::ALL.map(Filter::path),
            ["/", "/active", "/completed"]
        );
    }
}
