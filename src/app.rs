//! The HTML shell, the root component and the route table.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

use crate::{
    domain::Filter,
    pages::{not_found::NotFound, todos::TodosPage},
    state::TodoStore,
};

/// The document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <meta name="description" content="Tick: a to-do list that keeps up with you." />
                <link rel="icon" type="image/svg+xml" href="/favicon.svg" />
                <HashedStylesheet options=options.clone() id="tick-css" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// Whether the page has been hydrated. The page shows it as `data-hydrated`, which the
/// stylesheet uses to hide the controls that exist only for forms without JavaScript.
#[derive(Clone, Copy)]
pub struct Hydrated(pub ReadSignal<bool>);

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let (hydrated, set_hydrated) = signal(false);
    // Effects run only in the browser, after hydration.
    Effect::new(move |_| set_hydrated.set(true));
    provide_context(Hydrated(hydrated));

    view! {
        <Router>
            <StoreProvider>
                // Async: the server sends the whole page at once, so it is complete without
                // JavaScript (out-of-order streaming needs a script to place late content).
                <Routes fallback=NotFound>
                    <Route
                        path=path!("/")
                        view=|| view! { <TodosPage filter=Filter::All /> }
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/active")
                        view=|| view! { <TodosPage filter=Filter::Active /> }
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/completed")
                        view=|| view! { <TodosPage filter=Filter::Completed /> }
                        ssr=SsrMode::Async
                    />
                </Routes>
            </StoreProvider>
        </Router>
    }
}

/// Holds the list above the routes, so switching filters keeps it.
#[component]
fn StoreProvider(children: Children) -> impl IntoView {
    TodoStore::provide();
    children()
}
