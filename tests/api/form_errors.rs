//! A plain form's failure comes back to its page in the address, where anyone can write
//! anything: a page shows only words the server could have sent.

use leptos::server_fn::error::ServerFnUrlError;
use reqwest::{header, StatusCode};
use tick::{domain::TodoTitleError, error::AppError};

use crate::helpers::{both, new_client, TestApp};

both!(
    crafted_failures_show_a_generic_message,
    real_failures_show_their_own_words,
);

/// A redirect's target as a full URL.
fn absolute(app: &TestApp, location: &str) -> String {
    if location.starts_with("http") {
        location.to_owned()
    } else {
        app.url(location)
    }
}

/// The address a failed plain form post to `function` would be sent back to, on `page`.
fn failure_address(app: &TestApp, page: &str, function: &str, err: AppError) -> String {
    ServerFnUrlError::new(function, err)
        .to_url(&app.url(page))
        .unwrap()
        .to_string()
}

async fn crafted_failures_show_a_generic_message(app: &TestApp) {
    let lure = "Your account is locked: call +1 555 0100";
    for err in [
        AppError::Invalid(lure.into()),
        AppError::Conflict(lure.into()),
        AppError::TooLarge(lure.into()),
    ] {
        // On a signed-out page (the log-in form) and on the list itself.
        let login = failure_address(app, "/login", "/fn/account/log_in", err.clone());
        let page = new_client().get(login).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        let body = page.text().await.unwrap();
        assert!(!body.contains("555"), "{body}");
        assert!(body.contains("That did not work. Please try again."));

        let list = failure_address(app, "/", "/fn/todos/add", err);
        let body = app
            .client
            .get(list)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!body.contains("555"));
        assert!(body.contains("That did not work. Please try again."));
    }
}

async fn real_failures_show_their_own_words(app: &TestApp) {
    // A title that is too long, posted without JavaScript: the list shows why.
    let too_long = "x".repeat(501);
    let response = app.post_form("add", &[("title", &too_long)], "/").await;
    assert_eq!(response.status(), StatusCode::FOUND);
    let location = response.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned();
    let body = app
        .client
        .get(absolute(app, &location))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let expected = TodoTitleError::TooLong { chars: 501 }.to_string();
    assert!(body.contains(&expected), "{body}");

    // A wrong password on the log-in form.
    let client = new_client();
    let response = client
        .post(app.url("/fn/account/log_in"))
        .header(header::ACCEPT, "text/html")
        .header(header::REFERER, app.url("/login"))
        .form(&[
            ("username", app.username.as_str()),
            ("password", "not the password"),
        ])
        .send()
        .await
        .unwrap();
    let location = response.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned();
    let body = client
        .get(absolute(app, &location))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(body.contains("Wrong username or password."), "{body}");
}
