//! Who is signed in, as the page knows it: loaded once with the page.
//!
//! Logging in or out reloads the whole page, so nothing of one user stays in memory for the next.

use leptos::prelude::*;

use crate::{domain::UserView, error::AppError, server_fns::account::current_user};

#[derive(Clone, Copy)]
pub struct Account {
    user: OnceResource<Result<Option<UserView>, AppError>>,
}

impl Account {
    pub fn provide() -> Self {
        let account = Account {
            user: OnceResource::new(current_user()),
        };
        provide_context(account);
        account
    }

    pub fn use_context() -> Self {
        expect_context::<Account>()
    }

    /// The signed-in user; `None` while loading, `Some(None)` when nobody is signed in.
    pub fn user(self) -> Option<Option<UserView>> {
        self.user.get().map(|loaded| loaded.ok().flatten())
    }

    /// Whether someone is signed in; `None` while loading.
    pub fn signed_in(self) -> Option<bool> {
        self.user().map(|user| user.is_some())
    }
}

/// Loads `path` as a new page (not a client-side route change), dropping all page state.
pub fn reload_at(path: &str) {
    if let Err(err) = window().location().set_href(path) {
        leptos::logging::error!("could not open {path}: {err:?}");
    }
}
