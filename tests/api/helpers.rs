//! `spawn_app()`: starts Tick on a free port with its own empty database, SQLite or PostgreSQL.

use std::time::Duration;

use clap::Parser;
use reqwest::{header, redirect, Client, Response, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;
use sqlx::{Connection, Executor, PgConnection};
use tick::server::{config::Config, startup::Application};
use tokio::{sync::oneshot, task::JoinHandle};

#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs each listed case once per database: `both!(case_a, case_b)` makes `case_a::sqlite`, …
macro_rules! both {
    ($($case:ident),* $(,)?) => {
        $(
            mod $case {

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let app = $crate::helpers::spawn_app($crate::helpers::Backend::Sqlite).await;
                    super::$case(&app).await;
                    app.stop().await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    let app = $crate::helpers::spawn_app($crate::helpers::Backend::Postgres).await;
                    super::$case(&app).await;
                    app.stop().await;
                }
            }
        )*
    };
}
pub(crate) use both;

/// The admin connection for creating one database per test.
fn postgres_admin_url() -> String {
    std::env::var("TICK_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

pub struct TestApp {
    pub address: String,
    pub client: Client,
    pub backend: Backend,
    pub database_url: String,
    postgres_db: Option<String>,
    _data_dir: tempfile::TempDir,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<std::io::Result<()>>>,
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    let data_dir = tempfile::tempdir().expect("a temporary directory");
    let (database_url, postgres_db) = match backend {
        Backend::Sqlite => (
            format!("sqlite://{}", data_dir.path().join("tick.db").display()),
            None,
        ),
        Backend::Postgres => {
            let name = format!("tick_test_{}", uuid::Uuid::new_v4().simple());
            let admin = postgres_admin_url();
            let mut conn = PgConnection::connect(&admin)
                .await
                .expect("PostgreSQL must be running on 127.0.0.1:5432 (or TICK_TEST_POSTGRES_URL)");
            conn.execute(format!(r#"CREATE DATABASE "{name}""#).as_str())
                .await
                .expect("creating the test database");
            let url = match admin.rsplit_once('/') {
                Some((server, _)) => format!("{server}/{name}"),
                None => panic!("TICK_TEST_POSTGRES_URL must end with /<database>"),
            };
            (url, Some(name))
        }
    };
    start(backend, database_url, postgres_db, data_dir).await
}

async fn start(
    backend: Backend,
    database_url: String,
    postgres_db: Option<String>,
    data_dir: tempfile::TempDir,
) -> TestApp {
    let public = concat!(env!("CARGO_MANIFEST_DIR"), "/public");
    let config = Config::try_parse_from([
        "tick",
        "--addr",
        "127.0.0.1:0",
        "--database-url",
        &database_url,
        "--data-dir",
        &data_dir.path().display().to_string(),
        "--site-root",
        public,
    ])
    .expect("valid test settings");
    let app = Application::build(&config).await.expect("the app starts");
    let address = format!("http://{}", app.local_addr());
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async move {
        let _ = stopped.await;
    }));
    let client = Client::builder()
        .redirect(redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .expect("an HTTP client");
    TestApp {
        address,
        client,
        backend,
        database_url,
        postgres_db,
        _data_dir: data_dir,
        stop: Some(stop),
        server: Some(server),
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// Calls a server function the way the hydrated app does.
    pub async fn call(&self, function: &str, form: &[(&str, &str)]) -> Response {
        self.client
            .post(self.url(&format!("/fn/todos/{function}")))
            .form(form)
            .send()
            .await
            .expect("the server answers")
    }

    /// Calls a server function and decodes its JSON reply, asserting success.
    pub async fn call_ok<T: DeserializeOwned>(&self, function: &str, form: &[(&str, &str)]) -> T {
        let response = self.call(function, form).await;
        let status = response.status();
        let body = response.text().await.unwrap();
        assert_eq!(status, StatusCode::OK, "{function} failed: {body}");
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("{function}: {e}: {body}"))
    }

    /// Posts a form as a browser without JavaScript does.
    pub async fn post_form(
        &self,
        function: &str,
        form: &[(&str, &str)],
        referer: &str,
    ) -> Response {
        self.client
            .post(self.url(&format!("/fn/todos/{function}")))
            .header(header::ACCEPT, "text/html,application/xhtml+xml")
            .header(header::REFERER, self.url(referer))
            .form(form)
            .send()
            .await
            .expect("the server answers")
    }

    pub async fn add(&self, title: &str) -> Value {
        self.call_ok("add", &[("title", title)]).await
    }

    /// Marks `todo` (as returned by `add`) done or not, returning the updated to-do.
    pub async fn set_completed(&self, todo: &Value, completed: bool) -> Value {
        let id = todo["id"].to_string();
        let completed = completed.to_string();
        self.call_ok("set_completed", &[("id", &id), ("completed", &completed)])
            .await
    }

    pub async fn list(&self) -> Vec<Value> {
        self.call_ok("list", &[]).await
    }

    pub async fn titles(&self) -> Vec<String> {
        self.list()
            .await
            .iter()
            .map(|todo| todo["title"].as_str().unwrap().to_owned())
            .collect()
    }

    pub async fn page(&self, path: &str) -> (StatusCode, String) {
        let response = self.client.get(self.url(path)).send().await.unwrap();
        (response.status(), response.text().await.unwrap())
    }

    /// Stops the server and a PostgreSQL test database.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            server
                .await
                .expect("the server task")
                .expect("a clean stop");
        }
        if let Some(name) = self.postgres_db.take() {
            let mut conn = PgConnection::connect(&postgres_admin_url()).await.unwrap();
            conn.execute(format!(r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#).as_str())
                .await
                .expect("dropping the test database");
        }
    }
}

/// A second server on the same database as `app` (which keeps running).
pub async fn reopen(app: &TestApp) -> TestApp {
    let data_dir = tempfile::tempdir().unwrap();
    start(app.backend, app.database_url.clone(), None, data_dir).await
}

/// Runs one SQL statement on the app's database, behind the app's back.
pub async fn execute(app: &TestApp, sql: &str) {
    match app.backend {
        Backend::Sqlite => {
            let mut conn = sqlx::SqliteConnection::connect(&app.database_url)
                .await
                .unwrap();
            conn.execute(sql).await.unwrap();
        }
        Backend::Postgres => {
            let mut conn = PgConnection::connect(&app.database_url).await.unwrap();
            conn.execute(sql).await.unwrap();
        }
    }
}
