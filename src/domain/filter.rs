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

    /// The filter whose page is at `path`.
    pub fn from_path(path: &str) -> Option<Filter> {
        Filter::ALL.into_iter().find(|filter| filter.path() == path)
    }

    /// The page's title: "Tick", "Active · Tick", "Completed · Tick".
    pub fn page_title(self) -> String {
        match self {
            Filter::All => "Tick".to_owned(),
            other => format!("{} · Tick", other.label()),
        }
    }

    /// The title of this filter's page of a list named `name`: "Groceries · Tick", "Active ·
    /// Groceries · Tick". The user's own Inbox (`None`) keeps the plain titles.
    pub fn page_title_of(self, name: Option<&str>) -> String {
        let Some(name) = name else {
            return self.page_title();
        };
        match self {
            Filter::All => format!("{name} · Tick"),
            other => format!("{} · {name} · Tick", other.label()),
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

    #[test]
    fn each_path_leads_back_to_its_filter() {
        for filter in Filter::ALL {
            assert_eq!(Filter::from_path(filter.path()), Some(filter));
        }
        assert_eq!(Filter::from_path("/settings"), None);
        assert_eq!(Filter::from_path("/active/"), None);
    }

    #[test]
    fn titles_name_the_filter() {
        assert_eq!(Filter::All.page_title(), "Tick");
        assert_eq!(Filter::Completed.page_title(), "Completed · Tick");
    }
}
