//! `/settings`: the signed-in user's account: change password, delete account.

use leptos::{html, prelude::*, server_fn::ServerFn};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    app::Hydrated,
    components::{
        account_bar::AccountBar,
        api_tokens::ApiTokens,
        form_error::{use_form_error, FormError},
    },
    server_fns::account::{ChangePassword, DeleteAccount},
    state::{reload_at, Account},
};

#[component]
pub fn SettingsPage() -> impl IntoView {
    let Hydrated(hydrated) = expect_context::<Hydrated>();
    let account = Account::use_context();
    let username = move || account.user().flatten().map(|user| user.username);

    view! {
        <Title text="Settings · Tick" />
        <AccountBar />
        <main class="settings-page" data-hydrated=move || hydrated.get().to_string()>
            <h1>"Settings"</h1>
            <p class="back">
                <a href="/">"← Back to your to-dos"</a>
                " · "
                <a href="/docs/api">"API documentation"</a>
            </p>
            <p>"You are signed in as " <strong>{username}</strong> "."</p>
            <ChangePasswordForm />
            <ApiTokens />
            <DeleteAccountForm />
        </main>
    }
}

#[component]
fn ChangePasswordForm() -> impl IntoView {
    let action = ServerAction::<ChangePassword>::new();
    let error = use_form_error(action);
    let form = NodeRef::<html::Form>::new();
    let (current, new) = (NodeRef::<html::Input>::new(), NodeRef::<html::Input>::new());
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Some(current), Some(new)) = (current.get(), new.get()) else {
            return;
        };
        action.dispatch(ChangePassword {
            current_password: current.value(),
            new_password: new.value(),
        });
    };
    // A form post without JavaScript comes back to `?password=changed`.
    let changed_before =
        use_query_map().with_untracked(|query| query.get_str("password") == Some("changed"));
    let changed = move || match action.value().get() {
        Some(result) => result.is_ok(),
        None => changed_before,
    };
    Effect::new(move || {
        if let (Some(Ok(())), Some(form)) = (action.value().get(), form.get()) {
            form.reset();
        }
    });

    view! {
        <section class="settings-card" aria-labelledby="password-heading">
            <h2 id="password-heading">"Change password"</h2>
            <form
                method="post"
                action=ChangePassword::PATH
                class="auth-form"
                node_ref=form
                on:submit=on_submit
            >
                <div class="field">
                    <label for="current-password">"Current password"</label>
                    <input
                        id="current-password"
                        name="current_password"
                        type="password"
                        autocomplete="current-password"
                        required
                        node_ref=current
                    />
                </div>
                <div class="field">
                    <label for="new-password">"New password"</label>
                    <input
                        id="new-password"
                        name="new_password"
                        type="password"
                        autocomplete="new-password"
                        required
                        aria-describedby="new-password-hint"
                        node_ref=new
                    />
                    <p class="hint" id="new-password-hint">
                        "At least 8 characters. Your other sessions will be logged out."
                    </p>
                </div>
                <FormError error />
                {move || {
                    changed()
                        .then(|| {
                            view! {
                                <p class="form-success" role="status">
                                    "Password changed. Your other sessions have been logged out."
                                </p>
                            }
                        })
                }}
                <button type="submit" class="primary" disabled=move || action.pending().get()>
                    "Change password"
                </button>
            </form>
        </section>
    }
}

#[component]
fn DeleteAccountForm() -> impl IntoView {
    let action = ServerAction::<DeleteAccount>::new();
    let error = use_form_error(action);
    Effect::new(move || {
        if let Some(Ok(())) = action.value().get() {
            reload_at("/signup?account=deleted");
        }
    });
    let busy = move || action.pending().get() || action.value().with(|v| matches!(v, Some(Ok(()))));
    let password = NodeRef::<html::Input>::new();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(password) = password.get() {
            action.dispatch(DeleteAccount {
                password: password.value(),
            });
        }
    };

    view! {
        <section class="settings-card danger" aria-labelledby="delete-heading">
            <h2 id="delete-heading">"Delete account"</h2>
            <p>"This deletes your account and all your to-dos. It cannot be undone."</p>
            <form
                method="post"
                action=DeleteAccount::PATH
                class="auth-form"
                on:submit=on_submit
            >
                <div class="field">
                    <label for="delete-password">"Password"</label>
                    <input
                        id="delete-password"
                        name="password"
                        type="password"
                        autocomplete="current-password"
                        required
                        node_ref=password
                    />
                </div>
                <FormError error />
                <button type="submit" class="danger" disabled=busy>
                    "Delete account"
                </button>
            </form>
        </section>
    }
}
