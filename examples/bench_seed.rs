//! `make bench`'s data, in bulk: USERS accounts named PREFIX1, PREFIX2, … (with the password
//! of the existing account TEMPLATE, so that they can log in), each with an Inbox of TODOS
//! to-dos, written straight into Tick's tables on SQLite or PostgreSQL (the schema Tick's
//! migrations made; Tick may be running). Accounts that already exist are left alone.
//!
//! Usage: bench_seed DATABASE_URL TEMPLATE PREFIX USERS TODOS

use std::time::Instant;

use sqlx::{Connection, PgConnection, SqliteConnection};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, url, template, prefix, users, todos] = args.as_slice() else {
        eprintln!("usage: bench_seed DATABASE_URL TEMPLATE PREFIX USERS TODOS");
        std::process::exit(2);
    };
    let plain = |name: &str| {
        name.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    assert!(
        plain(template) && plain(prefix),
        "names of letters, digits, - and _ only"
    );
    let users: u64 = users.parse()?;
    let todos: u64 = todos.parse()?;
    let numbers = |to: u64| {
        format!("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {to})")
    };
    let statements = [
        format!(
            "{} INSERT INTO users (username, password_hash) SELECT '{prefix}' || i, \
             (SELECT password_hash FROM users WHERE username = '{template}') FROM n \
             WHERE NOT EXISTS (SELECT 1 FROM users u WHERE lower(u.username) = lower('{prefix}' || i))",
            numbers(users)
        ),
        format!(
            "INSERT INTO lists (owner_id, name, inbox) SELECT u.id, 'Inbox', TRUE FROM users u \
             WHERE u.username LIKE '{prefix}%' \
             AND NOT EXISTS (SELECT 1 FROM lists l WHERE l.owner_id = u.id AND l.inbox)"
        ),
        "INSERT INTO list_members (list_id, user_id, role) SELECT l.id, l.owner_id, 'owner' \
         FROM lists l WHERE NOT EXISTS (SELECT 1 FROM list_members m WHERE m.list_id = l.id)"
            .to_owned(),
        format!(
            "{} INSERT INTO todos (list_id, title, completed, position) \
             SELECT l.id, 'To-do number ' || n.i || ' with a realistic title', n.i % 5 = 0, n.i \
             FROM lists l JOIN users u ON u.id = l.owner_id CROSS JOIN n \
             WHERE l.inbox AND u.username LIKE '{prefix}%' \
             AND NOT EXISTS (SELECT 1 FROM todos t WHERE t.list_id = l.id)",
            numbers(todos)
        ),
    ];
    let started = Instant::now();
    if url.starts_with("postgres") {
        let mut conn = PgConnection::connect(url).await?;
        for sql in &statements {
            sqlx::query(sql).execute(&mut conn).await?;
        }
        // As autovacuum would soon after such a load.
        sqlx::query("ANALYZE").execute(&mut conn).await?;
    } else {
        let mut conn = SqliteConnection::connect(url).await?;
        let mut tx = conn.begin().await?;
        for sql in &statements {
            sqlx::query(sql).execute(&mut *tx).await?;
        }
        tx.commit().await?;
    }
    eprintln!(
        "seeded {users} users with {todos} to-dos each in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
