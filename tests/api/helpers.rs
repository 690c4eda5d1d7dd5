//! `spawn_app()`: starts Tick on a free port with its own empty database, SQLite or PostgreSQL,
//! and signs up a fresh user whose session `app.client` carries.

use std::{str::FromStr, time::Duration};

use clap::Parser;
use reqwest::{
    header,
    multipart::{Form, Part},
    redirect, Client, Response, StatusCode,
};
use serde::de::DeserializeOwned;
use serde_json::Value;
use sqlx::{Connection, Executor, PgConnection};
use tick::server::{
    config::{Config, StorageUrl},
    startup::Application,
};

use crate::stores::{self, Store};
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
/// Runs each listed case once per database, handing it the backend to start its own app:
/// for cases that need special settings or a prepared database.
macro_rules! both_backends {
    ($($case:ident),* $(,)?) => {
        $(
            mod $case {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$case($crate::helpers::Backend::Sqlite).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$case($crate::helpers::Backend::Postgres).await;
                }
            }
        )*
    };
}
/// Runs each listed case on both databases and both attachment stores (a local folder, and
/// S3 on SeaweedFS): `every_store!(case)` makes `case::sqlite`, `case::postgres_s3`, ….
macro_rules! every_store {
    ($($case:ident),* $(,)?) => {
        $(
            mod $case {
                use $crate::{helpers::Backend, stores::Store};

                async fn run(backend: Backend, store: Store) {
                    let app = $crate::helpers::spawn_app_on(backend, store, &[]).await;
                    super::$case(&app).await;
                    app.stop().await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    run(Backend::Sqlite, Store::Local).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    run(Backend::Postgres, Store::Local).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite_s3() {
                    run(Backend::Sqlite, Store::S3).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres_s3() {
                    run(Backend::Postgres, Store::S3).await;
                }
            }
        )*
    };
}
/// Like [`every_store`], handing the case the database and the store to start its own app.
macro_rules! every_store_backends {
    ($($case:ident),* $(,)?) => {
        $(
            mod $case {
                use $crate::{helpers::Backend, stores::Store};

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$case(Backend::Sqlite, Store::Local).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$case(Backend::Postgres, Store::Local).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite_s3() {
                    super::$case(Backend::Sqlite, Store::S3).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres_s3() {
                    super::$case(Backend::Postgres, Store::S3).await;
                }
            }
        )*
    };
}
pub(crate) use {both, both_backends, every_store, every_store_backends};

/// The admin connection for creating one database per test.
fn postgres_admin_url() -> String {
    std::env::var("TICK_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

/// The password every test account starts with.
pub const PASSWORD: &str = "correct horse battery staple";

/// A signed-up user and a client holding their session cookie.
pub struct TestUser {
    pub client: Client,
    pub username: String,
}

pub struct TestApp {
    pub address: String,
    /// Signed in as `username`.
    pub client: Client,
    pub username: String,
    pub backend: Backend,
    pub database_url: String,
    /// Where its attachments are.
    pub storage: StorageUrl,
    /// The settings that chose the store (given again on a restart).
    store_settings: Vec<String>,
    postgres_db: Option<String>,
    _data_dir: tempfile::TempDir,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<std::io::Result<()>>>,
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, &[]).await
}

/// Like [`spawn_app`], with extra command-line settings.
pub async fn spawn_app_with(backend: Backend, settings: &[&str]) -> TestApp {
    let (database_url, postgres_db, data_dir) = create_database(backend).await;
    start(backend, database_url, postgres_db, data_dir, settings).await
}

/// Like [`spawn_app_with`], keeping attachments in `store`.
pub async fn spawn_app_on(backend: Backend, store: Store, settings: &[&str]) -> TestApp {
    let store_settings = stores::settings(store);
    let mut all: Vec<&str> = store_settings.iter().map(String::as_str).collect();
    all.extend_from_slice(settings);
    spawn_app_with(backend, &all).await
}

/// Starts Tick on a database made by the foundation version (before accounts) that holds
/// to-dos with `titles`.
pub async fn spawn_app_on_foundation_database(backend: Backend, titles: &[&str]) -> TestApp {
    let (database_url, postgres_db, data_dir) = create_database(backend).await;
    let dir = match backend {
        Backend::Sqlite => "migrations/sqlite",
        Backend::Postgres => "migrations/postgres",
    };
    let mut foundation =
        sqlx::migrate::Migrator::new(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(dir))
            .await
            .expect("the migrations");
    foundation.migrations = foundation.migrations.iter().take(1).cloned().collect();
    let insert = "INSERT INTO todos (title, completed, position) VALUES ($1, FALSE, $2)";
    match backend {
        Backend::Sqlite => {
            let options = sqlx::sqlite::SqliteConnectOptions::from_str(&database_url)
                .unwrap()
                .create_if_missing(true);
            let mut conn = sqlx::SqliteConnection::connect_with(&options)
                .await
                .unwrap();
            foundation
                .run(&mut conn)
                .await
                .expect("the foundation schema");
            for (position, title) in titles.iter().enumerate() {
                sqlx::query(insert)
                    .bind(title)
                    .bind(position as i64)
                    .execute(&mut conn)
                    .await
                    .unwrap();
            }
        }
        Backend::Postgres => {
            let mut conn = PgConnection::connect(&database_url).await.unwrap();
            foundation
                .run(&mut conn)
                .await
                .expect("the foundation schema");
            for (position, title) in titles.iter().enumerate() {
                sqlx::query(insert)
                    .bind(title)
                    .bind(position as i64)
                    .execute(&mut conn)
                    .await
                    .unwrap();
            }
        }
    }
    start(backend, database_url, postgres_db, data_dir, &[]).await
}

/// A new, empty database: an SQLite file in a temporary directory, or a PostgreSQL database.
async fn create_database(backend: Backend) -> (String, Option<String>, tempfile::TempDir) {
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
    (database_url, postgres_db, data_dir)
}

/// A client like a browser's: it keeps cookies and does not follow redirects.
pub fn new_client() -> Client {
    Client::builder()
        .cookie_store(true)
        .redirect(redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .expect("an HTTP client")
}

/// The nonce in a page's `Content-Security-Policy`.
pub fn nonce_in(policy: &str) -> &str {
    policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce in the policy")
}

/// A username no other test uses.
pub fn unique_username() -> String {
    format!("user_{}", &uuid::Uuid::new_v4().simple().to_string()[..12])
}

async fn start(
    backend: Backend,
    database_url: String,
    postgres_db: Option<String>,
    data_dir: tempfile::TempDir,
    settings: &[&str],
) -> TestApp {
    let extra = axum::Router::new();
    start_with_routes(
        backend,
        database_url,
        postgres_db,
        data_dir,
        settings,
        extra,
    )
    .await
}

impl TestApp {
    /// Where the app keeps its files (attachments live under `attachments/`).
    pub fn data_path(&self) -> &std::path::Path {
        self._data_dir.path()
    }

    /// The keys of the files in the app's store, sorted (on a local disk, every plain name in
    /// `files/` but unfinished uploads).
    pub async fn stored_keys(&self) -> Vec<String> {
        match &self.storage {
            StorageUrl::File(root) => entries(&root.join("files"))
                .into_iter()
                .filter(|name| !name.contains('#'))
                .collect(),
            StorageUrl::S3 { prefix, .. } => {
                stores::objects_under(&format!("{prefix}/files")).await
            }
        }
    }

    /// Unfinished uploads in the store. On S3 an unfinished multipart upload is not an
    /// object, and object_store cannot list them: there, none is ever seen.
    pub fn staged_uploads(&self) -> usize {
        match &self.storage {
            StorageUrl::File(root) => {
                let in_files = entries(&root.join("files"))
                    .into_iter()
                    .filter(|name| name.contains('#'))
                    .count();
                in_files + entries(&root.join("tmp")).len()
            }
            StorageUrl::S3 { .. } => 0,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// Calls the to-do server function `function` the way the hydrated app does.
    pub async fn call(&self, function: &str, form: &[(&str, &str)]) -> Response {
        self.call_as(&self.client, &format!("todos/{function}"), form)
            .await
    }

    /// Calls the server function at `/fn/{path}` with `client`'s cookies.
    pub async fn call_as(&self, client: &Client, path: &str, form: &[(&str, &str)]) -> Response {
        client
            .post(self.url(&format!("/fn/{path}")))
            .form(form)
            .send()
            .await
            .expect("the server answers")
    }

    /// Signs up a new user with [`PASSWORD`] on a client of their own.
    pub async fn sign_up(&self) -> TestUser {
        let client = new_client();
        let username = unique_username();
        let response = self
            .call_as(
                &client,
                "account/sign_up",
                &[("username", &username), ("password", PASSWORD)],
            )
            .await;
        let status = response.status();
        assert_eq!(status, StatusCode::OK, "{}", response.text().await.unwrap());
        TestUser { client, username }
    }

    /// Logs `username` in on a new client; returns the response and the client.
    pub async fn log_in(&self, username: &str, password: &str) -> (Response, Client) {
        let client = new_client();
        let response = self
            .call_as(
                &client,
                "account/log_in",
                &[("username", username), ("password", password)],
            )
            .await;
        (response, client)
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
        let status = response.status();
        let body = response
            .text()
            .await
            .unwrap_or_else(|err| panic!("reading {path}: {err:?}"));
        (status, body)
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

/// The settings among `settings` that choose the attachment store.
fn store_settings_in(settings: &[&str]) -> Vec<String> {
    let mut chosen = Vec::new();
    let mut taking = false;
    for setting in settings {
        if setting.starts_with("--") {
            taking = *setting == "--storage" || setting.starts_with("--s3-");
        }
        if taking {
            chosen.push((*setting).to_owned());
        }
    }
    chosen
}

/// A second server on the same database as `app` (which keeps running), signed in as a new user.
pub async fn reopen(app: &TestApp) -> TestApp {
    let data_dir = tempfile::tempdir().unwrap();
    let settings: Vec<&str> = app.store_settings.iter().map(String::as_str).collect();
    start(
        app.backend,
        app.database_url.clone(),
        None,
        data_dir,
        &settings,
    )
    .await
}

/// A second server on the same database as `app` (which keeps running), with `settings`
/// instead of `app`'s choice of store, signed in as a new user.
pub async fn reopen_with(app: &TestApp, settings: &[&str]) -> TestApp {
    let data_dir = tempfile::tempdir().unwrap();
    start(
        app.backend,
        app.database_url.clone(),
        None,
        data_dir,
        settings,
    )
    .await
}

/// Starts Tick on the existing database at `url` (which the app does not own: stopping it
/// leaves the database), with a data directory of its own.
pub async fn start_on(backend: Backend, url: &str, settings: &[&str]) -> TestApp {
    let data_dir = tempfile::tempdir().unwrap();
    start(backend, url.to_owned(), None, data_dir, settings).await
}

/// Stops `app` and starts it again on the same database and data directory (a restart).
pub async fn restart(mut app: TestApp) -> TestApp {
    if let Some(stop) = app.stop.take() {
        let _ = stop.send(());
    }
    if let Some(server) = app.server.take() {
        server
            .await
            .expect("the server task")
            .expect("a clean stop");
    }
    let data_dir = std::mem::replace(&mut app._data_dir, tempfile::tempdir().unwrap());
    let postgres_db = app.postgres_db.take();
    let settings: Vec<&str> = app.store_settings.iter().map(String::as_str).collect();
    start(
        app.backend,
        app.database_url.clone(),
        postgres_db,
        data_dir,
        &settings,
    )
    .await
}

/// Runs a query that yields one number (a count, say) on the app's database.
pub async fn count(app: &TestApp, sql: &str) -> i64 {
    count_at(&app.database_url, sql).await
}

/// The first column of every row `sql` yields on the database at `url`.
pub async fn column_at<T>(url: &str, sql: &str) -> Vec<T>
where
    T: for<'r> sqlx::Decode<'r, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite>,
    T: for<'r> sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
    T: Send + Unpin,
{
    if url.starts_with("sqlite:") {
        let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
        sqlx::query_scalar(sql).fetch_all(&mut conn).await.unwrap()
    } else {
        let mut conn = PgConnection::connect(url).await.unwrap();
        sqlx::query_scalar(sql).fetch_all(&mut conn).await.unwrap()
    }
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

// ---- For the hardening and live-sync tests (throttles, sessions, uploads, tokens, events) ----

/// A browser-like client whose requests say, in `X-Forwarded-For`, that they were forwarded
/// for `hops` (one address, or a list as proxies build it). Tick believes the header only
/// behind `--trusted-proxies`.
pub fn client_forwarded_for(hops: &str) -> Client {
    let mut headers = header::HeaderMap::new();
    headers.insert(
        "x-forwarded-for",
        header::HeaderValue::from_str(hops).expect("a header value"),
    );
    Client::builder()
        .cookie_store(true)
        .redirect(redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .default_headers(headers)
        .build()
        .expect("an HTTP client")
}

/// The whole seconds of a response's `Retry-After`; panics when it has none.
pub fn retry_after(response: &Response) -> u64 {
    response
        .headers()
        .get(header::RETRY_AFTER)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse().ok())
        .unwrap_or_else(|| panic!("no Retry-After in {:?}", response.headers()))
}

/// A browser-like client whose cookie jar the test can read.
pub fn client_with_jar() -> (Client, std::sync::Arc<reqwest::cookie::Jar>) {
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    let client = Client::builder()
        .cookie_provider(jar.clone())
        .redirect(redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .expect("an HTTP client");
    (client, jar)
}

/// The value of the cookie `name` that `jar` sends to `app`'s pages.
pub fn cookie_in(jar: &reqwest::cookie::Jar, app: &TestApp, name: &str) -> Option<String> {
    use reqwest::cookie::CookieStore as _;
    let url = app.url("/").parse().expect("the app's URL");
    let cookies = jar.cookies(&url)?;
    cookies
        .to_str()
        .ok()?
        .split(';')
        .find_map(|pair| pair.trim().strip_prefix(name)?.strip_prefix('='))
        .map(str::to_owned)
}

/// A new client holding only the cookie `name=value`: another device with a copied cookie.
pub fn client_with_cookie(app: &TestApp, name: &str, value: &str) -> Client {
    let (client, jar) = client_with_jar();
    let url = app.url("/").parse().expect("the app's URL");
    jar.add_cookie_str(&format!("{name}={value}; Path=/"), &url);
    client
}

/// Logs `username` in with [`PASSWORD`] on a new client whose jar the test can read.
pub async fn log_in_with_jar(
    app: &TestApp,
    username: &str,
) -> (Client, std::sync::Arc<reqwest::cookie::Jar>) {
    let (client, jar) = client_with_jar();
    let response = app
        .call_as(
            &client,
            "account/log_in",
            &[("username", username), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    (client, jar)
}

/// Runs a query that yields one column of bytes per row (a BLOB or BYTEA), on the app's
/// database.
pub async fn blobs(app: &TestApp, sql: &str) -> Vec<Vec<u8>> {
    column_at(&app.database_url, sql).await
}

/// Polls `done` every 50 ms for up to `within`; whether it came true.
pub async fn eventually_async<F, Fut>(within: Duration, mut done: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + within;
    loop {
        if done().await {
            return true;
        }
        if tokio::time::Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Runs a query that yields one column of text (or NULL) per row, on the app's database.
pub async fn texts(app: &TestApp, sql: &str) -> Vec<Option<String>> {
    column_at(&app.database_url, sql).await
}

// Helpers for the robustness tests (connections, outages, shutdown, full disk, backups,
// upgrades): extra routes, databases a test prepares itself, raw connections, the real binary.

/// [`start`], with `extra` routes served behind all of the app's real layers.
async fn start_with_routes(
    backend: Backend,
    database_url: String,
    postgres_db: Option<String>,
    data_dir: tempfile::TempDir,
    settings: &[&str],
    extra: axum::Router<tick::server::state::AppState>,
) -> TestApp {
    let public = concat!(env!("CARGO_MANIFEST_DIR"), "/public");
    let data_dir_arg = data_dir.path().display().to_string();
    let mut args = vec![
        "tick",
        "--addr",
        "127.0.0.1:0",
        "--database-url",
        &database_url,
        "--data-dir",
        &data_dir_arg,
        "--site-root",
        public,
    ];
    args.extend_from_slice(settings);
    let config = Config::try_parse_from(args).expect("valid test settings");
    let storage = config.storage_url().expect("a store");
    let store_settings = store_settings_in(settings);
    let app = Application::build_with(&config, extra)
        .await
        .expect("the app starts");
    let address = format!("http://{}", app.local_addr());
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async move {
        let _ = stopped.await;
    }));
    let mut app = TestApp {
        address,
        client: new_client(),
        username: String::new(),
        backend,
        database_url,
        storage,
        store_settings,
        postgres_db,
        _data_dir: data_dir,
        stop: Some(stop),
        server: Some(server),
    };
    let user = app.sign_up().await;
    app.client = user.client;
    app.username = user.username;
    app
}

/// Like [`spawn_app_with`], with `extra` routes (a slow one, one that panics) served behind
/// all of the app's real layers.
pub async fn spawn_app_with_routes(
    backend: Backend,
    settings: &[&str],
    extra: axum::Router<tick::server::state::AppState>,
) -> TestApp {
    let (database_url, postgres_db, data_dir) = create_database(backend).await;
    start_with_routes(
        backend,
        database_url,
        postgres_db,
        data_dir,
        settings,
        extra,
    )
    .await
}

/// A new, empty database and data directory that a test prepares before starting Tick on it
/// (in-process with [`TestDatabase::start`], or as a separate process).
pub struct TestDatabase {
    pub backend: Backend,
    pub url: String,
    pub data_dir: tempfile::TempDir,
    postgres_db: Option<String>,
}

pub async fn new_database(backend: Backend) -> TestDatabase {
    let (url, postgres_db, data_dir) = create_database(backend).await;
    TestDatabase {
        backend,
        url,
        data_dir,
        postgres_db,
    }
}

impl TestDatabase {
    /// The default SQLite database of `data_dir` (where `tick restore` puts one).
    pub fn sqlite_in(data_dir: tempfile::TempDir) -> Self {
        let url = format!("sqlite://{}", data_dir.path().join("tick.db").display());
        TestDatabase {
            backend: Backend::Sqlite,
            url,
            data_dir,
            postgres_db: None,
        }
    }

    /// Starts Tick in-process on this database, reaching it at `reach_at` (its URL, or a
    /// proxy's), and signs up a fresh user. The app's `database_url` stays the real one.
    pub async fn start(self, reach_at: &str, settings: &[&str]) -> TestApp {
        let extra = axum::Router::new();
        let (backend, url) = (self.backend, self.url);
        let mut app = start_with_routes(
            backend,
            reach_at.to_owned(),
            self.postgres_db,
            self.data_dir,
            settings,
            extra,
        )
        .await;
        app.database_url = url;
        app
    }

    /// Drops a PostgreSQL database (for tests that ran Tick as a separate process).
    pub async fn remove(mut self) {
        if let Some(name) = self.postgres_db.take() {
            let mut conn = PgConnection::connect(&postgres_admin_url()).await.unwrap();
            conn.execute(format!(r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#).as_str())
                .await
                .expect("dropping the test database");
        }
    }
}

/// Runs a query that yields one text value on the app's database.
pub async fn text(app: &TestApp, sql: &str) -> String {
    match app.backend {
        Backend::Sqlite => {
            let mut conn = sqlx::SqliteConnection::connect(&app.database_url)
                .await
                .unwrap();
            sqlx::query_scalar(sql).fetch_one(&mut conn).await.unwrap()
        }
        Backend::Postgres => {
            let mut conn = PgConnection::connect(&app.database_url).await.unwrap();
            sqlx::query_scalar(sql).fetch_one(&mut conn).await.unwrap()
        }
    }
}

/// Waits up to `limit` for `done`, looking every 50 ms.
pub async fn wait_until(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let started = std::time::Instant::now();
    while started.elapsed() < limit {
        if done() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    done()
}

/// The entries of a folder (empty if it does not exist).
/// Unfinished uploads in the local store of the data directory `data_dir`:
/// `attachments/files/<key>#<n>`.
pub fn staged_in(data_dir: &std::path::Path) -> usize {
    entries(&data_dir.join("attachments").join("files"))
        .iter()
        .filter(|name| name.contains('#'))
        .count()
}

pub fn entries(dir: &std::path::Path) -> Vec<String> {
    let Ok(read) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = read
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

impl TestApp {
    /// `127.0.0.1:port`, for raw connections.
    pub fn host(&self) -> String {
        self.address.trim_start_matches("http://").to_owned()
    }
}

/// A fresh session cookie (`tick_session=…`) of `username`, for raw requests.
pub async fn session_cookie(address: &str, username: &str) -> String {
    let response = new_client()
        .post(format!("{address}/fn/account/log_in"))
        .form(&[("username", username), ("password", PASSWORD)])
        .send()
        .await
        .expect("the server answers");
    assert_eq!(response.status(), StatusCode::OK);
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|value| {
            value
                .to_str()
                .unwrap()
                .split(';')
                .next()
                .unwrap()
                .to_owned()
        })
        .find(|cookie| cookie.starts_with("tick_session="))
        .expect("a session cookie")
}

/// The head of a raw HTTP/1.1 request to `host`, with `headers`, ending in the blank line.
pub fn request_head(method: &str, path: &str, host: &str, headers: &[(&str, &str)]) -> String {
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    head
}

/// A response read off a raw connection.
#[derive(Debug)]
pub struct RawResponse {
    pub status: u16,
    /// Lower-case names.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RawResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, value)| value.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Reads more bytes into `buffer`; false when the connection is closed (or reset).
async fn read_more(stream: &mut tokio::net::TcpStream, buffer: &mut Vec<u8>) -> bool {
    use tokio::io::AsyncReadExt;
    let mut chunk = [0u8; 16 * 1024];
    match stream.read(&mut chunk).await {
        Ok(0) | Err(_) => false,
        Ok(read) => {
            buffer.extend_from_slice(&chunk[..read]);
            true
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// Reads one response (sized by `Content-Length` or chunked) from a raw connection; `None`
/// when the server closes the connection first.
pub async fn read_response(stream: &mut tokio::net::TcpStream) -> Option<RawResponse> {
    let mut buffer = Vec::new();
    let head_end = loop {
        if let Some(at) = find(&buffer, b"\r\n\r\n") {
            break at + 4;
        }
        if !read_more(stream, &mut buffer).await {
            return None;
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    let mut rest = buffer.split_off(head_end);
    let chunked = headers
        .iter()
        .any(|(name, value)| name == "transfer-encoding" && value.contains("chunked"));
    let body = if chunked {
        let mut body = Vec::new();
        loop {
            let line_end = loop {
                if let Some(at) = find(&rest, b"\r\n") {
                    break at;
                }
                if !read_more(stream, &mut rest).await {
                    return None;
                }
            };
            let size_text = String::from_utf8_lossy(&rest[..line_end]).into_owned();
            let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
            let end = line_end + 2 + size + 2;
            while rest.len() < end {
                if !read_more(stream, &mut rest).await {
                    return None;
                }
            }
            body.extend_from_slice(&rest[line_end + 2..line_end + 2 + size]);
            rest.drain(..end);
            if size == 0 {
                break body;
            }
        }
    } else {
        let length = headers
            .iter()
            .find(|(name, _)| name == "content-length")
            .and_then(|(_, value)| value.parse().ok())
            .unwrap_or(0);
        while rest.len() < length {
            if !read_more(stream, &mut rest).await {
                return None;
            }
        }
        rest.truncate(length);
        rest
    };
    Some(RawResponse {
        status,
        headers,
        body,
    })
}

/// Whether the server closes `stream` within `limit` (whatever it sends before).
pub async fn closed_within(stream: &mut tokio::net::TcpStream, limit: Duration) -> bool {
    let mut ignored = Vec::new();
    tokio::time::timeout(limit, async {
        while read_more(stream, &mut ignored).await {
            ignored.clear();
        }
    })
    .await
    .is_ok()
}

/// The real `tick` binary as a process of its own, logging JSON lines to a file.
pub struct TickProcess {
    child: std::process::Child,
    /// `http://127.0.0.1:port`, from its log.
    pub address: String,
    log: std::path::PathBuf,
    _log_dir: tempfile::TempDir,
}

/// The `tick` binary's arguments for a test: any port on loopback, JSON logs, the test site.
pub fn tick_args(data_dir: &std::path::Path, database_url: &str) -> Vec<String> {
    [
        "--addr",
        "127.0.0.1:0",
        "--log-format",
        "json",
        "--site-root",
        concat!(env!("CARGO_MANIFEST_DIR"), "/public"),
        "--data-dir",
        &data_dir.display().to_string(),
        "--database-url",
        database_url,
    ]
    .map(str::to_owned)
    .to_vec()
}

impl TickProcess {
    /// Starts `command` (the binary, or a wrapper that ends by running it) and waits until it
    /// logs `Tick is listening`, reading its address from that line.
    pub async fn start(mut command: std::process::Command) -> Self {
        let log_dir = tempfile::tempdir().unwrap();
        let log = log_dir.path().join("tick.log");
        let file = std::fs::File::create(&log).unwrap();
        let child = command
            .env_remove("DATABASE_URL")
            .stdin(std::process::Stdio::null())
            .stdout(file.try_clone().unwrap())
            .stderr(file)
            .spawn()
            .expect("tick starts");
        let mut process = TickProcess {
            child,
            address: String::new(),
            log,
            _log_dir: log_dir,
        };
        let started = std::time::Instant::now();
        loop {
            let listening = process
                .log()
                .lines()
                .filter_map(|line| serde_json::from_str::<Value>(line).ok())
                .find(|line| line["message"] == "Tick is listening");
            if let Some(line) = listening {
                process.address = format!("http://{}", line["address"].as_str().unwrap());
                return process;
            }
            if let Some(status) = process.child.try_wait().unwrap() {
                panic!(
                    "tick exited ({status}) before listening:\n{}",
                    process.log()
                );
            }
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "tick did not start:\n{}",
                process.log()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// `127.0.0.1:port`, for raw connections.
    pub fn host(&self) -> String {
        self.address.trim_start_matches("http://").to_owned()
    }

    /// Everything it has logged so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Sends SIGTERM.
    pub fn terminate(&self) {
        let sent = std::process::Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
    }

    /// Its exit status, if it exits within `limit`.
    pub async fn exit_within(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        let started = std::time::Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Some(status);
            }
            if started.elapsed() > limit {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for TickProcess {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Runs `tick` (not serving: `backup`, `restore`) to the end; its exit status and output.
pub fn run_tick(args: &[&str]) -> (std::process::ExitStatus, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_tick"))
        .args(args)
        .env_remove("DATABASE_URL")
        .output()
        .expect("tick runs");
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    (output.status, text)
}

/// Signs up a new user at the Tick at `address` (a separate process, say).
pub async fn sign_up_at(address: &str) -> TestUser {
    let client = new_client();
    let username = unique_username();
    let response = client
        .post(format!("{address}/fn/account/sign_up"))
        .form(&[("username", username.as_str()), ("password", PASSWORD)])
        .send()
        .await
        .expect("the server answers");
    assert_eq!(response.status(), StatusCode::OK);
    TestUser { client, username }
}

/// Adds a to-do as `user` at the Tick at `address`.
pub async fn add_at(address: &str, user: &TestUser, title: &str) -> Value {
    let response = user
        .client
        .post(format!("{address}/fn/todos/add"))
        .form(&[("title", title)])
        .send()
        .await
        .expect("the server answers");
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

/// A number from one query on the database at `url`.
pub async fn count_at(url: &str, sql: &str) -> i64 {
    column_at(url, sql).await[0]
}

/// The head of a multipart form's file part (field `file`), as a raw request writes it; the
/// file's bytes follow it.
pub fn file_part_head(boundary: &str, file_name: &str, content_type: &str) -> String {
    format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; \
         filename=\"{file_name}\"\r\nContent-Type: {content_type}\r\n\r\n"
    )
}

/// Uploads `files` (name, bytes) to `todo` as `client`; the status and the JSON (or text) reply.
pub async fn upload_as(
    app: &TestApp,
    client: &Client,
    todo: &Value,
    files: Vec<(&str, Vec<u8>)>,
) -> (StatusCode, Value) {
    let mut form = Form::new();
    for (name, bytes) in files {
        form = form.part("file", Part::bytes(bytes).file_name(name.to_owned()));
    }
    send_upload(app, client, todo, form).await
}

/// Posts a multipart `form` to `todo`'s attachments as `client`; the status and the JSON (or
/// text) reply.
pub async fn send_upload(
    app: &TestApp,
    client: &Client,
    todo: &Value,
    form: Form,
) -> (StatusCode, Value) {
    let response = client
        .post(app.url(&format!("/todos/{}/attachments", todo["id"])))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}
