//! Query plans: every statement Tick runs while serving its pages, server functions, API and
//! attachments uses an index on the tables that grow with users — no full scans. The app
//! runs as in the other integration tests; sqlx reports each statement it executes (the
//! `sqlx::query` events, caught here by a subscriber of this test process), and each is
//! explained on the same database: `EXPLAIN QUERY PLAN` on SQLite, and on PostgreSQL the
//! generic plan with sequential scans priced out, so a `Seq Scan` means no index could serve.
//! A test binary of its own, so that no other test's statements mix in.

#[allow(dead_code, unused_macros, unused_imports)]
#[path = "../api/helpers.rs"]
mod helpers;
#[allow(dead_code)]
#[path = "../api/stores.rs"]
mod stores;

mod doors;

use std::{
    collections::BTreeSet,
    sync::{Mutex, OnceLock},
};

use helpers::{spawn_app, Backend, TestApp};
use sqlx::{Connection, Row};
use tracing::{field::Field, Event, Subscriber};
use tracing_subscriber::{layer::Context, prelude::*, Layer};

/// Tables whose rows grow with users and their to-dos: a full scan of one is a bug.
const GROWING: &[&str] = &[
    "users",
    "sessions",
    "lists",
    "list_members",
    "todos",
    "attachments",
    "api_tokens",
    "throttle_counts",
];

static STATEMENTS: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());

/// Collects the SQL of every statement sqlx reports.
struct Statements;

impl<S: Subscriber> Layer<S> for Statements {
    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        if event.metadata().target() != "sqlx::query" {
            return;
        }
        #[derive(Default)]
        struct Sql {
            summary: String,
            statement: String,
        }
        impl tracing::field::Visit for Sql {
            fn record_str(&mut self, field: &Field, value: &str) {
                match field.name() {
                    "summary" => self.summary = value.to_owned(),
                    "db.statement" => self.statement = value.to_owned(),
                    _ => {}
                }
            }
            fn record_debug(&mut self, _: &Field, _: &dyn std::fmt::Debug) {}
        }
        let mut sql = Sql::default();
        event.record(&mut sql);
        // A short statement is reported whole as its summary.
        let text = if sql.statement.trim().is_empty() {
            sql.summary
        } else {
            sql.statement
        };
        STATEMENTS.lock().unwrap().insert(text.trim().to_owned());
    }
}

fn collect_statements() {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        let only_sqlx = tracing_subscriber::filter::Targets::new()
            .with_target("sqlx::query", tracing::Level::TRACE);
        tracing_subscriber::registry()
            .with(Statements.with_filter(only_sqlx))
            .init();
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_full_scans() {
    collect_statements();
    for backend in [Backend::Sqlite, Backend::Postgres] {
        STATEMENTS.lock().unwrap().clear();
        let app = spawn_app(backend).await;
        doors::use_every_door(&app).await;
        let statements: Vec<String> = STATEMENTS.lock().unwrap().iter().cloned().collect();
        assert!(
            statements.len() > 40,
            "too few statements seen: {statements:#?}"
        );
        let mut scans = Vec::new();
        let explained: Vec<&String> = statements.iter().filter(|sql| explainable(sql)).collect();
        eprintln!(
            "{backend:?}: {} statements seen, {} explained",
            statements.len(),
            explained.len()
        );
        for sql in explained {
            let plan = explain(&app, sql).await;
            let scanned: Vec<&str> = GROWING
                .iter()
                .copied()
                .filter(|table| scans_table(backend, &plan, table))
                .collect();
            if !scanned.is_empty() {
                scans.push(format!("{scanned:?} in\n{sql}\n{plan}\n"));
            }
        }
        assert!(
            scans.is_empty(),
            "{backend:?}: full scans:\n{}",
            scans.join("\n")
        );
        app.stop().await;
    }
}

/// Statements that read or write rows (not transactions, pragmas, locks or migrations).
fn explainable(sql: &str) -> bool {
    let first = sql
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_ascii_uppercase();
    ["SELECT", "INSERT", "UPDATE", "DELETE", "WITH"].contains(&first.as_str())
        && !sql.contains("_sqlx_migrations")
        && !sql.contains("pg_")
        && !sql.contains("sqlite_")
}

/// The plan of `sql`, one line per step.
async fn explain(app: &TestApp, sql: &str) -> String {
    match app.backend {
        Backend::Sqlite => {
            let mut conn = sqlx::SqliteConnection::connect(&app.database_url)
                .await
                .unwrap();
            let rows = sqlx::query(&format!("EXPLAIN QUERY PLAN {sql}"))
                .fetch_all(&mut conn)
                .await
                .unwrap_or_else(|err| panic!("explaining {sql}: {err}"));
            rows.iter()
                .map(|row| row.get::<String, _>("detail"))
                .collect::<Vec<_>>()
                .join("\n")
        }
        Backend::Postgres => {
            let mut conn = sqlx::PgConnection::connect(&app.database_url)
                .await
                .unwrap();
            for setting in [
                "SET enable_seqscan = off",
                "SET plan_cache_mode = force_generic_plan",
            ] {
                sqlx::query(setting).execute(&mut conn).await.unwrap();
            }
            let params = parameter_count(sql);
            prepare(&mut conn, sql, params).await;
            let nulls = vec!["NULL"; params].join(", ");
            let execute = if params == 0 {
                "EXPLAIN EXECUTE explained".to_owned()
            } else {
                format!("EXPLAIN EXECUTE explained({nulls})")
            };
            let rows = sqlx::query(&execute)
                .fetch_all(&mut conn)
                .await
                .unwrap_or_else(|err| panic!("explaining {sql}: {err}"));
            rows.iter()
                .map(|row| row.get::<String, _>(0))
                .collect::<Vec<_>>()
                .join("\n")
        }
    }
}

/// Prepares `sql` as `explained`. PostgreSQL infers each parameter's type from where it is
/// first used; where it cannot (`$3 IS NULL OR …`), the types sqlx would have sent are
/// unknown here, so each candidate is tried for that parameter until one is accepted.
async fn prepare(conn: &mut sqlx::PgConnection, sql: &str, params: usize) {
    const CANDIDATES: &[&str] = &["bigint", "text", "boolean", "timestamptz", "bytea"];
    let mut types = vec!["unknown"; params];
    let mut tried = vec![0usize; params];
    loop {
        let declared = if params == 0 {
            String::new()
        } else {
            format!("({})", types.join(", "))
        };
        let err = match sqlx::query(&format!("PREPARE explained{declared} AS {sql}"))
            .execute(&mut *conn)
            .await
        {
            Ok(_) => return,
            Err(err) => err.to_string(),
        };
        // "could not determine data type of parameter $3": give $3 a type. Any other error
        // after a guess: the guess was wrong, try the next.
        let undetermined = err
            .split("could not determine data type of parameter $")
            .nth(1)
            .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
            .and_then(|n| n.parse::<usize>().ok());
        let param = match undetermined {
            Some(n) => n - 1,
            None => match types.iter().rposition(|t| *t != "unknown") {
                Some(guessed) => guessed,
                None => panic!("preparing {sql}: {err}"),
            },
        };
        let next = tried[param];
        assert!(next < CANDIDATES.len(), "preparing {sql}: {err}");
        types[param] = CANDIDATES[next];
        tried[param] += 1;
    }
}

/// The highest `$n` in `sql`.
fn parameter_count(sql: &str) -> usize {
    sql.split('$')
        .skip(1)
        .filter_map(|rest| {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            digits.parse::<usize>().ok()
        })
        .max()
        .unwrap_or(0)
}

/// Whether `plan` reads every row of `table`.
fn scans_table(backend: Backend, plan: &str, table: &str) -> bool {
    plan.lines().any(|line| {
        let words: Vec<&str> = line.split_whitespace().collect();
        match backend {
            // "SCAN todos", "SCAN t USING INDEX …" (a whole index is read too); a search says SEARCH.
            Backend::Sqlite => words.windows(2).any(|w| w[0] == "SCAN" && w[1] == table),
            // "Seq Scan on todos", "Seq Scan on todos t".
            Backend::Postgres => words
                .windows(4)
                .any(|w| w[0..3] == ["Seq", "Scan", "on"] && w[3] == table),
        }
    })
}
