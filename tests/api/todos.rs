//! The to-do server functions: behaviour, bad input and errors.

use reqwest::{header, StatusCode};
use serde_json::Value;

use crate::helpers::{both, TestApp};

both!(
    adds_trimmed_titles_in_order,
    refuses_empty_and_blank_titles,
    title_limit_counts_characters,
    toggles_one_to_do,
    toggles_all_to_dos,
    renames_and_deletes_on_empty_title,
    deletes_and_clears_completed,
    unknown_ids_are_not_found,
    malformed_input_is_a_bad_request,
    oversized_bodies_are_refused,
    concurrent_writes_all_succeed,
    a_second_server_sees_the_same_data,
    plain_form_posts_redirect_back,
    errors_never_leak_internals,
    database_failures_get_a_generic_message,
);

async fn error_of(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    let body: Value = response.json().await.expect("a JSON error body");
    (status, body)
}

async fn adds_trimmed_titles_in_order(app: &TestApp) {
    let first = app.add("  Buy milk \n").await;
    assert_eq!(first["title"], "Buy milk");
    assert_eq!(first["completed"], false);
    app.add("Walk the dog").await;
    app.add("Ünïcödé ✓ 🦀").await;
    assert_eq!(
        app.titles().await,
        ["Buy milk", "Walk the dog", "Ünïcödé ✓ 🦀"]
    );
}

async fn refuses_empty_and_blank_titles(app: &TestApp) {
    for blank in ["", "   ", "\t\n"] {
        let (status, body) = error_of(app.call("add", &[("title", blank)]).await).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(body["Invalid"], "Please enter a title for the to-do.");
    }
    assert!(app.list().await.is_empty(), "nothing was added");
}

async fn title_limit_counts_characters(app: &TestApp) {
    let longest = "é".repeat(500);
    let todo = app.add(&longest).await;
    assert_eq!(todo["title"].as_str().unwrap().chars().count(), 500);

    let too_long = "🦀".repeat(501);
    let (status, body) = error_of(app.call("add", &[("title", &too_long)]).await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body["Invalid"],
        "The title is too long: 501 characters, the most is 500."
    );
    assert_eq!(app.list().await.len(), 1);
}

async fn toggles_one_to_do(app: &TestApp) {
    let todo = app.add("Water the plants").await;
    let done = app.set_completed(&todo, true).await;
    assert_eq!(done["completed"], true);
    assert_eq!(app.list().await[0]["completed"], true);
    let undone = app.set_completed(&todo, false).await;
    assert_eq!(undone["completed"], false);
}

async fn toggles_all_to_dos(app: &TestApp) {
    for title in ["a", "b", "c"] {
        app.add(title).await;
    }
    let changed: u64 = app
        .call_ok("set_all_completed", &[("completed", "true")])
        .await;
    assert_eq!(changed, 3);
    assert!(app.list().await.iter().all(|t| t["completed"] == true));
    let changed: u64 = app
        .call_ok("set_all_completed", &[("completed", "false")])
        .await;
    assert_eq!(changed, 3);
    assert!(app.list().await.iter().all(|t| t["completed"] == false));
}

async fn renames_and_deletes_on_empty_title(app: &TestApp) {
    let todo = app.add("Call mum").await;
    let id = todo["id"].to_string();
    let renamed: Value = app
        .call_ok("edit", &[("id", &id), ("title", "  Call mum back  ")])
        .await;
    assert_eq!(renamed["title"], "Call mum back");
    assert_eq!(app.titles().await, ["Call mum back"]);

    let (status, _) = error_of(
        app.call("edit", &[("id", &id), ("title", &"x".repeat(501))])
            .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        app.titles().await,
        ["Call mum back"],
        "a refused edit changes nothing"
    );

    let deleted: Value = app.call_ok("edit", &[("id", &id), ("title", "   ")]).await;
    assert!(deleted.is_null());
    assert!(app.list().await.is_empty());
}

async fn deletes_and_clears_completed(app: &TestApp) {
    let keep = app.add("keep").await;
    let done = app.add("done").await;
    let gone = app.add("gone").await;
    let _: () = app
        .call_ok("delete", &[("id", &gone["id"].to_string())])
        .await;
    app.set_completed(&done, true).await;
    let cleared: u64 = app.call_ok("clear_completed", &[]).await;
    assert_eq!(cleared, 1);
    let list = app.list().await;
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["id"], keep["id"]);
}

async fn unknown_ids_are_not_found(app: &TestApp) {
    let todo = app.add("only").await;
    let missing = (todo["id"].as_i64().unwrap() + 1000).to_string();
    for (function, form) in [
        ("delete", vec![("id", missing.as_str())]),
        (
            "set_completed",
            vec![("id", missing.as_str()), ("completed", "true")],
        ),
        ("edit", vec![("id", missing.as_str()), ("title", "new")]),
        ("edit", vec![("id", missing.as_str()), ("title", "")]),
    ] {
        let (status, body) = error_of(app.call(function, &form).await).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{function}");
        assert_eq!(body, "NotFound");
    }
    assert_eq!(app.titles().await, ["only"]);
}

async fn malformed_input_is_a_bad_request(app: &TestApp) {
    let cases: [(&str, &[(&str, &str)]); 5] = [
        ("delete", &[("id", "abc")]),
        ("delete", &[]),
        ("set_completed", &[("id", "1"), ("completed", "maybe")]),
        ("set_completed", &[("id", "99999999999999999999999")]),
        ("add", &[]),
    ];
    for (function, form) in cases {
        let (status, body) = error_of(app.call(function, form).await).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{function} {form:?}");
        assert_eq!(body, "BadRequest");
    }
    // Bytes that are not valid form encoding at all.
    let response = app
        .client
        .post(app.url("/fn/todos/add"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(vec![0xff, 0xfe, b'%', b'Z'])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(app.list().await.is_empty());
}

async fn oversized_bodies_are_refused(app: &TestApp) {
    let huge = "a".repeat(200 * 1024);
    let response = app.call("add", &[("title", &huge)]).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(app.list().await.is_empty());
}

async fn concurrent_writes_all_succeed(app: &TestApp) {
    let adds = (0..40).map(|n| {
        let title = format!("task {n}");
        async move { app.call("add", &[("title", &title)]).await.status() }
    });
    let statuses = futures::future::join_all(adds).await;
    assert!(
        statuses.iter().all(|s| *s == StatusCode::OK),
        "{statuses:?}"
    );
    assert_eq!(app.list().await.len(), 40);
    let changed: u64 = app
        .call_ok("set_all_completed", &[("completed", "true")])
        .await;
    assert_eq!(changed, 40);
}

async fn a_second_server_sees_the_same_data(app: &TestApp) {
    app.add("persist me").await;
    // A second server on the same database: the data and the session live in the database,
    // not in a process, so the same cookie works there.
    let second = crate::helpers::reopen(app).await;
    let listed: Vec<Value> = second
        .call_as(&app.client, "todos/list", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["title"], "persist me");
    let added = second
        .call_as(&app.client, "todos/add", &[("title", "from the second")])
        .await;
    assert_eq!(added.status(), StatusCode::OK);
    assert_eq!(app.titles().await, ["persist me", "from the second"]);
    // The second server's own user has a list of their own.
    assert!(second.titles().await.is_empty());
    second.stop().await;
}

async fn plain_form_posts_redirect_back(app: &TestApp) {
    let response = app
        .post_form("add", &[("title", "from a form")], "/active")
        .await;
    assert_eq!(response.status(), StatusCode::FOUND);
    let location = response.headers()[header::LOCATION].to_str().unwrap();
    assert_eq!(location, app.url("/active"));
    assert_eq!(app.titles().await, ["from a form"]);

    // The edit form sends the list to return to, which closes the editor.
    let id = app.list().await[0]["id"].to_string();
    let response = app
        .post_form(
            "edit",
            &[("id", &id), ("title", "edited"), ("back_to", "completed")],
            &format!("/?edit={id}"),
        )
        .await;
    assert_eq!(response.status(), StatusCode::FOUND);
    assert_eq!(response.headers()[header::LOCATION], "/completed");
    assert_eq!(app.titles().await, ["edited"]);

    // A refused post comes back with its error, which the page shows.
    let response = app.post_form("add", &[("title", "   ")], "/").await;
    assert_eq!(response.status(), StatusCode::FOUND);
    let location = response.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(location.contains("__err="), "{location}");
    let (status, html) = app.page(location.trim_start_matches(&app.address)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Please enter a title for the to-do."),
        "{html}"
    );
}

async fn errors_never_leak_internals(app: &TestApp) {
    let (_, body) = error_of(app.call("delete", &[("id", "abc")]).await).await;
    let text = body.to_string();
    for word in ["sqlx", "SQL", "invalid digit", "panicked"] {
        assert!(!text.contains(word), "{text}");
    }
}

async fn database_failures_get_a_generic_message(app: &TestApp) {
    app.add("before the failure").await;
    // Break the database under the running server.
    let drop = match app.backend {
        crate::helpers::Backend::Sqlite => "DROP TABLE todos",
        crate::helpers::Backend::Postgres => "DROP TABLE todos CASCADE",
    };
    crate::helpers::execute(app, drop).await;
    for (function, form) in [("list", vec![]), ("add", vec![("title", "after")])] {
        let (status, body) = error_of(app.call(function, &form).await).await;
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR, "{function}");
        assert_eq!(body, "Internal");
    }
    // The page still renders, with the message, and its status says it failed.
    let (status, html) = app.page("/").await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(html.contains("Something went wrong on our side"), "{html}");
    assert!(!html.contains("no such table") && !html.contains("does not exist"));
}
