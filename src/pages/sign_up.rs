//! `/signup`: creates an account and signs it in.

use leptos::{html, prelude::*, server_fn::ServerFn};
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
    let (username, password) = (NodeRef::<html::Input>::new(), NodeRef::<html::Input>::new());
    // With JavaScript the app sends the form itself; without, the browser posts it.
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Some(username), Some(password)) = (username.get(), password.get()) else {
            return;
        };
        action.dispatch(SignUp {
            username: username.value(),
            password: password.value(),
        });
    };
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
                <form method="post" action=SignUp::PATH class="auth-form" aria-busy=move || busy().to_string() on:submit=on_submit>
                    <CredentialFields new_account=true username password />
                    <FormError error />
                    <button type="submit" class="primary" disabled=busy>
                        "Sign up"
                    </button>
                </form>
                <p class="auth-switch">
                    "Already have an account? " <a href="/login">"Log in"</a>
                </p>
            </section>
        </main>
    }
}
