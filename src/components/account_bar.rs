//! The bar above every page of a signed-in user: who it is, settings, and "Log out".

use leptos::{prelude::*, server_fn::ServerFn};

use crate::{
    server_fns::account::LogOut,
    state::{reload_at, Account},
};

#[component]
pub fn AccountBar() -> impl IntoView {
    let account = Account::use_context();
    let log_out = ServerAction::<LogOut>::new();
    Effect::new(move || {
        if let Some(Ok(())) = log_out.value().get() {
            reload_at("/login");
        }
    });
    let pending =
        move || log_out.pending().get() || log_out.value().with(|v| matches!(v, Some(Ok(()))));

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
                    <form
                        method="post"
                        action=LogOut::PATH
                        class="log-out"
                        on:submit=move |ev: leptos::ev::SubmitEvent| {
                            ev.prevent_default();
                            log_out.dispatch(LogOut {});
                        }
                    >
                        <button type="submit" disabled=pending>
                            "Log out"
                        </button>
                    </form>
                </nav>
            }
        })
    }
}
