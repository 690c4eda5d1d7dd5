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
    let mut html = String::with_capacity(8 * 1024);
    html.push_str(
        "<!DOCTYPE html><html><head><title>Tick</title></head><body><ul class=\"todo-list\">",
    );
    for todo in &todos {
        let _ = write!(
            html,
            "<li class=\"{}\"><input class=\"toggle\" type=\"checkbox\"{}><label>{}</label>\
             <button class=\"destroy\" data-id=\"{}\"></button></li>",
            if todo.completed { "completed" } else { "" },
            if todo.completed { " checked" } else { "" },
            escape(&todo.title),
            todo.id
        );
    }
    html.push_str("</ul></body></html>");
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
