//! The bar above every page of a signed-in user: who it is, settings, and "Log out".
//!
//! "Log out" is a plain form: the server ends the session and sends the browser to /login, so
//! nothing of one user stays in the page for the next.

use leptos::{prelude::*, server_fn::ServerFn};

use crate::{components::account::Account, server_fns::account::LogOut};

#[component]
pub fn AccountBar() -> impl IntoView {
    let account = Account::use_context();
    move || {
        account.user().flatten().map(|user| {
            view! {
                <nav class="account-bar" aria-label="Account">
                    <span class="account-name">
                        "Signed in as " <strong>{user.username}</strong>
                    </span>
                    <a href="/settings" class="account-link">
                        "Settings"
                    </a>
                    <form method="post" action=LogOut::PATH class="log-out">
                        <button type="submit">"Log out"</button>
                    </form>
                </nav>
            }
        })
    }
}
