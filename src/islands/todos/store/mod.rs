//! The list as the browser holds it: seeded from the server's render, patched from each server
//! reply, and brought up to date when changes made elsewhere arrive ([`sync`]).

mod sync;

use std::{future::Future, pin::Pin};

use leptos::{prelude::*, task::spawn_local};

use crate::{
    domain::{
        parse_list_path, Attachment, Filter, ListId, ListView, Snapshot, Todo, TodoId, TodoTitle,
    },
    error::AppError,
    islands::browser,
    server_fns::attachments::delete_attachment,
    server_fns::todos::{
        add_todo, clear_completed, delete_todo, edit_todo, set_all_completed, set_completed,
    },
};

/// One row of the list. A new title makes a new entry (the row is drawn anew); `completed`
/// is a signal of its own, so toggling updates that row in place and keeps its focus.
#[derive(Clone)]
pub struct Entry {
    pub id: TodoId,
    pub title: String,
    pub completed: ArcRwSignal<bool>,
}

impl Entry {
    fn new(todo: Todo) -> Self {
        Entry {
            id: todo.id,
            title: todo.title,
            completed: ArcRwSignal::new(todo.completed),
        }
    }

    pub fn completed(&self) -> bool {
        self.completed.get()
    }
}

/// The list, the filter shown, what is in flight, and the last error. `Copy`: every part lives
/// in the reactive arena.
#[derive(Clone, Copy)]
pub struct TodoStore {
    /// The list shown, as this member sees it (their role may change while the page is open).
    shown: RwSignal<ListView>,
    /// The list was deleted, or is no longer shared with this user.
    revoked: RwSignal<bool>,
    filter: RwSignal<Filter>,
    list: RwSignal<Vec<Entry>>,
    attachments: RwSignal<Vec<Attachment>>,
    /// The to-do whose editor the address (`?edit=<id>`) opened, until that editor closes.
    edit_in_address: StoredValue<Option<TodoId>>,
    pending: RwSignal<usize>,
    error: RwSignal<Option<String>>,
    sync: StoredValue<sync::SyncState>,
}

impl TodoStore {
    pub fn new(
        filter: Filter,
        snapshot: Snapshot,
        editing: Option<TodoId>,
        error: Option<String>,
    ) -> Self {
        TodoStore {
            shown: RwSignal::new(snapshot.list),
            revoked: RwSignal::new(false),
            filter: RwSignal::new(filter),
            list: RwSignal::new(snapshot.todos.into_iter().map(Entry::new).collect()),
            attachments: RwSignal::new(snapshot.attachments),
            edit_in_address: StoredValue::new(editing),
            pending: RwSignal::new(0),
            error: RwSignal::new(error),
            sync: StoredValue::new(sync::SyncState::new(snapshot.version, editing)),
        }
    }

    /// The list's id, for the server calls that act on the whole list.
    pub fn list_id(self) -> ListId {
        self.shown.with_untracked(|list| list.id)
    }

    /// The address of `filter` within this list.
    pub fn path(self, filter: Filter) -> String {
        self.shown.with_untracked(|list| list.path(filter))
    }

    /// Whether this user may change the list's to-dos now.
    pub fn can_edit(self) -> bool {
        !self.revoked.get() && self.shown.with(|list| list.role.can_edit())
    }

    /// The list was deleted, or taken away from this user: say so, and allow no more changes.
    #[cfg(feature = "hydrate")]
    pub fn revoke(self) {
        self.revoked.set(true);
        self.error
            .set(Some("This list is no longer shared with you.".to_owned()));
    }

    pub fn filter(self) -> Filter {
        self.filter.get()
    }

    pub fn filter_untracked(self) -> Filter {
        self.filter.get_untracked()
    }

    /// Shows `filter`'s list under its own address, as a new history entry.
    pub fn show(self, filter: Filter) {
        if filter == self.filter_untracked() {
            return;
        }
        self.edit_in_address.set_value(None);
        browser::push(&self.path(filter));
        self.display(filter);
    }

    /// After Back or Forward: shows the filter whose address the browser now has.
    pub fn follow_address(self) {
        if let Some((_, filter)) = parse_list_path(&browser::path()) {
            self.display(filter);
        }
    }

    /// Shows `filter`'s list and title; the address is the caller's.
    fn display(self, filter: Filter) {
        let title = self
            .shown
            .with_untracked(|list| filter.page_title_of((!list.inbox).then_some(&list.name)));
        browser::set_title(&title);
        self.filter.set(filter);
    }

    /// Whether the address opened `id`'s editor.
    pub fn edit_in_address(self, id: TodoId) -> bool {
        self.edit_in_address.get_value() == Some(id)
    }

    /// `id`'s editor has closed: if the address opened it, drop `?edit=` from the address.
    pub fn editor_closed(self, id: TodoId) {
        if self.edit_in_address(id) {
            self.edit_in_address.set_value(None);
            browser::replace(&self.path(self.filter_untracked()));
        }
        self.editing_ended(id);
    }

    pub fn is_pending(self) -> bool {
        self.pending.get() > 0
    }

    pub fn error(self) -> Option<String> {
        self.error.get()
    }

    pub fn dismiss_error(self) {
        self.error.set(None);
    }

    pub fn show_error(self, message: String) {
        self.error.set(Some(message));
    }

    pub fn is_empty(self) -> bool {
        self.list.with(Vec::is_empty)
    }

    /// The rows the current filter shows, in order.
    pub fn visible(self) -> Vec<Entry> {
        let filter = self.filter.get();
        self.list.with(|list| {
            list.iter()
                .filter(|entry| filter.shows(entry.completed()))
                .cloned()
                .collect()
        })
    }

    pub fn active_count(self) -> usize {
        self.list
            .with(|list| list.iter().filter(|entry| !entry.completed()).count())
    }

    pub fn completed_count(self) -> usize {
        self.list
            .with(|list| list.iter().filter(|entry| entry.completed()).count())
    }

    pub fn all_completed(self) -> bool {
        self.list
            .with(|list| !list.is_empty() && list.iter().all(Entry::completed))
    }

    pub fn add(self, title: TodoTitle) {
        self.run(None, async move {
            let todo = add_todo(Some(self.list_id()), title.as_str().to_owned()).await?;
            self.list.update(|list| list.push(Entry::new(todo)));
            Ok(())
        });
    }

    pub fn set_completed(self, id: TodoId, completed: bool) {
        self.run(Some(id), async move {
            self.replace(set_completed(id, completed).await?);
            Ok(())
        });
    }

    pub fn set_all_completed(self, completed: bool) {
        self.run(None, async move {
            set_all_completed(Some(self.list_id()), completed).await?;
            self.list.with_untracked(|list| {
                for entry in list {
                    entry.completed.set(completed);
                }
            });
            Ok(())
        });
    }

    /// Saves a new title; an empty one deletes the to-do.
    pub fn edit(self, id: TodoId, title: String) {
        self.run(Some(id), async move {
            match edit_todo(id, title, None, None).await? {
                Some(todo) => self.replace(todo),
                None => self.remove(id),
            }
            Ok(())
        });
    }

    pub fn delete(self, id: TodoId) {
        self.run(Some(id), async move {
            delete_todo(id).await?;
            self.remove(id);
            Ok(())
        });
    }

    pub fn clear_completed(self) {
        self.run(None, async move {
            clear_completed(Some(self.list_id())).await?;
            let done: Vec<i64> = self.list.with_untracked(|list| {
                list.iter()
                    .filter(|entry| entry.completed.get_untracked())
                    .map(|entry| entry.id.0)
                    .collect()
            });
            self.list
                .update(|list| list.retain(|entry| !entry.completed.get_untracked()));
            self.attachments
                .update(|all| all.retain(|attachment| !done.contains(&attachment.todo_id)));
            Ok(())
        });
    }

    fn replace(self, todo: Todo) {
        let renamed = self.list.with_untracked(|list| {
            let entry = list.iter().find(|entry| entry.id == todo.id)?;
            entry.completed.set(todo.completed);
            Some(entry.title != todo.title)
        });
        if renamed == Some(true) {
            self.list.update(|list| {
                if let Some(entry) = list.iter_mut().find(|entry| entry.id == todo.id) {
                    *entry = Entry::new(todo);
                }
            });
        }
    }

    fn remove(self, id: TodoId) {
        self.list.update(|list| list.retain(|entry| entry.id != id));
        self.attachments
            .update(|all| all.retain(|attachment| attachment.todo_id != id.0));
    }

    /// One to-do's attachments, oldest first.
    pub fn attachments_of(self, todo: TodoId) -> Vec<Attachment> {
        self.attachments.with(|all| {
            all.iter()
                .filter(|attachment| attachment.todo_id == todo.0)
                .cloned()
                .collect()
        })
    }

    /// Files the server has just stored. A list reloaded by live sync while the upload's reply
    /// was on its way may hold them already (uploads are not counted as pending calls): each
    /// is added once.
    #[cfg(feature = "hydrate")]
    pub fn attached(self, new: Vec<Attachment>) {
        self.attachments.update(|all| {
            for attachment in new {
                if !all.iter().any(|shown| shown.id == attachment.id) {
                    all.push(attachment);
                }
            }
        });
    }

    pub fn delete_attachment(self, id: i64) {
        self.run(None, async move {
            delete_attachment(id).await?;
            self.attachments
                .update(|all| all.retain(|attachment| attachment.id != id));
            Ok(())
        });
    }

    /// Runs one server call and what follows its reply, counting it as pending.
    fn run(
        self,
        target: Option<TodoId>,
        call: impl Future<Output = Result<(), AppError>> + 'static,
    ) {
        self.run_boxed(target, Box::pin(call));
    }

    /// The one copy of the bookkeeping around every call.
    fn run_boxed(
        self,
        target: Option<TodoId>,
        call: Pin<Box<dyn Future<Output = Result<(), AppError>>>>,
    ) {
        self.pending.update(|n| *n += 1);
        self.call_started();
        spawn_local(async move {
            match call.await {
                Ok(()) => self.error.set(None),
                Err(err) => {
                    // Someone else deleted it: show the list as it really is.
                    if let (AppError::NotFound, Some(id)) = (&err, target) {
                        self.remove(id);
                    }
                    self.error.set(Some(err.to_string()));
                }
            }
            self.pending.update(|n| *n -= 1);
            self.call_ended();
        });
    }
}
