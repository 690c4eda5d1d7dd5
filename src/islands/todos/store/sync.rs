//! Catching up with changes made elsewhere (another tab, another device, the API). The event
//! stream says the list's version has moved on; the store loads a snapshot of the list and
//! merges it in, keeping what the user is doing: unchanged rows are not drawn again, and the
//! row being edited keeps its editor (a new title for it, or its removal, waits until the
//! editor closes). A snapshot is never merged while one of this tab's own calls is in flight,
//! or if one started while it loaded (it could predate that call's result): the store loads
//! again once its calls are done.

use leptos::{prelude::*, task::spawn_local};

use crate::{
    domain::{Snapshot, TodoId},
    server_fns::todos::list_snapshot,
};

use super::{Entry, TodoStore};

/// Bookkeeping, not shown: no signals.
pub struct SyncState {
    /// The newest list version this tab shows.
    version: i64,
    /// The row whose editor is open.
    editing: Option<TodoId>,
    /// Counts this tab's own calls as they start.
    calls: u64,
    loading: bool,
    /// Load again when the current load (or this tab's calls) are done.
    again: bool,
    /// A change to the row being edited waits for its editor to close.
    deferred: bool,
}

impl SyncState {
    pub fn new(version: i64, editing: Option<TodoId>) -> Self {
        SyncState {
            version,
            editing,
            calls: 0,
            loading: false,
            again: false,
            deferred: false,
        }
    }
}

impl TodoStore {
    /// The newest list version this tab shows.
    #[cfg(feature = "hydrate")]
    pub fn version(self) -> i64 {
        self.sync.with_value(|sync| sync.version)
    }

    /// The list is at `version` now (`None`: unknown): catch up unless already there.
    #[cfg(feature = "hydrate")]
    pub fn heard(self, version: Option<i64>) {
        if version.is_some_and(|version| version <= self.version()) {
            return;
        }
        self.load();
    }

    /// Changes may have been missed: load the list whatever its version.
    #[cfg(feature = "hydrate")]
    pub fn resync(self) {
        self.load();
    }

    pub fn editing_started(self, id: TodoId) {
        self.sync.update_value(|sync| sync.editing = Some(id));
    }

    /// The editor of `id` closed: anything that waited for it is shown now.
    pub(super) fn editing_ended(self, id: TodoId) {
        let waited = self.sync.try_update_value(|sync| {
            if sync.editing != Some(id) {
                return false;
            }
            sync.editing = None;
            std::mem::take(&mut sync.deferred)
        });
        if waited == Some(true) {
            self.load();
        }
    }

    pub(super) fn call_started(self) {
        self.sync.update_value(|sync| sync.calls += 1);
    }

    /// One of this tab's calls is done: a load that waited for it goes now.
    pub(super) fn call_ended(self) {
        let waited = self.pending.get_untracked() == 0
            && self
                .sync
                .try_update_value(|sync| !sync.loading && std::mem::take(&mut sync.again))
                == Some(true);
        if waited {
            self.load();
        }
    }

    fn load(self) {
        let busy = self.sync.try_update_value(|sync| {
            let busy = sync.loading || self.pending.get_untracked() > 0;
            if busy {
                sync.again = true;
            } else {
                sync.loading = true;
            }
            busy
        });
        if busy != Some(false) {
            return;
        }
        let calls = self.sync.with_value(|sync| sync.calls);
        spawn_local(async move {
            let loaded = list_snapshot(Some(self.list_id())).await;
            let still_current = self.pending.get_untracked() == 0
                && self.sync.with_value(|sync| sync.calls) == calls;
            match loaded {
                Ok(snapshot) if still_current => self.merge(snapshot),
                Ok(_) => self.sync.update_value(|sync| sync.again = true),
                // Unreachable for now: the next event, or the stream's resync, tries again.
                Err(_) => {}
            }
            let again = self
                .sync
                .try_update_value(|sync| {
                    sync.loading = false;
                    std::mem::take(&mut sync.again)
                })
                .unwrap_or(false);
            if again && self.pending.get_untracked() == 0 {
                self.load();
            } else if again {
                self.sync.update_value(|sync| sync.again = true);
            }
        });
    }

    fn merge(self, snapshot: Snapshot) {
        let editing = self.sync.with_value(|sync| sync.editing);
        let mut deferred = false;
        let current = self.list.get_untracked();
        let mut merged: Vec<Entry> = Vec::with_capacity(snapshot.todos.len());
        for todo in snapshot.todos {
            match current.iter().find(|entry| entry.id == todo.id) {
                Some(entry) if entry.title == todo.title || editing == Some(todo.id) => {
                    deferred |= entry.title != todo.title;
                    if entry.completed.get_untracked() != todo.completed {
                        entry.completed.set(todo.completed);
                    }
                    merged.push(entry.clone());
                }
                _ => merged.push(Entry::new(todo)),
            }
        }
        // A row being edited stays until its editor closes, even if it went elsewhere.
        if let Some(id) = editing.filter(|id| !merged.iter().any(|entry| entry.id == *id)) {
            if let Some(at) = current.iter().position(|entry| entry.id == id) {
                deferred = true;
                merged.insert(at.min(merged.len()), current[at].clone());
            }
        }
        let unchanged = merged.len() == current.len()
            && merged
                .iter()
                .zip(&current)
                .all(|(a, b)| a.id == b.id && a.title == b.title);
        if !unchanged {
            self.list.set(merged);
        }
        if self
            .attachments
            .with_untracked(|shown| *shown != snapshot.attachments)
        {
            self.attachments.set(snapshot.attachments);
        }
        if self.shown.with_untracked(|shown| *shown != snapshot.list) {
            self.shown.set(snapshot.list);
        }
        self.sync.update_value(|sync| {
            sync.version = sync.version.max(snapshot.version);
            sync.deferred = deferred;
        });
    }
}
