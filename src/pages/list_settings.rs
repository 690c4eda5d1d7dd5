//! `/lists/{id}/settings`: a list's name, members and deletion. The owner renames, shares
//! (editor or viewer), changes roles, removes members and deletes the list (after a
//! confirmation that says how many to-dos go); a member sees who is on it and may leave.
//!
//! Plain forms: each posts, and the server sends the browser back here (or on) with the outcome.

use leptos::{either::Either, prelude::*, server_fn::ServerFn};
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::{
    components::{
        form_error::{error_in_address, FormError},
        list_menu::ListMenu,
    },
    domain::{Filter, ListId, Member, Role},
    error::AppError,
    pages::todos::list_in_address,
    server_fns::lists::{
        list_settings, my_lists, settings_path, DeleteList, LeaveList, ListDetails, RemoveMember,
        RenameList, SetMemberRole, ShareList,
    },
};

#[component]
pub fn ListSettingsPage() -> impl IntoView {
    let list = list_in_address().and_then(|list| list.ok_or(AppError::ListNotFound));
    let current = list.clone().ok();
    let details = OnceResource::new(async move { list_settings(list?).await });
    view! {
        <div class="lists-layout">
            <ListMenu current lists=my_lists() />
            <main class="list-page settings-page">
                <Suspense>
                    {move || Suspend::new(async move {
                        match details.await {
                            Ok(details) => Either::Left(view! { <Settings details /> }),
                            Err(err) => Either::Right(view! { <NotAvailable err /> }),
                        }
                    })}
                </Suspense>
            </main>
        </div>
    }
}

#[component]
fn Settings(details: ListDetails) -> impl IntoView {
    let ListDetails {
        list,
        members,
        todo_count,
    } = details;
    let owner = list.role == Role::Owner;
    let id = list.id;
    let back = list.path(Filter::All);
    let title = format!("{} · Settings · Tick", list.name);
    let delete = (owner && !list.inbox)
        .then(|| view! { <DeleteList id name=list.name.clone() todo_count /> });
    let leave = (!owner).then(|| view! { <Leave id /> });
    view! {
        <Title text=title />
        <h1>{list.name.clone()}</h1>
        <p class="back">
            <a href=back>"← Back to the list"</a>
        </p>
        {(!owner).then(|| view! {
            <p>{format!("Shared with you by {}: you are {}.", list.owner, list.role.label().to_lowercase())}</p>
        })}
        {owner.then(|| view! { <Rename id name=list.name.clone() /> })}
        <Members id owner members />
        {owner.then(|| view! { <Share id /> })}
        {leave}
        {delete}
    }
}

#[component]
fn Rename(id: ListId, name: String) -> impl IntoView {
    let renamed = use_query_map().with_untracked(|query| query.get_str("renamed").is_some());
    view! {
        <section class="settings-card" aria-labelledby="rename-heading">
            <h2 id="rename-heading">"Name"</h2>
            <form method="post" action=RenameList::PATH class="auth-form">
                <input type="hidden" name="list" value=id.to_string() />
                <div class="field">
                    <label for="list-name">"List name"</label>
                    <input id="list-name" name="name" value=name maxlength="100" required />
                </div>
                <FormError error=error_in_address(RenameList::PATH) />
                {renamed.then(|| view! { <p class="form-success" role="status">"Renamed."</p> })}
                <button type="submit" class="primary">"Rename"</button>
            </form>
        </section>
    }
}

#[component]
fn Members(id: ListId, owner: bool, members: Vec<Member>) -> impl IntoView {
    let rows = members
        .into_iter()
        .map(|member| {
            let controls = (owner && member.role != Role::Owner).then(|| {
                view! { <MemberControls id member=member.clone() /> }
            });
            view! {
                <li class="member">
                    <span class="member-name">{member.username.clone()}</span>
                    <span class="member-role">{member.role.label()}</span>
                    {controls}
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="settings-card" aria-labelledby="members-heading">
            <h2 id="members-heading">"Members"</h2>
            <ul class="members">{rows}</ul>
            <FormError error=error_in_address(SetMemberRole::PATH) />
            <FormError error=error_in_address(RemoveMember::PATH) />
        </section>
    }
}

/// The owner's controls for one member: change the role, or remove them.
#[component]
fn MemberControls(id: ListId, member: Member) -> impl IntoView {
    let other = match member.role {
        Role::Viewer => Role::Editor,
        _ => Role::Viewer,
    };
    let change_label = format!("Make {} {}", member.username, other.label().to_lowercase());
    let remove_label = format!("Remove {}", member.username);
    view! {
        <form method="post" action=SetMemberRole::PATH class="member-form">
            <input type="hidden" name="list" value=id.to_string() />
            <input type="hidden" name="username" value=member.username.clone() />
            <input type="hidden" name="role" value=other.as_str() />
            <button type="submit" aria-label=change_label.clone() title=change_label>
                {format!("Make {}", other.label().to_lowercase())}
            </button>
        </form>
        <form method="post" action=RemoveMember::PATH class="member-form">
            <input type="hidden" name="list" value=id.to_string() />
            <input type="hidden" name="username" value=member.username />
            <button type="submit" class="danger" aria-label=remove_label>
                "Remove"
            </button>
        </form>
    }
}

#[component]
fn Share(id: ListId) -> impl IntoView {
    view! {
        <section class="settings-card" aria-labelledby="share-heading">
            <h2 id="share-heading">"Share"</h2>
            <form method="post" action=ShareList::PATH class="auth-form share-form">
                <input type="hidden" name="list" value=id.to_string() />
                <div class="field">
                    <label for="share-username">"Username"</label>
                    <input id="share-username" name="username" autocomplete="off" required />
                </div>
                <div class="field">
                    <label for="share-role">"Role"</label>
                    <select id="share-role" name="role">
                        <option value="editor">"Editor: adds, changes and deletes to-dos"</option>
                        <option value="viewer">"Viewer: sees everything, changes nothing"</option>
                    </select>
                </div>
                <FormError error=error_in_address(ShareList::PATH) />
                <button type="submit" class="primary">"Share"</button>
            </form>
        </section>
    }
}

#[component]
fn Leave(id: ListId) -> impl IntoView {
    view! {
        <section class="settings-card" aria-labelledby="leave-heading">
            <h2 id="leave-heading">"Leave"</h2>
            <p>"The list stays with its owner and other members."</p>
            <form method="post" action=LeaveList::PATH>
                <input type="hidden" name="list" value=id.to_string() />
                <FormError error=error_in_address(LeaveList::PATH) />
                <button type="submit" class="danger">"Leave list"</button>
            </form>
        </section>
    }
}

/// Deleting asks first, on the same page (`?confirm=delete`), naming what goes.
#[component]
fn DeleteList(id: ListId, name: String, todo_count: i64) -> impl IntoView {
    let confirming =
        use_query_map().with_untracked(|query| query.get_str("confirm") == Some("delete"));
    let what = match todo_count {
        0 => "It has no to-dos.".to_owned(),
        1 => "Its 1 to-do and its attachments will be deleted too.".to_owned(),
        n => format!("Its {n} to-dos and their attachments will be deleted too."),
    };
    let body = if confirming {
        Either::Left(view! {
            <div class="confirm" role="alert">
                <p><strong>{format!("Delete “{name}”?")}</strong> " " {what} " This cannot be undone."</p>
                <form method="post" action=DeleteList::PATH>
                    <input type="hidden" name="list" value=id.to_string() />
                    <button type="submit" class="danger">
                        {format!("Delete list and {}", todos_label(todo_count))}
                    </button>
                    " "
                    <a href=settings_path(id)>"Cancel"</a>
                </form>
            </div>
        })
    } else {
        Either::Right(view! {
            <p>{what}</p>
            <a class="button danger" href=format!("{}?confirm=delete", settings_path(id))>
                "Delete list…"
            </a>
        })
    };
    view! {
        <section class="settings-card danger" aria-labelledby="delete-list-heading">
            <h2 id="delete-list-heading">"Delete list"</h2>
            {body}
            <FormError error=error_in_address(DeleteList::PATH) />
        </section>
    }
}

fn todos_label(count: i64) -> String {
    match count {
        1 => "1 to-do".to_owned(),
        n => format!("{n} to-dos"),
    }
}

#[component]
fn NotAvailable(err: AppError) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(err.http_status());
    }
    view! {
        <Title text="Not available · Tick" />
        <h1>"List settings"</h1>
        <p class="load-error" role="alert">{err.to_string()}</p>
        <p class="back"><a href="/">"← Back to your Inbox"</a></p>
    }
}
