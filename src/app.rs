//! The HTML shell, the root component and the route table.
//!
//! All of this renders on the server only: the browser hydrates just the islands (`islands/`).

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags};
use leptos_router::{
    components::{Outlet, ProtectedParentRoute, ProtectedRoute, Route, Router, Routes},
    path, SsrMode,
};

use crate::{
    components::{account::Account, account_bar::AccountBar},
    domain::Filter,
    pages::{
        api_docs::ApiDocsPage, list_settings::ListSettingsPage, log_in::LogInPage,
        not_found::NotFound, settings::SettingsPage, sign_up::SignUpPage, todos::TodosPage,
    },
    routes::{HOME, LOG_IN},
};

/// The document around the app.
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
                <HydrationScripts options islands=true />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let account = Account::provide();
    let signed_in = move || account.signed_in();
    let signed_out = move || account.signed_in().map(|signed_in| !signed_in);
    let todos = |filter: Filter| move || view! { <TodosPage filter /> };

    // Async: the server sends the whole page at once, so it is complete without JavaScript.
    // A page that is not for this visitor answers with a redirect: to /login when signed out,
    // home when signed in. Each page reads the account under its own boundary only: one
    // resource read from two Suspense boundaries can stall server rendering
    // (leptos-rs/leptos#4578, #4851).
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
                    <Route path=path!("") view=todos(Filter::All) ssr=SsrMode::Async />
                    <Route path=path!("active") view=todos(Filter::Active) ssr=SsrMode::Async />
                    <Route
                        path=path!("completed")
                        view=todos(Filter::Completed)
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("lists/:id") view=todos(Filter::All) ssr=SsrMode::Async />
                    <Route
                        path=path!("lists/:id/active")
                        view=todos(Filter::Active)
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("lists/:id/completed")
                        view=todos(Filter::Completed)
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("lists/:id/settings")
                        view=ListSettingsPage
                        ssr=SsrMode::Async
                    />
                </ProtectedParentRoute>
            </Routes>
        </Router>
    }
}

/// Above each list page: the account bar.
#[component]
fn TodosLayout() -> impl IntoView {
    view! {
        <AccountBar />
        <Outlet />
    }
}
