//! The last error, in words a person understands.

use leptos::prelude::*;

use super::store::TodoStore;

#[component]
pub fn ErrorBanner(store: TodoStore) -> impl IntoView {
    move || {
        store.error().map(|message| {
            view! {
                <div class="error-banner" role="alert">
                    <p>{message}</p>
                    <button
                        type="button"
                        class="dismiss"
                        aria-label="Dismiss the message"
                        on:click=move |_| store.dismiss_error()
                    >
                        "×"
                    </button>
                </div>
            }
        })
    }
}
