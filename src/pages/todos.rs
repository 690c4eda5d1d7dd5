//! The to-do list page, one route per filter: `/`, `/active`, `/completed`. The server loads
//! the list and renders the `TodoApp` island with it.

use leptos::{either::Either, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    components::form_error::any_error_in_address,
    domain::{Filter, TodoId},
    error::AppError,
    islands::todos::TodoApp,
    server_fns::todos::list_snapshot,
};

#[component]
pub fn TodosPage(filter: Filter) -> impl IntoView {
    // `?edit=<id>` opens that to-do's edit form: how editing works without JavaScript.
    let editing = use_query_map().with_untracked(|query| {
        query
            .get_str("edit")
            .and_then(|id| id.parse().ok())
            .map(TodoId)
    });
    // A plain form post from this page that failed comes back with its error.
    let error = any_error_in_address();
    // The list, its attachments and its version, read together.
    let snapshot = OnceResource::new(list_snapshot());

    view! {
        <Title text=filter.page_title() />
        <Suspense>
            {move || {
                let error = error.clone();
                Suspend::new(async move {
                    match snapshot.await {
                        Ok(snapshot) => {
                            Either::Left(view! { <TodoApp filter snapshot editing error /> })
                        }
                        Err(err) => Either::Right(view! { <LoadFailed err /> }),
                    }
                })
            }}
        </Suspense>
        <footer class="info">
            <p>"Double-click a to-do to edit it."</p>
        </footer>
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
