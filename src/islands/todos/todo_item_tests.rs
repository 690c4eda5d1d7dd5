//! A row kept by the server's row cache is the very markup rendering it live gives, whatever
//! the to-do, the list, the filter, the open editor and the attachments.

use leptos::prelude::*;
use proptest::{prelude::*, sample::select};

use super::{live_row, TodoItem};
use crate::{
    domain::{
        test_strategies::text, Attachment, Filter, ListId, ListView, Role, Snapshot, Timestamp,
        Todo, TodoId,
    },
    islands::todos::store::TodoStore,
    server::row_cache::RowCache,
};

/// How the rows are rendered.
#[derive(Clone, Copy)]
enum Rows<'a> {
    /// `live_row`, as the browser builds them.
    Live,
    /// Through `TodoItem`, as the server renders them: with the row cache when given.
    Item(Option<&'a RowCache>),
}

/// The list's `ul`.
fn render(snapshot: &Snapshot, filter: Filter, editing: Option<TodoId>, rows: Rows) -> String {
    let owner = Owner::new();
    owner.with(|| {
        let store = TodoStore::new(filter, snapshot.clone(), editing, None);
        let each = move || store.visible();
        let key = |entry: &super::Entry| (entry.id, entry.title.clone());
        match rows {
            Rows::Item(cache) => {
                if let Some(cache) = cache {
                    provide_context(cache.clone());
                }
                view! { <ul><For each key let:entry><TodoItem entry store /></For></ul> }.to_html()
            }
            Rows::Live => {
                view! { <ul><For each key let:entry>{live_row(entry, store)}</For></ul> }.to_html()
            }
        }
    })
}

/// A to-do at position `id` of its list.
fn todo(id: i64, title: String, completed: bool) -> Todo {
    Todo {
        id: TodoId(id),
        title,
        completed,
        order: id,
        created_at: Timestamp(0),
        updated_at: Timestamp(0),
    }
}

fn attachment(id: i64, todo_id: i64, file_name: String, image: bool) -> Attachment {
    Attachment {
        id,
        todo_id,
        file_name,
        content_type: if image {
            "image/png"
        } else {
            "application/pdf"
        }
        .to_owned(),
        size_bytes: id * 1000,
    }
}

/// Mostly a few titles, so that rows of different cases meet in the cache.
fn title() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => select(&["Milk", "Eggs & <ham>", "\"Quoted\""][..]).prop_map(str::to_owned),
        1 => text(1..12),
    ]
}

prop_compose! {
    fn case()(
        todos in proptest::collection::vec((title(), any::<bool>(), 0..3usize), 0..6),
        list in 1..4i64,
        inbox in any::<bool>(),
        filter in select(&[Filter::All, Filter::Active, Filter::Completed][..]),
        editing in proptest::option::of(1..8i64),
        names in proptest::collection::vec(title(), 3),
    ) -> Case {
        let mut attachments = Vec::new();
        let todos = todos
            .into_iter()
            .enumerate()
            .map(|(i, (title, completed, files))| {
                let id = i as i64 + 1;
                for (f, name) in names.iter().take(files).enumerate() {
                    let n = attachments.len() as i64 + 1;
                    attachments.push(attachment(n, id, name.clone(), f % 2 == 0));
                }
                todo(id, title, completed)
            })
            .collect();
        let list = ListView {
            id: ListId(list),
            name: "List".to_owned(),
            role: Role::Owner,
            owner: "alice".to_owned(),
            inbox,
        };
        (Snapshot { list, version: 1, todos, attachments }, filter, editing.map(TodoId))
    }
}

type Case = (Snapshot, Filter, Option<TodoId>);

/// `case` and cases that differ from it in one input each: so that a row kept for one is
/// looked up for the others.
fn variants((snapshot, filter, editing): Case) -> Vec<Case> {
    let mut cases = vec![(snapshot.clone(), filter, editing)];
    let mut other_list = snapshot.clone();
    other_list.list.inbox = !other_list.list.inbox;
    cases.push((other_list, filter, editing));
    let mut moved = snapshot.clone();
    moved.list.id = ListId(moved.list.id.0 + 10);
    cases.push((moved, filter, editing));
    for other in [Filter::All, Filter::Active, Filter::Completed] {
        cases.push((snapshot.clone(), other, editing));
    }
    cases.push((snapshot.clone(), filter, None));
    for todo in &snapshot.todos {
        cases.push((snapshot.clone(), filter, Some(todo.id)));
    }
    let mut fewer_files = snapshot.clone();
    fewer_files.attachments.pop();
    cases.push((fewer_files, filter, editing));
    let mut renamed = snapshot.clone();
    for attachment in &mut renamed.attachments {
        attachment.file_name.push('2');
    }
    cases.push((renamed, filter, editing));
    let mut toggled = snapshot;
    for todo in &mut toggled.todos {
        todo.completed = !todo.completed;
    }
    cases.push((toggled, filter, editing));
    cases
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// One cache across a case and its variants (and across unrelated cases): a kept row is
    /// never served where it does not match, and every row is kept.
    #[test]
    fn kept_rows_are_what_rendering_them_live_gives(cases in proptest::collection::vec(case(), 1..4)) {
        let cache = RowCache::new(1 << 20);
        for (snapshot, filter, editing) in cases.into_iter().flat_map(variants) {
            let live = render(&snapshot, filter, editing, Rows::Live);
            prop_assert_eq!(&render(&snapshot, filter, editing, Rows::Item(None)), &live);
            prop_assert_eq!(&render(&snapshot, filter, editing, Rows::Item(Some(&cache))), &live);
            prop_assert_eq!(&render(&snapshot, filter, editing, Rows::Item(Some(&cache))), &live);
            let shown = snapshot.todos.iter().filter(|todo| filter.shows(todo.completed)).count();
            prop_assert!(cache.usage().1 >= shown.min(1), "rows are kept");
        }
    }
}

#[test]
fn a_row_says_what_its_to_do_is() {
    let snapshot = Snapshot {
        list: ListView {
            id: ListId(1),
            name: "Inbox".to_owned(),
            role: Role::Owner,
            owner: "alice".to_owned(),
            inbox: true,
        },
        version: 1,
        todos: vec![todo(7, "Buy <milk> & \"eggs\"".to_owned(), true)],
        attachments: vec![attachment(1, 7, "photo.png".to_owned(), true)],
    };
    let html = render(
        &snapshot,
        Filter::All,
        None,
        Rows::Item(Some(&RowCache::new(1 << 20))),
    );
    assert!(html.contains("<li class=\"completed\">"), "{html}");
    assert!(html.contains("Buy &lt;milk&gt; &amp; \"eggs\""), "{html}");
    assert!(html.contains("photo.png"), "{html}");
}
