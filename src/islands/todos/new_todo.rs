//! `input.new-todo`: Enter adds the trimmed title at the bottom.

use leptos::{html, prelude::*, server_fn::ServerFn};

use crate::{
    domain::{TodoTitle, TodoTitleError},
    server_fns::todos::AddTodo,
};

use super::store::TodoStore;

#[component]
pub fn NewTodo(store: TodoStore) -> impl IntoView {
    let input = NodeRef::<html::Input>::new();

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(input) = input.get() else { return };
        match TodoTitle::parse(&input.value()) {
            Ok(title) => {
                input.set_value("");
                store.add(title);
            }
            // A blank title adds nothing (TodoMVC).
            Err(TodoTitleError::Empty) => input.set_value(""),
            Err(err) => store.show_error(err.to_string()),
        }
    };

    view! {
        <form class="new-todo-form" method="post" action=AddTodo::PATH on:submit=on_submit>
            <input type="hidden" name="list" value=store.list_id().to_string() />
            <label for="new-todo" class="visually-hidden">
                "New to-do"
            </label>
            <input
                id="new-todo"
                class="new-todo"
                name="title"
                placeholder="What needs to be done?"
                autocomplete="off"
                autofocus
                node_ref=input
            />
        </form>
    }
}
