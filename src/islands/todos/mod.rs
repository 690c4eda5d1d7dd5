//! The to-do list, one island: it starts from the list the server rendered, sends each change
//! to a server function and patches itself from the reply. Switching filters changes the
//! address without loading a page; Back and Forward follow.

mod attachments;
mod error_banner;
#[cfg(feature = "hydrate")]
mod live;
mod new_todo;
mod store;
mod todo_footer;
mod todo_item;
mod toggle_all;
#[cfg(feature = "hydrate")]
mod upload;

use leptos::prelude::*;

use crate::{
    domain::{Filter, Snapshot, TodoId},
    islands::Hydrated,
};

use self::{
    error_banner::ErrorBanner, new_todo::NewTodo, store::TodoStore, todo_footer::TodoFooter,
    todo_item::TodoItem, toggle_all::ToggleAll,
};

/// `main.todoapp`. `editing` is the id in `?edit=<id>`, the page-reload way to edit, whose
/// editor starts open; `error` is the refusal of a plain form post, from the address.
#[island]
pub fn TodoApp(
    filter: Filter,
    snapshot: Snapshot,
    editing: Option<TodoId>,
    error: Option<String>,
) -> impl IntoView {
    let store = TodoStore::new(filter, snapshot, editing, error);
    let hydrated = Hydrated::watch();
    // Changes made elsewhere arrive as they happen (effects run in the browser only).
    #[cfg(feature = "hydrate")]
    Effect::new(move || live::start(store));
    // Back and Forward between filters.
    let on_history = window_event_listener(leptos::ev::popstate, move |_| store.follow_address());
    on_cleanup(move || on_history.remove());
    let has_todos = Memo::new(move |_| !store.is_empty());

    view! {
        <main
            class="todoapp"
            // A viewer's list: the controls that change it are hidden (the server refuses
            // them anyway).
            class:read-only=move || !store.can_edit()
            aria-busy=move || store.is_pending().to_string()
            data-hydrated=move || hydrated.attr()
        >
            <header class="header">
                <h1>"Tick"</h1>
                <NewTodo store />
            </header>
            <ErrorBanner store />
            // `section.main` and `footer.footer`, both absent while the list is empty.
            {move || {
                has_todos
                    .get()
                    .then(|| {
                        view! {
                            <section class="main">
                                <ToggleAll store />
                                <ul class="todo-list">
                                    <For
                                        each=move || store.visible()
                                        key=|entry| (entry.id, entry.title.clone())
                                        let:entry
                                    >
                                        <TodoItem entry store />
                                    </For>
                                </ul>
                            </section>
                            <TodoFooter store />
                        }
                    })
            }}
        </main>
    }
}
