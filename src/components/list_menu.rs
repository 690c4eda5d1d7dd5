//! The list menu beside every list page: the user's lists (their Inbox first, shared ones with
//! their owner's name) and a form to make a new one. Plain links and a plain form, so it works
//! the same with and without JavaScript; on a narrow screen it becomes a strip above the list.

use std::future::Future;

use leptos::{prelude::*, server_fn::ServerFn};

use crate::{
    components::form_error::{error_in_address, FormError},
    domain::{Filter, ListId, ListView},
    error::AppError,
    server_fns::lists::CreateList,
};

/// `current`: the list the page shows (`None`: the Inbox at `/`). `lists`: the user's lists
/// (`my_lists()`, or read with the page's list).
#[component]
pub fn ListMenu(
    current: Option<ListId>,
    lists: impl Future<Output = Result<Vec<ListView>, AppError>> + Send + 'static,
) -> impl IntoView {
    let lists = OnceResource::new(lists);
    view! {
        <nav class="list-menu" aria-label="Lists">
            <h2 class="list-menu-heading">"Lists"</h2>
            <Suspense>
                {move || Suspend::new(async move {
                    lists
                        .await
                        .map(|lists| {
                            view! {
                                <ul>
                                    {lists
                                        .into_iter()
                                        .map(|list| view! { <ListLink list current /> })
                                        .collect_view()}
                                </ul>
                            }
                        })
                        .ok()
                })}
            </Suspense>
            <form method="post" action=CreateList::PATH class="new-list">
                <label for="new-list-name" class="visually-hidden">
                    "New list name"
                </label>
                <input
                    id="new-list-name"
                    name="name"
                    placeholder="New list"
                    maxlength="100"
                    autocomplete="off"
                    required
                />
                <button type="submit">"Add list"</button>
            </form>
            <FormError error=error_in_address(CreateList::PATH) />
        </nav>
    }
}

#[component]
fn ListLink(list: ListView, current: Option<ListId>) -> impl IntoView {
    let here = match current {
        None => list.inbox,
        Some(id) => id == list.id,
    };
    let href = list.path(Filter::All);
    // The space keeps the name and the owner apart, on screen and in the link's accessible
    // name ("Groceries by alice", not "Groceriesby alice").
    let shared_by = list.is_shared_with_me().then(|| {
        view! {
            " "
            <span class="list-owner">{format!("by {}", list.owner)}</span>
        }
    });
    view! {
        <li>
            <a href=href aria-current=here.then_some("page") class:current=here>
                <span class="list-name">{list.name}</span>
                {shared_by}
            </a>
        </li>
    }
}
