//! Personal API tokens as the settings page shows them, and the rule for their names.

use serde::{Deserialize, Serialize};

/// One of a user's tokens. The token itself is never shown again after it is created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenView {
    pub id: i64,
    pub name: String,
    /// RFC 3339, UTC, to the second (see [`super::Timestamp::rfc3339`]).
    pub created_at: String,
    pub last_used_at: Option<String>,
}

/// A token just created: the only time its secret is shown.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewToken {
    pub secret: String,
    pub token: TokenView,
}

impl std::fmt::Debug for NewToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewToken")
            .field("token", &self.token)
            .finish_non_exhaustive()
    }
}

/// A token's name: 1 to 100 characters, trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenName(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenNameError {
    #[error("Please give the token a name, such as the program that will use it.")]
    Empty,
    #[error("The token name is too long: the most is {max} characters.", max = TokenName::MAX_CHARS)]
    TooLong,
}

impl TokenName {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(raw: &str) -> Result<Self, TokenNameError> {
        super::trimmed_name(raw, Self::MAX_CHARS)
            .map(Self)
            .map_err(|rule| match rule {
                super::NameRule::Empty => TokenNameError::Empty,
                super::NameRule::TooLong => TokenNameError::TooLong,
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
            TokenName::parse("  my script ").unwrap().as_str(),
            "my script"
        );
        assert_eq!(TokenName::parse(" "), Err(TokenNameError::Empty));
        assert!(TokenName::parse(&"é".repeat(100)).is_ok());
        assert_eq!(
            TokenName::parse(&"é".repeat(101)),
            Err(TokenNameError::TooLong)
        );
    }

    #[test]
    fn debug_output_hides_the_secret() {
        let new = NewToken {
            secret: "tick_secret".into(),
            token: TokenView {
                id: 1,
                name: "n".into(),
                created_at: "2026-01-01T00:00:00Z".into(),
                last_used_at: None,
            },
        };
        assert!(!format!("{new:?}").contains("tick_secret"));
    }
}
