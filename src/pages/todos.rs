//! The to-do list page, one route per filter: `/`, `/active`, `/completed`.

use leptos::{either::Either, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    app::Hydrated,
    components::{
        error_banner::ErrorBanner, new_todo::NewTodo, todo_footer::TodoFooter, todo_item::TodoItem,
        toggle_all::ToggleAll,
    },
    domain::{Filter, TodoId},
    state::TodoStore,
};

#[component]
pub fn TodosPage(filter: Filter) -> impl IntoView {
    let store = TodoStore::use_context();
    let Hydrated(hydrated) = expect_context::<Hydrated>();
    let title = match filter {
        Filter::All => "Tick".to_owned(),
        other => format!("{} · Tick", other.label()),
    };

    view! {
        <Title text=title />
        <main
            class="todoapp"
            aria-busy=move || store.is_pending().to_string()
            data-hydrated=move || hydrated.get().to_string()
        >
            <header class="header">
                <h1>"Tick"</h1>
                <NewTodo />
            </header>
            <ErrorBanner />
            <Suspense fallback=|| {
                view! {
                    <p class="loading" role="status">
                        "Loading your to-dos…"
                    </p>
                }
            }>
                {move || Suspend::new(async move {
                    match store.load().await {
                        Ok(()) => Either::Left(view! { <TodoList filter /> }),
                        Err(err) => {
                            // The page failed: its status says so (and it is never kept).
                            #[cfg(feature = "ssr")]
                            if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
                                response.set_status(err.http_status());
                            }
                            Either::Right(
                                view! {
                                    <p class="load-error" role="alert">
                                        {err.to_string()}
                                    </p>
                                },
                            )
                        }
                    }
                })}
            </Suspense>
        </main>
        <footer class="info">
            <p>"Double-click a to-do to edit it."</p>
        </footer>
    }
}

/// `section.main` and `footer.footer`, both absent while the list is empty.
#[component]
fn TodoList(filter: Filter) -> impl IntoView {
    let store = TodoStore::use_context();
    // `?edit=<id>` opens that to-do's edit form: how editing works without JavaScript.
    let edit_in_url = use_query_map().with_untracked(|query| {
        query
            .get_str("edit")
            .and_then(|id| id.parse().ok())
            .map(TodoId)
    });
    let has_todos = Memo::new(move |_| !store.is_empty());
    move || {
        has_todos.get().then(|| {
            view! {
                <section class="main">
                    <ToggleAll />
                    <ul class="todo-list">
                        <For
                            each=move || store.visible(filter)
                            key=|entry| (entry.id, entry.title.clone())
                            let:entry
                        >
                            <TodoItem entry filter edit_in_url store />
                        </For>
                    </ul>
                </section>
                <TodoFooter filter />
            }
        })
    }
}
