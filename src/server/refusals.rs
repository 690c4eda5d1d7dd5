//! What the server says when it refuses, each message written in one place. A plain form's
//! failure comes back to its page in the address (`__err`), where anyone can write anything:
//! [`is_known`] lets a page show a message only if the server could have sent it.

use crate::{
    domain::{ListNameError, PasswordError, TodoTitleError, TokenNameError, UsernameError},
    error::AppError,
    server::services::{
        attachments::{bytes_label, FileLimits},
        lists::MAX_MEMBERS,
    },
};

/// Refusals worded by the services (the domain types word their own).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    UsernameTaken,
    WrongCurrentPassword,
    NoFile,
    NotMultipart,
    UnreadableUpload,
    FieldsTooLarge,
    UploadTooLarge,
    TooManyFiles(usize),
    FileTooBig(u64),
    OverQuota(u64),
    ReadOnly,
    OwnerOnly,
    InboxKept,
    UnknownUsername,
    AlreadyMember,
    OwnerIsMember,
    TooManyMembers(usize),
    OwnerCannotLeave,
}

impl Refusal {
    pub fn message(self) -> String {
        match self {
            Refusal::UsernameTaken => "That username is taken. Please choose another.".into(),
            Refusal::WrongCurrentPassword => "That is not your current password.".into(),
            Refusal::NoFile => "Choose a file to attach.".into(),
            Refusal::NotMultipart => "Send the files as a multipart form.".into(),
            Refusal::UnreadableUpload => "The upload could not be read: it ended early or is \
                not a valid form. Please try again."
                .into(),
            Refusal::FieldsTooLarge => "The upload's form fields are too large.".into(),
            Refusal::UploadTooLarge => "The upload is too large.".into(),
            Refusal::TooManyFiles(most) => format!("At most {most} files can be uploaded at once."),
            Refusal::FileTooBig(most) => format!(
                "That file is too big: the most is {} per file.",
                bytes_label(most)
            ),
            Refusal::OverQuota(quota) => format!(
                "This would go over your {} of attachments. Delete some first.",
                bytes_label(quota)
            ),
            Refusal::ReadOnly => "You can view this list but not change it.".into(),
            Refusal::OwnerOnly => "Only the list's owner can do that.".into(),
            Refusal::InboxKept => "Your Inbox cannot be deleted.".into(),
            Refusal::UnknownUsername => "There is no user with that username.".into(),
            Refusal::AlreadyMember => "That user is already a member of this list.".into(),
            Refusal::OwnerIsMember => "The owner is already a member of this list.".into(),
            Refusal::TooManyMembers(most) => {
                format!("A list can be shared with at most {most} people.")
            }
            Refusal::OwnerCannotLeave => {
                "The owner cannot leave their own list: delete it instead.".into()
            }
        }
    }
}

impl From<Refusal> for AppError {
    fn from(refusal: Refusal) -> Self {
        let message = refusal.message();
        match refusal {
            Refusal::UsernameTaken | Refusal::AlreadyMember => AppError::Conflict(message),
            Refusal::ReadOnly | Refusal::OwnerOnly => AppError::Forbidden(message),
            Refusal::InboxKept
            | Refusal::UnknownUsername
            | Refusal::OwnerIsMember
            | Refusal::TooManyMembers(_)
            | Refusal::OwnerCannotLeave => AppError::Invalid(message),
            Refusal::WrongCurrentPassword
            | Refusal::NoFile
            | Refusal::NotMultipart
            | Refusal::UnreadableUpload => AppError::Invalid(message),
            Refusal::FieldsTooLarge
            | Refusal::UploadTooLarge
            | Refusal::TooManyFiles(_)
            | Refusal::FileTooBig(_)
            | Refusal::OverQuota(_) => AppError::TooLarge(message),
        }
    }
}

/// Every message a rule of the domain types can give, but for a too-long title's (which
/// names its length).
fn rule_messages() -> impl Iterator<Item = String> {
    let titles = [TodoTitleError::Empty.to_string()];
    let usernames = [
        UsernameError::Empty,
        UsernameError::Length,
        UsernameError::Characters,
    ]
    .map(|err| err.to_string());
    let passwords = [
        PasswordError::TooShort,
        PasswordError::TooLong,
        PasswordError::Common,
    ]
    .map(|err| err.to_string());
    let token_names = [TokenNameError::Empty, TokenNameError::TooLong].map(|err| err.to_string());
    let list_names = [
        ListNameError::Empty,
        ListNameError::TooLong,
        ListNameError::Role,
    ]
    .map(|err| err.to_string());
    titles
        .into_iter()
        .chain(usernames)
        .chain(passwords)
        .chain(token_names)
        .chain(list_names)
}

/// Whether `message` is a too-long title's message, for some length.
fn is_title_too_long(message: &str) -> bool {
    let digits: String = message
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(char::is_ascii_digit)
        .collect();
    digits
        .parse()
        .is_ok_and(|chars| TodoTitleError::TooLong { chars }.to_string() == message)
}

/// Whether `err` says only what this server could have said. Errors without words of their
/// own (not found, throttled, …) always do; the others must match a message written here or
/// by a domain rule, with this server's limits.
pub fn is_known(err: &AppError, limits: &FileLimits) -> bool {
    let refusals = [
        Refusal::UsernameTaken,
        Refusal::WrongCurrentPassword,
        Refusal::NoFile,
        Refusal::NotMultipart,
        Refusal::UnreadableUpload,
        Refusal::FieldsTooLarge,
        Refusal::UploadTooLarge,
        Refusal::TooManyFiles(limits.max_files_per_upload),
        Refusal::FileTooBig(limits.max_file_bytes),
        Refusal::OverQuota(limits.user_quota_bytes),
        Refusal::ReadOnly,
        Refusal::OwnerOnly,
        Refusal::InboxKept,
        Refusal::UnknownUsername,
        Refusal::AlreadyMember,
        Refusal::OwnerIsMember,
        Refusal::TooManyMembers(MAX_MEMBERS),
        Refusal::OwnerCannotLeave,
    ];
    match err {
        AppError::Invalid(message)
        | AppError::Conflict(message)
        | AppError::TooLarge(message)
        | AppError::Forbidden(message) => {
            refusals
                .into_iter()
                .map(AppError::from)
                .any(|known| known == *err)
                || (matches!(err, AppError::Invalid(_))
                    && (rule_messages().any(|known| known == *message)
                        || is_title_too_long(message)))
        }
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: FileLimits = FileLimits {
        max_file_bytes: 25 * 1024 * 1024,
        user_quota_bytes: 1 << 30,
        max_files_per_upload: 10,
    };

    #[test]
    fn messages_the_server_sends_are_known() {
        for err in [
            AppError::from(TodoTitleError::Empty),
            AppError::from(TodoTitleError::TooLong { chars: 501 }),
            AppError::from(PasswordError::Common),
            AppError::from(Refusal::OverQuota(LIMITS.user_quota_bytes)),
            AppError::from(Refusal::UsernameTaken),
            AppError::NotFound,
            AppError::TooManyAttempts {
                retry_after_secs: 60,
            },
        ] {
            assert!(is_known(&err, &LIMITS), "{err:?}");
        }
    }

    #[test]
    fn words_from_elsewhere_are_not() {
        for err in [
            AppError::Invalid("Your account is locked: call +1 555 0100".into()),
            AppError::Conflict("Please choose another.".into()),
            AppError::TooLarge(Refusal::OverQuota(1).message()),
            AppError::Invalid(
                "The title is too long: 9 characters, the most is 500. Call us".into(),
            ),
            // A known message, under the wrong kind.
            AppError::Conflict(TodoTitleError::Empty.to_string()),
        ] {
            assert!(!is_known(&err, &LIMITS), "{err:?}");
        }
    }

    mod properties {
        use super::*;
        use leptos::server_fn::error::ServerFnUrlError;
        use proptest::prelude::*;

        /// What a page does with an address's `__err`: decode it, then vouch for it or not.
        fn shown(raw: &str) -> Option<String> {
            let err = ServerFnUrlError::<AppError>::decode_err(raw);
            is_known(&err, &LIMITS).then(|| err.to_string())
        }

        /// `err` as the address of a failed plain form post carries it.
        fn in_address(err: AppError) -> String {
            let url = ServerFnUrlError::new("/fn/todos/add", err)
                .to_url("http://tick.test/")
                .unwrap();
            url.query_pairs()
                .find(|(key, _)| key == "__err")
                .map(|(_, value)| value.into_owned())
                .unwrap()
        }

        proptest! {
            #[test]
            fn any_address_decodes_without_panicking(raw in ".{0,200}") {
                let _ = shown(&raw);
            }

            #[test]
            fn words_an_attacker_chose_are_never_shown(words in ".{1,120}") {
                for err in [
                    AppError::Invalid(words.clone()),
                    AppError::Conflict(words.clone()),
                    AppError::TooLarge(words.clone()),
                ] {
                    let known = rule_messages().any(|known| known == words)
                        || is_title_too_long(&words)
                        || words.contains("attachments. Delete some first")
                        || words.starts_with("That ")
                        || words.starts_with("The upload")
                        || words.starts_with("Choose a file")
                        || words.starts_with("Send the files")
                        || words.starts_with("At most ")
                        || words.starts_with("A list can be shared");
                    if !known {
                        prop_assert_eq!(shown(&in_address(err)), None);
                    }
                }
            }

            #[test]
            fn the_servers_own_refusals_survive_the_address(chars in 501usize..100_000) {
                for err in [
                    AppError::from(TodoTitleError::TooLong { chars }),
                    AppError::from(Refusal::FileTooBig(LIMITS.max_file_bytes)),
                    AppError::from(UsernameError::Characters),
                    AppError::TooManyAttempts { retry_after_secs: chars as u64 },
                ] {
                    prop_assert_eq!(shown(&in_address(err.clone())), Some(err.to_string()));
                }
            }
        }
    }
}
