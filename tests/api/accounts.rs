//! Accounts: sign-up, log-in, log-out, password change, account deletion, sessions and access
//! control between users.

use std::time::Duration;

use reqwest::{header, Client, Response, StatusCode};
use serde_json::Value;

use crate::helpers::{
    both, both_backends, count, new_client, spawn_app_on_foundation_database, spawn_app_with,
    unique_username, TestApp, PASSWORD,
};

both!(
    sign_up_signs_in_to_an_empty_list,
    visitors_are_sent_to_log_in,
    signed_in_users_skip_log_in_and_sign_up,
    sign_up_refuses_taken_names_and_weak_passwords,
    passwords_are_any_unicode_and_never_truncated,
    wrong_password_and_unknown_user_get_the_same_answer,
    log_in_rotates_the_session_id,
    log_out_deletes_the_session,
    changing_password_ends_other_sessions,
    deleting_the_account_removes_all_its_data,
    users_cannot_see_or_change_each_others_todos,
    signed_out_calls_are_refused,
    anonymous_views_create_no_sessions,
    session_cookie_flags,
    passwords_are_stored_as_argon2id,
    plain_form_log_in_and_errors,
);

both_backends!(
    failed_log_ins_are_throttled_per_username,
    failed_log_ins_are_throttled_per_address,
    idle_sessions_expire,
    sessions_expire_at_their_maximum_age,
    secure_cookie_setting,
    an_https_public_url_makes_cookies_secure,
    foundation_todos_go_to_the_first_account,
);

async fn body(response: Response) -> (StatusCode, Value) {
    let status = response.status();
    let text = response.text().await.unwrap();
    let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, value)
}

/// The session cookie a response sets, whole (`tick_session=…; HttpOnly; …`).
fn session_cookie(response: &Response) -> Option<String> {
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|value| value.to_str().unwrap().to_owned())
        .find(|cookie| {
            cookie.starts_with("tick_session=") || cookie.starts_with("__Host-tick_session=")
        })
}

fn cookie_value(set_cookie: &str) -> String {
    set_cookie
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("tick_session=")
        .to_owned()
}

/// Lists to-dos with a bare `Cookie` header, the way a stolen or stale cookie would be used.
async fn list_with_cookie(app: &TestApp, value: &str) -> StatusCode {
    Client::new()
        .post(app.url("/fn/todos/list"))
        .header(header::COOKIE, format!("tick_session={value}"))
        .send()
        .await
        .unwrap()
        .status()
}

async fn sign_up_signs_in_to_an_empty_list(app: &TestApp) {
    let client = new_client();
    let username = unique_username();
    let response = app
        .call_as(
            &client,
            "account/sign_up",
            &[("username", &username), ("password", PASSWORD)],
        )
        .await;
    assert!(session_cookie(&response).is_some());
    let (status, user) = body(response).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(user["username"], username.as_str());

    let page = client.get(app.url("/")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(
        html.contains(&format!("Signed in as <strong>{username}</strong>")),
        "{html}"
    );
    assert!(html.contains("Log out"));
    assert!(
        !html.contains(r#"class="todo-list""#),
        "a new account has no to-dos"
    );
}

async fn visitors_are_sent_to_log_in(app: &TestApp) {
    let visitor = new_client();
    for path in ["/", "/active", "/completed", "/settings"] {
        let response = visitor.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::FOUND, "{path}");
        assert_eq!(response.headers()[header::LOCATION], "/login", "{path}");
    }
    for (path, button) in [("/login", "Log in"), ("/signup", "Sign up")] {
        let response = visitor.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let html = response
            .text()
            .await
            .unwrap_or_else(|err| panic!("reading {path}: {err:?}"));
        assert!(
            html.contains(r#"<label for="username">Username</label>"#),
            "{html}"
        );
        assert!(html.contains(r#"<label for="password">Password</label>"#));
        assert!(html.contains(&format!(">{button}</button>")), "{path}");
        assert!(!html.contains("Log out"));
    }
}

async fn signed_in_users_skip_log_in_and_sign_up(app: &TestApp) {
    for path in ["/login", "/signup"] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::FOUND, "{path}");
        assert_eq!(response.headers()[header::LOCATION], "/");
    }
}

async fn sign_up_refuses_taken_names_and_weak_passwords(app: &TestApp) {
    let sign_up = |username: String, password: &'static str| async move {
        body(
            app.call_as(
                &new_client(),
                "account/sign_up",
                &[("username", &username), ("password", password)],
            )
            .await,
        )
        .await
    };
    let taken = app.username.to_uppercase();
    let (status, error) = sign_up(taken, PASSWORD).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        error["Conflict"],
        "That username is taken. Please choose another."
    );

    let cases = [
        (
            unique_username(),
            "short",
            "The password is too short: use at least 8 characters.",
        ),
        (
            unique_username(),
            "Password123",
            "That password is one of the most common ones. Please choose another.",
        ),
        (
            "no spaces allowed".to_owned(),
            PASSWORD,
            "Usernames may only use letters, digits, '.', '_' and '-'.",
        ),
        (
            "ab".to_owned(),
            PASSWORD,
            "Usernames are 3 to 32 characters long.",
        ),
    ];
    for (username, password, message) in cases {
        let (status, error) = sign_up(username, password).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{message}");
        assert_eq!(error["Invalid"], message);
    }
    assert_eq!(count(app, "SELECT COUNT(*) FROM users").await, 1);
}

async fn passwords_are_any_unicode_and_never_truncated(app: &TestApp) {
    let username = unique_username();
    // 1024 characters of 4 bytes each: 4 KiB, far past bcrypt's 72-byte cut.
    let long = "🦀".repeat(1024);
    let response = app
        .call_as(
            &new_client(),
            "account/sign_up",
            &[("username", &username), ("password", &long)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let (ok, _) = app.log_in(&username, &long).await;
    assert_eq!(ok.status(), StatusCode::OK);
    // The same password with its last character changed must fail.
    let almost = format!("{}🦞", "🦀".repeat(1023));
    let (wrong, _) = app.log_in(&username, &almost).await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let too_long = "a".repeat(1025);
    let (status, error) = body(
        app.call_as(
            &new_client(),
            "account/sign_up",
            &[("username", &unique_username()), ("password", &too_long)],
        )
        .await,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        error["Invalid"],
        "The password is too long: the most is 1024 characters."
    );
}

async fn wrong_password_and_unknown_user_get_the_same_answer(app: &TestApp) {
    let (wrong_password, _) = app.log_in(&app.username, "not the password").await;
    let (unknown_user, _) = app.log_in("nobody_here", PASSWORD).await;
    let wrong_password = body(wrong_password).await;
    let unknown_user = body(unknown_user).await;
    assert_eq!(wrong_password.0, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong_password, unknown_user);
    assert_eq!(wrong_password.1, "WrongCredentials");

    // Usernames are matched whatever their case.
    let (response, _) = app.log_in(&app.username.to_uppercase(), PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK);
}

async fn log_in_rotates_the_session_id(app: &TestApp) {
    let first = app.sign_up().await;
    let before = first
        .client
        .post(app.url("/fn/account/log_in"))
        .form(&[
            ("username", first.username.as_str()),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    let second_cookie = cookie_value(&session_cookie(&before).expect("a new session cookie"));
    let again = first
        .client
        .post(app.url("/fn/account/log_in"))
        .form(&[
            ("username", first.username.as_str()),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    let third_cookie = cookie_value(&session_cookie(&again).expect("a new session cookie"));
    assert_ne!(second_cookie, third_cookie, "log-in issues a new id");
    assert_eq!(
        list_with_cookie(app, &second_cookie).await,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(list_with_cookie(app, &third_cookie).await, StatusCode::OK);
}

async fn log_out_deletes_the_session(app: &TestApp) {
    let (response, client) = app.log_in(&app.username, PASSWORD).await;
    let cookie = cookie_value(&session_cookie(&response).unwrap());
    let sessions_before = count(app, "SELECT COUNT(*) FROM sessions").await;
    assert_eq!(list_with_cookie(app, &cookie).await, StatusCode::OK);

    let response = app.call_as(&client, "account/log_out", &[]).await;
    assert_eq!(response.status(), StatusCode::OK);
    let removal = session_cookie(&response).expect("the cookie is removed");
    assert!(
        removal.contains("Max-Age=0") || removal.contains("expires=Thu, 01 Jan 1970"),
        "{removal}"
    );
    assert_eq!(
        count(app, "SELECT COUNT(*) FROM sessions").await,
        sessions_before - 1
    );
    // The old cookie, replayed, no longer signs anyone in.
    assert_eq!(
        list_with_cookie(app, &cookie).await,
        StatusCode::UNAUTHORIZED
    );
    // The app's own session is untouched.
    assert!(app.list().await.is_empty());
}

async fn changing_password_ends_other_sessions(app: &TestApp) {
    let (_, other) = app.log_in(&app.username, PASSWORD).await;
    let change = |current: &'static str, new: &'static str| async move {
        app.call_as(
            &app.client,
            "account/change_password",
            &[("current_password", current), ("new_password", new)],
        )
        .await
    };
    let (status, error) = body(change("wrong password", "a new pass phrase").await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error["Invalid"], "That is not your current password.");
    let (status, error) = body(change(PASSWORD, "short").await).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(error["Invalid"].as_str().unwrap().contains("too short"));

    let response = change(PASSWORD, "a new pass phrase").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        session_cookie(&response).is_some(),
        "this session gets a new id"
    );
    // This session carries on; the other one has ended.
    assert!(app.list().await.is_empty());
    let other_list = app.call_as(&other, "todos/list", &[]).await;
    assert_eq!(other_list.status(), StatusCode::UNAUTHORIZED);
    let (old, _) = app.log_in(&app.username, PASSWORD).await;
    assert_eq!(old.status(), StatusCode::UNAUTHORIZED);
    let (new, _) = app.log_in(&app.username, "a new pass phrase").await;
    assert_eq!(new.status(), StatusCode::OK);
}

async fn deleting_the_account_removes_all_its_data(app: &TestApp) {
    let user = app.sign_up().await;
    for title in ["one", "two"] {
        let added = app
            .call_as(&user.client, "todos/add", &[("title", title)])
            .await;
        assert_eq!(added.status(), StatusCode::OK);
    }
    app.add("the app user's").await;
    let todos_before = count(app, "SELECT COUNT(*) FROM todos").await;

    let refused = app
        .call_as(
            &user.client,
            "account/delete",
            &[("password", "not it at all")],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);

    let deleted = app
        .call_as(&user.client, "account/delete", &[("password", PASSWORD)])
        .await;
    assert_eq!(deleted.status(), StatusCode::OK);
    assert_eq!(
        count(app, "SELECT COUNT(*) FROM todos").await,
        todos_before - 2
    );
    let (log_in, _) = app.log_in(&user.username, PASSWORD).await;
    assert_eq!(log_in.status(), StatusCode::UNAUTHORIZED);
    let after = app.call_as(&user.client, "todos/list", &[]).await;
    assert_eq!(after.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.titles().await, ["the app user's"]);
}

async fn users_cannot_see_or_change_each_others_todos(app: &TestApp) {
    let mine = app.add("mine").await;
    app.add("also mine, done").await;
    let done = app.list().await[1].clone();
    app.set_completed(&done, true).await;
    let other = app.sign_up().await;
    let id = mine["id"].to_string();

    let as_other = |path: &'static str, form: Vec<(&'static str, String)>| {
        let client = other.client.clone();
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            body(app.call_as(&client, path, &form).await).await
        }
    };
    let (status, list) = as_other("todos/list", vec![]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list, Value::Array(vec![]));

    // Another user's id behaves exactly like an id that does not exist.
    let missing = "987654321".to_owned();
    for target in [id.clone(), missing] {
        let attempts = [
            (
                "todos/set_completed",
                vec![("id", target.clone()), ("completed", "true".into())],
            ),
            (
                "todos/edit",
                vec![("id", target.clone()), ("title", "hijacked".into())],
            ),
            (
                "todos/edit",
                vec![("id", target.clone()), ("title", "".into())],
            ),
            ("todos/delete", vec![("id", target.clone())]),
        ];
        for (path, form) in attempts {
            let (status, error) = as_other(path, form).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path} {target}");
            assert_eq!(error, "NotFound");
        }
    }
    let (_, changed) = as_other(
        "todos/set_all_completed",
        vec![("completed", "true".into())],
    )
    .await;
    assert_eq!(changed, 0);
    let (_, cleared) = as_other("todos/clear_completed", vec![]).await;
    assert_eq!(cleared, 0);

    let list = app.list().await;
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["title"], "mine");
    assert_eq!(list[0]["completed"], false);
    assert_eq!(list[1]["completed"], true);
}

async fn signed_out_calls_are_refused(app: &TestApp) {
    app.add("private").await;
    let visitor = new_client();
    let calls: [(&str, &[(&str, &str)]); 7] = [
        ("todos/list", &[]),
        ("todos/add", &[("title", "sneaky")]),
        ("todos/set_completed", &[("id", "1"), ("completed", "true")]),
        ("todos/set_all_completed", &[("completed", "true")]),
        ("todos/edit", &[("id", "1"), ("title", "x")]),
        ("todos/delete", &[("id", "1")]),
        ("todos/clear_completed", &[]),
    ];
    for (path, form) in calls {
        let (status, error) = body(app.call_as(&visitor, path, form).await).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(error, "Unauthorized");
    }
    for path in ["account/change_password", "account/delete"] {
        let response = app
            .call_as(
                &visitor,
                path,
                &[
                    ("password", PASSWORD),
                    ("current_password", PASSWORD),
                    ("new_password", "x"),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{path}");
    }
    assert_eq!(app.titles().await, ["private"]);
}

async fn anonymous_views_create_no_sessions(app: &TestApp) {
    let before = count(app, "SELECT COUNT(*) FROM sessions").await;
    let visitor = new_client();
    for path in ["/", "/login", "/signup", "/nowhere", "/favicon.svg"] {
        let response = visitor.get(app.url(path)).send().await.unwrap();
        assert!(session_cookie(&response).is_none(), "{path}");
    }
    let (failed, _) = app.log_in(&app.username, "wrong password").await;
    assert!(session_cookie(&failed).is_none());
    assert_eq!(count(app, "SELECT COUNT(*) FROM sessions").await, before);
}

async fn session_cookie_flags(app: &TestApp) {
    let (response, _) = app.log_in(&app.username, PASSWORD).await;
    let cookie = session_cookie(&response).unwrap();
    let attributes: Vec<&str> = cookie.split(';').map(str::trim).collect();
    assert!(attributes.contains(&"HttpOnly"), "{cookie}");
    assert!(attributes.contains(&"SameSite=Lax"), "{cookie}");
    assert!(attributes.contains(&"Path=/"), "{cookie}");
    assert!(
        !attributes.contains(&"Secure"),
        "plain HTTP by default: {cookie}"
    );
    // 128 random bits, base64: 22 characters.
    assert!(cookie_value(&cookie).len() >= 22, "{cookie}");
}

async fn passwords_are_stored_as_argon2id(app: &TestApp) {
    let hashes = count(
        app,
        "SELECT COUNT(*) FROM users WHERE password_hash LIKE '$argon2id$v=19$m=19456,t=2,p=1$%'",
    )
    .await;
    assert_eq!(hashes, 1);
    let plain = count(
        app,
        &format!("SELECT COUNT(*) FROM users WHERE password_hash LIKE '%{PASSWORD}%'"),
    )
    .await;
    assert_eq!(plain, 0);
}

async fn plain_form_log_in_and_errors(app: &TestApp) {
    // Without JavaScript: a form post, then a redirect home with the session cookie.
    let client = new_client();
    let form_post = |path: &'static str, form: Vec<(&'static str, String)>| {
        client
            .post(app.url(path))
            .header(header::ACCEPT, "text/html")
            .header(header::REFERER, app.url("/login"))
            .form(&form)
            .send()
    };
    let failed = form_post(
        "/fn/account/log_in",
        vec![
            ("username", app.username.clone()),
            ("password", "nope nope".into()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(failed.status(), StatusCode::FOUND);
    let location = failed.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(location.starts_with(&app.url("/login?")), "{location}");
    assert!(location.contains("__err="), "{location}");
    let page = client
        .get(&location)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Wrong username or password."), "{page}");

    // A second failure from that page: its address carries only the latest refusal.
    let again = client
        .post(app.url("/fn/account/log_in"))
        .header(header::ACCEPT, "text/html")
        .header(header::REFERER, &location)
        .form(&[("username", "nobody"), ("password", "nope nope")])
        .send()
        .await
        .unwrap();
    let again = again.headers()[header::LOCATION].to_str().unwrap();
    assert!(again.starts_with(&app.url("/login?")), "{again}");
    assert_eq!(again.matches("__err=").count(), 1, "{again}");
    assert_eq!(again.matches("__path=").count(), 1, "{again}");

    let ok = form_post(
        "/fn/account/log_in",
        vec![
            ("username", app.username.clone()),
            ("password", PASSWORD.into()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(ok.status(), StatusCode::FOUND);
    assert_eq!(ok.headers()[header::LOCATION], "/");
    let home = client.get(app.url("/")).send().await.unwrap();
    assert_eq!(home.status(), StatusCode::OK);

    let out = form_post("/fn/account/log_out", vec![]).await.unwrap();
    assert_eq!(out.status(), StatusCode::FOUND);
    assert_eq!(out.headers()[header::LOCATION], "/login");
    let home = client.get(app.url("/")).send().await.unwrap();
    assert_eq!(home.headers()[header::LOCATION], "/login");
}

async fn failed_log_ins_are_throttled_per_username(backend: crate::helpers::Backend) {
    let app = spawn_app_with(backend, &["--login-failures-per-user", "3"]).await;
    for _ in 0..3 {
        let (response, _) = app.log_in(&app.username, "wrong password").await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    // Now even the right password waits, for a while the answer states.
    let (response, _) = app.log_in(&app.username, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = response.headers()[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=900).contains(&retry_after), "{retry_after}");
    let (_, error) = body(response).await;
    assert!(
        error["TooManyAttempts"]["retry_after_secs"].is_u64(),
        "{error}"
    );
    // Other users are not affected.
    let other = app.sign_up().await;
    let (response, _) = app.log_in(&other.username, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK);
    app.stop().await;
}

async fn failed_log_ins_are_throttled_per_address(backend: crate::helpers::Backend) {
    let app = spawn_app_with(
        backend,
        &["--login-failures-per-address", "4", "--login-window", "10m"],
    )
    .await;
    for i in 0..4 {
        let (response, _) = app.log_in(&format!("guess{i}"), "wrong password").await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let (response, _) = app.log_in(&app.username, PASSWORD).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(response.headers().contains_key(header::RETRY_AFTER));
    app.stop().await;
}

async fn idle_sessions_expire(backend: crate::helpers::Backend) {
    let app = spawn_app_with(backend, &["--session-idle", "2s"]).await;
    assert_eq!(app.call("list", &[]).await.status(), StatusCode::OK);
    tokio::time::sleep(Duration::from_millis(3500)).await;
    assert_eq!(
        app.call("list", &[]).await.status(),
        StatusCode::UNAUTHORIZED
    );
    app.stop().await;
}

async fn sessions_expire_at_their_maximum_age(backend: crate::helpers::Backend) {
    let app = spawn_app_with(backend, &["--session-max-age", "3s"]).await;
    // Activity does not extend the maximum age.
    for _ in 0..2 {
        assert_eq!(app.call("list", &[]).await.status(), StatusCode::OK);
        tokio::time::sleep(Duration::from_millis(1000)).await;
    }
    tokio::time::sleep(Duration::from_millis(2000)).await;
    assert_eq!(
        app.call("list", &[]).await.status(),
        StatusCode::UNAUTHORIZED
    );
    app.stop().await;
}

async fn secure_cookie_setting(backend: crate::helpers::Backend) {
    let app = spawn_app_with(backend, &["--secure-cookie"]).await;
    let (response, _) = app.log_in(&app.username, PASSWORD).await;
    let cookie = session_cookie(&response).unwrap();
    assert!(cookie.split(';').any(|a| a.trim() == "Secure"), "{cookie}");
    // Over HTTPS the cookie is a `__Host-` cookie, and browsers are told to stay on HTTPS.
    assert!(cookie.starts_with("__Host-tick_session="), "{cookie}");
    assert!(response.headers()[header::STRICT_TRANSPORT_SECURITY]
        .to_str()
        .unwrap()
        .starts_with("max-age="),);
    app.stop().await;
}

/// An https `--public-url` means HTTPS: secure cookies and HSTS without `--secure-cookie`;
/// plain HTTP development has neither.
async fn an_https_public_url_makes_cookies_secure(backend: crate::helpers::Backend) {
    let app = spawn_app_with(backend, &["--public-url", "https://tick.example"]).await;
    let (response, _) = app.log_in(&app.username, PASSWORD).await;
    let cookie = session_cookie(&response).unwrap();
    assert!(cookie.starts_with("__Host-tick_session="), "{cookie}");
    assert!(cookie.split(';').any(|a| a.trim() == "Secure"), "{cookie}");
    assert!(response
        .headers()
        .contains_key(header::STRICT_TRANSPORT_SECURITY));
    app.stop().await;

    let plain = crate::helpers::spawn_app(backend).await;
    let (response, _) = plain.log_in(&plain.username, PASSWORD).await;
    let cookie = session_cookie(&response).unwrap();
    assert!(cookie.starts_with("tick_session="), "{cookie}");
    assert!(!response
        .headers()
        .contains_key(header::STRICT_TRANSPORT_SECURITY));
    plain.stop().await;
}

async fn foundation_todos_go_to_the_first_account(backend: crate::helpers::Backend) {
    // The helper signs up the first account as the app starts.
    let app = spawn_app_on_foundation_database(backend, &["from before accounts", "another"]).await;
    assert_eq!(app.titles().await, ["from before accounts", "another"]);
    let second = app.sign_up().await;
    let list = app.call_as(&second.client, "todos/list", &[]).await;
    assert_eq!(list.json::<Vec<Value>>().await.unwrap().len(), 0);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM todos WHERE list_id IS NULL").await,
        0
    );
    app.stop().await;
}
