//! The log-in and sign-up form: a plain form post. The server signs the visitor in and sends
//! the browser to the list, or back here with the refusal.

use leptos::{prelude::*, server_fn::ServerFn};

use crate::{
    components::form_error::{error_in_address, FormError},
    domain::{Password, Username},
    server_fns::account::{LogIn, SignUp},
};

/// `new_account`: sign up, with hints at the rules, and letting password managers suggest a
/// new password; otherwise log in.
#[component]
pub fn CredentialsForm(new_account: bool) -> impl IntoView {
    let (action, submit_label) = if new_account {
        (SignUp::PATH, "Sign up")
    } else {
        (LogIn::PATH, "Log in")
    };
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
        <form method="post" action=action class="auth-form">
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
                />
                {password_hint.map(|hint| view! { <p class="hint" id="password-hint">{hint}</p> })}
            </div>
            <FormError error=error_in_address(action) />
            <button type="submit" class="primary">
                {submit_label}
            </button>
        </form>
    }
}
