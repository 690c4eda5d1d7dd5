//! The changes a signed-in page makes (add, toggle, edit, delete), its list of to-dos as
//! JSON, and log-in: plain handlers over the same statements Tick runs.

use std::time::{SystemTime, UNIX_EPOCH};

use argon2::{password_hash::PasswordHash, Argon2, PasswordVerifier};
use axum::{extract::State, http::StatusCode, Form, Json};
use serde::Deserialize;
use tower_sessions::Session;

use crate::{failed, page::Todo, signed_in, Db, Failure, SignedIn};

/// `$2` may change list `$1`.
const EDITOR: &str = "EXISTS (SELECT 1 FROM list_members m WHERE m.list_id = $1 \
     AND m.user_id = $2 AND m.role IN ('owner', 'editor'))";
pub const RETURNING: &str = "RETURNING id, title, completed, position";

#[derive(Deserialize)]
pub struct ListForm {
    list: Option<i64>,
}

pub async fn list(
    State(db): State<Db>,
    session: Session,
    Form(form): Form<ListForm>,
) -> Result<Json<Vec<Todo>>, Failure> {
    let user = signed_in(&db, &session).await?;
    let todos = sqlx::query_as(
        "SELECT id, title, completed, position FROM todos WHERE list_id = $1 AND EXISTS \
         (SELECT 1 FROM list_members m WHERE m.list_id = $1 AND m.user_id = $2) \
         ORDER BY position, id",
    )
    .bind(form.list.unwrap_or(user.inbox))
    .bind(user.id)
    .fetch_all(&db.read)
    .await
    .map_err(failed)?;
    Ok(Json(todos))
}

#[derive(Deserialize)]
pub struct AddForm {
    list: Option<i64>,
    title: String,
}

/// A title as Tick accepts it: trimmed, 1 to 500 characters.
pub fn title(raw: &str) -> Result<&str, Failure> {
    let title = raw.trim();
    if title.is_empty() || title.chars().count() > 500 {
        return Err((
            StatusCode::BAD_REQUEST,
            "a title has 1 to 500 characters".to_owned(),
        ));
    }
    Ok(title)
}

/// Adds a to-do at the bottom of `list`, if `user` may; `returning` names the columns of `T`.
pub async fn insert<T>(
    db: &Db,
    list: i64,
    user: i64,
    title: &str,
    returning: &str,
) -> Result<T, Failure>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow> + Send + Unpin,
{
    let sql = format!(
        "INSERT INTO todos (list_id, title, completed, position) SELECT $1, $3, FALSE, \
         (SELECT COALESCE(MAX(position), 0) + 1 FROM todos WHERE list_id = $1) WHERE {EDITOR} \
         {returning}"
    );
    let mut tx = db.write.begin().await.map_err(failed)?;
    let todo: Option<T> = sqlx::query_as(&sql)
        .bind(list)
        .bind(user)
        .bind(title)
        .fetch_optional(&mut *tx)
        .await
        .map_err(failed)?;
    tx.commit().await.map_err(failed)?;
    todo.ok_or((StatusCode::NOT_FOUND, "no such list".to_owned()))
}

pub async fn add(
    State(db): State<Db>,
    session: Session,
    Form(form): Form<AddForm>,
) -> Result<Json<Todo>, Failure> {
    let user = signed_in(&db, &session).await?;
    let title = title(&form.title)?;
    let list = form.list.unwrap_or(user.inbox);
    Ok(Json(insert(&db, list, user.id, title, RETURNING).await?))
}

/// The list to-do `id` is on, if any: the statements that change it check membership there.
async fn list_of(
    tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>,
    id: i64,
) -> Result<Option<i64>, Failure> {
    sqlx::query_scalar("SELECT list_id FROM todos WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await
        .map_err(failed)
}

#[derive(Deserialize)]
pub struct ChangeForm {
    id: i64,
    completed: Option<bool>,
    title: Option<String>,
}

/// Changes one to-do on a list the user may change; 404 when there is none.
async fn update(db: &Db, session: &Session, form: &ChangeForm) -> Result<Json<Todo>, Failure> {
    let user = signed_in(db, session).await?;
    let title = form.title.as_deref().map(title).transpose()?;
    let sql = format!(
        "UPDATE todos SET title = COALESCE($4, title), completed = COALESCE($5, completed), \
         updated_at = CURRENT_TIMESTAMP WHERE id = $3 AND list_id = $1 AND {EDITOR} {RETURNING}"
    );
    let mut tx = db.write.begin().await.map_err(failed)?;
    let list = list_of(&mut tx, form.id).await?;
    let todo: Option<Todo> = sqlx::query_as(&sql)
        .bind(list)
        .bind(user.id)
        .bind(form.id)
        .bind(title)
        .bind(form.completed)
        .fetch_optional(&mut *tx)
        .await
        .map_err(failed)?;
    tx.commit().await.map_err(failed)?;
    todo.map(Json)
        .ok_or((StatusCode::NOT_FOUND, "no such to-do".to_owned()))
}

/// `set_completed` and `edit`: each form carries only the field it changes.
pub async fn change(
    State(db): State<Db>,
    session: Session,
    Form(form): Form<ChangeForm>,
) -> Result<Json<Todo>, Failure> {
    update(&db, &session, &form).await
}

#[derive(Deserialize)]
pub struct DeleteForm {
    id: i64,
}

pub async fn delete(
    State(db): State<Db>,
    session: Session,
    Form(form): Form<DeleteForm>,
) -> Result<Json<()>, Failure> {
    let user = signed_in(&db, &session).await?;
    let sql = format!("DELETE FROM todos WHERE id = $3 AND list_id = $1 AND {EDITOR}");
    let mut tx = db.write.begin().await.map_err(failed)?;
    let list = list_of(&mut tx, form.id).await?;
    let deleted = sqlx::query(&sql)
        .bind(list)
        .bind(user.id)
        .bind(form.id)
        .execute(&mut *tx)
        .await
        .map_err(failed)?
        .rows_affected();
    tx.commit().await.map_err(failed)?;
    if deleted == 0 {
        return Err((StatusCode::NOT_FOUND, "no such to-do".to_owned()));
    }
    Ok(Json(()))
}

#[derive(Deserialize)]
pub struct LogInForm {
    username: String,
    password: String,
}

/// Checks the password (argon2id, on a blocking thread) and signs the session in.
pub async fn log_in(
    State(db): State<Db>,
    session: Session,
    Form(form): Form<LogInForm>,
) -> Result<Json<()>, Failure> {
    let refused = || {
        (
            StatusCode::UNAUTHORIZED,
            "wrong username or password".to_owned(),
        )
    };
    let user: Option<(i64, String, i64)> = sqlx::query_as(
        "SELECT id, password_hash, session_generation FROM users WHERE lower(username) = lower($1)",
    )
    .bind(&form.username)
    .fetch_optional(&db.read)
    .await
    .map_err(failed)?;
    let (id, hash, generation) = user.ok_or_else(refused)?;
    let matches = tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash).is_ok_and(|hash| {
            Argon2::default()
                .verify_password(form.password.as_bytes(), &hash)
                .is_ok()
        })
    })
    .await
    .map_err(failed)?;
    if !matches {
        return Err(refused());
    }
    session.cycle_id().await.map_err(failed)?;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let signed_in = SignedIn {
        user_id: id,
        generation,
        signed_in_at: now,
        refreshed_at: now,
    };
    session
        .insert("signed_in", signed_in)
        .await
        .map_err(failed)?;
    Ok(Json(()))
}
