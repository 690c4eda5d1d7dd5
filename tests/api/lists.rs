//! Lists and sharing through every door but the JSON API (see `lists_api.rs`): server functions,
//! plain form posts, pages, attachment downloads and the event stream. For each operation,
//! the owner and an editor may change the list, a viewer may only read it (403 for writes,
//! nothing changed), and anyone else gets exactly what an unknown id gets (404).

use reqwest::{header, Client, StatusCode};
use serde_json::Value;

use crate::{
    attachments::png,
    events::{request, Stream},
    helpers::{both, count, upload_as, TestApp, TestUser, PASSWORD},
};

both!(
    server_functions_check_every_role,
    list_management_is_the_owners,
    pages_downloads_and_streams_follow_membership,
    kept_pages_follow_every_members_changes,
    plain_form_posts_follow_the_same_rules,
    deleting_an_account_takes_its_lists_and_leaves_others,
);

/// A list the app's own user owns, and one user per other role.
struct Shared {
    list: String,
    editor: TestUser,
    viewer: TestUser,
    stranger: TestUser,
}

async fn call(
    app: &TestApp,
    client: &Client,
    path: &str,
    form: &[(&str, &str)],
) -> (StatusCode, Value) {
    let response = app.call_as(client, path, form).await;
    let status = response.status();
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// Calls `path` and asserts success; returns the reply.
async fn ok(app: &TestApp, client: &Client, path: &str, form: &[(&str, &str)]) -> Value {
    let (status, body) = call(app, client, path, form).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    body
}

async fn create_list(app: &TestApp, client: &Client, name: &str) -> String {
    ok(app, client, "lists/create", &[("name", name)]).await["id"].to_string()
}

async fn shared(app: &TestApp) -> Shared {
    let list = create_list(app, &app.client, "Groceries").await;
    let (editor, viewer, stranger) = (
        app.sign_up().await,
        app.sign_up().await,
        app.sign_up().await,
    );
    for (user, role) in [(&editor, "editor"), (&viewer, "viewer")] {
        let form = [
            ("list", list.as_str()),
            ("username", &user.username),
            ("role", role),
        ];
        ok(app, &app.client, "lists/share", &form).await;
    }
    Shared {
        list,
        editor,
        viewer,
        stranger,
    }
}

/// The titles of `list`'s to-dos, as `client`'s user sees them.
async fn titles(app: &TestApp, client: &Client, list: &str) -> Vec<String> {
    let todos = ok(app, client, "todos/list", &[("list", list)]).await;
    todos
        .as_array()
        .unwrap()
        .iter()
        .map(|todo| todo["title"].as_str().unwrap().to_owned())
        .collect()
}

async fn server_functions_check_every_role(app: &TestApp) {
    let s = shared(app).await;
    let list = s.list.as_str();
    let first = ok(
        app,
        &app.client,
        "todos/add",
        &[("list", list), ("title", "milk")],
    )
    .await;
    let id = first["id"].to_string();

    // Reads: every member; nobody else.
    for user in [&s.editor, &s.viewer] {
        let snapshot = ok(app, &user.client, "todos/snapshot", &[("list", list)]).await;
        assert_eq!(snapshot["todos"][0]["title"], "milk");
        assert_eq!(snapshot["list"]["owner"], app.username.as_str());
    }
    let (status, unknown) =
        call(app, &s.stranger.client, "todos/list", &[("list", "999999")]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = call(app, &s.stranger.client, "todos/list", &[("list", list)]).await;
    assert_eq!(
        (status, &body),
        (StatusCode::NOT_FOUND, &unknown),
        "a stranger sees no list"
    );

    // Every write, as each role: the editor succeeds, the viewer gets 403, the stranger 404.
    let writes: [(&str, Vec<(&str, &str)>); 6] = [
        ("todos/add", vec![("list", list), ("title", "eggs")]),
        (
            "todos/set_completed",
            vec![("id", &id), ("completed", "true")],
        ),
        (
            "todos/set_all_completed",
            vec![("list", list), ("completed", "false")],
        ),
        ("todos/edit", vec![("id", &id), ("title", "oat milk")]),
        ("todos/clear_completed", vec![("list", list)]),
        ("todos/delete", vec![("id", &id)]),
    ];
    for (path, form) in &writes {
        let before = titles(app, &app.client, list).await;
        let (status, body) = call(app, &s.viewer.client, path, form).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "viewer {path}: {body}");
        assert!(
            body.to_string()
                .contains("view this list but not change it"),
            "{body}"
        );
        let (status, _) = call(app, &s.stranger.client, path, form).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "stranger {path}");
        assert_eq!(
            titles(app, &app.client, list).await,
            before,
            "{path} changed nothing"
        );
        let (status, body) = call(app, &s.editor.client, path, form).await;
        assert_eq!(status, StatusCode::OK, "editor {path}: {body}");
    }
    assert_eq!(titles(app, &app.client, list).await, ["eggs"]);
    // A to-do of another list cannot be reached through this one's id either.
    let (status, _) = call(
        app,
        &s.stranger.client,
        "todos/delete",
        &[("id", &first["id"].to_string())],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn list_management_is_the_owners(app: &TestApp) {
    let s = shared(app).await;
    let list = s.list.as_str();
    let owner_only: [(&str, Vec<(&str, &str)>); 4] = [
        ("lists/rename", vec![("list", list), ("name", "Shopping")]),
        (
            "lists/share",
            vec![
                ("list", list),
                ("username", &s.stranger.username),
                ("role", "viewer"),
            ],
        ),
        (
            "lists/set_role",
            vec![
                ("list", list),
                ("username", &s.viewer.username),
                ("role", "editor"),
            ],
        ),
        (
            // (Removing themself would be leaving, which any member may.)
            "lists/remove_member",
            vec![("list", list), ("username", &app.username)],
        ),
    ];
    for (path, form) in &owner_only {
        for member in [&s.editor, &s.viewer] {
            let (status, body) = call(app, &member.client, path, form).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{path}: {body}");
        }
        let (status, _) = call(app, &s.stranger.client, path, form).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "stranger {path}");
    }
    for member in [&s.editor, &s.viewer] {
        let (status, _) = call(app, &member.client, "lists/delete", &[("list", list)]).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
    let settings = ok(app, &s.viewer.client, "lists/settings", &[("list", list)]).await;
    assert_eq!(settings["members"].as_array().unwrap().len(), 3);
    assert_eq!(settings["members"][0]["role"], "owner");

    // The owner: rename, change a role, share and remove; bad input is refused clearly.
    let renamed = ok(app, &app.client, "lists/rename", &owner_only[0].1).await;
    assert_eq!(renamed["name"], "Shopping");
    let (status, body) = call(
        app,
        &app.client,
        "lists/share",
        &[
            ("list", list),
            ("username", "nobody-here"),
            ("role", "viewer"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body.to_string().contains("no user with that username"),
        "{body}"
    );
    let (status, body) = call(
        app,
        &app.client,
        "lists/share",
        &[
            ("list", list),
            ("username", &s.viewer.username),
            ("role", "viewer"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let (status, _) = call(
        app,
        &app.client,
        "lists/share",
        &[
            ("list", list),
            ("username", &s.stranger.username),
            ("role", "owner"),
        ],
    )
    .await;
    assert_eq!(
        status,
        StatusCode::BAD_REQUEST,
        "only editor or viewer can be given"
    );
    ok(app, &app.client, "lists/set_role", &owner_only[2].1).await;
    ok(
        app,
        &s.viewer.client,
        "todos/add",
        &[("list", list), ("title", "now an editor")],
    )
    .await;
    let remove = [("list", list), ("username", s.viewer.username.as_str())];
    ok(app, &app.client, "lists/remove_member", &remove).await;
    let (status, _) = call(app, &s.viewer.client, "todos/list", &[("list", list)]).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "a removed member sees nothing"
    );

    // A member leaves; the owner cannot; the Inbox cannot be deleted.
    ok(app, &s.editor.client, "lists/leave", &[("list", list)]).await;
    let (status, _) = call(app, &s.editor.client, "lists/settings", &[("list", list)]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = call(app, &app.client, "lists/leave", &[("list", list)]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let inbox = ok(app, &app.client, "lists/mine", &[]).await[0]["id"].to_string();
    let (status, body) = call(app, &app.client, "lists/delete", &[("list", &inbox)]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    ok(app, &app.client, "lists/delete", &[("list", list)]).await;
    let mine = ok(app, &app.client, "lists/mine", &[]).await;
    assert_eq!(mine.as_array().unwrap().len(), 1, "only the Inbox is left");
    assert_eq!(
        count(app, "SELECT COUNT(*) FROM todos").await,
        0,
        "its to-dos went with it"
    );
}

async fn pages_downloads_and_streams_follow_membership(app: &TestApp) {
    let s = shared(app).await;
    let list = s.list.as_str();
    let todo = ok(
        app,
        &app.client,
        "todos/add",
        &[("list", list), ("title", "with a file")],
    )
    .await;

    // Pages.
    for user in [&s.editor, &s.viewer] {
        let page = user
            .client
            .get(app.url(&format!("/lists/{list}")))
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        assert!(page.text().await.unwrap().contains("with a file"));
    }
    for path in [
        format!("/lists/{list}"),
        format!("/lists/{list}/active"),
        format!("/lists/{list}/settings"),
    ] {
        let page = s.stranger.client.get(app.url(&path)).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::NOT_FOUND, "{path}");
        assert!(!page.text().await.unwrap().contains("Groceries"), "{path}");
    }

    // Attachments: an editor's upload counts against the owner's quota; a viewer downloads but
    // cannot upload or delete; a stranger gets 404 for everything.
    let (status, stored) = upload_as(app, &s.editor.client, &todo, vec![("a.png", png(500))]).await;
    assert_eq!(status, StatusCode::CREATED, "{stored}");
    let owner_id = count(
        app,
        &format!("SELECT id FROM users WHERE username = '{}'", app.username),
    )
    .await;
    assert_eq!(
        count(app, "SELECT user_id FROM attachments").await,
        owner_id
    );
    let (status, _) = upload_as(app, &s.viewer.client, &todo, vec![("b.png", png(500))]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = upload_as(app, &s.stranger.client, &todo, vec![("b.png", png(500))]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let download = app.url(&format!("/attachments/{}", stored[0]["id"]));
    let got = s.viewer.client.get(&download).send().await.unwrap();
    assert_eq!(got.status(), StatusCode::OK);
    assert_eq!(got.bytes().await.unwrap().len(), 500);
    let got = s.stranger.client.get(&download).send().await.unwrap();
    assert_eq!(got.status(), StatusCode::NOT_FOUND);
    let attachment = stored[0]["id"].to_string();
    let (status, _) = call(
        app,
        &s.viewer.client,
        "attachments/delete",
        &[("id", &attachment)],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = call(
        app,
        &s.stranger.client,
        "attachments/delete",
        &[("id", &attachment)],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Event streams: a stranger gets 404; a viewer hears the owner's change, then is told the
    // list is no longer theirs when removed, and the stream ends.
    let refused = request(app, &s.stranger.client, &format!("?list={list}"), None).await;
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
    let mut stream = Stream::open(app, &s.viewer.client, &format!("?list={list}"), None).await;
    stream.expect_named("ready").await;
    ok(
        app,
        &s.editor.client,
        "todos/add",
        &[("list", list), ("title", "from the editor")],
    )
    .await;
    assert_eq!(
        stream.expect_named("change").await.data()["kind"],
        "todos_added"
    );
    // A change to another list of the viewer's is not this stream's.
    ok(
        app,
        &s.viewer.client,
        "todos/add",
        &[("title", "in my inbox")],
    )
    .await;
    let remove = [("list", list), ("username", s.viewer.username.as_str())];
    ok(app, &app.client, "lists/remove_member", &remove).await;
    stream.expect_named("revoked").await;
    stream.assert_ends().await;
}

async fn kept_pages_follow_every_members_changes(app: &TestApp) {
    let s = shared(app).await;
    let list = s.list.as_str();
    let path = app.url(&format!("/lists/{list}"));
    let cache_of = |response: &reqwest::Response| {
        response
            .headers()
            .get("x-tick-page-cache")
            .map(|v| v.to_str().unwrap().to_owned())
    };
    let first = s.viewer.client.get(&path).send().await.unwrap();
    assert_eq!(cache_of(&first).as_deref(), Some("miss"));
    let again = s.viewer.client.get(&path).send().await.unwrap();
    assert_eq!(cache_of(&again).as_deref(), Some("hit"));
    // The editor's change makes the viewer's kept page stale.
    ok(
        app,
        &s.editor.client,
        "todos/add",
        &[("list", list), ("title", "fresh")],
    )
    .await;
    let after = s.viewer.client.get(&path).send().await.unwrap();
    assert_eq!(cache_of(&after).as_deref(), Some("miss"));
    assert!(after.text().await.unwrap().contains("fresh"));
    // A rename changes every member's list menu, even on their Inbox.
    let inbox = s.viewer.client.get(app.url("/")).send().await.unwrap();
    assert!(inbox.text().await.unwrap().contains("Groceries"));
    ok(
        app,
        &app.client,
        "lists/rename",
        &[("list", list), ("name", "Weekly shop")],
    )
    .await;
    let inbox = s.viewer.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(cache_of(&inbox).as_deref(), Some("miss"));
    assert!(inbox.text().await.unwrap().contains("Weekly shop"));
}

async fn deleting_an_account_takes_its_lists_and_leaves_others(app: &TestApp) {
    let s = shared(app).await;
    let list = s.list.as_str();
    ok(
        app,
        &app.client,
        "todos/add",
        &[("list", list), ("title", "owned")],
    )
    .await;
    // The editor owns a list shared with the owner too.
    let theirs = create_list(app, &s.editor.client, "Editor's").await;
    let form = [
        ("list", theirs.as_str()),
        ("username", app.username.as_str()),
        ("role", "editor"),
    ];
    ok(app, &s.editor.client, "lists/share", &form).await;
    ok(
        app,
        &app.client,
        "todos/add",
        &[("list", &theirs), ("title", "by the owner")],
    )
    .await;

    let mut stream = Stream::open(app, &s.viewer.client, &format!("?list={list}"), None).await;
    stream.expect_named("ready").await;
    let response = app
        .client
        .post(app.url("/fn/account/delete"))
        .header(header::ACCEPT, "application/json")
        .form(&[("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    stream.expect_named("revoked").await;
    let (status, _) = call(app, &s.viewer.client, "todos/list", &[("list", list)]).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "the owner's list went with the account"
    );
    let settings = ok(
        app,
        &s.editor.client,
        "lists/settings",
        &[("list", &theirs)],
    )
    .await;
    assert_eq!(
        settings["members"].as_array().unwrap().len(),
        1,
        "the account left it"
    );
    assert_eq!(
        titles(app, &s.editor.client, &theirs).await,
        ["by the owner"]
    );
}

/// Posts a form the way a browser without JavaScript does, from the list's page; returns the
/// page the browser is sent back to.
async fn post_plainly(
    app: &TestApp,
    client: &Client,
    path: &str,
    form: &[(&str, &str)],
    from: &str,
) -> String {
    let response = client
        .post(app.url(&format!("/fn/{path}")))
        .header(header::ACCEPT, "text/html")
        .header(header::REFERER, app.url(from))
        .form(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FOUND, "{path}");
    let location = response.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned();
    let back = if location.starts_with('/') {
        app.url(&location)
    } else {
        location
    };
    client.get(back).send().await.unwrap().text().await.unwrap()
}

async fn plain_form_posts_follow_the_same_rules(app: &TestApp) {
    let s = shared(app).await;
    let list = s.list.as_str();
    let page = format!("/lists/{list}");
    // The editor adds from the list's page and is sent back to it, with the new to-do there.
    let body = post_plainly(
        app,
        &s.editor.client,
        "todos/add",
        &[("list", list), ("title", "by form")],
        &page,
    )
    .await;
    assert!(body.contains("by form"), "{body}");
    // The viewer's form post is refused: the page says why, and nothing changed.
    let body = post_plainly(
        app,
        &s.viewer.client,
        "todos/add",
        &[("list", list), ("title", "sneaky")],
        &page,
    )
    .await;
    assert!(
        body.contains("You can view this list but not change it."),
        "{body}"
    );
    assert_eq!(titles(app, &app.client, list).await, ["by form"]);
    // Sharing by form: an unknown username is refused on the settings page in words.
    let settings = format!("/lists/{list}/settings");
    let form = [
        ("list", list),
        ("username", "no-such-user"),
        ("role", "editor"),
    ];
    let body = post_plainly(app, &app.client, "lists/share", &form, &settings).await;
    assert!(
        body.contains("There is no user with that username."),
        "{body}"
    );
    // Deleting by form lands on the Inbox, without the list in the menu.
    let body = post_plainly(
        app,
        &app.client,
        "lists/delete",
        &[("list", list)],
        &settings,
    )
    .await;
    assert!(!body.contains("Groceries"), "{body}");
}
