//! Lists and their members: make, rename, delete, share, change roles, remove, leave. Who may
//! do what is decided here, once: any member reads, the owner and editors change to-dos, only
//! the owner renames, deletes and shares. A list the user is not a member of does not exist
//! for them.

use crate::{
    domain::{ListId, ListName, ListView, Member, Role, TodoId, UserId, Username},
    error::AppError,
    server::{
        db::{
            lists::{self, Access, ListRef},
            users, Ex,
        },
        events::{Kind, What},
        refusals::Refusal,
        state::AppState,
    },
};

use super::commit;

/// The most people a list is shared with (its owner included): keeps each change's
/// notification, which names every member, small.
pub const MAX_MEMBERS: usize = 50;

/// The user's access to `list`; 404 when it is not theirs to see.
pub async fn access(ex: Ex<'_>, user: UserId, list: ListRef) -> Result<Access, AppError> {
    lists::access(ex, user, list)
        .await?
        .ok_or(AppError::ListNotFound)
}

/// The user's access to `list`, which they must be allowed to change (403 for a viewer).
pub async fn writable(ex: Ex<'_>, user: UserId, list: ListRef) -> Result<Access, AppError> {
    let access = access(ex, user, list).await?;
    can_edit(&access)?;
    Ok(access)
}

/// The user's access to the list that holds `todo` (which must be `within` that list, when
/// given); 404 when they cannot see it.
pub async fn access_to_todo(
    ex: Ex<'_>,
    user: UserId,
    todo: TodoId,
    within: Option<ListRef>,
) -> Result<Access, AppError> {
    let found = lists::access_to_todo(ex, user, todo).await?;
    found_within(found, within, AppError::NotFound)
}

/// As [`access_to_todo`], for a change (403 for a viewer).
pub async fn writable_todo(
    ex: Ex<'_>,
    user: UserId,
    todo: TodoId,
    within: Option<ListRef>,
) -> Result<Access, AppError> {
    let access = access_to_todo(ex, user, todo, within).await?;
    can_edit(&access)?;
    Ok(access)
}

/// The user's access to the list that holds attachment `attachment` (which must be `within`
/// that list, when given); 404 when they cannot see it.
pub async fn access_to_attachment(
    ex: Ex<'_>,
    user: UserId,
    attachment: i64,
    within: Option<ListRef>,
) -> Result<Access, AppError> {
    let found = lists::access_to_attachment(ex, user, attachment).await?;
    found_within(found, within, AppError::AttachmentNotFound)
}

/// `found`, if it is on the list `within` (any list for `None`); `missing` otherwise.
fn found_within(
    found: Option<Access>,
    within: Option<ListRef>,
    missing: AppError,
) -> Result<Access, AppError> {
    found
        .filter(|access| within.is_none_or(|within| access.is(within)))
        .ok_or(missing)
}

/// 403 unless the member may change the list's to-dos.
pub fn can_edit(access: &Access) -> Result<(), AppError> {
    if access.role.can_edit() {
        Ok(())
    } else {
        Err(Refusal::ReadOnly.into())
    }
}

fn owner_only(access: &Access) -> Result<(), AppError> {
    if access.role == Role::Owner {
        Ok(())
    } else {
        Err(Refusal::OwnerOnly.into())
    }
}

/// Every list the user is a member of: their Inbox first.
pub async fn all(state: &AppState, user: UserId) -> Result<Vec<ListView>, AppError> {
    let mut conn = state.db.reader().await?;
    let all = lists::all(conn.ex(), user).await?;
    Ok(all.iter().map(Access::view).collect())
}

/// One list as the user sees it.
pub async fn get(state: &AppState, user: UserId, list: ListRef) -> Result<ListView, AppError> {
    let mut conn = state.db.reader().await?;
    Ok(access(conn.ex(), user, list).await?.view())
}

/// Makes a list the user owns.
pub async fn create(state: &AppState, user: UserId, name: ListName) -> Result<ListView, AppError> {
    let mut tx = state.db.begin().await?;
    let id = lists::create(tx.ex(), user, &name, false).await?;
    let view = access(tx.ex(), user, ListRef::Id(id)).await?.view();
    tx.commit().await?;
    tracing::info!(user_id = user.0, list_id = id.0, "made a list");
    Ok(view)
}

/// Renames a list the user owns.
pub async fn rename(
    state: &AppState,
    user: UserId,
    list: ListId,
    name: ListName,
) -> Result<ListView, AppError> {
    let mut tx = state.db.begin().await?;
    let found = access(tx.ex(), user, ListRef::Id(list)).await?;
    owner_only(&found)?;
    lists::rename(tx.ex(), user, list, &name).await?;
    let view = access(tx.ex(), user, ListRef::Id(list)).await?.view();
    commit(state, tx, list, &[], What::new(Kind::ListChanged, [list.0])).await?;
    Ok(view)
}

/// How many to-dos deleting the list would take with it (for the confirmation).
pub async fn todo_count(state: &AppState, user: UserId, list: ListId) -> Result<i64, AppError> {
    let mut conn = state.db.reader().await?;
    access(conn.ex(), user, ListRef::Id(list)).await?;
    Ok(lists::todo_count(conn.ex(), list).await?)
}

/// Deletes a list the user owns, with its to-dos and attachments (their files follow). The
/// Inbox stays.
pub async fn delete(state: &AppState, user: UserId, list: ListId) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    let found = access(tx.ex(), user, ListRef::Id(list)).await?;
    owner_only(&found)?;
    if found.inbox {
        return Err(Refusal::InboxKept.into());
    }
    let members = lists::member_ids(tx.ex(), list).await?;
    lists::delete(tx.ex(), user, list).await?;
    commit(
        state,
        tx,
        list,
        &members,
        What::new(Kind::ListDeleted, [list.0]),
    )
    .await?;
    state.collector.wake();
    tracing::info!(user_id = user.0, list_id = list.0, "deleted a list");
    Ok(())
}

/// The list's members (any member may see who else is on it).
pub async fn members(
    state: &AppState,
    user: UserId,
    list: ListId,
) -> Result<Vec<Member>, AppError> {
    let mut conn = state.db.reader().await?;
    access(conn.ex(), user, ListRef::Id(list)).await?;
    Ok(lists::members(conn.ex(), list).await?)
}

/// Shares a list the user owns with `username`, as `role` (editor or viewer).
pub async fn add_member(
    state: &AppState,
    user: UserId,
    list: ListId,
    username: &Username,
    role: Role,
) -> Result<Member, AppError> {
    let mut tx = state.db.begin().await?;
    let found = access(tx.ex(), user, ListRef::Id(list)).await?;
    owner_only(&found)?;
    let member = users::id_by_name(tx.ex(), username)
        .await?
        .ok_or(AppError::from(Refusal::UnknownUsername))?;
    if member == found.owner {
        return Err(Refusal::OwnerIsMember.into());
    }
    if lists::member_ids(tx.ex(), list).await?.len() >= MAX_MEMBERS {
        return Err(Refusal::TooManyMembers(MAX_MEMBERS).into());
    }
    if !lists::add_member(tx.ex(), list, member, role).await? {
        return Err(Refusal::AlreadyMember.into());
    }
    let added = member_named(tx.ex(), list, username).await?;
    commit(state, tx, list, &[], What::new(Kind::ListChanged, [list.0])).await?;
    tracing::info!(
        user_id = user.0,
        list_id = list.0,
        member_id = member.0,
        "shared a list"
    );
    Ok(added)
}

/// Gives a member of a list the user owns another role.
pub async fn set_role(
    state: &AppState,
    user: UserId,
    list: ListId,
    username: &Username,
    role: Role,
) -> Result<Member, AppError> {
    let mut tx = state.db.begin().await?;
    owner_only(&access(tx.ex(), user, ListRef::Id(list)).await?)?;
    let member = users::id_by_name(tx.ex(), username)
        .await?
        .ok_or(AppError::MemberNotFound)?;
    if !lists::set_role(tx.ex(), list, member, role).await? {
        return Err(AppError::MemberNotFound);
    }
    let changed = member_named(tx.ex(), list, username).await?;
    commit(state, tx, list, &[], What::new(Kind::ListChanged, [list.0])).await?;
    Ok(changed)
}

/// Takes `username` off the list: the owner removes anyone else, a member removes themself
/// (leaves). Their open pages of the list are told at once.
pub async fn remove_member(
    state: &AppState,
    user: UserId,
    list: ListId,
    username: &Username,
) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    let found = access(tx.ex(), user, ListRef::Id(list)).await?;
    let member = users::id_by_name(tx.ex(), username)
        .await?
        .ok_or(AppError::MemberNotFound)?;
    if member != user {
        owner_only(&found)?;
    }
    if member == found.owner {
        return Err(Refusal::OwnerCannotLeave.into());
    }
    if !lists::remove_member(tx.ex(), list, member).await? {
        return Err(AppError::MemberNotFound);
    }
    let what = What::new(Kind::MembersRemoved, [member.0]);
    commit(state, tx, list, &[member], what).await?;
    tracing::info!(
        user_id = user.0,
        list_id = list.0,
        member_id = member.0,
        "removed a member"
    );
    Ok(())
}

async fn member_named(ex: Ex<'_>, list: ListId, username: &Username) -> Result<Member, AppError> {
    lists::members(ex, list)
        .await?
        .into_iter()
        .find(|member| member.username.eq_ignore_ascii_case(username.as_str()))
        .ok_or(AppError::MemberNotFound)
}
