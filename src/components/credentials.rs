//! The sign-up and log-in form: username, password, the error, and the button.

use leptos::{html, prelude::*, server_fn::ServerFn};
use serde::de::DeserializeOwned;

use crate::{
    components::form_error::{use_form_error, FormError},
    domain::{Password, UserView, Username},
    error::AppError,
    server_fns::account::HOME,
    state::reload_at,
};

/// Sends `make(username, password)` to the server function `S`, which signs someone in. With
/// JavaScript the app sends the form itself and then loads the home page anew; without, the
/// browser posts it and follows the server's redirect.
#[component]
pub fn CredentialsForm<S>(
    /// Sign-up: hints at the rules and lets password managers suggest a new password.
    new_account: bool,
    submit_label: &'static str,
    make: fn(String, String) -> S,
) -> impl IntoView
where
    S: ServerFn<Error = AppError, Output = UserView>
        + DeserializeOwned
        + Clone
        + Send
        + Sync
        + 'static,
{
    let action = ServerAction::<S>::new();
    let (username, password) = (NodeRef::<html::Input>::new(), NodeRef::<html::Input>::new());
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Some(username), Some(password)) = (username.get(), password.get()) else {
            return;
        };
        action.dispatch(make(username.value(), password.value()));
    };
    let error = use_form_error(action);
    Effect::new(move || {
        if let Some(Ok(_)) = action.value().get() {
            reload_at(HOME);
        }
    });
    let busy = move || action.pending().get() || action.value().with(|v| matches!(v, Some(Ok(_))));

    view! {
        <form
            method="post"
            action=S::PATH
            class="auth-form"
            aria-busy=move || busy().to_string()
            on:submit=on_submit
        >
            <CredentialFields new_account username password />
            <FormError error />
            <button type="submit" class="primary" disabled=busy>
                {submit_label}
            </button>
        </form>
    }
}

#[component]
fn CredentialFields(
    new_account: bool,
    username: NodeRef<html::Input>,
    password: NodeRef<html::Input>,
) -> impl IntoView {
    let (password_autocomplete, username_hint, password_hint) = if new_account {
        (
            "new-password",
            Some(format!(
                "{} to {} letters, digits, '.', '_' or '-'.",
                Username::MIN_CHARS,
                Username::MAX_CHARS
            )),
            Some(format!(
                "At least {} characters. A few unrelated words make a strong one.",
                Password::MIN_CHARS
            )),
        )
    } else {
        ("current-password", None, None)
    };
    let username_described = username_hint.as_ref().map(|_| "username-hint");
    let password_described = password_hint.as_ref().map(|_| "password-hint");

    view! {
        <div class="field">
            <label for="username">"Username"</label>
            <input
                id="username"
                name="username"
                type="text"
                autocomplete="username"
                autocapitalize="none"
                spellcheck="false"
                required
                autofocus
                aria-describedby=username_described
                node_ref=username
            />
            {username_hint.map(|hint| view! { <p class="hint" id="username-hint">{hint}</p> })}
        </div>
        <div class="field">
            <label for="password">"Password"</label>
            <input
                id="password"
                name="password"
                type="password"
                autocomplete=password_autocomplete
                required
                aria-describedby=password_described
                node_ref=password
            />
            {password_hint.map(|hint| view! { <p class="hint" id="password-hint">{hint}</p> })}
        </div>
    }
}
