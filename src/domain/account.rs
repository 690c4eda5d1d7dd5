//! Accounts: the username and password rules, and the user as the app shows them.

use serde::{Deserialize, Serialize};
use std::fmt;

#[cfg(feature = "ssr")]
mod common_passwords;

/// The database id of a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UserId(pub i64);

/// What the page knows of the signed-in user. Nothing secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserView {
    pub username: String,
}

/// A username: 3 to 32 of ASCII letters, digits, `.`, `_` and `-`, trimmed. Unique whatever
/// its case; shown as it was typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UsernameError {
    #[error("Please choose a username.")]
    Empty,
    #[error(
        "Usernames are {min} to {max} characters long.",
        min = Username::MIN_CHARS,
        max = Username::MAX_CHARS
    )]
    Length,
    #[error("Usernames may only use letters, digits, '.', '_' and '-'.")]
    Characters,
}

impl Username {
    pub const MIN_CHARS: usize = 3;
    pub const MAX_CHARS: usize = 32;

    pub fn parse(raw: &str) -> Result<Self, UsernameError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(UsernameError::Empty);
        }
        if !trimmed
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        {
            return Err(UsernameError::Characters);
        }
        // ASCII only from here, so bytes are characters.
        if !(Self::MIN_CHARS..=Self::MAX_CHARS).contains(&trimmed.len()) {
            return Err(UsernameError::Length);
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password that meets the rules: 8 to 1024 characters (any Unicode, kept exactly as typed,
/// never truncated) and not one of the most common passwords. `Debug` hides it; it has no
/// `Serialize`.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error(
        "The password is too short: use at least {min} characters.",
        min = Password::MIN_CHARS
    )]
    TooShort,
    #[error(
        "The password is too long: the most is {max} characters.",
        max = Password::MAX_CHARS
    )]
    TooLong,
    #[error("That password is one of the most common ones. Please choose another.")]
    Common,
}

impl Password {
    pub const MIN_CHARS: usize = 8;
    pub const MAX_CHARS: usize = 1024;

    /// Checks a new password against the rules. Server only: the browser never parses new
    /// passwords, and the common-password list stays out of its Wasm.
    #[cfg(feature = "ssr")]
    pub fn parse(raw: String) -> Result<Self, PasswordError> {
        let chars = raw.chars().count();
        if chars < Self::MIN_CHARS {
            return Err(PasswordError::TooShort);
        }
        if chars > Self::MAX_CHARS {
            return Err(PasswordError::TooLong);
        }
        if common_passwords::is_common(&raw.to_lowercase()) {
            return Err(PasswordError::Common);
        }
        Ok(Self(raw))
    }

    /// A password typed to log in: checked against the stored hash, not against the rules, so
    /// an account keeps working if the rules change. Still bounded, so nobody hashes megabytes.
    pub fn candidate(raw: String) -> Option<Self> {
        (raw.chars().count() <= Self::MAX_CHARS).then_some(Self(raw))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_trimmed_and_keep_their_case() {
        assert_eq!(Username::parse("  Alice_01 ").unwrap().as_str(), "Alice_01");
    }

    #[test]
    fn usernames_have_a_length_and_an_alphabet() {
        assert_eq!(Username::parse(" "), Err(UsernameError::Empty));
        assert_eq!(Username::parse("ab"), Err(UsernameError::Length));
        assert_eq!(Username::parse(&"a".repeat(33)), Err(UsernameError::Length));
        assert!(Username::parse(&"a".repeat(32)).is_ok());
        assert_eq!(Username::parse("al ice"), Err(UsernameError::Characters));
        assert_eq!(Username::parse("../etc"), Err(UsernameError::Characters));
        assert_eq!(Username::parse("zoë"), Err(UsernameError::Characters));
    }

    #[test]
    fn passwords_count_characters_and_are_never_truncated() {
        assert_eq!(
            Password::parse("short".into()),
            Err(PasswordError::TooShort)
        );
        // Eight characters, 32 bytes.
        assert!(Password::parse("🦀🦀🦀🦀🦀🦀🦀🦀".into()).is_ok());
        let longest = "ü".repeat(Password::MAX_CHARS);
        assert_eq!(Password::parse(longest.clone()).unwrap().expose(), longest);
        assert_eq!(
            Password::parse("x".repeat(Password::MAX_CHARS + 1)),
            Err(PasswordError::TooLong)
        );
        // Spaces count: a password is kept exactly as typed.
        assert_eq!(
            Password::parse("  pass word  ".into()).unwrap().expose(),
            "  pass word  "
        );
    }

    #[test]
    fn common_passwords_are_refused_whatever_their_case() {
        assert_eq!(
            Password::parse("Password1".into()),
            Err(PasswordError::Common)
        );
        assert_eq!(
            Password::parse("QWERTYUIOP".into()),
            Err(PasswordError::Common)
        );
        assert!(Password::parse("correct horse battery".into()).is_ok());
    }

    #[test]
    fn the_whole_list_is_refused_not_only_the_best_known() {
        // From the start, middle and end of the sorted list; none was in Tick's first 66.
        for common in [
            "1qaz2wsx3edc",
            "Blink182",
            "CHOCOLATE",
            "cInNaMoN",
            "Liverpool1",
            "mercedes",
            "Superman1",
            "ZXCVBNM123",
            "zzzzzzzz",
        ] {
            assert_eq!(
                Password::parse(common.into()),
                Err(PasswordError::Common),
                "{common}"
            );
        }
    }

    #[test]
    fn a_strong_passphrase_passes() {
        let passphrase = "violet tram oboe lantern";
        assert_eq!(
            Password::parse(passphrase.into()).unwrap().expose(),
            passphrase
        );
    }

    #[test]
    fn debug_output_hides_the_password() {
        let password = Password::parse("hunter2hunter2".into()).unwrap();
        assert!(!format!("{password:?}").contains("hunter2"));
    }

    #[test]
    fn login_candidates_are_bounded_but_not_judged() {
        assert!(Password::candidate("short".into()).is_some());
        assert!(Password::candidate("x".repeat(Password::MAX_CHARS + 1)).is_none());
    }

    mod properties {
        use super::super::common_passwords;
        use super::*;
        use crate::domain::test_strategies::{long_text, padding, text};
        use proptest::{prelude::*, sample::select};

        fn is_name_char(c: char) -> bool {
            c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')
        }

        /// Valid names, names of the wrong length, names with one foreign character, and
        /// anything at all.
        fn name_like() -> impl Strategy<Value = String> {
            prop_oneof![
                "[A-Za-z0-9._-]{0,40}",
                ("[A-Za-z0-9._-]{0,20}", text(1), "[A-Za-z0-9._-]{0,20}")
                    .prop_map(|(head, odd, tail)| format!("{head}{odd}{tail}")),
                text(0..=40),
            ]
        }

        /// Around both length limits, and short ones between.
        fn password_like() -> impl Strategy<Value = String> {
            prop_oneof![text(0..=12), text(0..=64), long_text(1015..=1035)]
        }

        /// `entry` with the letters that `mask` picks upper-cased.
        fn recase(entry: &str, mask: u64) -> String {
            entry
                .chars()
                .enumerate()
                .map(|(i, c)| {
                    if mask >> (i % 64) & 1 == 1 {
                        c.to_ascii_uppercase()
                    } else {
                        c
                    }
                })
                .collect()
        }

        proptest! {
            #[test]
            fn usernames_follow_their_rules(raw in name_like()) {
                let trimmed = raw.trim();
                let all_allowed = trimmed.chars().all(is_name_char);
                match Username::parse(&raw) {
                    Ok(name) => {
                        prop_assert_eq!(name.as_str(), trimmed);
                        prop_assert!(all_allowed);
                        prop_assert!((3..=32).contains(&name.as_str().len()));
                    }
                    Err(UsernameError::Empty) => prop_assert!(trimmed.is_empty()),
                    Err(UsernameError::Characters) => prop_assert!(!all_allowed),
                    Err(UsernameError::Length) => {
                        prop_assert!(all_allowed);
                        prop_assert!(!(3..=32).contains(&trimmed.chars().count()));
                    }
                }
            }

            #[test]
            fn usernames_ignore_surrounding_whitespace(
                raw in name_like(),
                before in padding(),
                after in padding(),
            ) {
                prop_assert_eq!(
                    Username::parse(&format!("{before}{raw}{after}")),
                    Username::parse(&raw)
                );
            }

            #[test]
            fn passwords_count_characters_and_are_kept_as_typed(raw in password_like()) {
                let chars = raw.chars().count();
                match Password::parse(raw.clone()) {
                    Ok(password) => {
                        prop_assert_eq!(password.expose(), raw.as_str());
                        prop_assert!((8..=1024).contains(&chars));
                    }
                    Err(PasswordError::TooShort) => prop_assert!(chars < 8),
                    Err(PasswordError::TooLong) => prop_assert!(chars > 1024),
                    Err(PasswordError::Common) => {
                        prop_assert!((8..=1024).contains(&chars));
                        prop_assert!(common_passwords::is_common(&raw.to_lowercase()));
                    }
                }
            }

            #[test]
            fn repeated_wide_characters_are_counted_once_each(c in any::<char>(), n in 0usize..16) {
                let verdict = Password::parse(c.to_string().repeat(n));
                prop_assert_eq!(verdict == Err(PasswordError::TooShort), n < 8);
            }

            #[test]
            fn every_listed_password_is_refused_in_any_case(
                entry in select(common_passwords::entries()),
                mask in any::<u64>(),
            ) {
                prop_assert_eq!(
                    Password::parse(recase(entry, mask)),
                    Err(PasswordError::Common)
                );
            }

            #[test]
            fn login_candidates_are_only_bounded(raw in password_like()) {
                let kept = Password::candidate(raw.clone()).map(|p| p.expose().to_owned());
                let expected = (raw.chars().count() <= Password::MAX_CHARS).then_some(raw);
                prop_assert_eq!(kept, expected);
            }
        }
    }
}
