//! The yardstick for `make bench`: a minimal axum + sqlx handler that renders the same list as
//! plain HTML. Tick's page should reach at least 70% of its requests per second.
//!
//! Usage: `baseline <sqlite-file> <address>`.

use std::{fmt::Write as _, str::FromStr};

use axum::{extract::State, response::Html, routing::get, Router};
use sqlx::{sqlite::SqliteConnectOptions, SqlitePool};

#[derive(sqlx::FromRow)]
struct Todo {
    id: i64,
    title: String,
    completed: bool,
}

async fn page(State(pool): State<SqlitePool>) -> Html<String> {
    let todos: Vec<Todo> =
        sqlx::query_as("SELECT id, title, completed FROM todos ORDER BY position, id")
            .fetch_all(&pool)
            .await
            .expect("the query runs");
    let active = todos.iter().filter(|todo| !todo.completed).count();
    // The same markup as Tick's page, row for row, written by hand.
    let mut html = String::with_capacity(16 * 1024);
    html.push_str(concat!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
        "<link rel=\"icon\" type=\"image/svg+xml\" href=\"/favicon.svg\">",
        "<link rel=\"stylesheet\" href=\"/pkg/tick.css\"><title>Tick</title></head><body>",
        "<main class=\"todoapp\"><header class=\"header\"><h1>Tick</h1>",
        "<form method=\"post\" action=\"/fn/todos/add\" class=\"new-todo-form\">",
        "<label for=\"new-todo\" class=\"visually-hidden\">New to-do</label>",
        "<input id=\"new-todo\" name=\"title\" placeholder=\"What needs to be done?\" ",
        "autocomplete=\"off\" autofocus class=\"new-todo\"></form></header>",
        "<section class=\"main\"><ul class=\"todo-list\">",
    ));
    for todo in &todos {
        let title = escape(&todo.title);
        let (class, next, verb) = if todo.completed {
            ("completed", "false", "Mark as active")
        } else {
            ("", "true", "Mark as complete")
        };
        let id = todo.id;
        let _ = write!(
            html,
            "<li class=\"{class}\"><form class=\"view\" method=\"post\" \
             action=\"/fn/todos/set_completed\"><input type=\"hidden\" name=\"id\" value=\"{id}\">\
             <input type=\"checkbox\" aria-label=\"Done: {title}\" class=\"toggle\"{checked}>\
             <button type=\"submit\" name=\"completed\" value=\"{next}\" \
             aria-label=\"{verb}: {title}\" class=\"toggle-submit\"></button>\
             <label>{title}</label><a href=\"/?edit={id}\" aria-label=\"Edit: {title}\" \
             class=\"edit-link\">✎</a><button type=\"submit\" formaction=\"/fn/todos/delete\" \
             aria-label=\"Delete: {title}\" class=\"destroy\"></button></form></li>",
            checked = if todo.completed { " checked" } else { "" },
        );
    }
    let _ = write!(
        html,
        "</ul></section><footer class=\"footer\"><span class=\"todo-count\">\
         <strong>{active}</strong> {}</span><ul class=\"filters\">\
         <li><a href=\"/\" class=\"selected\">All</a></li><li><a href=\"/active\">Active</a></li>\
         <li><a href=\"/completed\">Completed</a></li></ul></footer></main></body></html>",
        if active == 1 {
            "item left"
        } else {
            "items left"
        }
    );
    Html(html)
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let file = args
        .next()
        .expect("usage: baseline <sqlite-file> <address>");
    let addr = args.next().unwrap_or_else(|| "127.0.0.1:3201".to_owned());
    let options = SqliteConnectOptions::from_str(&format!("sqlite://{file}"))
        .expect("a SQLite URL")
        .read_only(true);
    let pool = SqlitePool::connect_with(options)
        .await
        .expect("the database opens");
    let app = Router::new().route("/", get(page)).with_state(pool);
    let listener = tokio::net::TcpListener::bind(&addr)
        .await
        .expect("the address binds");
    axum::serve(listener, app).await.expect("the server runs");
}
