//! Browser defences: cross-site requests refused, security headers, no caching of user data,
//! and password hashing that does not stall the server.

use reqwest::{header, StatusCode};

use crate::helpers::{
    both, both_backends, count, new_client, nonce_in, spawn_app_with, TestApp, PASSWORD,
};

both!(
    cross_site_requests_change_nothing,
    same_site_requests_pass,
    pages_carry_security_headers,
    server_function_replies_are_not_cached,
);

both_backends!(a_log_in_flood_does_not_stall_other_requests);

async fn cross_site_requests_change_nothing(app: &TestApp) {
    app.add("keep me").await;
    let sessions = count(app, "SELECT COUNT(*) FROM sessions").await;
    let attacks: [&[(&str, &str)]; 3] = [
        &[
            ("origin", "https://evil.example"),
            ("sec-fetch-site", "cross-site"),
        ],
        // Older browsers: no fetch metadata, but a foreign Origin.
        &[("origin", "https://evil.example")],
        &[("origin", "null")],
    ];
    let calls: [(&str, &[(&str, &str)]); 5] = [
        ("todos/add", &[("title", "forged")]),
        ("todos/clear_completed", &[]),
        ("todos/set_all_completed", &[("completed", "true")]),
        ("account/log_out", &[]),
        (
            "account/change_password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "forged password"),
            ],
        ),
    ];
    for headers in attacks {
        for (path, form) in calls {
            let mut request = app.client.post(app.url(&format!("/fn/{path}"))).form(form);
            for (name, value) in headers {
                request = request.header(*name, *value);
            }
            let response = request.send().await.unwrap();
            assert_eq!(
                response.status(),
                StatusCode::FORBIDDEN,
                "{path} {headers:?}"
            );
            let body: serde_json::Value = response.json().await.unwrap();
            assert_eq!(body["error"]["code"], "cross_site");
        }
    }
    // A forged log-in (log-in CSRF) is refused too.
    let forged_login = new_client()
        .post(app.url("/fn/account/log_in"))
        .header("sec-fetch-site", "cross-site")
        .form(&[("username", app.username.as_str()), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(forged_login.status(), StatusCode::FORBIDDEN);

    // Nothing changed: same list, same sessions, still signed in with the same password.
    assert_eq!(app.titles().await, ["keep me"]);
    assert!(!app.list().await[0]["completed"].as_bool().unwrap());
    assert_eq!(count(app, "SELECT COUNT(*) FROM sessions").await, sessions);
    let (login, _) = app.log_in(&app.username, PASSWORD).await;
    assert_eq!(login.status(), StatusCode::OK);
}

async fn same_site_requests_pass(app: &TestApp) {
    let host = app.address.trim_start_matches("http://").to_owned();
    let response = app
        .client
        .post(app.url("/fn/todos/add"))
        .header("origin", &app.address)
        .header("sec-fetch-site", "same-origin")
        .header(header::HOST, &host)
        .form(&[("title", "from my own page")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let response = app
        .client
        .post(app.url("/fn/todos/add"))
        .header("origin", &app.address)
        .form(&[("title", "matching origin")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    // Reading is never refused: links from other sites must work.
    let page = app
        .client
        .get(app.url("/"))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
}

async fn pages_carry_security_headers(app: &TestApp) {
    for (path, client) in [("/", &app.client), ("/login", &new_client())] {
        let response = client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let headers = response.headers().clone();
        let html = response.text().await.unwrap();
        let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert!(csp.contains("object-src 'none'"), "{csp}");
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        // The nonce in the policy is the one on the page's inline scripts.
        let nonce = nonce_in(csp);
        assert!(nonce.len() >= 16, "{nonce}");
        assert!(html.contains(&format!(r#"nonce="{nonce}""#)), "{html}");
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(headers[header::REFERRER_POLICY], "same-origin");
        assert_eq!(headers[header::X_FRAME_OPTIONS], "DENY");
        assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    }
    // Each response has its own nonce.
    let csp = |response: reqwest::Response| {
        response.headers()[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .to_owned()
    };
    let first = csp(app.client.get(app.url("/")).send().await.unwrap());
    let second = csp(app.client.get(app.url("/")).send().await.unwrap());
    assert_ne!(first, second);
}

async fn server_function_replies_are_not_cached(app: &TestApp) {
    let response = app.call("list", &[]).await;
    assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");
    assert_eq!(
        response.headers()[header::X_CONTENT_TYPE_OPTIONS],
        "nosniff"
    );
}

/// Hashing runs on blocking threads, a few at a time: while a burst of log-ins waits for
/// its turn, other requests are answered at once.
async fn a_log_in_flood_does_not_stall_other_requests(backend: crate::helpers::Backend) {
    let app = spawn_app_with(
        backend,
        &[
            "--login-failures-per-user",
            "1000",
            "--login-failures-per-address",
            "1000",
        ],
    )
    .await;
    let app = std::sync::Arc::new(app);
    let flood: Vec<_> = (0..32)
        .map(|_| {
            let app = app.clone();
            tokio::spawn(async move {
                let (response, _) = app.log_in(&app.username, "wrong password").await;
                response.status()
            })
        })
        .collect();
    // Give the flood a moment to reach the server, then ask for something else.
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let health = app.client.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    let list = app.call("list", &[]).await;
    assert_eq!(list.status(), StatusCode::OK);
    let still_hashing = flood.iter().filter(|task| !task.is_finished()).count();
    assert!(
        still_hashing > 0,
        "the other requests were answered before the flood was through"
    );
    for task in flood {
        assert_eq!(task.await.unwrap(), StatusCode::UNAUTHORIZED);
    }
    std::sync::Arc::into_inner(app)
        .expect("no other owners")
        .stop()
        .await;
}
