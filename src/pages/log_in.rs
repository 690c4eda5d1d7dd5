//! `/login`: for visitors; signed-in users are sent to their list.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::credentials::CredentialsForm;

#[component]
pub fn LogInPage() -> impl IntoView {
    view! {
        <Title text="Log in · Tick" />
        <main class="auth-page">
            <h1 class="brand">"Tick"</h1>
            <section class="auth-card" aria-labelledby="auth-heading">
                <h2 id="auth-heading">"Log in"</h2>
                <CredentialsForm new_account=false />
                <p class="auth-switch">
                    "New to Tick? " <a href="/signup">"Create an account"</a>
                </p>
            </section>
        </main>
    }
}
