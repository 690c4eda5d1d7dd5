//! `/signup`: creates an account and signs it in.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    app::Hydrated,
    components::{
        credentials::CredentialFields,
        form_error::{use_form_error, FormError},
    },
    server_fns::account::{SignUp, HOME},
    state::reload_at,
};

#[component]
pub fn SignUpPage() -> impl IntoView {
    let Hydrated(hydrated) = expect_context::<Hydrated>();
    let action = ServerAction::<SignUp>::new();
    let error = use_form_error(action);
    Effect::new(move || {
        if let Some(Ok(_)) = action.value().get() {
            reload_at(HOME);
        }
    });
    let busy = move || action.pending().get() || action.value().with(|v| matches!(v, Some(Ok(_))));
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
                <ActionForm action attr:class="auth-form" attr:aria-busy=move || busy().to_string()>
                    <CredentialFields new_account=true />
                    <FormError error />
                    <button type="submit" class="primary" disabled=busy>
                        "Sign up"
                    </button>
                </ActionForm>
                <p class="auth-switch">
                    "Already have an account? " <a href="/login">"Log in"</a>
                </p>
            </section>
        </main>
    }
}
