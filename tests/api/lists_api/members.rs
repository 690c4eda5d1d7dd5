//! The JSON API for a list's members (share, change roles, remove, leave), the Inbox at
//! /api/v1/todos, deleting a shared list, and the owner's quota on a shared list's files.

use reqwest::{
    multipart::{Form, Part},
    Client, Method, StatusCode,
};
use serde_json::{json, Value};

use crate::helpers::{both, both_backends, count, spawn_app_with, Backend, TestApp};

use super::{assert_forbidden, unknown_list, Caller, Crew};

both!(
    members_by_role,
    the_todos_route_is_the_inbox,
    deleting_a_list_removes_it_for_members,
);

both_backends!(shared_attachments_count_against_the_owner);

async fn members_by_role(app: &TestApp) {
    let crew = Crew::new(app).await;
    let members = crew.path("/members");
    let member = |who: &Caller, role: &str| json!({"username": who.username, "role": role});
    let mut expected = vec![
        member(&crew.editor, "editor"),
        member(&crew.viewer, "viewer"),
    ];
    expected.sort_by_key(|m| m["username"].as_str().unwrap().to_lowercase());
    expected.insert(0, member(&crew.owner, "owner"));
    for who in [&crew.owner, &crew.editor, &crew.viewer] {
        assert_eq!(
            who.ok(Method::GET, &members, None, 200).await,
            json!(expected)
        );
    }
    let unknown = unknown_list(&crew.stranger).await;
    assert_eq!(
        crew.stranger.get(&members).await,
        (StatusCode::NOT_FOUND, unknown.clone())
    );

    // Only the owner shares; a stranger cannot even tell the list exists.
    let share_stranger = || Some(member(&crew.stranger, "viewer"));
    for who in [&crew.editor, &crew.viewer] {
        let (status, body) = who.send(Method::POST, &members, share_stranger()).await;
        assert_forbidden(status, &body, "share");
    }
    let (status, body) = crew
        .stranger
        .send(Method::POST, &members, share_stranger())
        .await;
    assert_eq!((status, body), (StatusCode::NOT_FOUND, unknown.clone()));
    assert_eq!(
        crew.owner.get(&members).await.1,
        json!(expected),
        "nothing changed"
    );

    // Refusals name what is wrong.
    let nobody = json!({"username": "nobody_here", "role": "viewer"});
    let (status, body) = crew.owner.send(Method::POST, &members, Some(nobody)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = "There is no user with that username.";
    assert_eq!(body["error"]["message"], message);
    assert_eq!(body["error"]["fields"]["username"], message);
    for bad in ["owner", "admin"] {
        let body = json!({"username": crew.stranger.username, "role": bad});
        let (status, answer) = crew.owner.send(Method::POST, &members, Some(body)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert_eq!(
            answer["error"]["fields"]["role"],
            "A member's role must be \"editor\" or \"viewer\"."
        );
    }
    let again = Some(member(&crew.editor, "viewer"));
    assert_eq!(
        crew.owner.send(Method::POST, &members, again).await.0,
        StatusCode::CONFLICT
    );

    // Roles: only the owner changes them; a promoted viewer may then write.
    let viewer_at = crew.path(&format!("/members/{}", crew.viewer.username));
    let to_editor = || Some(json!({"role": "editor"}));
    let (status, body) = crew
        .editor
        .send(Method::PATCH, &viewer_at, to_editor())
        .await;
    assert_forbidden(status, &body, "set role");
    let (status, body) = crew
        .owner
        .send(Method::PATCH, &viewer_at, Some(json!({"role": "boss"})))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["error"]["fields"]["role"].is_string(), "{body}");
    let promoted = crew
        .owner
        .ok(Method::PATCH, &viewer_at, to_editor(), 200)
        .await;
    assert_eq!(promoted, member(&crew.viewer, "editor"));
    let title = Some(json!({"title": "now I may"}));
    crew.viewer
        .ok(Method::POST, &crew.path("/todos"), title, 201)
        .await;

    // Removing: the owner removes others, nobody else does; a member leaves; the owner cannot.
    let editor_at = crew.path(&format!("/members/{}", crew.editor.username));
    let (status, body) = crew.viewer.send(Method::DELETE, &editor_at, None).await;
    assert_forbidden(status, &body, "remove another");
    let (status, _) = crew.stranger.send(Method::DELETE, &editor_at, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    crew.owner.ok(Method::DELETE, &editor_at, None, 204).await;
    assert_eq!(
        crew.editor.get(&crew.path("")).await,
        (StatusCode::NOT_FOUND, unknown.clone())
    );
    assert_eq!(
        crew.owner.send(Method::DELETE, &editor_at, None).await.0,
        StatusCode::NOT_FOUND
    );
    crew.viewer.ok(Method::DELETE, &viewer_at, None, 204).await;
    assert_eq!(
        crew.viewer.get(&crew.path("/todos")).await.0,
        StatusCode::NOT_FOUND
    );
    let owner_at = crew.path(&format!("/members/{}", crew.owner.username));
    let (status, body) = crew.owner.send(Method::DELETE, &owner_at, None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body["error"]["message"],
        "The owner cannot leave their own list: delete it instead."
    );
    let left = crew.owner.ok(Method::GET, &members, None, 200).await;
    assert_eq!(left, json!([member(&crew.owner, "owner")]));

    // Sharing with the stranger lets them in.
    crew.owner
        .ok(Method::POST, &members, share_stranger(), 201)
        .await;
    assert_eq!(crew.stranger.get(&crew.path("")).await.1["role"], "viewer");
}

async fn the_todos_route_is_the_inbox(app: &TestApp) {
    let me = Caller::sign_up(app).await;
    let inbox = me.inbox_id().await;
    let added = me
        .ok(
            Method::POST,
            "/api/v1/todos",
            Some(json!({"title": "from the contract"})),
            201,
        )
        .await;
    let by_list = me
        .ok(
            Method::GET,
            &format!("/api/v1/lists/{inbox}/todos"),
            None,
            200,
        )
        .await;
    assert_eq!(by_list.as_array().unwrap().len(), 1, "{by_list}");
    assert_eq!(by_list[0]["id"], added["id"]);
    let url = app.url(&format!("/api/v1/lists/{inbox}/todos/{}", added["id"]));
    assert_eq!(by_list[0]["url"], url, "under the path it was reached by");
    assert_eq!(
        added["url"],
        app.url(&format!("/api/v1/todos/{}", added["id"]))
    );

    let path = format!("/api/v1/lists/{inbox}/todos");
    let other = me
        .ok(Method::POST, &path, Some(json!({"title": "by id"})), 201)
        .await;
    let contract = me.ok(Method::GET, "/api/v1/todos", None, 200).await;
    let ids: Vec<&Value> = contract
        .as_array()
        .unwrap()
        .iter()
        .map(|t| &t["id"])
        .collect();
    assert_eq!(ids, [&added["id"], &other["id"]]);
    // Another list's to-dos stay off the Inbox.
    let list = me
        .ok(
            Method::POST,
            "/api/v1/lists",
            Some(json!({"name": "Work"})),
            201,
        )
        .await;
    let todos = list["todos_url"].as_str().unwrap();
    me.ok(
        Method::POST,
        todos,
        Some(json!({"title": "elsewhere"})),
        201,
    )
    .await;
    assert_eq!(me.get("/api/v1/todos").await.1, contract);
}

async fn deleting_a_list_removes_it_for_members(app: &TestApp) {
    let crew = Crew::new(app).await;
    let title = Some(json!({"title": "goes with it"}));
    crew.editor
        .ok(Method::POST, &crew.path("/todos"), title, 201)
        .await;
    crew.owner
        .ok(Method::DELETE, &crew.path(""), None, 204)
        .await;
    for who in [&crew.owner, &crew.editor, &crew.viewer] {
        let lists = who.ok(Method::GET, "/api/v1/lists", None, 200).await;
        assert_eq!(
            lists.as_array().unwrap().len(),
            1,
            "only the Inbox: {lists}"
        );
        assert_eq!(who.get(&crew.path("")).await.1, unknown_list(who).await);
        assert_eq!(who.get(&crew.path("/todos")).await.0, StatusCode::NOT_FOUND);
        assert_eq!(
            who.get(&crew.path("/members")).await.0,
            StatusCode::NOT_FOUND
        );
    }
    let rows = format!("SELECT COUNT(*) FROM todos WHERE list_id = {}", crew.list);
    assert_eq!(count(app, &rows).await, 0);
    let members = format!(
        "SELECT COUNT(*) FROM list_members WHERE list_id = {}",
        crew.list
    );
    assert_eq!(count(app, &members).await, 0);
}

/// Uploads `size` bytes to to-do `todo` through the API, as `who`.
async fn upload(who: &Caller<'_>, todo: &Value, size: usize) -> (StatusCode, Value) {
    let form = Form::new().part("file", Part::bytes(vec![7; size]).file_name("notes.bin"));
    let response = Client::new()
        .post(
            who.app
                .url(&format!("/api/v1/todos/{}/attachments", todo["id"])),
        )
        .bearer_auth(&who.token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap())
}

async fn shared_attachments_count_against_the_owner(backend: Backend) {
    let settings = ["--max-file-size", "2KiB", "--user-quota", "3KiB"];
    let app = spawn_app_with(backend, &settings).await;
    let crew = Crew::new(&app).await;
    let title = |title: &str| Some(json!({"title": title}));
    let shared = crew
        .editor
        .ok(Method::POST, &crew.path("/todos"), title("shared"), 201)
        .await;
    let (status, stored) = upload(&crew.editor, &shared, 2000).await;
    assert_eq!(status, StatusCode::CREATED, "{stored}");

    // The editor's file is on the owner's quota: the owner has 1 KiB left, the editor all 3.
    let owners = crew
        .owner
        .ok(Method::POST, "/api/v1/todos", title("owner's"), 201)
        .await;
    let (status, body) = upload(&crew.owner, &owners, 2000).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    assert!(
        body["error"]["message"].as_str().unwrap().contains("3 KiB"),
        "{body}"
    );
    let (status, body) = upload(&crew.editor, &shared, 2000).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{body}");
    let editors = crew
        .editor
        .ok(Method::POST, "/api/v1/todos", title("editor's"), 201)
        .await;
    assert_eq!(
        upload(&crew.editor, &editors, 2000).await.0,
        StatusCode::CREATED
    );

    // A viewer uploads nothing; a stranger cannot see the to-do.
    let (status, body) = upload(&crew.viewer, &shared, 10).await;
    assert_forbidden(status, &body, "viewer upload");
    assert_eq!(
        upload(&crew.stranger, &shared, 10).await.0,
        StatusCode::NOT_FOUND
    );
    let on_shared = format!(
        "SELECT COUNT(*) FROM attachments WHERE todo_id = {}",
        shared["id"]
    );
    assert_eq!(count(&app, &on_shared).await, 1);
    app.stop().await;
}
