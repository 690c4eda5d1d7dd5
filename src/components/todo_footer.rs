//! `footer.footer`: the count of active to-dos, the filters and "Clear completed".

use leptos::{prelude::*, server_fn::ServerFn};

use crate::{domain::Filter, server_fns::todos::ClearCompleted, state::TodoStore};

#[component]
pub fn TodoFooter(filter: Filter) -> impl IntoView {
    let store = TodoStore::use_context();
    let active = move || store.active_count();

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
                        let selected = shown == filter;
                        view! {
                            <li>
                                <a
                                    href=shown.path()
                                    class:selected=selected
                                    aria-current=selected.then_some("page")
                                >
                                    {shown.label()}
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <Show when=move || { store.completed_count() > 0 }>
                <form
                    class="clear-completed-form"
                    method="post"
                    action=ClearCompleted::PATH
                    on:submit=move |ev| {
                        ev.prevent_default();
                        store.clear_completed();
                    }
                >
                    <button type="submit" class="clear-completed">
                        "Clear completed"
                    </button>
                </form>
            </Show>
        </footer>
    }
}
