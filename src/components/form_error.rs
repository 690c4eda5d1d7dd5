//! The error under a form whose plain form post failed: the server sent the browser back to
//! the page with the error in the address. Anyone can write an address, so only a message the
//! server could have sent is shown; anything else becomes a generic one.

use leptos::{prelude::*, server_fn::error::ServerFnUrlError};
use leptos_router::hooks::use_query_map;

use crate::error::AppError;

/// The error the address carries for the form posting to the server function at `path`.
/// Leptos names the failed function in `__path`, so each form shows only its own error.
pub fn error_in_address(path: &str) -> Option<String> {
    failure_in_address(Some(path))
}

/// The error the address carries for whichever form on the page failed.
pub fn any_error_in_address() -> Option<String> {
    failure_in_address(None)
}

/// The message of `__err`, when `__path` is `path` (any, for `None`).
fn failure_in_address(path: Option<&str>) -> Option<String> {
    use_query_map().with_untracked(|query| {
        let ours = path.is_none_or(|path| query.get_str("__path") == Some(path));
        ours.then(|| query.get_str("__err"))
            .flatten()
            .map(|err| shown(ServerFnUrlError::<AppError>::decode_err(err)))
    })
}

/// The words for `err`, if the server could have said them; a generic message otherwise.
fn shown(err: AppError) -> String {
    #[cfg(feature = "ssr")]
    {
        let known = crate::server::state::AppState::from_context()
            .is_ok_and(|state| crate::server::refusals::is_known(&err, &state.file_limits));
        if !known {
            return UNKNOWN_FAILURE.to_owned();
        }
    }
    err.to_string()
}

/// Shown for a failure the server cannot vouch for.
#[cfg(feature = "ssr")]
const UNKNOWN_FAILURE: &str = "That did not work. Please try again.";

/// Shows `error` as an alert, announced by screen readers.
#[component]
pub fn FormError(error: Option<String>) -> impl IntoView {
    error.map(|message| {
        view! {
            <p class="form-error" role="alert">
                {message}
            </p>
        }
    })
}
