//! The JSON API at /api/v1: the Todo-Backend contract, tokens, errors, CORS, OpenAPI.

use reqwest::{header, Client, Method, RequestBuilder, Response, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{both, both_backends, count, spawn_app_with, TestApp};

both!(
    todo_backend_contract,
    lists_filter_and_page,
    bad_requests_get_clear_json_errors,
    credentials_are_required,
    revoked_tokens_stop_working,
    the_session_cookie_works_only_from_tick_itself,
    users_cannot_reach_each_others_todos,
    cors_preflight_and_headers,
    openapi_document_lists_every_route,
    ui_and_api_see_the_same_list,
    token_management,
);

both_backends!(public_url_setting);

/// A client with no cookies and `token` as its bearer.
struct Api<'a> {
    app: &'a TestApp,
    client: Client,
    token: String,
}

impl<'a> Api<'a> {
    async fn new(app: &'a TestApp) -> Api<'a> {
        let token = create_token(app, &app.client, "tests").await["secret"]
            .as_str()
            .unwrap()
            .to_owned();
        Api {
            app,
            client: Client::new(),
            token,
        }
    }

    fn request(&self, method: Method, path_or_url: &str) -> RequestBuilder {
        let url = if path_or_url.starts_with("http") {
            path_or_url.to_owned()
        } else {
            self.app.url(path_or_url)
        };
        self.client.request(method, url).bearer_auth(&self.token)
    }

    async fn send(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let mut request = self.request(method, path);
        if let Some(body) = body {
            request = request.json(&body);
        }
        parse(request.send().await.unwrap()).await
    }
}

async fn parse(response: Response) -> (StatusCode, Value) {
    let status = response.status();
    let text = response.text().await.unwrap();
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"))
    };
    (status, body)
}

async fn create_token(app: &TestApp, client: &Client, name: &str) -> Value {
    let response = app
        .call_as(client, "tokens/create", &[("name", name)])
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

async fn todo_backend_contract(app: &TestApp) {
    let api = Api::new(app).await;
    let (status, _) = api.send(Method::DELETE, "/api/v1/todos", None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, list) = api.send(Method::GET, "/api/v1/todos", None).await;
    assert_eq!(list, json!([]));

    let response = api
        .request(Method::POST, "/api/v1/todos")
        .json(&json!({"title": "walk the dog"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let location = response.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned();
    let (_, created) = parse(response).await;
    assert_eq!(created["title"], "walk the dog");
    assert_eq!(created["completed"], false, "new to-dos are not completed");
    let url = created["url"].as_str().unwrap().to_owned();
    assert_eq!(url, location);
    assert_eq!(url, app.url(&format!("/api/v1/todos/{}", created["id"])));
    for field in ["created_at", "updated_at"] {
        let stamp = created[field].as_str().unwrap();
        assert!(
            stamp.len() == 20 && stamp.ends_with('Z') && &stamp[10..11] == "T",
            "{stamp}"
        );
    }

    // Navigate from the list to the to-do by its url.
    let (_, list) = api.send(Method::GET, "/api/v1/todos", None).await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    let (status, fetched) = api
        .send(Method::GET, list[0]["url"].as_str().unwrap(), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(fetched, created);

    let (status, patched) = api
        .send(Method::PATCH, &url, Some(json!({"title": "bathe the cat"})))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(patched["title"], "bathe the cat");
    let (_, patched) = api
        .send(Method::PATCH, &url, Some(json!({"completed": true})))
        .await;
    assert_eq!(patched["completed"], true);
    assert_eq!(patched["title"], "bathe the cat", "unsent fields stay");
    let (_, refetched) = api.send(Method::GET, &url, None).await;
    assert_eq!(refetched["completed"], true);
    assert_eq!(refetched["title"], "bathe the cat");

    // `order` round-trips.
    let (_, ordered) = api
        .send(
            Method::POST,
            "/api/v1/todos",
            Some(json!({"title": "ordered", "order": 523})),
        )
        .await;
    assert_eq!(ordered["order"], 523);
    let ordered_url = ordered["url"].as_str().unwrap().to_owned();
    let (_, reordered) = api
        .send(Method::PATCH, &ordered_url, Some(json!({"order": 95})))
        .await;
    assert_eq!(reordered["order"], 95);
    let (_, reordered) = api.send(Method::GET, &ordered_url, None).await;
    assert_eq!(reordered["order"], 95);

    let (status, _) = api.send(Method::DELETE, &url, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, error) = api.send(Method::GET, &url, None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(error["error"]["code"], "not_found");

    let (status, _) = api.send(Method::DELETE, "/api/v1/todos", None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, list) = api.send(Method::GET, "/api/v1/todos", None).await;
    assert_eq!(list, json!([]));
}

async fn lists_filter_and_page(app: &TestApp) {
    let api = Api::new(app).await;
    for (i, done) in [false, true, false, true, false].into_iter().enumerate() {
        let (status, _) = api
            .send(
                Method::POST,
                "/api/v1/todos",
                Some(json!({"title": format!("t{i}"), "completed": done})),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let titles = |list: Value| -> Vec<String> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|t| t["title"].as_str().unwrap().to_owned())
            .collect()
    };
    let (_, done) = api
        .send(Method::GET, "/api/v1/todos?completed=true", None)
        .await;
    assert_eq!(titles(done), ["t1", "t3"]);
    let (_, open) = api
        .send(Method::GET, "/api/v1/todos?completed=false", None)
        .await;
    assert_eq!(titles(open), ["t0", "t2", "t4"]);
    let (_, page) = api
        .send(Method::GET, "/api/v1/todos?limit=2&offset=1", None)
        .await;
    assert_eq!(titles(page), ["t1", "t2"]);
    let (_, page) = api
        .send(
            Method::GET,
            "/api/v1/todos?completed=false&limit=1&offset=2",
            None,
        )
        .await;
    assert_eq!(titles(page), ["t4"]);
    for bad in [
        "limit=abc",
        "limit=0",
        "limit=1001",
        "offset=-1",
        "completed=maybe",
    ] {
        let (status, error) = api
            .send(Method::GET, &format!("/api/v1/todos?{bad}"), None)
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(error["error"]["code"], "bad_query", "{bad}");
    }
}

async fn bad_requests_get_clear_json_errors(app: &TestApp) {
    let api = Api::new(app).await;
    let raw = |method: Method, path: &str, content_type: &str, body: Vec<u8>| {
        api.request(method, path)
            .header(header::CONTENT_TYPE, content_type.to_owned())
            .body(body)
            .send()
    };
    let (status, error) = parse(
        raw(
            Method::POST,
            "/api/v1/todos",
            "application/json",
            b"{\"title\": ".to_vec(),
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error["error"]["code"], "malformed_json");

    let (status, error) = parse(
        raw(
            Method::POST,
            "/api/v1/todos",
            "text/plain",
            b"{\"title\": \"x\"}".to_vec(),
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(error["error"]["code"], "unsupported_media_type");

    let huge = format!("{{\"title\": \"{}\"}}", "x".repeat(70 * 1024));
    let (status, error) = parse(
        raw(
            Method::POST,
            "/api/v1/todos",
            "application/json",
            huge.into_bytes(),
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(error["error"]["code"], "payload_too_large");

    let cases = [
        (
            json!({"title": "   "}),
            Some("Please enter a title for the to-do."),
        ),
        (
            json!({"title": "x".repeat(501)}),
            Some("The title is too long: 501 characters, the most is 500."),
        ),
        (json!({"completed": true}), None),
        (json!({"title": "ok", "completed": "yes"}), None),
        (json!({"title": 5}), None),
    ];
    for (body, title_message) in cases {
        let (status, error) = api
            .send(Method::POST, "/api/v1/todos", Some(body.clone()))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(error["error"]["code"], "invalid", "{body}");
        assert!(!error["error"]["message"].as_str().unwrap().is_empty());
        if let Some(message) = title_message {
            assert_eq!(error["error"]["fields"]["title"], message, "{body}");
        }
    }
    let (_, todo) = api
        .send(
            Method::POST,
            "/api/v1/todos",
            Some(json!({"title": "kept"})),
        )
        .await;
    let url = todo["url"].as_str().unwrap();
    let (status, error) = api
        .send(Method::PATCH, url, Some(json!({"title": ""})))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        error["error"]["fields"]["title"],
        "Please enter a title for the to-do."
    );
    let (_, todo) = api.send(Method::GET, url, None).await;
    assert_eq!(todo["title"], "kept", "a refused change changes nothing");

    for path in ["/api/v1/todos/abc", "/api/v1/todos/99999999"] {
        let (status, error) = api.send(Method::GET, path, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(error["error"]["code"], "not_found");
    }
    let (status, error) = api.send(Method::GET, "/api/v1/nothing-here", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(error["error"]["code"], "not_found");
    let (status, error) = api.send(Method::PUT, "/api/v1/todos", None).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(error["error"]["code"], "method_not_allowed");
    assert_eq!(count(app, "SELECT COUNT(*) FROM todos").await, 1);
}

async fn credentials_are_required(app: &TestApp) {
    let anonymous = Client::new();
    let response = anonymous
        .get(app.url("/api/v1/todos"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(response.headers()[header::WWW_AUTHENTICATE]
        .to_str()
        .unwrap()
        .starts_with("Bearer"));
    let (_, error) = parse(response).await;
    assert_eq!(error["error"]["code"], "unauthorized");

    for bad in [
        "Bearer tick_0000",
        "Bearer nonsense",
        "Basic dXNlcjpwYXNz",
        "Bearer ",
    ] {
        let response = anonymous
            .post(app.url("/api/v1/todos"))
            .header(header::AUTHORIZATION, bad)
            .json(&json!({"title": "sneaky"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{bad}");
        assert!(response.headers()[header::WWW_AUTHENTICATE]
            .to_str()
            .unwrap()
            .contains("invalid_token"));
    }
    assert_eq!(count(app, "SELECT COUNT(*) FROM todos").await, 0);
}

async fn revoked_tokens_stop_working(app: &TestApp) {
    let api = Api::new(app).await;
    let (status, _) = api.send(Method::GET, "/api/v1/todos", None).await;
    assert_eq!(status, StatusCode::OK);
    let listed: Value = app
        .call_as(&app.client, "tokens/list", &[])
        .await
        .json()
        .await
        .unwrap();
    let token = &listed["tokens"][0];
    assert!(token["last_used_at"].is_string(), "{listed}");
    let id = token["id"].to_string();
    let revoked = app
        .call_as(&app.client, "tokens/revoke", &[("id", &id)])
        .await;
    assert_eq!(revoked.status(), StatusCode::OK);
    let (status, error) = api.send(Method::GET, "/api/v1/todos", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(error["error"]["code"], "invalid_token");
}

async fn the_session_cookie_works_only_from_tick_itself(app: &TestApp) {
    // Tick's own pages: the cookie is enough.
    let response = app
        .client
        .get(app.url("/api/v1/todos"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let created = app
        .client
        .post(app.url("/api/v1/todos"))
        .header("sec-fetch-site", "same-origin")
        .json(&json!({"title": "from the page"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);

    // Another site: the cookie is not used to read, and writing is refused outright.
    let read = app
        .client
        .get(app.url("/api/v1/todos"))
        .header("sec-fetch-site", "cross-site")
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), StatusCode::UNAUTHORIZED);
    let write = app
        .client
        .delete(app.url("/api/v1/todos"))
        .header("sec-fetch-site", "cross-site")
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(write.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.titles().await, ["from the page"]);

    // Another site with a token: allowed, as the token's user.
    let api = Api::new(app).await;
    let response = api
        .request(Method::POST, "/api/v1/todos")
        .header("sec-fetch-site", "cross-site")
        .header("origin", "https://other-app.example")
        .json(&json!({"title": "from another origin"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(response.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
}

async fn users_cannot_reach_each_others_todos(app: &TestApp) {
    let mine = Api::new(app).await;
    let (_, todo) = mine
        .send(
            Method::POST,
            "/api/v1/todos",
            Some(json!({"title": "mine"})),
        )
        .await;
    let url = todo["url"].as_str().unwrap().to_owned();

    let other_user = app.sign_up().await;
    let secret = create_token(app, &other_user.client, "other").await["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let other = Api {
        app,
        client: Client::new(),
        token: secret,
    };
    let (_, list) = other.send(Method::GET, "/api/v1/todos", None).await;
    assert_eq!(list, json!([]));
    for (method, body) in [
        (Method::GET, None),
        (Method::PATCH, Some(json!({"title": "hijacked"}))),
        (Method::DELETE, None),
    ] {
        let (status, error) = other.send(method.clone(), &url, body).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{method}");
        assert_eq!(error["error"]["code"], "not_found");
    }
    let (status, _) = other.send(Method::DELETE, "/api/v1/todos", None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, still) = mine.send(Method::GET, &url, None).await;
    assert_eq!(still["title"], "mine");
}

async fn cors_preflight_and_headers(app: &TestApp) {
    let client = Client::new();
    let preflight = client
        .request(Method::OPTIONS, app.url("/api/v1/todos/1"))
        .header("origin", "https://other-app.example")
        .header("access-control-request-method", "PATCH")
        .header(
            "access-control-request-headers",
            "authorization, content-type",
        )
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success(), "{}", preflight.status());
    let headers = preflight.headers();
    assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    let methods = headers[header::ACCESS_CONTROL_ALLOW_METHODS]
        .to_str()
        .unwrap();
    for method in ["GET", "POST", "PATCH", "DELETE"] {
        assert!(methods.contains(method), "{methods}");
    }
    let allowed = headers[header::ACCESS_CONTROL_ALLOW_HEADERS]
        .to_str()
        .unwrap()
        .to_lowercase();
    assert!(
        allowed.contains("authorization") && allowed.contains("content-type"),
        "{allowed}"
    );
    assert!(!headers.contains_key(header::ACCESS_CONTROL_ALLOW_CREDENTIALS));

    let api = Api::new(app).await;
    let response = api
        .request(Method::GET, "/api/v1/todos")
        .header("origin", "https://other-app.example")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], "*");
    assert!(!response
        .headers()
        .contains_key(header::ACCESS_CONTROL_ALLOW_CREDENTIALS));
}

async fn openapi_document_lists_every_route(app: &TestApp) {
    let (status, doc) = parse(
        Client::new()
            .get(app.url("/api/v1/openapi.json"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"), "{doc}");
    let routes: [(&str, &[&str]); 10] = [
        ("/api/v1/todos", &["get", "post", "delete"]),
        ("/api/v1/todos/{id}", &["get", "patch", "delete"]),
        ("/api/v1/lists", &["get", "post"]),
        ("/api/v1/lists/{id}", &["get", "patch", "delete"]),
        ("/api/v1/lists/{id}/todos", &["get", "post", "delete"]),
        (
            "/api/v1/lists/{id}/todos/{todo}",
            &["get", "patch", "delete"],
        ),
        ("/api/v1/lists/{id}/members", &["get", "post"]),
        (
            "/api/v1/lists/{id}/members/{username}",
            &["patch", "delete"],
        ),
        ("/api/v1/todos/{id}/attachments", &["get", "post"]),
        (
            "/api/v1/todos/{id}/attachments/{attachment}",
            &["get", "delete"],
        ),
    ];
    for (path, methods) in routes {
        for method in methods {
            assert!(
                doc["paths"][path][method].is_object(),
                "{method} {path} missing"
            );
        }
    }
    assert_eq!(doc["paths"].as_object().unwrap().len(), 10);
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    for schema in [
        "ApiTodo",
        "NewTodo",
        "TodoPatch",
        "ApiAttachment",
        "ErrorBody",
        "ApiList",
        "ListNameBody",
        "Member",
        "Role",
        "NewMember",
        "MemberPatch",
    ] {
        assert!(doc["components"]["schemas"][schema].is_object(), "{schema}");
    }
}

async fn ui_and_api_see_the_same_list(app: &TestApp) {
    let api = Api::new(app).await;
    app.add("from the page").await;
    let (_, created) = api
        .send(
            Method::POST,
            "/api/v1/todos",
            Some(json!({"title": "from a script"})),
        )
        .await;
    assert_eq!(app.titles().await, ["from the page", "from a script"]);
    let (_, list) = api.send(Method::GET, "/api/v1/todos", None).await;
    assert_eq!(list[0]["title"], "from the page");
    api.send(
        Method::PATCH,
        created["url"].as_str().unwrap(),
        Some(json!({"completed": true})),
    )
    .await;
    let (_, html) = app.page("/completed").await;
    assert!(html.contains("<label>from a script</label>"), "{html}");
}

async fn token_management(app: &TestApp) {
    let empty = app
        .call_as(&app.client, "tokens/create", &[("name", "  ")])
        .await;
    assert_eq!(empty.status(), StatusCode::BAD_REQUEST);
    let created = create_token(app, &app.client, "  laptop script ").await;
    let secret = created["secret"].as_str().unwrap();
    assert!(
        secret.starts_with("tick_") && secret.len() == 69,
        "{secret}"
    );
    assert_eq!(created["token"]["name"], "laptop script");
    assert!(created["token"]["last_used_at"].is_null());

    // Only a hash is stored.
    let stored = count(
        app,
        &format!("SELECT COUNT(*) FROM api_tokens WHERE token_hash = '{secret}'"),
    )
    .await;
    assert_eq!(stored, 0);
    assert_eq!(
        count(
            app,
            "SELECT COUNT(*) FROM api_tokens WHERE length(token_hash) = 64"
        )
        .await,
        1
    );

    let listed: Value = app
        .call_as(&app.client, "tokens/list", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["tokens"].as_array().unwrap().len(), 1);
    assert!(listed["tokens"][0].get("secret").is_none());
    assert!(
        !listed.to_string().contains(secret),
        "the secret is never shown again"
    );

    // Another user cannot see or revoke it.
    let other = app.sign_up().await;
    let theirs: Value = app
        .call_as(&other.client, "tokens/list", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(theirs["tokens"], json!([]));
    let id = created["token"]["id"].to_string();
    let refused = app
        .call_as(&other.client, "tokens/revoke", &[("id", &id)])
        .await;
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
    let anonymous = app.call_as(&Client::new(), "tokens/list", &[]).await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    // Deleting the account takes its tokens along.
    let deleted = app
        .call_as(
            &app.client,
            "account/delete",
            &[("password", crate::helpers::PASSWORD)],
        )
        .await;
    assert_eq!(deleted.status(), StatusCode::OK);
    assert_eq!(count(app, "SELECT COUNT(*) FROM api_tokens").await, 0);
}

async fn public_url_setting(backend: crate::helpers::Backend) {
    let app = spawn_app_with(backend, &["--public-url", "https://tick.example.com/"]).await;
    let api = Api::new(&app).await;
    let (_, todo) = api
        .send(Method::POST, "/api/v1/todos", Some(json!({"title": "x"})))
        .await;
    assert_eq!(
        todo["url"],
        format!("https://tick.example.com/api/v1/todos/{}", todo["id"])
    );
    app.stop().await;
}
