//! Live sync (`GET /events`, Server-Sent Events), read as raw bytes off the wire: only the
//! signed-in user's own changes, one `change` event per change through every door (JSON API,
//! server functions, plain forms, uploads) whose `id` is the list version it left; resuming
//! with `Last-Event-ID` or `?since=`; a cap on streams per user; streams that end with their
//! session; and, on PostgreSQL, delivery across two Tick servers that survives the listener's
//! connection being killed.

use std::time::Duration;

use reqwest::{
    header,
    multipart::{Form, Part},
    Client, Response, StatusCode,
};
use serde_json::{json, Value};

use crate::helpers::{
    both, both_backends, count, execute, log_in_with_jar, new_client, reopen, spawn_app,
    spawn_app_with, Backend, TestApp, PASSWORD,
};

both!(
    a_stream_needs_a_session,
    every_door_sends_one_change_to_its_user_only,
    resuming_at_the_current_version_is_ready_and_older_resyncs,
    log_out_ends_that_sessions_stream,
);

both_backends!(streams_per_user_are_capped);

/// The longest a test waits for an event that should come.
const PROMPTLY: Duration = Duration::from_secs(5);
/// How long a stream must stay quiet to show that nothing more was sent.
const QUIET: Duration = Duration::from_millis(400);

/// One event as it came over the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Event {
    pub(crate) name: String,
    id: Option<String>,
    data: String,
}

impl Event {
    fn id(&self) -> i64 {
        self.id
            .as_deref()
            .and_then(|id| id.parse().ok())
            .unwrap_or_else(|| panic!("a numeric id on {self:?}"))
    }

    pub(crate) fn data(&self) -> Value {
        serde_json::from_str(&self.data).unwrap_or_else(|e| panic!("{e}: {self:?}"))
    }
}

/// An open event stream, parsed line by line (`event:`, `id:`, `data:`; `:` comments skipped).
pub(crate) struct Stream {
    response: Response,
    buffer: String,
}

impl Stream {
    /// Opens `/events{query}` on `client`, with `Last-Event-ID` when given; asserts 200.
    pub(crate) async fn open(
        app: &TestApp,
        client: &Client,
        query: &str,
        last_id: Option<i64>,
    ) -> Stream {
        let response = request(app, client, query, last_id).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            "text/event-stream"
        );
        Stream {
            response,
            buffer: String::new(),
        }
    }

    /// The next event; `None` when the server ended the stream.
    async fn next(&mut self) -> Option<Event> {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let mut event = Event {
                    name: "message".to_owned(),
                    id: None,
                    data: String::new(),
                };
                let mut fields = 0;
                for line in block.lines() {
                    let (field, value) = line.split_once(':').unwrap_or((line, ""));
                    let value = value.strip_prefix(' ').unwrap_or(value);
                    match field {
                        "event" => event.name = value.to_owned(),
                        "id" => event.id = Some(value.to_owned()),
                        "data" => event.data.push_str(value),
                        _ => continue, // a comment (keep-alive)
                    }
                    fields += 1;
                }
                if fields > 0 {
                    return Some(event);
                }
                continue;
            }
            let chunk = self.response.chunk().await.ok()??;
            self.buffer.push_str(std::str::from_utf8(&chunk).unwrap());
        }
    }

    /// The next event, which must come within [`PROMPTLY`].
    async fn expect(&mut self) -> Event {
        tokio::time::timeout(PROMPTLY, self.next())
            .await
            .expect("an event in time")
            .expect("the stream goes on")
    }

    /// The next event, which must be named `name`.
    pub(crate) async fn expect_named(&mut self, name: &str) -> Event {
        let event = self.expect().await;
        assert_eq!(event.name, name, "{event:?}");
        event
    }

    /// Asserts that nothing comes for a while.
    async fn assert_quiet(&mut self) {
        if let Ok(event) = tokio::time::timeout(QUIET, self.next()).await {
            panic!("expected nothing, got {event:?}");
        }
    }

    /// Asserts that the server ends the stream within [`PROMPTLY`] (events before that are
    /// allowed).
    pub(crate) async fn assert_ends(&mut self) {
        let ended =
            tokio::time::timeout(PROMPTLY, async { while self.next().await.is_some() {} }).await;
        assert!(ended.is_ok(), "the stream ended");
    }
}

pub(crate) async fn request(
    app: &TestApp,
    client: &Client,
    query: &str,
    last_id: Option<i64>,
) -> Response {
    let mut request = client.get(app.url(&format!("/events{query}")));
    if let Some(id) = last_id {
        request = request.header("last-event-id", id.to_string());
    }
    request.send().await.unwrap()
}

/// The version of the user's Inbox in the database.
async fn version_of(app: &TestApp, username: &str) -> i64 {
    count(
        app,
        &format!(
            "SELECT l.version FROM lists l JOIN users u ON u.id = l.owner_id \
             WHERE l.inbox AND u.username = '{username}'"
        ),
    )
    .await
}

/// A `change` event of `kind` for the user's latest version; returns its data.
async fn expect_change(stream: &mut Stream, app: &TestApp, username: &str, kind: &str) -> Value {
    let event = stream.expect_named("change").await;
    let data = event.data();
    assert_eq!(data["kind"], kind, "{event:?}");
    let version = version_of(app, username).await;
    assert_eq!(event.id(), version, "the id is the new list version");
    assert_eq!(data["version"], version);
    // Exactly one event per change.
    stream.assert_quiet().await;
    data
}

async fn a_stream_needs_a_session(app: &TestApp) {
    let response = request(app, &new_client(), "", None).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    // A signed-in user's stream opens with `ready` at the current version.
    let mut stream = Stream::open(app, &app.client, "", None).await;
    let ready = stream.expect_named("ready").await;
    assert_eq!(ready.id(), version_of(app, &app.username).await);
}

/// Every door publishes one change per change, to its own user's streams only.
async fn every_door_sends_one_change_to_its_user_only(app: &TestApp) {
    let mut mine = Stream::open(app, &app.client, "", None).await;
    mine.expect_named("ready").await;
    let other = app.sign_up().await;
    let mut theirs = Stream::open(app, &other.client, "", None).await;
    theirs.expect_named("ready").await;
    let me = app.username.as_str();

    // The JSON API, with a bearer token.
    let token: Value = app
        .call_as(&app.client, "tokens/create", &[("name", "events")])
        .await
        .json()
        .await
        .unwrap();
    let secret = token["secret"].as_str().unwrap();
    let created: Value = Client::new()
        .post(app.url("/api/v1/todos"))
        .bearer_auth(secret)
        .json(&json!({ "title": "from the API" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let data = expect_change(&mut mine, app, me, "todos_added").await;
    assert_eq!(data["ids"], json!([created["id"]]));

    // A server function, as the hydrated page calls it.
    let added = app.add("from a server function").await;
    let data = expect_change(&mut mine, app, me, "todos_added").await;
    assert_eq!(data["ids"], json!([added["id"]]));

    // Plain form posts, as a browser without JavaScript sends them.
    let id = added["id"].to_string();
    let done = app
        .post_form("set_completed", &[("id", &id), ("completed", "true")], "/")
        .await;
    assert_eq!(done.status(), StatusCode::FOUND);
    let data = expect_change(&mut mine, app, me, "todos_changed").await;
    assert_eq!(data["ids"], json!([added["id"]]));

    // An upload, and deleting what it stored.
    let uploaded: Value = app
        .client
        .post(app.url(&format!("/todos/{id}/attachments")))
        .multipart(Form::new().part("file", Part::bytes(b"hello".to_vec()).file_name("a.txt")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let attachment = uploaded[0]["id"].clone();
    let data = expect_change(&mut mine, app, me, "attachments_added").await;
    assert_eq!(
        (data["ids"].clone(), data["todo"].clone()),
        (json!([attachment]), added["id"].clone())
    );
    let removed = app
        .call_as(
            &app.client,
            "attachments/delete",
            &[("id", &attachment.to_string())],
        )
        .await;
    assert_eq!(removed.status(), StatusCode::OK);
    let data = expect_change(&mut mine, app, me, "attachments_deleted").await;
    assert_eq!(data["ids"], json!([attachment]));

    let deleted = app.post_form("delete", &[("id", &id)], "/").await;
    assert_eq!(deleted.status(), StatusCode::FOUND);
    let data = expect_change(&mut mine, app, me, "todos_deleted").await;
    assert_eq!(data["ids"], json!([added["id"]]));

    // The other user heard none of it; their own change reaches them alone.
    theirs.assert_quiet().await;
    let theirs_added = app
        .call_as(&other.client, "todos/add", &[("title", "theirs")])
        .await;
    assert_eq!(theirs_added.status(), StatusCode::OK);
    expect_change(&mut theirs, app, &other.username, "todos_added").await;
    mine.assert_quiet().await;
}

/// A client that knows the current version is `ready`; one that knows an older one (it missed
/// changes) is told to `resync`, with the current version as the event's id.
async fn resuming_at_the_current_version_is_ready_and_older_resyncs(app: &TestApp) {
    app.add("one").await;
    let version = version_of(app, &app.username).await;
    app.add("two").await;
    let current = version_of(app, &app.username).await;
    assert!(current > version);

    let mut up_to_date = Stream::open(app, &app.client, "", Some(current)).await;
    assert_eq!(up_to_date.expect_named("ready").await.id(), current);
    let mut behind = Stream::open(app, &app.client, "", Some(version)).await;
    assert_eq!(behind.expect_named("resync").await.id(), current);
    drop((up_to_date, behind));

    // A page's first stream says where it was rendered with `?since=`.
    let mut page = Stream::open(app, &app.client, &format!("?since={current}"), None).await;
    assert_eq!(page.expect_named("ready").await.id(), current);
    let mut stale_page = Stream::open(app, &app.client, &format!("?since={version}"), None).await;
    assert_eq!(stale_page.expect_named("resync").await.id(), current);
}

/// `--max-streams-per-user 2`: a third stream of the same user is refused with 429; other users
/// are not affected.
async fn streams_per_user_are_capped(backend: Backend) {
    let app = spawn_app_with(backend, &["--max-streams-per-user", "2"]).await;
    let mut first = Stream::open(&app, &app.client, "", None).await;
    first.expect_named("ready").await;
    let (second_device, _) = log_in_with_jar(&app, &app.username).await;
    let mut second = Stream::open(&app, &second_device, "", None).await;
    second.expect_named("ready").await;
    let third = request(&app, &app.client, "", None).await;
    assert_eq!(third.status(), StatusCode::TOO_MANY_REQUESTS);
    let other = app.sign_up().await;
    let mut theirs = Stream::open(&app, &other.client, "", None).await;
    theirs.expect_named("ready").await;
    drop((first, second, theirs));
    app.stop().await;
}

/// Logging out ends that session's streams at once; the user's other sessions keep theirs.
async fn log_out_ends_that_sessions_stream(app: &TestApp) {
    let (laptop, _) = log_in_with_jar(app, &app.username).await;
    let mut laptop_stream = Stream::open(app, &laptop, "", None).await;
    laptop_stream.expect_named("ready").await;
    let mut phone_stream = Stream::open(app, &app.client, "", None).await;
    phone_stream.expect_named("ready").await;

    let out = app.call_as(&laptop, "account/log_out", &[]).await;
    assert_eq!(out.status(), StatusCode::OK);
    laptop_stream.assert_ends().await;

    app.add("still live").await;
    expect_change(&mut phone_stream, app, &app.username, "todos_added").await;
}

/// PostgreSQL only (SQLite has one process): two Tick servers on one database deliver each
/// other's changes, and after the listener's connection is killed, open streams are told to
/// resync and later changes still arrive.
mod across_servers_and_a_lost_listener {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        super::across_servers_and_a_lost_listener().await;
    }
}

async fn across_servers_and_a_lost_listener() {
    let first = spawn_app(Backend::Postgres).await;
    let second = reopen(&first).await;
    // The first server's user, signed in on the second server too.
    let on_second = new_client();
    let response = second
        .call_as(
            &on_second,
            "account/log_in",
            &[("username", &first.username), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let me = first.username.as_str();
    let mut stream = Stream::open(&second, &on_second, "", None).await;
    stream.expect_named("ready").await;

    let added = first.add("made on the first server").await;
    let data = expect_change(&mut stream, &first, me, "todos_added").await;
    assert_eq!(data["ids"], json!([added["id"]]));

    execute(
        &first,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE application_name = 'tick-listener' AND datname = current_database()",
    )
    .await;
    let resync = stream.expect_named("resync").await;
    assert_eq!(resync.id(), version_of(&first, me).await);

    let later = first.add("after the listener came back").await;
    let data = expect_change(&mut stream, &first, me, "todos_added").await;
    assert_eq!(data["ids"], json!([later["id"]]));
    drop(stream);
    second.stop().await;
    first.stop().await;
}
