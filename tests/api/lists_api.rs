//! The JSON API for lists: lists, their to-dos and their members, as the owner, an editor, a
//! viewer and a stranger see them, each by their own API token.

use reqwest::{header, Client, Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{both, count, TestApp};

mod members;

both!(lists_by_role, list_todos_by_role);

/// One signed-up user, calling the API with a token of their own.
struct Caller<'a> {
    app: &'a TestApp,
    username: String,
    token: String,
}

impl<'a> Caller<'a> {
    async fn sign_up(app: &'a TestApp) -> Caller<'a> {
        let user = app.sign_up().await;
        let response = app
            .call_as(&user.client, "tokens/create", &[("name", "lists")])
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        let token: Value = response.json().await.unwrap();
        Caller {
            app,
            username: user.username,
            token: token["secret"].as_str().unwrap().to_owned(),
        }
    }

    /// Calls `path` (or an absolute URL) with an optional JSON body.
    async fn send(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let (status, _, body) = self.send_full(method, path, body).await;
        (status, body)
    }

    async fn send_full(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, header::HeaderMap, Value) {
        let url = if path.starts_with("http") {
            path.to_owned()
        } else {
            self.app.url(path)
        };
        let mut request = Client::new().request(method, url).bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let (status, headers) = (response.status(), response.headers().clone());
        let text = response.text().await.unwrap();
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"))
        };
        (status, headers, body)
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.send(Method::GET, path, None).await
    }

    /// Asserts the call succeeds with `expected`, and returns its body.
    async fn ok(&self, method: Method, path: &str, body: Option<Value>, expected: u16) -> Value {
        let (status, body) = self.send(method.clone(), path, body).await;
        assert_eq!(status.as_u16(), expected, "{method} {path}: {body}");
        body
    }

    /// The caller's Inbox (the first of their lists).
    async fn inbox_id(&self) -> i64 {
        let lists = self.ok(Method::GET, "/api/v1/lists", None, 200).await;
        lists[0]["id"].as_i64().unwrap()
    }
}

/// An owner, an editor and a viewer of the list `list`, and a stranger to it.
struct Crew<'a> {
    owner: Caller<'a>,
    editor: Caller<'a>,
    viewer: Caller<'a>,
    stranger: Caller<'a>,
    list: i64,
}

impl<'a> Crew<'a> {
    async fn new(app: &'a TestApp) -> Crew<'a> {
        let owner = Caller::sign_up(app).await;
        let editor = Caller::sign_up(app).await;
        let viewer = Caller::sign_up(app).await;
        let stranger = Caller::sign_up(app).await;
        let made = owner
            .ok(
                Method::POST,
                "/api/v1/lists",
                Some(json!({"name": " Shared "})),
                201,
            )
            .await;
        let list = made["id"].as_i64().unwrap();
        let members = format!("/api/v1/lists/{list}/members");
        for (who, role) in [(&editor, "editor"), (&viewer, "viewer")] {
            let added = owner
                .ok(
                    Method::POST,
                    &members,
                    Some(json!({"username": who.username, "role": role})),
                    201,
                )
                .await;
            assert_eq!(added, json!({"username": who.username, "role": role}));
        }
        Crew {
            owner,
            editor,
            viewer,
            stranger,
            list,
        }
    }

    fn path(&self, rest: &str) -> String {
        format!("/api/v1/lists/{}{rest}", self.list)
    }
}

/// The 404 a list nobody has, or one the caller is not a member of, gets: one body for both.
async fn unknown_list(caller: &Caller<'_>) -> Value {
    let (status, body) = caller.get("/api/v1/lists/987654321").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["code"], "not_found");
    body
}

fn assert_forbidden(status: StatusCode, body: &Value, what: &str) {
    assert_eq!(status, StatusCode::FORBIDDEN, "{what}: {body}");
    assert_eq!(body["error"]["code"], "forbidden", "{what}");
}

async fn lists_by_role(app: &TestApp) {
    let crew = Crew::new(app).await;
    let url = app.url(&crew.path(""));
    for (who, role) in [
        (&crew.owner, "owner"),
        (&crew.editor, "editor"),
        (&crew.viewer, "viewer"),
    ] {
        let expected = json!({
            "id": crew.list, "name": "Shared", "role": role, "owner": crew.owner.username,
            "url": url, "todos_url": format!("{url}/todos"),
        });
        let lists = who.ok(Method::GET, "/api/v1/lists", None, 200).await;
        assert_eq!(lists.as_array().unwrap().len(), 2, "{lists}");
        assert_eq!(lists[0]["name"], "Inbox", "the caller's Inbox comes first");
        assert_eq!(lists[0]["owner"], who.username.as_str());
        assert_eq!(lists[1], expected);
        assert_eq!(
            who.ok(Method::GET, &crew.path(""), None, 200).await,
            expected
        );
    }
    // A stranger sees neither the list nor that it exists.
    let unknown = unknown_list(&crew.stranger).await;
    assert_eq!(crew.stranger.get(&crew.path("")).await.1, unknown);
    assert_eq!(crew.stranger.get("/api/v1/lists/nope").await.1, unknown);
    let theirs = crew
        .stranger
        .ok(Method::GET, "/api/v1/lists", None, 200)
        .await;
    assert_eq!(theirs.as_array().unwrap().len(), 1, "only their Inbox");

    // POST answers 201 with the list's URL.
    let (status, headers, made) = crew
        .owner
        .send_full(
            Method::POST,
            "/api/v1/lists",
            Some(json!({"name": "Errands"})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(headers[header::LOCATION], made["url"].as_str().unwrap());
    for bad in [json!({"name": "  "}), json!({"name": "x".repeat(101)})] {
        let (status, body) = crew
            .owner
            .send(Method::POST, "/api/v1/lists", Some(bad))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body["error"]["fields"]["name"].is_string(), "{body}");
    }

    // Only the owner renames or deletes; the others change nothing.
    let rename = || Some(json!({"name": "Mine now"}));
    for who in [&crew.editor, &crew.viewer] {
        let (status, body) = who.send(Method::PATCH, &crew.path(""), rename()).await;
        assert_forbidden(status, &body, "rename");
        assert_eq!(
            body["error"]["message"],
            "Only the list's owner can do that."
        );
        let (status, body) = who.send(Method::DELETE, &crew.path(""), None).await;
        assert_forbidden(status, &body, "delete");
    }
    for method in [Method::PATCH, Method::DELETE] {
        let (status, body) = crew.stranger.send(method, &crew.path(""), rename()).await;
        assert_eq!((status, body), (StatusCode::NOT_FOUND, unknown.clone()));
    }
    assert_eq!(crew.viewer.get(&crew.path("")).await.1["name"], "Shared");
    let renamed = crew
        .owner
        .ok(Method::PATCH, &crew.path(""), rename(), 200)
        .await;
    assert_eq!(renamed["name"], "Mine now");
    assert_eq!(crew.editor.get(&crew.path("")).await.1["name"], "Mine now");

    // The Inbox stays.
    let inbox = format!("/api/v1/lists/{}", crew.owner.inbox_id().await);
    let (status, body) = crew.owner.send(Method::DELETE, &inbox, None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["message"], "Your Inbox cannot be deleted.");
    crew.owner.ok(Method::GET, &inbox, None, 200).await;

    // Without credentials: 401.
    let response = Client::new()
        .get(app.url("/api/v1/lists"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

async fn list_todos_by_role(app: &TestApp) {
    let crew = Crew::new(app).await;
    let todos = crew.path("/todos");
    let (status, headers, first) = crew
        .owner
        .send_full(Method::POST, &todos, Some(json!({"title": "first"})))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let first_path = crew.path(&format!("/todos/{}", first["id"]));
    assert_eq!(
        first["url"],
        app.url(&first_path),
        "under the path it came by"
    );
    assert_eq!(headers[header::LOCATION], first["url"].as_str().unwrap());
    let second = crew
        .editor
        .ok(
            Method::POST,
            &todos,
            Some(json!({"title": "second", "order": 9})),
            201,
        )
        .await;
    let done = Some(json!({"completed": true}));
    let patched = crew
        .editor
        .ok(Method::PATCH, &first_path, done.clone(), 200)
        .await;
    assert_eq!(patched["completed"], true);

    // Everyone on the list reads, with the same query parameters as /api/v1/todos.
    for who in [&crew.owner, &crew.editor, &crew.viewer] {
        let listed = who.ok(Method::GET, &todos, None, 200).await;
        assert_eq!(listed, json!([patched, second]));
        let open = who
            .ok(Method::GET, &format!("{todos}?completed=false"), None, 200)
            .await;
        assert_eq!(open, json!([second]));
        assert_eq!(who.ok(Method::GET, &first_path, None, 200).await, patched);
    }
    let (status, body) = crew.viewer.get(&format!("{todos}?limit=0")).await;
    assert_eq!(
        (status, body["error"]["code"].clone()),
        (StatusCode::BAD_REQUEST, json!("bad_query"))
    );

    // A viewer's writes are refused and change nothing.
    let before = crew.owner.get(&todos).await.1;
    let title = Some(json!({"title": "viewer was here"}));
    for (method, path, body) in [
        (Method::POST, todos.clone(), title.clone()),
        (Method::PATCH, first_path.clone(), title.clone()),
        (Method::DELETE, first_path.clone(), None),
        (Method::DELETE, todos.clone(), None),
    ] {
        let (status, answer) = crew.viewer.send(method.clone(), &path, body).await;
        assert_forbidden(status, &answer, &format!("{method} {path}"));
        assert_eq!(
            answer["error"]["message"],
            "You can view this list but not change it."
        );
    }
    assert_eq!(crew.owner.get(&todos).await.1, before);
    let on_list = format!("SELECT COUNT(*) FROM todos WHERE list_id = {}", crew.list);
    assert_eq!(count(app, &on_list).await, 2);

    // A stranger gets the 404 of a list nobody has, whatever they try.
    let unknown = unknown_list(&crew.stranger).await;
    for (method, body) in [
        (Method::GET, None),
        (Method::POST, title.clone()),
        (Method::DELETE, None),
    ] {
        let (status, answer) = crew.stranger.send(method, &todos, body).await;
        assert_eq!((status, answer), (StatusCode::NOT_FOUND, unknown.clone()));
    }
    let nobodys = crew.stranger.get("/api/v1/lists/987654321/todos/1").await;
    for (method, body) in [
        (Method::GET, None),
        (Method::PATCH, done.clone()),
        (Method::DELETE, None),
    ] {
        let answer = crew.stranger.send(method, &first_path, body).await;
        assert_eq!(answer, nobodys);
    }
    assert_eq!(nobodys.0, StatusCode::NOT_FOUND);

    // `{todo}` must be on `{id}`; the Inbox route does not reach other lists.
    let inbox_todo = crew
        .owner
        .ok(
            Method::POST,
            "/api/v1/todos",
            Some(json!({"title": "mine"})),
            201,
        )
        .await;
    let elsewhere = crew.path(&format!("/todos/{}", inbox_todo["id"]));
    assert_eq!(crew.owner.get(&elsewhere).await.0, StatusCode::NOT_FOUND);
    let (status, _) = crew.owner.send(Method::DELETE, &elsewhere, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let via_inbox = format!("/api/v1/todos/{}", first["id"]);
    assert_eq!(crew.owner.get(&via_inbox).await.0, StatusCode::NOT_FOUND);

    // Rules on fields are the same as /api/v1/todos'.
    let (status, body) = crew
        .editor
        .send(Method::POST, &todos, Some(json!({"title": " "})))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["fields"]["title"].is_string(), "{body}");

    // An editor deletes one, then all.
    crew.editor.ok(Method::DELETE, &first_path, None, 204).await;
    assert_eq!(crew.editor.get(&first_path).await.0, StatusCode::NOT_FOUND);
    crew.editor.ok(Method::DELETE, &todos, None, 204).await;
    assert_eq!(
        crew.viewer.ok(Method::GET, &todos, None, 200).await,
        json!([])
    );
    assert_eq!(count(app, &on_list).await, 0);
    assert_eq!(crew.owner.get("/api/v1/todos").await.1, json!([inbox_todo]));
}
