//! The HTML shell, the root component and the route table.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags};
use leptos_router::{
    components::{Outlet, ProtectedParentRoute, ProtectedRoute, Route, Router, Routes},
    path, SsrMode,
};

use crate::{
    components::account_bar::AccountBar,
    domain::Filter,
    pages::{
        api_docs::ApiDocsPage, log_in::LogInPage, not_found::NotFound, settings::SettingsPage,
        sign_up::SignUpPage, todos::TodosPage,
    },
    server_fns::account::HOME,
    state::{Account, TodoStore},
};

/// Where visitors who are not signed in are sent.
const LOG_IN: &str = "/login";

/// The document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    // The page's Content-Security-Policy carries the nonce Leptos puts on its inline scripts.
    #[cfg(feature = "ssr")]
    crate::server::security::set_page_policy();

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
    let account = Account::provide();
    let signed_in = move || account.signed_in();
    let signed_out = move || account.signed_in().map(|signed_in| !signed_in);

    // Async: the server sends the whole page at once, so it is complete without JavaScript
    // (out-of-order streaming needs a script to place late content). A page that is not for
    // this visitor answers with a redirect: to /login when signed out, home when signed in.
    // The account is read only under the matched route's own boundary (the account bar is part
    // of the signed-in pages): one resource read from two Suspense boundaries can stall
    // server rendering (leptos-rs/leptos#4578, #4851).
    view! {
        <Router>
            <Routes fallback=NotFound>
                <ProtectedRoute
                    path=path!("/login")
                    view=LogInPage
                    condition=signed_out
                    redirect_path=|| HOME
                    ssr=SsrMode::Async
                />
                <ProtectedRoute
                    path=path!("/signup")
                    view=SignUpPage
                    condition=signed_out
                    redirect_path=|| HOME
                    ssr=SsrMode::Async
                />
                <ProtectedRoute
                    path=path!("/settings")
                    view=SettingsPage
                    condition=signed_in
                    redirect_path=|| LOG_IN
                    ssr=SsrMode::Async
                />
                <Route path=path!("/docs/api") view=ApiDocsPage ssr=SsrMode::Async />
                <ProtectedParentRoute
                    path=path!("")
                    view=TodosLayout
                    condition=signed_in
                    redirect_path=|| LOG_IN
                    ssr=SsrMode::Async
                >
                    <Route
                        path=path!("")
                        view=|| view! { <TodosPage filter=Filter::All /> }
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("active")
                        view=|| view! { <TodosPage filter=Filter::Active /> }
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("completed")
                        view=|| view! { <TodosPage filter=Filter::Completed /> }
                        ssr=SsrMode::Async
                    />
                </ProtectedParentRoute>
            </Routes>
        </Router>
    }
}

/// Holds the list above the filter routes, so switching filters keeps it.
#[component]
fn TodosLayout() -> impl IntoView {
    TodoStore::provide();
    view! {
        <AccountBar />
        <Outlet />
    }
}
