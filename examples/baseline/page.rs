//! The signed-in user's Inbox page: the same queries and the same markup as Tick's, by hand.

use std::fmt::Write as _;

use axum::{extract::State, response::Html};
use serde_json::json;
use tower_sessions::Session;

use crate::{failed, signed_in, Db, Failure};

/// Everything up to `<body>`, with `NONCE` where each response's nonce goes.
const HEAD: &str = include_str!("head.html");

#[derive(sqlx::FromRow)]
struct MenuList {
    id: i64,
    name: String,
    inbox: bool,
    owner: String,
}

#[derive(sqlx::FromRow, serde::Serialize)]
pub struct Todo {
    pub id: i64,
    pub title: String,
    pub completed: bool,
    #[serde(rename = "order")]
    pub position: i64,
}

#[derive(sqlx::FromRow)]
struct Attachment {
    id: i64,
    todo_id: i64,
    file_name: String,
    content_type: String,
    size: i64,
}

pub const TODOS_SQL: &str = "SELECT id, title, completed, position FROM todos \
     WHERE list_id = $1 ORDER BY position, id";

pub async fn page(State(db): State<Db>, session: Session) -> Result<Html<String>, Failure> {
    let user = signed_in(&db, &session).await?;
    let lists: Vec<MenuList> = sqlx::query_as(
        "SELECT l.id, l.name, l.inbox, o.username AS owner FROM list_members m \
         JOIN lists l ON l.id = m.list_id JOIN users o ON o.id = l.owner_id \
         WHERE m.user_id = $1 ORDER BY l.inbox DESC, l.name, l.id",
    )
    .bind(user.id)
    .fetch_all(&db.read)
    .await
    .map_err(failed)?;
    let (name, version): (String, i64) =
        sqlx::query_as("SELECT name, version FROM lists WHERE id = $1")
            .bind(user.inbox)
            .fetch_one(&db.read)
            .await
            .map_err(failed)?;
    let todos: Vec<Todo> = sqlx::query_as(TODOS_SQL)
        .bind(user.inbox)
        .fetch_all(&db.read)
        .await
        .map_err(failed)?;
    let attachments: Vec<Attachment> = sqlx::query_as(
        "SELECT a.id, a.todo_id, a.file_name, a.content_type, a.size_bytes AS size FROM attachments a \
         JOIN todos t ON t.id = a.todo_id WHERE t.list_id = $1 ORDER BY a.id",
    )
    .bind(user.inbox)
    .fetch_all(&db.read)
    .await
    .map_err(failed)?;

    let nonce = uuid::Uuid::new_v4().simple().to_string();
    let mut html = String::with_capacity(32 * 1024);
    html.push_str(&HEAD.replace("NONCE", &nonce));
    let username = escape(&user.username);
    let _ = write!(
        html,
        "<nav aria-label=\"Account\" class=\"account-bar\"><span class=\"account-name\">Signed in \
         as <strong>{username}</strong></span><a href=\"/settings\" class=\"account-link\">\
         Settings</a><form method=\"post\" action=\"/fn/account/log_out\" class=\"log-out\">\
         <button type=\"submit\">Log out</button></form></nav><div class=\"lists-layout\">\
         <nav aria-label=\"Lists\" class=\"list-menu\"><h2 class=\"list-menu-heading\">Lists</h2>\
         <ul>"
    );
    for list in &lists {
        let href = if list.inbox {
            "/".to_owned()
        } else {
            format!("/lists/{}", list.id)
        };
        let current = if list.id == user.inbox {
            " aria-current=\"page\" class=\"current\""
        } else {
            ""
        };
        let by = if list.owner == user.username {
            String::new()
        } else {
            format!(
                " <span class=\"list-owner\">by {}</span>",
                escape(&list.owner)
            )
        };
        let _ = write!(
            html,
            "<li><a href=\"{href}\"{current}><span class=\"list-name\">{}</span>{by}</a></li>",
            escape(&list.name)
        );
    }
    let inbox = user.inbox;
    let props = json!({
        "filter": "all",
        "snapshot": {
            "list": {"id": inbox, "name": name, "role": "owner", "owner": user.username, "inbox": true},
            "version": version,
            "todos": todos,
            "attachments": attachments.iter().map(|a| json!({
                "id": a.id, "todo_id": a.todo_id, "file_name": a.file_name,
                "content_type": a.content_type, "size": a.size,
            })).collect::<Vec<_>>(),
        },
        "editing": null,
        "error": null,
    });
    let _ = write!(
        html,
        "</ul><form method=\"post\" action=\"/fn/lists/create\" class=\"new-list\"><label \
         for=\"new-list-name\" class=\"visually-hidden\">New list name</label><input \
         id=\"new-list-name\" name=\"name\" placeholder=\"New list\" maxlength=\"100\" \
         autocomplete=\"off\" required><button type=\"submit\">Add list</button></form></nav>\
         <div class=\"list-page\"><div class=\"list-header\"><h2 class=\"list-title\">{name}</h2>\
         <a href=\"/lists/{inbox}/settings\" class=\"list-settings-link\">Share &amp; settings</a>\
         </div><leptos-island data-component=\"TodoApp\" data-props=\"{props}\"><main \
         aria-busy=\"false\" data-hydrated=\"false\" class=\"todoapp\"><header class=\"header\">\
         <h1>Tick</h1><form method=\"post\" action=\"/fn/todos/add\" class=\"new-todo-form\">\
         <input type=\"hidden\" name=\"list\" value=\"{inbox}\"><label for=\"new-todo\" \
         class=\"visually-hidden\">New to-do</label><input id=\"new-todo\" name=\"title\" \
         placeholder=\"What needs to be done?\" autocomplete=\"off\" autofocus class=\"new-todo\">\
         </form></header><section class=\"main\"><form method=\"post\" \
         action=\"/fn/todos/set_all_completed\" class=\"toggle-all-form\"><input type=\"hidden\" \
         name=\"list\" value=\"{inbox}\"><input type=\"hidden\" name=\"completed\" value=\"true\">\
         <input id=\"toggle-all\" type=\"checkbox\" class=\"toggle-all\"><label for=\"toggle-all\">\
         Mark all as complete</label><button type=\"submit\" class=\"toggle-all-submit\"><span \
         class=\"visually-hidden\">Mark all as complete</span></button></form>\
         <ul class=\"todo-list\">",
        name = escape(&name),
        props = escape(&props.to_string()),
    );
    for todo in &todos {
        row(
            &mut html,
            todo,
            attachments.iter().filter(|a| a.todo_id == todo.id),
        );
    }
    let active = todos.iter().filter(|todo| !todo.completed).count();
    let _ =
        write!(
        html,
        "</ul></section><footer class=\"footer\"><span aria-live=\"polite\" class=\"todo-count\">\
         <strong>{active}</strong> {}</span><ul aria-label=\"Show\" class=\"filters\"><li><a \
         href=\"/\" aria-current=\"page\" class=\"selected\">All</a></li><li><a href=\"/active\" \
         class=\"\">Active</a></li><li><a href=\"/completed\" class=\"\">Completed</a></li></ul>\
         </footer></main></leptos-island><footer class=\"info\"><p>Double-click a to-do to edit \
         it.</p></footer></div></div></body></html>",
        if active == 1 { "item left" } else { "items left" }
    );
    Ok(Html(html))
}

/// One to-do's row, with its attachments.
fn row<'a>(html: &mut String, todo: &Todo, attachments: impl Iterator<Item = &'a Attachment>) {
    let title = escape(&todo.title);
    let (class, checked, next, verb) = if todo.completed {
        ("completed", " checked", "false", "Mark as active")
    } else {
        ("", "", "true", "Mark as complete")
    };
    let id = todo.id;
    let _ = write!(
        html,
        "<li class=\"{class}\"><form method=\"post\" action=\"/fn/todos/set_completed\" \
         class=\"view\"><input type=\"hidden\" name=\"id\" value=\"{id}\"><input type=\"checkbox\" \
         aria-label=\"Done: {title}\" class=\"toggle\"{checked}><button type=\"submit\" \
         name=\"completed\" value=\"{next}\" aria-label=\"{verb}: {title}\" \
         class=\"toggle-submit\"></button><label>{title}</label><a href=\"/?edit={id}\" \
         aria-label=\"Edit: {title}\" class=\"edit-link\">✎</a><button type=\"submit\" \
         formaction=\"/fn/todos/delete\" aria-label=\"Delete: {title}\" class=\"destroy\">\
         </button></form><div class=\"attachments\"><form method=\"post\" \
         action=\"/todos/{id}/attachments\" enctype=\"multipart/form-data\" class=\"attach-form\">\
         <label title=\"Attach files\" class=\"attach-button\"><input type=\"file\" name=\"file\" \
         multiple aria-label=\"Attach files to: {title}\" class=\"attach-input visually-hidden\">\
         </label><button type=\"submit\" class=\"attach-submit\">Upload</button></form>\
         <ul class=\"attachment-list\">"
    );
    for attachment in attachments {
        let name = escape(&attachment.file_name);
        let _ = write!(
            html,
            "<li class=\"attachment\"><a href=\"/attachments/{}\" download>{name}</a> \
             <span class=\"attachment-meta\">{}, {} bytes</span></li>",
            attachment.id,
            escape(&attachment.content_type),
            attachment.size
        );
    }
    html.push_str("</ul></div></li>");
}

pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
