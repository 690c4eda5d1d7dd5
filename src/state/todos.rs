//! Browser-side state of the list: loaded once with the page, then patched from each server reply.

use std::future::Future;

use leptos::{prelude::*, server_fn::error::ServerFnUrlError, task::spawn_local};
use leptos_router::hooks::use_query_map;

use crate::{
    domain::{Attachment, Filter, Todo, TodoId, TodoTitle},
    error::AppError,
    server_fns::attachments::{delete_attachment, list_attachments},
    server_fns::todos::{
        add_todo, clear_completed, delete_todo, edit_todo, list_todos, set_all_completed,
        set_completed,
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

/// The list, what is in flight, and the last error. `Copy`: every part lives in the reactive arena.
#[derive(Clone, Copy)]
pub struct TodoStore {
    initial: OnceResource<Result<Vec<Todo>, AppError>>,
    initial_attachments: OnceResource<Result<Vec<Attachment>, AppError>>,
    seeded: StoredValue<bool>,
    list: RwSignal<Vec<Entry>>,
    attachments: RwSignal<Vec<Attachment>>,
    pending: RwSignal<usize>,
    error: RwSignal<Option<String>>,
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

impl TodoStore {
    /// Creates the store for this page and puts it in the context. Call inside the `<Router>`:
    /// a form post that failed without JavaScript comes back with its error in the URL.
    pub fn provide() -> Self {
        let url_error = use_query_map().with_untracked(|query| {
            query
                .get_str("__err")
                .map(|err| ServerFnUrlError::<AppError>::decode_err(err).to_string())
        });
        let store = TodoStore {
            initial: OnceResource::new(list_todos()),
            initial_attachments: OnceResource::new(list_attachments()),
            seeded: StoredValue::new(false),
            list: RwSignal::new(Vec::new()),
            attachments: RwSignal::new(Vec::new()),
            pending: RwSignal::new(0),
            error: RwSignal::new(url_error),
        };
        provide_context(store);
        store
    }

    pub fn use_context() -> Self {
        expect_context::<TodoStore>()
    }

    /// Waits for the first load; the list then lives in this store.
    pub async fn load(self) -> Result<(), AppError> {
        // Await both before giving up on either: a page waits for every resource it started.
        let todos = self.initial.await;
        let attachments = self.initial_attachments.await;
        let (todos, attachments) = (todos?, attachments?);
        if !self.seeded.get_value() {
            self.seeded.set_value(true);
            self.list.set(todos.into_iter().map(Entry::new).collect());
            self.attachments.set(attachments);
        }
        Ok(())
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

    /// The rows `filter` shows, in order.
    pub fn visible(self, filter: Filter) -> Vec<Entry> {
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
        self.run(None, add_todo(title.as_str().to_owned()), move |todo| {
            self.list.update(|list| list.push(Entry::new(todo)));
        });
    }

    pub fn set_completed(self, id: TodoId, completed: bool) {
        self.run(Some(id), set_completed(id, completed), move |todo| {
            self.replace(todo);
        });
    }

    pub fn set_all_completed(self, completed: bool) {
        self.run(None, set_all_completed(completed), move |_| {
            self.list.with_untracked(|list| {
                for entry in list {
                    entry.completed.set(completed);
                }
            });
        });
    }

    /// Saves a new title; an empty one deletes the to-do.
    pub fn edit(self, id: TodoId, title: String) {
        self.run(
            Some(id),
            edit_todo(id, title, None),
            move |edited| match edited {
                Some(todo) => self.replace(todo),
                None => self.remove(id),
            },
        );
    }

    pub fn delete(self, id: TodoId) {
        self.run(Some(id), delete_todo(id), move |()| self.remove(id));
    }

    pub fn clear_completed(self) {
        self.run(None, clear_completed(), move |_| {
            let done: Vec<i64> = self.list.with_untracked(|list| {
                list.iter()
                    .filter(|entry| entry.completed())
                    .map(|entry| entry.id.0)
                    .collect()
            });
            self.list
                .update(|list| list.retain(|entry| !entry.completed()));
            self.attachments
                .update(|all| all.retain(|attachment| !done.contains(&attachment.todo_id)));
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

    /// Files the server has just stored.
    pub fn attached(self, new: Vec<Attachment>) {
        self.attachments.update(|all| all.extend(new));
    }

    pub fn delete_attachment(self, id: i64) {
        self.run(None, delete_attachment(id), move |()| {
            self.attachments
                .update(|all| all.retain(|attachment| attachment.id != id));
        });
    }

    /// Runs one server call, counting it as pending, and applies its reply.
    fn run<T: 'static>(
        self,
        target: Option<TodoId>,
        call: impl Future<Output = Result<T, AppError>> + 'static,
        apply: impl FnOnce(T) + 'static,
    ) {
        self.pending.update(|n| *n += 1);
        spawn_local(async move {
            match call.await {
                Ok(reply) => {
                    self.error.set(None);
                    apply(reply);
                }
                Err(err) => {
                    // Someone else deleted it: show the list as it really is.
                    if let (AppError::NotFound, Some(id)) = (&err, target) {
                        self.remove(id);
                    }
                    self.error.set(Some(err.to_string()));
                }
            }
            self.pending.update(|n| *n -= 1);
        });
    }
}
