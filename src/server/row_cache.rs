//! Rendered to-do rows kept in memory, so that a page rendered again because its list changed
//! renders only the rows that changed. A row is kept under everything its markup is made of,
//! so a kept row is exactly what rendering it again would give, for any user.

use std::sync::Arc;

use crate::{
    domain::{Attachment, ListId, TodoId},
    server::kept::Kept,
};

/// What a row's markup is made of: the to-do, where it is shown, and its attachments.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RowKey {
    pub id: TodoId,
    pub title: String,
    pub completed: bool,
    pub list: ListId,
    /// The address of the list's filter shown (the Inbox's differ from other lists'): it
    /// names the filter too.
    pub path: String,
    /// Its editor starts open (`?edit=<id>`).
    pub editing: bool,
    pub attachments: Vec<Attachment>,
}

impl RowKey {
    /// Bytes the key takes in memory, beyond its own size.
    fn heap_size(&self) -> usize {
        self.title.len()
            + self.path.len()
            + self
                .attachments
                .iter()
                .map(|a| {
                    std::mem::size_of::<Attachment>() + a.file_name.len() + a.content_type.len()
                })
                .sum::<usize>()
    }
}

/// Cheap to clone: one pointer. The router provides it to every page render.
#[derive(Clone)]
pub struct RowCache(Arc<Kept<RowKey, String>>);

impl RowCache {
    pub fn new(budget: usize) -> Self {
        RowCache(Arc::new(Kept::new(budget)))
    }

    /// Bytes and rows kept now.
    pub fn usage(&self) -> (usize, usize) {
        self.0.usage()
    }

    /// The row's markup: kept, or made by `render` and kept.
    pub fn html(&self, key: RowKey, render: impl FnOnce() -> String) -> Arc<String> {
        if let Some(html) = self.0.get(&key) {
            return html;
        }
        let html = render();
        let size = html.len() + std::mem::size_of::<RowKey>() + key.heap_size();
        self.0.keep(key, html, size)
    }
}
