//! `/login`: for visitors; signed-in users are sent to their list.

use leptos::{html, prelude::*, server_fn::ServerFn};
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
    let (username, password) = (NodeRef::<html::Input>::new(), NodeRef::<html::Input>::new());
    // With JavaScript the app sends the form itself; without, the browser posts it.
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Some(username), Some(password)) = (username.get(), password.get()) else {
            return;
        };
        action.dispatch(LogIn {
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

    view! {
        <Title text="Log in · Tick" />
        <main class="auth-page" data-hydrated=move || hydrated.get().to_string()>
            <h1 class="brand">"Tick"</h1>
            <section class="auth-card" aria-labelledby="auth-heading">
                <h2 id="auth-heading">"Log in"</h2>
                <form method="post" action=LogIn::PATH class="auth-form" aria-busy=move || busy().to_string() on:submit=on_submit>
                    <CredentialFields new_account=false username password />
                    <FormError error />
                    <button type="submit" class="primary" disabled=busy>
                        "Log in"
                    </button>
                </form>
                <p class="auth-switch">
                    "New to Tick? " <a href="/signup">"Create an account"</a>
                </p>
            </section>
        </main>
    }
}
