//! The change feed: every committed change to a list, published once by the service that made
//! it, delivered to the open event streams (`GET /events`) of that list's members and nobody
//! else's.
//!
//! Two implementations behind [`ChangeFeed`]: in-process delivery for SQLite (one process
//! owns the database), and PostgreSQL's LISTEN/NOTIFY, so that every Tick process on one
//! database delivers every change, whichever process made it.

mod hub;
mod postgres;
pub mod stream;

use std::sync::Arc;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use tower_sessions::session::Id;

use crate::domain::{ListId, UserId};

pub use hub::{Delivery, Hub, Subscription};
pub use postgres::PostgresFeed;

/// One committed change: which list, the list version it left, whom to tell (the members,
/// read in the transaction that made it, and anyone it removed), and what changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub list: ListId,
    pub members: Vec<UserId>,
    pub version: i64,
    #[serde(flatten)]
    pub what: What,
}

/// What changed: a kind and the ids concerned (at most [`What::MAX_IDS`]; `more` says some
/// were left out).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct What {
    pub kind: Kind,
    pub ids: Vec<i64>,
    /// For attachments: the to-do they belong to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub todo: Option<i64>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub more: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    TodosAdded,
    TodosChanged,
    TodosDeleted,
    AttachmentsAdded,
    AttachmentsDeleted,
    /// Renamed, or a member joined or changed role.
    ListChanged,
    /// `ids`: the users who left or were removed.
    MembersRemoved,
    ListDeleted,
}

impl What {
    /// Enough to keep a PostgreSQL notification well under its 8000-byte limit.
    pub const MAX_IDS: usize = 200;

    pub fn new(kind: Kind, ids: impl IntoIterator<Item = i64>) -> Self {
        let mut ids: Vec<i64> = ids.into_iter().collect();
        let more = ids.len() > Self::MAX_IDS;
        ids.truncate(Self::MAX_IDS);
        What {
            kind,
            ids,
            todo: None,
            more,
        }
    }

    pub fn on_todo(mut self, todo: i64) -> Self {
        self.todo = Some(todo);
        self
    }
}

/// Where services publish changes and event streams subscribe.
#[async_trait]
pub trait ChangeFeed: Send + Sync + 'static {
    /// Publishes a change that has been committed.
    async fn publish(&self, change: Change);
    /// Receives the user's changes from now on; `None` when the user has as many open streams
    /// as allowed.
    fn subscribe(&self, user: UserId) -> Option<Subscription>;
    /// Ends the user's open streams of `session` (of every session, for `None`) in this
    /// process at once; streams elsewhere end at their next session check.
    fn end_streams(&self, user: UserId, session: Option<Id>);
    /// Stops delivering (at shutdown).
    async fn close(&self) {}
}

/// In-process delivery: the only process with the database (SQLite) publishes and delivers.
pub struct LocalFeed {
    hub: Arc<Hub>,
}

impl LocalFeed {
    pub fn new(hub: Arc<Hub>) -> Self {
        LocalFeed { hub }
    }
}

#[async_trait]
impl ChangeFeed for LocalFeed {
    async fn publish(&self, change: Change) {
        self.hub.deliver(change);
    }

    fn subscribe(&self, user: UserId) -> Option<Subscription> {
        self.hub.subscribe(user)
    }

    fn end_streams(&self, user: UserId, session: Option<Id>) {
        self.hub.end(user, session);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_travel_as_flat_json() {
        let change = Change {
            list: ListId(5),
            members: vec![UserId(7), UserId(8)],
            version: 42,
            what: What::new(Kind::AttachmentsAdded, [3]).on_todo(9),
        };
        let json = serde_json::to_string(&change).unwrap();
        assert_eq!(
            json,
            r#"{"list":5,"members":[7,8],"version":42,"kind":"attachments_added","ids":[3],"todo":9}"#
        );
        assert_eq!(serde_json::from_str::<Change>(&json).unwrap(), change);
    }

    #[test]
    fn long_id_lists_are_cut_and_say_so() {
        let what = What::new(Kind::TodosChanged, 0..1000);
        assert_eq!(what.ids.len(), What::MAX_IDS);
        assert!(what.more);
        let json = serde_json::to_string(&Change {
            list: ListId(i64::MAX),
            members: vec![UserId(i64::MAX); crate::server::services::lists::MAX_MEMBERS],
            version: i64::MAX,
            what,
        })
        .unwrap();
        assert!(json.len() < 8000 / 2, "{}", json.len());
    }
}
