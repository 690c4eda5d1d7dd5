//! A list's pages, one route per filter: the Inbox at `/`, `/active`, `/completed`, and every
//! list at `/lists/{id}`, `/lists/{id}/active`, `/lists/{id}/completed`. The server loads the
//! list and renders the list menu, the list's header and the `TodoApp` island with it.

use leptos::{either::Either, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::{
    components::{form_error::any_error_in_address, list_menu::ListMenu},
    domain::{Filter, ListAndMenu, ListId, ListView, TodoId},
    error::AppError,
    islands::todos::TodoApp,
    server_fns::{
        lists::{my_lists, settings_path},
        todos::list_page,
    },
};

/// The list in the address (`/lists/{id}`…); `None` for the Inbox's own addresses, and for an
/// id that is no number (which then shows as not found).
pub fn list_in_address() -> Result<Option<ListId>, AppError> {
    use_params_map().with_untracked(|params| match params.get_str("id") {
        None => Ok(None),
        Some(raw) => raw
            .parse()
            .ok()
            .filter(|id| *id > 0)
            .map(|id| Some(ListId(id)))
            .ok_or(AppError::ListNotFound),
    })
}

#[component]
pub fn TodosPage(filter: Filter) -> impl IntoView {
    let list = list_in_address();
    // `?edit=<id>` opens that to-do's edit form: how editing works without JavaScript.
    let editing = use_query_map().with_untracked(|query| {
        query
            .get_str("edit")
            .and_then(|id| id.parse().ok())
            .map(TodoId)
    });
    // A plain form post from this page that failed comes back with its error.
    let error = any_error_in_address();
    // The user's lists, and this one's to-dos, attachments and version, read together.
    let current = list.clone().ok().flatten();
    let page = OnceResource::new(async move { list_page(list?).await });
    // A list that cannot be shown still has the menu beside it.
    let lists = async move {
        match page.await {
            Ok(page) => Ok(page.lists),
            Err(_) => my_lists().await,
        }
    };

    view! {
        <div class="lists-layout">
            <ListMenu current lists />
            <div class="list-page">
                <Suspense>
                    {move || {
                        let error = error.clone();
                        Suspend::new(async move {
                            match page.await {
                                Ok(ListAndMenu { snapshot, .. }) => {
                                    let list = snapshot.list.clone();
                                    Either::Left(
                                        view! {
                                            <Title text=filter
                                                .page_title_of((!list.inbox).then_some(&list.name)) />
                                            <ListHeader list />
                                            <TodoApp filter snapshot editing error />
                                        },
                                    )
                                }
                                Err(err) => Either::Right(view! { <LoadFailed err /> }),
                            }
                        })
                    }}
                </Suspense>
                <footer class="info">
                    <p>"Double-click a to-do to edit it."</p>
                </footer>
            </div>
        </div>
    }
}

/// The list's name, whose it is and the reader's role when shared, and its settings.
#[component]
fn ListHeader(list: ListView) -> impl IntoView {
    let shared = list.is_shared_with_me().then(|| {
        view! {
            <p class="list-shared">
                {format!("Shared by {} · you are {}", list.owner, list.role.label().to_lowercase())}
            </p>
        }
    });
    let settings = if list.is_shared_with_me() {
        "Members"
    } else {
        "Share & settings"
    };
    view! {
        <div class="list-header">
            <h2 class="list-title">{list.name.clone()}</h2>
            {shared}
            <a class="list-settings-link" href=settings_path(list.id)>
                {settings}
            </a>
        </div>
    }
}

/// The list could not be loaded: the page says so, and its status too (so it is never kept).
#[component]
fn LoadFailed(err: AppError) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(err.http_status());
        if let Some(secs) = err.retry_after() {
            response.insert_header(axum::http::header::RETRY_AFTER, secs.into());
        }
    }
    view! {
        <Title text="Not available · Tick" />
        <main class="todoapp">
            <header class="header">
                <h1>"Tick"</h1>
            </header>
            <p class="load-error" role="alert">
                {err.to_string()}
            </p>
        </main>
    }
}
