//! SQL for `lists` and `list_members`. The same statements run on SQLite and PostgreSQL.
//!
//! Access is one join: a list is visible to a user only through their `list_members` row, and
//! every statement on a list's to-dos and attachments repeats that check in its own SQL
//! ([`MEMBER`], [`EDITOR`]), so no statement can reach a list its caller is not a member of.

use crate::domain::{ListId, ListName, ListView, Member, Role, TodoId, UserId};

use super::{on, Ex};

/// The condition that user `$2` is a member of list `$1`.
pub const MEMBER: &str =
    "EXISTS (SELECT 1 FROM list_members m WHERE m.list_id = $1 AND m.user_id = $2)";
/// The condition that user `$2` may change list `$1`'s to-dos (its owner or an editor).
pub const EDITOR: &str = "EXISTS (SELECT 1 FROM list_members m WHERE m.list_id = $1 \
     AND m.user_id = $2 AND m.role IN ('owner', 'editor'))";

/// Which list: the user's Inbox, or one by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListRef {
    Inbox,
    Id(ListId),
}

impl From<Option<ListId>> for ListRef {
    /// No list named: the Inbox.
    fn from(list: Option<ListId>) -> Self {
        list.map_or(ListRef::Inbox, ListRef::Id)
    }
}

/// What one member may do with one list, and what they see of it.
#[derive(Debug, Clone)]
pub struct Access {
    pub user: UserId,
    pub list: ListId,
    pub owner: UserId,
    pub role: Role,
    /// Bumped on every change to the list (see the migration's triggers).
    pub version: i64,
    pub name: String,
    pub owner_name: String,
    /// The member's own Inbox.
    pub inbox: bool,
}

impl Access {
    pub fn view(&self) -> ListView {
        ListView {
            id: self.list,
            name: self.name.clone(),
            role: self.role,
            owner: self.owner_name.clone(),
            inbox: self.inbox,
        }
    }

    /// Whether `within` names this list.
    pub fn is(&self, within: ListRef) -> bool {
        match within {
            ListRef::Inbox => self.inbox,
            ListRef::Id(id) => self.list == id,
        }
    }
}

#[derive(sqlx::FromRow)]
struct AccessRow {
    id: i64,
    owner_id: i64,
    role: String,
    version: i64,
    name: String,
    owner_name: String,
    inbox: bool,
}

impl AccessRow {
    fn access(self, user: UserId) -> Result<Access, sqlx::Error> {
        let role = Role::parse(&self.role).ok_or_else(|| {
            sqlx::Error::Decode(format!("unknown list role {:?}", self.role).into())
        })?;
        Ok(Access {
            user,
            list: ListId(self.id),
            owner: UserId(self.owner_id),
            role,
            version: self.version,
            name: self.name,
            owner_name: self.owner_name,
            inbox: self.inbox,
        })
    }
}

/// `$1` is always the user.
const ACCESS: &str = "SELECT l.id, l.owner_id, m.role, l.version, l.name, \
     o.username AS owner_name, (l.inbox AND l.owner_id = $1) AS inbox \
     FROM lists l JOIN list_members m ON m.list_id = l.id AND m.user_id = $1 \
     JOIN users o ON o.id = l.owner_id";

/// The user's access found by `$1` (the user), `$2` (`id`) and `rest` (joins and a `WHERE`).
async fn access_where(
    ex: Ex<'_>,
    user: UserId,
    rest: &str,
    id: i64,
) -> Result<Option<Access>, sqlx::Error> {
    let sql = format!("{ACCESS} {rest}");
    let row: Option<AccessRow> =
        on!(ex, conn => sqlx::query_as(&sql).bind(user.0).bind(id).fetch_optional(conn).await)?;
    row.map(|row| row.access(user)).transpose()
}

/// The user's access to `list`; `None` when it does not exist or is not shared with them.
pub async fn access(
    ex: Ex<'_>,
    user: UserId,
    list: ListRef,
) -> Result<Option<Access>, sqlx::Error> {
    match list {
        // (`$2` is the user again: the Inbox is theirs.)
        ListRef::Inbox => access_where(ex, user, "WHERE l.owner_id = $2 AND l.inbox", user.0).await,
        ListRef::Id(id) => access_where(ex, user, "WHERE l.id = $2", id.0).await,
    }
}

/// The user's access to the list that holds to-do `todo`.
pub async fn access_to_todo(
    ex: Ex<'_>,
    user: UserId,
    todo: TodoId,
) -> Result<Option<Access>, sqlx::Error> {
    const REST: &str = "JOIN todos t ON t.list_id = l.id WHERE t.id = $2";
    access_where(ex, user, REST, todo.0).await
}

/// The user's access to the list that holds attachment `attachment`.
pub async fn access_to_attachment(
    ex: Ex<'_>,
    user: UserId,
    attachment: i64,
) -> Result<Option<Access>, sqlx::Error> {
    const REST: &str = "JOIN todos t ON t.list_id = l.id \
         JOIN attachments a ON a.todo_id = t.id WHERE a.id = $2";
    access_where(ex, user, REST, attachment).await
}

/// Every list the user is a member of: their Inbox first, then by when each was made.
pub async fn all(ex: Ex<'_>, user: UserId) -> Result<Vec<Access>, sqlx::Error> {
    let sql = format!("{ACCESS} ORDER BY (l.inbox AND l.owner_id = $1) DESC, l.id");
    let rows: Vec<AccessRow> =
        on!(ex, conn => sqlx::query_as(&sql).bind(user.0).fetch_all(conn).await)?;
    rows.into_iter().map(|row| row.access(user)).collect()
}

/// Makes a list owned by `owner` (who becomes its first member); returns its id.
pub async fn create(
    mut ex: Ex<'_>,
    owner: UserId,
    name: &ListName,
    inbox: bool,
) -> Result<ListId, sqlx::Error> {
    const INSERT: &str =
        "INSERT INTO lists (owner_id, name, inbox) VALUES ($1, $2, $3) RETURNING id";
    const OWNER: &str =
        "INSERT INTO list_members (list_id, user_id, role) VALUES ($1, $2, 'owner')";
    on!(&mut ex, conn => {
        let id: i64 = sqlx::query_scalar(INSERT)
            .bind(owner.0)
            .bind(name.as_str())
            .bind(inbox)
            .fetch_one(&mut **conn)
            .await?;
        sqlx::query(OWNER).bind(id).bind(owner.0).execute(&mut **conn).await?;
        Ok(ListId(id))
    })
}

/// Renames the list, if `user` owns it.
pub async fn rename(
    ex: Ex<'_>,
    user: UserId,
    list: ListId,
    name: &ListName,
) -> Result<bool, sqlx::Error> {
    const SQL: &str = "UPDATE lists SET name = $3, version = version + 1, \
         updated_at = CURRENT_TIMESTAMP WHERE id = $1 AND owner_id = $2";
    let done = on!(ex, conn => {
        sqlx::query(SQL).bind(list.0).bind(user.0).bind(name.as_str()).execute(conn).await.map(|done| done.rows_affected())
    })?;
    Ok(done > 0)
}

/// Deletes the list with its to-dos and attachments, if `user` owns it and it is not their
/// Inbox.
pub async fn delete(ex: Ex<'_>, user: UserId, list: ListId) -> Result<bool, sqlx::Error> {
    const SQL: &str = "DELETE FROM lists WHERE id = $1 AND owner_id = $2 AND NOT inbox";
    let done = on!(ex, conn => sqlx::query(SQL).bind(list.0).bind(user.0).execute(conn).await.map(|done| done.rows_affected()))?;
    Ok(done > 0)
}

/// The list's version now (in a transaction: including its own changes); `None` once it is
/// gone.
pub async fn version(ex: Ex<'_>, list: ListId) -> Result<Option<i64>, sqlx::Error> {
    const SQL: &str = "SELECT version FROM lists WHERE id = $1";
    on!(ex, conn => sqlx::query_scalar(SQL).bind(list.0).fetch_optional(conn).await)
}

/// How many to-dos the list holds.
pub async fn todo_count(ex: Ex<'_>, list: ListId) -> Result<i64, sqlx::Error> {
    const SQL: &str = "SELECT COUNT(*) FROM todos WHERE list_id = $1";
    on!(ex, conn => sqlx::query_scalar(SQL).bind(list.0).fetch_one(conn).await)
}

/// The list's members, the owner first, then by username.
pub async fn members(ex: Ex<'_>, list: ListId) -> Result<Vec<Member>, sqlx::Error> {
    const SQL: &str = "SELECT u.username, m.role FROM list_members m \
         JOIN users u ON u.id = m.user_id WHERE m.list_id = $1 \
         ORDER BY m.role = 'owner' DESC, lower(u.username)";
    let rows: Vec<(String, String)> =
        on!(ex, conn => sqlx::query_as(SQL).bind(list.0).fetch_all(conn).await)?;
    Ok(rows
        .into_iter()
        .filter_map(|(username, role)| {
            Some(Member {
                username,
                role: Role::parse(&role)?,
            })
        })
        .collect())
}

/// The ids of the list's members: whom a change to it is delivered to.
pub async fn member_ids(ex: Ex<'_>, list: ListId) -> Result<Vec<UserId>, sqlx::Error> {
    const SQL: &str = "SELECT user_id FROM list_members WHERE list_id = $1";
    let ids: Vec<i64> =
        on!(ex, conn => sqlx::query_scalar(SQL).bind(list.0).fetch_all(conn).await)?;
    Ok(ids.into_iter().map(UserId).collect())
}

/// Adds `user` to the list as `role`; `false` when they are a member already.
pub async fn add_member(
    ex: Ex<'_>,
    list: ListId,
    user: UserId,
    role: Role,
) -> Result<bool, sqlx::Error> {
    const SQL: &str = "INSERT INTO list_members (list_id, user_id, role) VALUES ($1, $2, $3) \
         ON CONFLICT (list_id, user_id) DO NOTHING";
    let done = on!(ex, conn => {
        sqlx::query(SQL).bind(list.0).bind(user.0).bind(role.as_str()).execute(conn).await.map(|done| done.rows_affected())
    })?;
    Ok(done > 0)
}

/// Gives a member (never the owner) another role; `false` when they are no such member.
pub async fn set_role(
    ex: Ex<'_>,
    list: ListId,
    user: UserId,
    role: Role,
) -> Result<bool, sqlx::Error> {
    const SQL: &str = "UPDATE list_members SET role = $3 \
         WHERE list_id = $1 AND user_id = $2 AND role <> 'owner'";
    let done = on!(ex, conn => {
        sqlx::query(SQL).bind(list.0).bind(user.0).bind(role.as_str()).execute(conn).await.map(|done| done.rows_affected())
    })?;
    Ok(done > 0)
}

/// Removes a member (never the owner); `false` when they are no such member.
pub async fn remove_member(ex: Ex<'_>, list: ListId, user: UserId) -> Result<bool, sqlx::Error> {
    const SQL: &str =
        "DELETE FROM list_members WHERE list_id = $1 AND user_id = $2 AND role <> 'owner'";
    let done = on!(ex, conn => sqlx::query(SQL).bind(list.0).bind(user.0).execute(conn).await.map(|done| done.rows_affected()))?;
    Ok(done > 0)
}
