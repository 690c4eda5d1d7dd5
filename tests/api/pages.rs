//! Server-rendered pages: the first load shows the list, filters are real URLs, and more.

use reqwest::{header, StatusCode};

use crate::helpers::{both, TestApp};

both!(
    first_load_renders_the_list,
    filters_are_real_urls,
    empty_list_hides_main_and_footer,
    titles_are_escaped,
    unknown_pages_are_404,
    health_check_answers,
    responses_are_compressed,
);

async fn first_load_renders_the_list(app: &TestApp) {
    app.add("Buy milk").await;
    let second = app.add("Walk the dog").await;
    app.set_completed(&second, true).await;
    let (status, html) = app.page("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(r#"class="new-todo""#));
    assert!(html.contains("Buy milk") && html.contains("Walk the dog"));
    assert!(html.contains("<strong>1</strong> item left"), "{html}");
    assert!(html.contains(r#"<li class="completed">"#), "{html}");
    assert!(html.contains("Clear completed"));
    // The list is one island, which starts from the list the page carries as its data.
    assert_eq!(html.matches("<leptos-island").count(), 1, "{html}");
    assert!(html.contains(r#"data-component="TodoApp_"#), "{html}");
}

async fn filters_are_real_urls(app: &TestApp) {
    let done = app.add("done thing").await;
    app.add("open thing").await;
    app.set_completed(&done, true).await;

    let (_, active) = app.page("/active").await;
    // The page also carries the whole list as data for hydration: look at the rendered items.
    assert!(active.contains("<label>open thing</label>"));
    assert!(!active.contains("<label>done thing</label>"));
    assert!(
        active.contains(r#"href="/active" aria-current="page" class="selected""#),
        "{active}"
    );

    let (_, completed) = app.page("/completed").await;
    assert!(completed.contains("<label>done thing</label>"));
    assert!(!completed.contains("<label>open thing</label>"));

    let (_, all) = app.page("/").await;
    assert!(all.contains("<label>done thing</label>") && all.contains("<label>open thing</label>"));
}

async fn empty_list_hides_main_and_footer(app: &TestApp) {
    let (_, html) = app.page("/").await;
    assert!(html.contains(r#"class="new-todo""#));
    assert!(!html.contains(r#"class="main""#), "{html}");
    assert!(!html.contains(r#"class="footer""#));
    assert!(!html.contains("Clear completed"));
}

async fn titles_are_escaped(app: &TestApp) {
    app.add(r#"<script>alert("x")</script>"#).await;
    let (_, html) = app.page("/").await;
    assert!(!html.contains(r#"<script>alert("x")</script>"#));
    assert!(html.contains("&lt;script&gt;"));
    // The island's data, JSON in an HTML attribute, cannot end the attribute early: its
    // quotes are escaped for HTML too.
    assert!(html.contains(r#"alert(\&quot;x\&quot;)"#), "{html}");
    assert!(!html.contains(r#"alert(\"x\")"#), "{html}");
}

async fn unknown_pages_are_404(app: &TestApp) {
    let (status, html) = app.page("/no/such/page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("Page not found"));
}

async fn health_check_answers(app: &TestApp) {
    let (status, body) = app.page("/healthz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, "ok");
    // Static files come from the site root.
    let (status, _) = app.page("/favicon.svg").await;
    assert_eq!(status, StatusCode::OK);
}

async fn responses_are_compressed(app: &TestApp) {
    app.add("something to compress").await;
    let response = app
        .client
        .get(app.url("/"))
        .header(header::ACCEPT_ENCODING, "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()[header::CONTENT_ENCODING], "gzip");
}
