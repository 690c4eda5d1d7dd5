//! `/login`: for visitors; signed-in users are sent to their list.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::{app::Hydrated, components::credentials::CredentialsForm, server_fns::account::LogIn};

#[component]
pub fn LogInPage() -> impl IntoView {
    let Hydrated(hydrated) = expect_context::<Hydrated>();

    view! {
        <Title text="Log in · Tick" />
        <main class="auth-page" data-hydrated=move || hydrated.get().to_string()>
            <h1 class="brand">"Tick"</h1>
            <section class="auth-card" aria-labelledby="auth-heading">
                <h2 id="auth-heading">"Log in"</h2>
                <CredentialsForm
                    new_account=false
                    submit_label="Log in"
                    make=|username, password| LogIn { username, password }
                />
                <p class="auth-switch">
                    "New to Tick? " <a href="/signup">"Create an account"</a>
                </p>
            </section>
        </main>
    }
}
