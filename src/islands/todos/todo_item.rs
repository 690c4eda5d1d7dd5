//! One `li` of `ul.todo-list`: toggle, title, edit and delete. On the server a row is rendered
//! once and kept (`server::row_cache`); the browser hydrates the same markup.

use leptos::{ev, html, prelude::*, server_fn::ServerFn};

use crate::{
    domain::{TodoTitle, TodoTitleError},
    server_fns::todos::{DeleteTodo, EditTodo, SetCompleted},
};

use super::{
    attachments::{Attachments, Upload},
    store::{Entry, TodoStore},
};

/// The row whose id the address names (`?edit=<id>`, the page-reload way to edit) starts with
/// its edit form open. The title is fixed for the life of the row: a renamed to-do gets a new
/// row. The store comes in as a prop: rows are many, context look-ups add up.
#[component]
pub fn TodoItem(entry: Entry, store: TodoStore) -> impl IntoView {
    row(entry, store)
}

/// On the server a row is markup only: the row cache's, when it has this row as it is now.
#[cfg(feature = "ssr")]
fn row(entry: Entry, store: TodoStore) -> impl IntoView {
    use crate::server::row_cache::{RowCache, RowKey};
    use leptos::tachys::html::InertElement;

    let Some(rows) = use_context::<RowCache>() else {
        return InertElement::new(live_row(entry, store).to_html());
    };
    let key = RowKey {
        id: entry.id,
        title: entry.title.clone(),
        completed: entry.completed.get_untracked(),
        list: store.list_id(),
        path: store.path(store.filter_untracked()),
        editing: store.edit_in_address(entry.id),
        attachments: store.attachments_of(entry.id),
    };
    let html = rows.html(key, || live_row(entry, store).to_html());
    InertElement::new(String::clone(&html))
}

#[cfg(not(feature = "ssr"))]
fn row(entry: Entry, store: TodoStore) -> impl IntoView {
    live_row(entry, store)
}

/// The row with its signals and handlers, as the browser runs it.
fn live_row(entry: Entry, store: TodoStore) -> impl IntoView {
    let Entry {
        id,
        title,
        completed,
    } = entry;
    let completed: Signal<bool> = completed.into();
    let title = StoredValue::new(title);

    let opened_by_url = store.edit_in_address(id);
    let editing = RwSignal::new(opened_by_url);
    let edit_input = NodeRef::<html::Input>::new();

    // Leaves edit mode; the row the address opened also drops `?edit=` from it.
    let close_editor = move || {
        editing.set(false);
        store.editor_closed(id);
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
            Ok(new_title) if title.with_value(|title| title == new_title.as_str()) => {
                close_editor()
            }
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
    // Opens the editor and focuses it once it is drawn (no effect per row: rows are many).
    let start_editing = move || {
        if !store.can_edit() {
            return;
        }
        editing.set(true);
        store.editing_started(id);
        request_animation_frame(move || {
            if let Some(input) = edit_input.get_untracked() {
                let _ = input.focus();
            }
        });
    };
    // For the page-reload way to edit; the app opens the editor in place.
    let edit_href = format!("{}?edit={id}", store.path(store.filter_untracked()));

    let done_label = title.with_value(|title| format!("Done: {title}"));
    let edit_label = title.with_value(|title| format!("Edit: {title}"));
    let delete_label = title.with_value(|title| format!("Delete: {title}"));

    // Without JavaScript a checkbox cannot submit: this button, laid over it, does (the
    // stylesheet hides it once the app runs). Both only matter before hydration, so both are
    // fixed at render time.
    let toggle_submit_label = title.with_value(|title| {
        let verb = if completed.get_untracked() {
            "Mark as active"
        } else {
            "Mark as complete"
        };
        format!("{verb}: {title}")
    });
    let toggle_submit_value = (!completed.get_untracked()).to_string();

    // Files dropped on the row are attached to it.
    let uploads = RwSignal::new(Vec::<Upload>::new());
    let drag_over = RwSignal::new(false);
    let on_drop = move |ev: ev::DragEvent| {
        ev.prevent_default();
        drag_over.set(false);
        #[cfg(feature = "hydrate")]
        if let Some(files) = ev.data_transfer().and_then(|data| data.files()) {
            super::upload::send_all(id, files, store, uploads);
        }
    };

    let edit_form = move || {
        editing.get().then(|| {
            view! {
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
                    // Sends a page-reload edit back to its list (the app saves without the form).
                    <input type="hidden" name="back_to" value=store.filter_untracked().as_str() />
                    <input type="hidden" name="list" value=store.list_id().to_string() />
                    <input
                        class="edit"
                        name="title"
                        value=title.get_value()
                        aria-label="Edit the to-do"
                        autocomplete="off"
                        autofocus=opened_by_url
                        node_ref=edit_input
                        on:keydown=on_keydown
                        on:blur=move |_| save()
                    />
                </form>
            }
        })
    };

    view! {
        <li
            class=move || match (completed.get(), editing.get()) {
                (true, true) => "completed editing",
                (true, false) => "completed",
                (false, true) => "editing",
                (false, false) => "",
            }
            class:drop-target=drag_over
            on:dragover=move |ev: ev::DragEvent| {
                ev.prevent_default();
                drag_over.set(true);
            }
            on:dragleave=move |_| drag_over.set(false)
            on:drop=on_drop
        >
            // One form holds the row's page-reload actions: the toggle button posts to its
            // action, the delete button to its own `formaction`.
            <form
                class="view"
                method="post"
                action=SetCompleted::PATH
                on:submit=|ev| ev.prevent_default()
            >
                <input type="hidden" name="id" value=id.to_string() />
                <input
                    class="toggle"
                    type="checkbox"
                    prop:checked=completed
                    prop:disabled=move || !store.can_edit()
                    aria-label=done_label
                    on:change=move |ev| store.set_completed(id, event_target_checked(&ev))
                />
                <button
                    type="submit"
                    class="toggle-submit"
                    name="completed"
                    value=toggle_submit_value
                    aria-label=toggle_submit_label
                ></button>
                <label on:dblclick=move |_| start_editing()>{title.get_value()}</label>
                <a
                    class="edit-link"
                    href=edit_href
                    aria-label=edit_label
                    on:click=move |ev| {
                        ev.prevent_default();
                        start_editing();
                    }
                >
                    "✎"
                </a>
                <button
                    type="submit"
                    class="destroy"
                    formaction=DeleteTodo::PATH
                    aria-label=delete_label
                    on:click=move |ev| {
                        ev.prevent_default();
                        store.delete(id);
                    }
                ></button>
            </form>
            {edit_form}
            <Attachments todo=id title=title.get_value() store uploads />
        </li>
    }
}

#[cfg(all(test, feature = "ssr"))]
#[path = "todo_item_tests.rs"]
mod tests;
