//! `GET` and `POST /api/v1/todos` with a bearer token: the token's SHA-256 looked up, the
//! user's Inbox listed or added to, the same JSON shapes as Tick's API.

use axum::{
    extract::State,
    http::{header, HeaderMap, StatusCode},
    response::IntoResponse,
    Json,
};
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::{failed, writes, Db, Failure};

#[derive(sqlx::FromRow)]
struct ApiTodo {
    id: i64,
    title: String,
    completed: bool,
    position: i64,
    created_at: String,
    updated_at: String,
}

impl ApiTodo {
    fn json(&self) -> Value {
        json!({
            "id": self.id,
            "title": self.title,
            "completed": self.completed,
            "order": self.position,
            "url": format!("http://127.0.0.1/api/v1/todos/{}", self.id),
            "created_at": rfc3339(&self.created_at),
            "updated_at": rfc3339(&self.updated_at),
        })
    }
}

/// SQLite's `YYYY-MM-DD HH:MM:SS` (UTC) as RFC 3339.
fn rfc3339(sqlite: &str) -> String {
    format!("{}Z", sqlite.replacen(' ', "T", 1))
}

/// The token's user and their Inbox.
async fn caller(db: &Db, headers: &HeaderMap) -> Result<(i64, i64), Failure> {
    let unauthorized = || {
        (
            StatusCode::UNAUTHORIZED,
            "a valid token is needed".to_owned(),
        )
    };
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .ok_or_else(unauthorized)?;
    let hash = format!("{:x}", Sha256::digest(token.as_bytes()));
    let found: Option<(i64, i64)> = sqlx::query_as(
        "SELECT t.user_id, l.id FROM api_tokens t JOIN lists l ON l.owner_id = t.user_id \
         AND l.inbox WHERE t.token_hash = $1",
    )
    .bind(hash)
    .fetch_optional(&db.read)
    .await
    .map_err(failed)?;
    found.ok_or_else(unauthorized)
}

pub async fn list(State(db): State<Db>, headers: HeaderMap) -> Result<Json<Value>, Failure> {
    let (_, inbox) = caller(&db, &headers).await?;
    let todos: Vec<ApiTodo> = sqlx::query_as(
        "SELECT id, title, completed, position, created_at, updated_at FROM todos \
         WHERE list_id = $1 ORDER BY position, id",
    )
    .bind(inbox)
    .fetch_all(&db.read)
    .await
    .map_err(failed)?;
    Ok(Json(Value::Array(
        todos.iter().map(ApiTodo::json).collect(),
    )))
}

#[derive(Deserialize)]
pub struct NewTodo {
    title: String,
}

pub async fn create(
    State(db): State<Db>,
    headers: HeaderMap,
    Json(new): Json<NewTodo>,
) -> Result<impl IntoResponse, Failure> {
    let (user, inbox) = caller(&db, &headers).await?;
    let returning = format!("{}, created_at, updated_at", writes::RETURNING);
    let made = writes::insert::<ApiTodo>(&db, inbox, user, writes::title(&new.title)?, &returning)
        .await?
        .json();
    let location = made["url"].as_str().unwrap_or_default().to_owned();
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(made),
    ))
}
