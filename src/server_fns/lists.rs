//! Server functions for lists and sharing: who is asking → parse → `services::lists` → reply.
//! The list menu and a list's settings page post to them as plain forms (with or without
//! JavaScript): on success the browser is sent on to where the outcome shows.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{
    domain::{ListId, ListView, Member},
    error::AppError,
};

#[cfg(feature = "ssr")]
use crate::{
    domain::{Filter, ListName, Role, Username},
    routes::HOME,
    server::{auth::require_user, forms::redirect_plain_form, services::lists, state::AppState},
};

/// A list's settings page: the list, its members, and how many to-dos it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListDetails {
    pub list: ListView,
    pub members: Vec<Member>,
    pub todo_count: i64,
}

/// The address of list `id`'s settings page.
pub fn settings_path(id: ListId) -> String {
    format!("/lists/{id}/settings")
}

/// Every list of the signed-in user: their Inbox first, then their own and shared ones.
#[server(prefix = "/fn", endpoint = "lists/mine")]
pub async fn my_lists() -> Result<Vec<ListView>, AppError> {
    let user = require_user()?.id;
    lists::all(&AppState::from_context()?, user).await
}

#[server(prefix = "/fn", endpoint = "lists/settings")]
pub async fn list_settings(list: ListId) -> Result<ListDetails, AppError> {
    let user = require_user()?.id;
    let state = AppState::from_context()?;
    let view = lists::get(&state, user, Some(list).into()).await?;
    let members = lists::members(&state, user, list).await?;
    let todo_count = lists::todo_count(&state, user, list).await?;
    Ok(ListDetails {
        list: view,
        members,
        todo_count,
    })
}

/// Makes a list; a plain form goes on to it.
#[server(prefix = "/fn", endpoint = "lists/create")]
pub async fn create_list(name: String) -> Result<ListView, AppError> {
    let user = require_user()?.id;
    let made = lists::create(&AppState::from_context()?, user, ListName::parse(&name)?).await?;
    redirect_plain_form(&made.path(Filter::All));
    Ok(made)
}

#[server(prefix = "/fn", endpoint = "lists/rename")]
pub async fn rename_list(list: ListId, name: String) -> Result<ListView, AppError> {
    let user = require_user()?.id;
    let name = ListName::parse(&name)?;
    let renamed = lists::rename(&AppState::from_context()?, user, list, name).await?;
    redirect_plain_form(&format!("{}?renamed=1", settings_path(list)));
    Ok(renamed)
}

/// Deletes a list with its to-dos; a plain form goes on to the Inbox.
#[server(prefix = "/fn", endpoint = "lists/delete")]
pub async fn delete_list(list: ListId) -> Result<(), AppError> {
    let user = require_user()?.id;
    lists::delete(&AppState::from_context()?, user, list).await?;
    redirect_plain_form(HOME);
    Ok(())
}

/// Shares a list with `username` as `role` ("editor" or "viewer").
#[server(prefix = "/fn", endpoint = "lists/share")]
pub async fn share_list(list: ListId, username: String, role: String) -> Result<Member, AppError> {
    let user = require_user()?.id;
    let username = Username::parse(&username)?;
    let role = Role::parse_shared(&role)?;
    let added = lists::add_member(&AppState::from_context()?, user, list, &username, role).await?;
    redirect_plain_form(&settings_path(list));
    Ok(added)
}

#[server(prefix = "/fn", endpoint = "lists/set_role")]
pub async fn set_member_role(
    list: ListId,
    username: String,
    role: String,
) -> Result<Member, AppError> {
    let user = require_user()?.id;
    let username = Username::parse(&username)?;
    let role = Role::parse_shared(&role)?;
    let changed = lists::set_role(&AppState::from_context()?, user, list, &username, role).await?;
    redirect_plain_form(&settings_path(list));
    Ok(changed)
}

/// Takes a member off a list the signed-in user owns.
#[server(prefix = "/fn", endpoint = "lists/remove_member")]
pub async fn remove_member(list: ListId, username: String) -> Result<(), AppError> {
    let user = require_user()?.id;
    let username = Username::parse(&username)?;
    lists::remove_member(&AppState::from_context()?, user, list, &username).await?;
    redirect_plain_form(&settings_path(list));
    Ok(())
}

/// Leaves a list shared with the signed-in user; a plain form goes on to the Inbox.
#[server(prefix = "/fn", endpoint = "lists/leave")]
pub async fn leave_list(list: ListId) -> Result<(), AppError> {
    let user = require_user()?;
    let username = Username::parse(&user.username)?;
    lists::remove_member(&AppState::from_context()?, user.id, list, &username).await?;
    redirect_plain_form(HOME);
    Ok(())
}
