//! Rendered to-do pages kept in memory: served again only while the user's list is unchanged,
//! never to another user, always with a fresh nonce.

use reqwest::{header, Client, StatusCode};

use crate::helpers::{
    both, both_backends, execute, nonce_in, reopen_with, spawn_app_with, Backend, TestApp,
};

both!(
    a_kept_page_is_served_until_the_list_changes,
    changes_made_elsewhere_are_seen_at_once,
    each_user_gets_only_their_own_pages,
    each_filter_is_kept_apart,
    pages_with_a_query_are_rendered_every_time,
    kept_pages_go_out_gzipped_to_those_who_accept_it,
);
both_backends!(
    the_cache_can_be_turned_off,
    a_page_with_kept_rows_is_what_rendering_it_afresh_gives
);

/// The page at `path`: its cache status (`hit`, `miss` or none), nonce and body.
struct Fetched {
    cache: Option<String>,
    nonce: String,
    html: String,
}

async fn fetch(app: &TestApp, client: &Client, path: &str) -> Fetched {
    let response = client.get(app.url(path)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    let headers = response.headers().clone();
    let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    let nonce = nonce_in(csp).to_owned();
    Fetched {
        cache: headers
            .get("x-tick-page-cache")
            .map(|v| v.to_str().unwrap().to_owned()),
        nonce,
        html: response.text().await.unwrap(),
    }
}

async fn a_kept_page_is_served_until_the_list_changes(app: &TestApp) {
    let todo = app.add("first thing").await;
    let rendered = fetch(app, &app.client, "/").await;
    assert_eq!(rendered.cache.as_deref(), Some("miss"));

    let kept = fetch(app, &app.client, "/").await;
    assert_eq!(kept.cache.as_deref(), Some("hit"));
    // A fresh nonce, in the policy and on every inline script, and otherwise the same page.
    assert_ne!(kept.nonce, rendered.nonce);
    assert!(kept.html.contains(&format!(r#"nonce="{}""#, kept.nonce)));
    assert!(!kept.html.contains(&rendered.nonce));
    assert_eq!(
        kept.html.replace(&kept.nonce, "N"),
        rendered.html.replace(&rendered.nonce, "N")
    );

    // Each kind of change is seen on the next load.
    app.add("second thing").await;
    let after_add = fetch(app, &app.client, "/").await;
    assert_eq!(after_add.cache.as_deref(), Some("miss"));
    assert!(after_add.html.contains("<label>second thing</label>"));
    assert_eq!(
        fetch(app, &app.client, "/").await.cache.as_deref(),
        Some("hit")
    );

    app.set_completed(&todo, true).await;
    let after_toggle = fetch(app, &app.client, "/").await;
    assert_eq!(after_toggle.cache.as_deref(), Some("miss"));
    assert!(after_toggle.html.contains("<strong>1</strong> item left"));

    let id = todo["id"].to_string();
    let edited = app
        .call("edit", &[("id", &id), ("title", "renamed thing")])
        .await;
    assert_eq!(edited.status(), StatusCode::OK);
    let after_edit = fetch(app, &app.client, "/").await;
    assert!(after_edit.html.contains("<label>renamed thing</label>"));

    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(b"notes".to_vec()).file_name("notes.txt"),
    );
    let uploaded = app
        .client
        .post(app.url(&format!("/todos/{id}/attachments")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(uploaded.status(), StatusCode::CREATED);
    let after_upload = fetch(app, &app.client, "/").await;
    assert_eq!(after_upload.cache.as_deref(), Some("miss"));
    assert!(after_upload.html.contains("notes.txt"));

    let deleted = app.call("delete", &[("id", &id)]).await;
    assert_eq!(deleted.status(), StatusCode::OK);
    let after_delete = fetch(app, &app.client, "/").await;
    assert!(!after_delete.html.contains("<label>renamed thing</label>"));
    assert!(!after_delete.html.contains("notes.txt"));
}

/// Another server process on the same database writes straight to it.
async fn changes_made_elsewhere_are_seen_at_once(app: &TestApp) {
    app.add("before").await;
    fetch(app, &app.client, "/").await;
    assert_eq!(
        fetch(app, &app.client, "/").await.cache.as_deref(),
        Some("hit")
    );
    execute(app, "UPDATE todos SET title = 'changed elsewhere'").await;
    let page = fetch(app, &app.client, "/").await;
    assert_eq!(page.cache.as_deref(), Some("miss"));
    assert!(
        page.html.contains("<label>changed elsewhere</label>"),
        "{}",
        page.html
    );
}

async fn each_user_gets_only_their_own_pages(app: &TestApp) {
    app.add("alice's secret").await;
    fetch(app, &app.client, "/").await;
    // Bob's list is at the same version number as Alice's: only his own page may answer.
    let bob = app.sign_up().await;
    app.call_as(&bob.client, "todos/add", &[("title", "bob's thing")])
        .await;
    for _ in 0..2 {
        let page = fetch(app, &bob.client, "/").await;
        assert!(page.html.contains("<label>bob's thing</label>"));
        assert!(!page.html.contains("alice's secret"));
        assert!(page.html.contains(&bob.username));
    }
}

async fn each_filter_is_kept_apart(app: &TestApp) {
    let done = app.add("done thing").await;
    app.add("open thing").await;
    app.set_completed(&done, true).await;
    for _ in 0..2 {
        let active = fetch(app, &app.client, "/active").await;
        assert!(active.html.contains("<label>open thing</label>"));
        assert!(!active.html.contains("<label>done thing</label>"));
        let completed = fetch(app, &app.client, "/completed").await;
        assert!(completed.html.contains("<label>done thing</label>"));
        assert!(!completed.html.contains("<label>open thing</label>"));
    }
    assert_eq!(
        fetch(app, &app.client, "/active").await.cache.as_deref(),
        Some("hit")
    );
}

async fn pages_with_a_query_are_rendered_every_time(app: &TestApp) {
    let todo = app.add("edit me").await;
    let path = format!("/?edit={}", todo["id"]);
    for _ in 0..2 {
        let page = fetch(app, &app.client, &path).await;
        assert_eq!(page.cache, None);
        assert!(page.html.contains(r#"class="edit""#), "{}", page.html);
    }
    // Signed out: a redirect to the log-in page, never a kept page.
    for _ in 0..2 {
        let response = crate::helpers::new_client()
            .get(app.url("/"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FOUND);
        assert_eq!(response.headers()[header::LOCATION], "/login");
        assert!(response.headers().get("x-tick-page-cache").is_none());
    }
}

async fn the_cache_can_be_turned_off(backend: Backend) {
    let app = spawn_app_with(backend, &["--no-page-cache"]).await;
    app.add("a thing").await;
    for _ in 0..2 {
        let page = fetch(&app, &app.client, "/").await;
        assert_eq!(page.cache, None);
        assert!(page.html.contains("<label>a thing</label>"));
    }
    app.stop().await;
}

/// Pages rendered again (no page cache) take unchanged rows from the row cache: the page is the
/// one a server with no row cache renders, byte for byte, and shows every change.
async fn a_page_with_kept_rows_is_what_rendering_it_afresh_gives(backend: Backend) {
    let app = spawn_app_with(backend, &["--no-page-cache"]).await;
    let first = app.add("first <thing>").await;
    let second = app.add("second thing").await;
    app.add("third & last").await;
    fetch(&app, &app.client, "/").await; // every row kept
    app.set_completed(&first, true).await;
    let id = second["id"].to_string();
    let _: serde_json::Value = app
        .call_ok("edit", &[("id", &id), ("title", "second, renamed")])
        .await;
    app.add("fourth").await;
    let again = fetch(&app, &app.client, "/").await;
    for shown in [
        "<li class=\"completed\">",
        "<label>first &lt;thing&gt;</label>",
        "<label>second, renamed</label>",
        "<label>third &amp; last</label>",
        "<label>fourth</label>",
    ] {
        assert!(again.html.contains(shown), "{shown}");
    }
    assert!(!again.html.contains("<label>second thing</label>"));

    // The same user's page from a server on the same database that keeps no rows.
    let afresh = reopen_with(&app, &["--no-page-cache", "--no-row-cache"]).await;
    let fresh = fetch(&afresh, &app.client, "/").await;
    assert_eq!(
        again.html.replace(&again.nonce, "N"),
        fresh.html.replace(&fresh.nonce, "N")
    );
    afresh.stop().await;
    app.stop().await;
}

async fn kept_pages_go_out_gzipped_to_those_who_accept_it(app: &TestApp) {
    app.add("squeezed").await;
    let rendered = fetch(app, &app.client, "/").await;
    let response = app
        .client
        .get(app.url("/"))
        .header(header::ACCEPT_ENCODING, "gzip, deflate, br")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    assert_eq!(headers["x-tick-page-cache"], "hit");
    assert_eq!(headers[header::CONTENT_ENCODING], "gzip");
    assert_eq!(headers[header::VARY], "accept-encoding");
    let gzipped = response.bytes().await.unwrap();
    let mut html = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&gzipped[..]), &mut html)
        .expect("a valid gzip body");
    assert!(
        gzipped.len() < html.len(),
        "{} of {}",
        gzipped.len(),
        html.len()
    );
    let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    let nonce = nonce_in(csp);
    assert!(html.contains(&format!(r#"nonce="{nonce}""#)));
    assert_eq!(
        html.replace(nonce, "N"),
        rendered.html.replace(&rendered.nonce, "N")
    );
    // Without gzip in Accept-Encoding: the plain page.
    let plain = app
        .client
        .get(app.url("/"))
        .header(header::ACCEPT_ENCODING, "identity")
        .send()
        .await
        .unwrap();
    assert!(plain.headers().get(header::CONTENT_ENCODING).is_none());
    assert!(plain
        .text()
        .await
        .unwrap()
        .contains("<label>squeezed</label>"));
}
