//! The error under a form: from its last submission with JavaScript, or, after a plain form
//! post failed, from the address the server sent the browser back to.

use leptos::{
    prelude::*,
    server_fn::{error::ServerFnUrlError, ServerFn},
};
use leptos_router::hooks::use_query_map;

use crate::error::AppError;

/// The message to show for `action`'s form, if any.
pub fn use_form_error<S>(action: ServerAction<S>) -> Signal<Option<String>>
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    // Leptos names the failed function in `__path`, so each form shows only its own error.
    let from_address = use_query_map().with_untracked(|query| {
        let ours = query.get_str("__path") == Some(S::PATH);
        ours.then(|| query.get_str("__err"))
            .flatten()
            .map(|err| ServerFnUrlError::<AppError>::decode_err(err).to_string())
    });
    Signal::derive(move || match action.value().get() {
        Some(Err(err)) => Some(err.to_string()),
        Some(Ok(_)) => None,
        None => from_address.clone(),
    })
}

/// Shows `error` as an alert, announced by screen readers.
#[component]
pub fn FormError(#[prop(into)] error: Signal<Option<String>>) -> impl IntoView {
    move || {
        error.get().map(|message| {
            view! {
                <p class="form-error" role="alert">
                    {message}
                </p>
            }
        })
    }
}
