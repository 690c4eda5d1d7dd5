//! Every door a user meets, used once, so that the statements behind each are seen.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{self, new_client, TestApp, PASSWORD};

/// Calls the server function at `/fn/{path}` as the app's user, asserting success.
async fn ok(app: &TestApp, path: &str, form: &[(&str, &str)]) -> Value {
    let response = app.call_as(&app.client, path, form).await;
    let status = response.status();
    let body = response.text().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    serde_json::from_str(&body).unwrap_or(Value::Null)
}

/// Serves the pages, server functions, forms, API, attachments and event stream a user meets,
/// as owner and member of a shared list, so that their statements are seen.
pub async fn use_every_door(app: &TestApp) {
    for path in ["/", "/active", "/completed", "/settings", "/docs/api"] {
        let (status, _) = app.page(path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
    }
    let first = app.add("first").await;
    let second = app.add("second").await;
    app.set_completed(&first, true).await;
    let id = first["id"].to_string();
    ok(
        app,
        "todos/edit",
        &[("id", &id), ("title", "first, edited")],
    )
    .await;
    ok(app, "todos/set_all_completed", &[("completed", "true")]).await;
    ok(app, "todos/snapshot", &[]).await;
    let (status, uploaded) = helpers::upload_as(
        app,
        &app.client,
        &second,
        vec![("note.txt", b"hello".to_vec())],
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{uploaded}");
    let download = format!("/attachments/{}", uploaded[0]["id"]);
    assert_eq!(
        app.client
            .get(app.url(&download))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );

    // A shared list, seen by a member.
    let list = ok(app, "lists/create", &[("name", "Shared")]).await;
    let list_id = list["id"].to_string();
    let member = app.sign_up().await;
    ok(
        app,
        "lists/share",
        &[
            ("list", &list_id),
            ("username", &member.username),
            ("role", "editor"),
        ],
    )
    .await;
    let added = app
        .call_as(
            &member.client,
            "todos/add",
            &[("list", &list_id), ("title", "shared")],
        )
        .await;
    assert_eq!(added.status(), StatusCode::OK);
    for path in [
        format!("/lists/{list_id}"),
        format!("/lists/{list_id}/settings"),
    ] {
        let page = app.client.get(app.url(&path)).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK, "{path}");
        let page = member.client.get(app.url(&path)).send().await.unwrap();
        assert!(
            page.status().is_success() || page.status() == StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    ok(app, "lists/mine", &[]).await;
    ok(
        app,
        "lists/set_role",
        &[
            ("list", &list_id),
            ("username", &member.username),
            ("role", "viewer"),
        ],
    )
    .await;
    ok(
        app,
        "lists/rename",
        &[("list", &list_id), ("name", "Shared, renamed")],
    )
    .await;

    // The JSON API with a token.
    let created = ok(app, "tokens/create", &[("name", "plans")]).await;
    let secret = created["secret"].as_str().unwrap().to_owned();
    // A path, or a whole address as the API gives them.
    let api = |method: reqwest::Method, path: &str| {
        let url = if path.starts_with("http") {
            path.to_owned()
        } else {
            app.url(path)
        };
        app.client.request(method, url).bearer_auth(&secret)
    };
    let todo: Value = api(reqwest::Method::POST, "/api/v1/todos")
        .json(&json!({"title": "from the API"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let url = todo["url"].as_str().unwrap().to_owned();
    for (method, path) in [
        (reqwest::Method::GET, "/api/v1/todos".to_owned()),
        (reqwest::Method::GET, url.clone()),
        (reqwest::Method::GET, "/api/v1/lists".to_owned()),
        (
            reqwest::Method::GET,
            format!("/api/v1/lists/{list_id}/todos"),
        ),
        (
            reqwest::Method::GET,
            format!("/api/v1/lists/{list_id}/members"),
        ),
    ] {
        let status = api(method, &path).send().await.unwrap().status();
        assert_eq!(status, StatusCode::OK, "{path}");
    }
    let patched = api(reqwest::Method::PATCH, &url)
        .json(&json!({"completed": true}))
        .send();
    assert_eq!(patched.await.unwrap().status(), StatusCode::OK);
    let deleted = api(reqwest::Method::DELETE, &url)
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(deleted, StatusCode::NO_CONTENT);

    // The event stream's opening snapshot.
    let mut events = app.client.get(app.url("/events")).send().await.unwrap();
    assert_eq!(events.status(), StatusCode::OK);
    events.chunk().await.unwrap();
    drop(events);

    // Members leave, lists and to-dos go, sessions end and start.
    ok(
        app,
        "lists/remove_member",
        &[("list", &list_id), ("username", &member.username)],
    )
    .await;
    ok(app, "todos/delete", &[("id", &second["id"].to_string())]).await;
    ok(app, "todos/clear_completed", &[]).await;
    ok(app, "lists/delete", &[("list", &list_id)]).await;
    let (response, _) = app.log_in(&app.username, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK);
    let stranger = new_client();
    let wrong = [("username", "nobody"), ("password", "x")];
    let refused = app.call_as(&stranger, "account/log_in", &wrong).await;
    assert!(refused.status().is_client_error());
    ok(app, "account/log_out", &[]).await;
}
