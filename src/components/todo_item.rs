//! One `li` of `ul.todo-list`: toggle, title, edit and delete.

use leptos::{ev, html, prelude::*, server_fn::ServerFn};
use leptos_router::{hooks::use_query_map, NavigateOptions};

use crate::{
    app::Hydrated,
    domain::{Filter, TodoId, TodoTitle, TodoTitleError},
    server_fns::todos::{DeleteTodo, EditTodo, SetCompleted},
    state::TodoStore,
};

#[component]
pub fn TodoItem(id: TodoId, filter: Filter) -> impl IntoView {
    let store = TodoStore::use_context();
    let Hydrated(hydrated) = expect_context::<Hydrated>();
    let todo = Memo::new(move |_| store.get(id));
    let title = move || todo.with(|t| t.as_ref().map(|t| t.title.clone()).unwrap_or_default());
    let completed = move || todo.with(|t| t.as_ref().is_some_and(|t| t.completed));

    // `?edit=<id>` opens the edit form: that is how editing works without JavaScript.
    let query = use_query_map();
    let opened_by_url = query.with_untracked(|q| q.get_str("edit") == Some(&id.to_string()));
    let editing = RwSignal::new(opened_by_url);
    let edit_input = NodeRef::<html::Input>::new();

    Effect::new(move |_| {
        if editing.get() {
            if let Some(input) = edit_input.get() {
                let _ = input.focus();
            }
        }
    });

    // Leaves edit mode, dropping `?edit=` from the address if it was there.
    let close_editor = move || {
        editing.set(false);
        if query.with_untracked(|q| q.get_str("edit").is_some()) {
            let navigate = leptos_router::hooks::use_navigate();
            navigate(
                filter.path(),
                NavigateOptions {
                    replace: true,
                    scroll: false,
                    ..Default::default()
                },
            );
        }
    };
    let save = move || {
        if !editing.get_untracked() {
            return;
        }
        let Some(input) = edit_input.get_untracked() else {
            return;
        };
        let text = input.value();
        match TodoTitle::parse(&text) {
            Ok(new_title) if new_title.as_str() == title() => close_editor(),
            Ok(_) | Err(TodoTitleError::Empty) => {
                close_editor();
                store.edit(id, text);
            }
            // Too long: stay in the editor and say why.
            Err(err) => store.show_error(err.to_string()),
        }
    };
    let on_keydown = move |ev: ev::KeyboardEvent| {
        if ev.key() == "Escape" {
            ev.prevent_default();
            close_editor();
        }
    };
    let start_editing = move || editing.set(true);
    let edit_href = format!("{}?edit={id}", filter.path());

    view! {
        <li class:completed=completed class:editing=move || editing.get()>
            <div class="view">
                <form
                    class="toggle-form"
                    method="post"
                    action=SetCompleted::PATH
                    on:submit=|ev| ev.prevent_default()
                >
                    <input type="hidden" name="id" value=id.to_string() />
                    <input type="hidden" name="completed" value=move || (!completed()).to_string() />
                    <input
                        class="toggle"
                        type="checkbox"
                        prop:checked=completed
                        aria-label=move || format!("Done: {}", title())
                        on:change=move |ev| store.set_completed(id, event_target_checked(&ev))
                    />
                    // Without JavaScript a checkbox cannot submit: this button, laid over it, does.
                    <Show when=move || !hydrated.get()>
                        <button type="submit" class="toggle-submit">
                            <span class="visually-hidden">
                                {move || {
                                    if completed() {
                                        format!("Mark as active: {}", title())
                                    } else {
                                        format!("Mark as complete: {}", title())
                                    }
                                }}
                            </span>
                        </button>
                    </Show>
                </form>
                <label on:dblclick=move |_| start_editing()>{title}</label>
                <a
                    class="edit-link"
                    href=edit_href
                    aria-label=move || format!("Edit: {}", title())
                    on:click=move |ev| {
                        ev.prevent_default();
                        start_editing();
                    }
                >
                    <span aria-hidden="true">"✎"</span>
                </a>
                <form
                    class="destroy-form"
                    method="post"
                    action=DeleteTodo::PATH
                    on:submit=move |ev| {
                        ev.prevent_default();
                        store.delete(id);
                    }
                >
                    <input type="hidden" name="id" value=id.to_string() />
                    <button
                        type="submit"
                        class="destroy"
                        aria-label=move || format!("Delete: {}", title())
                    ></button>
                </form>
            </div>
            <Show when=move || editing.get()>
                <form
                    class="edit-form"
                    method="post"
                    action=EditTodo::PATH
                    on:submit=move |ev| {
                        ev.prevent_default();
                        save();
                    }
                >
                    <input type="hidden" name="id" value=id.to_string() />
                    <Show when=move || !hydrated.get()>
                        <input
                            type="hidden"
                            name="back_to"
                            value=match filter {
                                Filter::All => "all",
                                Filter::Active => "active",
                                Filter::Completed => "completed",
                            }
                        />
                    </Show>
                    <input
                        class="edit"
                        name="title"
                        value=title
                        aria-label="Edit the to-do"
                        autocomplete="off"
                        autofocus=opened_by_url
                        node_ref=edit_input
                        on:keydown=on_keydown
                        on:blur=move |_| save()
                    />
                </form>
            </Show>
        </li>
    }
}
