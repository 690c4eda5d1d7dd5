//! Who is signed in, loaded once per page and read by the views that need it.

use leptos::prelude::*;

use crate::{domain::UserView, error::AppError, server_fns::account::current_user};

/// Who is signed in, loaded once per page.
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
