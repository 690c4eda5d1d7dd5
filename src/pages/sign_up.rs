//! `/signup`: creates an account and signs it in.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{app::Hydrated, components::credentials::CredentialsForm, server_fns::account::SignUp};

#[component]
pub fn SignUpPage() -> impl IntoView {
    let Hydrated(hydrated) = expect_context::<Hydrated>();
    let account_deleted =
        use_query_map().with_untracked(|query| query.get_str("account") == Some("deleted"));

    view! {
        <Title text="Sign up · Tick" />
        <main class="auth-page" data-hydrated=move || hydrated.get().to_string()>
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
                <CredentialsForm
                    new_account=true
                    submit_label="Sign up"
                    make=|username, password| SignUp { username, password }
                />
                <p class="auth-switch">
                    "Already have an account? " <a href="/login">"Log in"</a>
                </p>
            </section>
        </main>
    }
}
