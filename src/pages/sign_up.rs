//! `/signup`: creates an account and signs it in.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::components::credentials::CredentialsForm;

#[component]
pub fn SignUpPage() -> impl IntoView {
    let account_deleted =
        use_query_map().with_untracked(|query| query.get_str("account") == Some("deleted"));

    view! {
        <Title text="Sign up · Tick" />
        <main class="auth-page">
            <h1 class="brand">"Tick"</h1>
            {account_deleted
                .then(|| {
                    view! {
                        <p class="notice" role="status">
                            "Your account and all its to-dos have been deleted."
                        </p>
                    }
                })}
            <section class="auth-card" aria-labelledby="auth-heading">
                <h2 id="auth-heading">"Create your account"</h2>
                <CredentialsForm new_account=true />
                <p class="auth-switch">
                    "Already have an account? " <a href="/login">"Log in"</a>
                </p>
            </section>
        </main>
    }
}
