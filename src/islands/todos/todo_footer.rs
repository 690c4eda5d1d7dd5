//! `footer.footer`: the count of active to-dos, the filters and "Clear completed".

use leptos::{ev, prelude::*, server_fn::ServerFn};

use crate::{domain::Filter, server_fns::todos::ClearCompleted};

use super::store::TodoStore;

#[component]
pub fn TodoFooter(store: TodoStore) -> impl IntoView {
    let active = move || store.active_count();
    // Hidden while nothing is done; redrawn only when that changes.
    let any_done = Memo::new(move |_| store.completed_count() > 0);

    view! {
        <footer class="footer">
            <span class="todo-count" aria-live="polite">
                <strong>{active}</strong>
                {move || if active() == 1 { " item left" } else { " items left" }}
            </span>
            <ul class="filters" aria-label="Show">
                {Filter::ALL
                    .into_iter()
                    .map(|shown| {
                        let selected = move || store.filter() == shown;
                        // A plain click switches the list in place; a click that asks for a
                        // new tab or window is the browser's.
                        let on_click = move |ev: ev::MouseEvent| {
                            let plain = ev.button() == 0
                                && !(ev.ctrl_key() || ev.meta_key() || ev.shift_key()
                                    || ev.alt_key());
                            if plain {
                                ev.prevent_default();
                                store.show(shown);
                            }
                        };
                        view! {
                            <li>
                                <a
                                    href=store.path(shown)
                                    class:selected=selected
                                    aria-current=move || selected().then_some("page")
                                    on:click=on_click
                                >
                                    {shown.label()}
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            {move || {
                any_done
                    .get()
                    .then(|| {
                        view! {
                            <form
                                class="clear-completed-form"
                                method="post"
                                action=ClearCompleted::PATH
                                on:submit=move |ev| {
                                    ev.prevent_default();
                                    store.clear_completed();
                                }
                            >
                                <input type="hidden" name="list" value=store.list_id().to_string() />
                                <button type="submit" class="clear-completed">
                                    "Clear completed"
                                </button>
                            </form>
                        }
                    })
            }}
        </footer>
    }
}
