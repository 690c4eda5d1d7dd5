//! `/settings`: the signed-in user's account: change password, API tokens, delete account.
//!
//! Plain forms: each posts, and the server sends the browser back here (or on) with the outcome.

use leptos::{prelude::*, server_fn::ServerFn};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    components::account::Account,
    components::{
        account_bar::AccountBar,
        api_tokens::ApiTokens,
        form_error::{error_in_address, FormError},
    },
    server_fns::account::{ChangePassword, DeleteAccount},
};

#[component]
pub fn SettingsPage() -> impl IntoView {
    let account = Account::use_context();
    let username = move || account.user().flatten().map(|user| user.username);

    view! {
        <Title text="Settings · Tick" />
        <AccountBar />
        <main class="settings-page">
            <h1>"Settings"</h1>
            <p class="back">
                <a href="/">"← Back to your to-dos"</a>
                " · "
                <a href="/docs/api">"API documentation"</a>
            </p>
            <p>"You are signed in as " <strong>{username}</strong> "."</p>
            <ChangePasswordForm />
            <ApiTokens />
            <DeleteAccountForm />
        </main>
    }
}

#[component]
fn ChangePasswordForm() -> impl IntoView {
    // The server sends a successful change back to `?password=changed`.
    let changed =
        use_query_map().with_untracked(|query| query.get_str("password") == Some("changed"));

    view! {
        <section class="settings-card" aria-labelledby="password-heading">
            <h2 id="password-heading">"Change password"</h2>
            <form method="post" action=ChangePassword::PATH class="auth-form">
                <div class="field">
                    <label for="current-password">"Current password"</label>
                    <input
                        id="current-password"
                        name="current_password"
                        type="password"
                        autocomplete="current-password"
                        required
                    />
                </div>
                <div class="field">
                    <label for="new-password">"New password"</label>
                    <input
                        id="new-password"
                        name="new_password"
                        type="password"
                        autocomplete="new-password"
                        required
                        aria-describedby="new-password-hint"
                    />
                    <p class="hint" id="new-password-hint">
                        "At least 8 characters. Your other sessions will be logged out."
                    </p>
                </div>
                <FormError error=error_in_address(ChangePassword::PATH) />
                {changed
                    .then(|| {
                        view! {
                            <p class="form-success" role="status">
                                "Password changed. Your other sessions have been logged out."
                            </p>
                        }
                    })}
                <button type="submit" class="primary">
                    "Change password"
                </button>
            </form>
        </section>
    }
}

#[component]
fn DeleteAccountForm() -> impl IntoView {
    view! {
        <section class="settings-card danger" aria-labelledby="delete-heading">
            <h2 id="delete-heading">"Delete account"</h2>
            <p>"This deletes your account and all your to-dos. It cannot be undone."</p>
            <form method="post" action=DeleteAccount::PATH class="auth-form">
                <div class="field">
                    <label for="delete-password">"Password"</label>
                    <input
                        id="delete-password"
                        name="password"
                        type="password"
                        autocomplete="current-password"
                        required
                    />
                </div>
                <FormError error=error_in_address(DeleteAccount::PATH) />
                <button type="submit" class="danger">
                    "Delete account"
                </button>
            </form>
        </section>
    }
}
