//! `/login`: for visitors; signed-in users are sent to their list.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::{
    app::Hydrated,
    components::{
        credentials::CredentialFields,
        form_error::{use_form_error, FormError},
    },
    server_fns::account::{LogIn, HOME},
    state::reload_at,
};

#[component]
pub fn LogInPage() -> impl IntoView {
    let Hydrated(hydrated) = expect_context::<Hydrated>();
    let action = ServerAction::<LogIn>::new();
    let error = use_form_error(action);
    Effect::new(move || {
        if let Some(Ok(_)) = action.value().get() {
            reload_at(HOME);
        }
    });
    let busy = move || action.pending().get() || action.value().with(|v| matches!(v, Some(Ok(_))));

    view! {
        <Title text="Log in · Tick" />
        <main class="auth-page" data-hydrated=move || hydrated.get().to_string()>
            <h1 class="brand">"Tick"</h1>
            <section class="auth-card" aria-labelledby="auth-heading">
                <h2 id="auth-heading">"Log in"</h2>
                <ActionForm action attr:class="auth-form" attr:aria-busy=move || busy().to_string()>
                    <CredentialFields new_account=false />
                    <FormError error />
                    <button type="submit" class="primary" disabled=busy>
                        "Log in"
                    </button>
                </ActionForm>
                <p class="auth-switch">
                    "New to Tick? " <a href="/signup">"Create an account"</a>
                </p>
            </section>
        </main>
    }
}
