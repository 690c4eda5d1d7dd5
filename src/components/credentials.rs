//! The username and password fields of the sign-up and log-in forms.

use leptos::{html, prelude::*};

use crate::domain::{Password, Username};

/// `new_account`: hints at the rules and lets password managers suggest a new password.
#[component]
pub fn CredentialFields(
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
