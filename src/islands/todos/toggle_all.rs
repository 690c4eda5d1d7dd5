//! `input.toggle-all`: marks every to-do done, or all active when all are done.

use leptos::{prelude::*, server_fn::ServerFn};

use crate::server_fns::todos::SetAllCompleted;

use super::store::TodoStore;

#[component]
pub fn ToggleAll(store: TodoStore) -> impl IntoView {
    let all_done = move || store.all_completed();

    view! {
        <form
            class="toggle-all-form"
            method="post"
            action=SetAllCompleted::PATH
            on:submit=|ev| ev.prevent_default()
        >
            <input type="hidden" name="list" value=store.list_id().to_string() />
            <input type="hidden" name="completed" value=move || (!all_done()).to_string() />
            <input
                id="toggle-all"
                class="toggle-all"
                type="checkbox"
                prop:checked=all_done
                prop:disabled=move || !store.can_edit()
                on:change=move |ev| store.set_all_completed(event_target_checked(&ev))
            />
            <label for="toggle-all">"Mark all as complete"</label>
            // Without JavaScript a checkbox cannot submit: this button, laid over it, does.
            // The stylesheet hides it once the app runs.
            <button type="submit" class="toggle-all-submit">
                <span class="visually-hidden">
                    {move || {
                        if all_done() { "Mark all as active" } else { "Mark all as complete" }
                    }}
                </span>
            </button>
        </form>
    }
}
