//! Throttles against guessing and mass sign-up, seen from clients on several networks:
//! log-in failures counted per (username, client network) before they run, a per-username
//! ceiling across networks, `X-Forwarded-For` believed only from trusted proxies (rightmost
//! untrusted hop), IPv6 counted per /64, a bounded password-hashing queue, and sign-ups per
//! network. Clients on other networks are simulated through a trusted proxy at 127.0.0.1.

use std::time::{Duration, Instant};

use futures::future::join_all;
use reqwest::{header, Client, Response, StatusCode};
use serde_json::Value;

use crate::helpers::{
    both_backends, client_forwarded_for, new_client, retry_after, spawn_app_with, unique_username,
    TestApp, PASSWORD,
};

both_backends!(
    parallel_wrong_passwords_get_only_the_allowed_failures,
    forwarded_for_is_ignored_without_trusted_proxies,
    ipv6_clients_count_per_64,
    the_ceiling_stops_guessing_from_many_networks,
    the_rightmost_untrusted_hop_is_the_client,
    a_full_hash_queue_turns_log_ins_away_at_once,
    sign_ups_are_limited_per_network,
    a_sign_up_limit_of_zero_is_off,
);

/// Believe `X-Forwarded-For` from the test itself, so clients can play other networks.
const BEHIND_PROXY: [&str; 2] = ["--trusted-proxies", "127.0.0.1"];

/// Tries `username` / `password` on `client`.
async fn log_in_on(app: &TestApp, client: &Client, username: &str, password: &str) -> Response {
    app.call_as(
        client,
        "account/log_in",
        &[("username", username), ("password", password)],
    )
    .await
}

/// Tries `username` / `password` as a client that the proxy forwards for `hops`.
async fn log_in_from(app: &TestApp, hops: &str, username: &str, password: &str) -> StatusCode {
    log_in_on(app, &client_forwarded_for(hops), username, password)
        .await
        .status()
}

/// Asserts a 429 with a `Retry-After` of at least a second; returns the wait.
fn assert_throttled(response: &Response) -> u64 {
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait = retry_after(response);
    assert!(wait >= 1, "Retry-After: {wait}");
    wait
}

/// 40 wrong passwords at once for one user from one network: only the allowed 5 are even
/// checked (each attempt is counted before it runs), the rest wait. The owner, on another
/// network, still gets in: guessing elsewhere locks nobody out.
async fn parallel_wrong_passwords_get_only_the_allowed_failures(backend: crate::helpers::Backend) {
    let app = spawn_app_with(backend, &BEHIND_PROXY).await;
    let guesser = "198.51.100.7";
    let responses = join_all((0..40).map(|i| {
        let app = &app;
        async move {
            log_in_on(
                app,
                &client_forwarded_for(guesser),
                &app.username,
                &format!("wrong guess {i}"),
            )
            .await
        }
    }))
    .await;
    let mut wrong = 0;
    for response in &responses {
        match response.status() {
            StatusCode::UNAUTHORIZED => wrong += 1,
            StatusCode::TOO_MANY_REQUESTS => {
                assert_throttled(response);
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(
        wrong, 5,
        "exactly --login-failures-per-user (5) were checked"
    );

    // The guessing network waits even with the right password ...
    let response = log_in_on(
        &app,
        &client_forwarded_for(guesser),
        &app.username,
        PASSWORD,
    )
    .await;
    assert_throttled(&response);
    // ... but the owner, elsewhere, is not locked out.
    assert_eq!(
        log_in_from(&app, "203.0.113.9", &app.username, PASSWORD).await,
        StatusCode::OK
    );
    app.stop().await;
}

/// Without `--trusted-proxies` anybody could write `X-Forwarded-For`: it is ignored, and every
/// client here is the one network 127.0.0.1. The first wait is a minute (then it doubles).
async fn forwarded_for_is_ignored_without_trusted_proxies(backend: crate::helpers::Backend) {
    let app = spawn_app_with(backend, &["--login-failures-per-user", "3"]).await;
    for i in 1..=3 {
        let status = log_in_from(&app, &format!("198.51.100.{i}"), &app.username, "wrong").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    // A "new network" in the header is still the same client.
    let response = log_in_on(
        &app,
        &client_forwarded_for("203.0.113.50"),
        &app.username,
        PASSWORD,
    )
    .await;
    let wait = assert_throttled(&response);
    assert!(wait <= 60, "the first wait is at most a minute: {wait}");
    let response = log_in_on(&app, &new_client(), &app.username, PASSWORD).await;
    assert_throttled(&response);
    app.stop().await;
}

/// IPv6 clients in one /64 (one household, one machine) count together; another /64 does not.
async fn ipv6_clients_count_per_64(backend: crate::helpers::Backend) {
    let mut settings = BEHIND_PROXY.to_vec();
    settings.extend(["--login-failures-per-user", "3"]);
    let app = spawn_app_with(backend, &settings).await;
    for hop in ["2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:ffff::9"] {
        assert_eq!(
            log_in_from(&app, hop, &app.username, "wrong").await,
            StatusCode::UNAUTHORIZED,
            "{hop}"
        );
    }
    let same_64 = log_in_on(
        &app,
        &client_forwarded_for("2001:db8:1:2:abcd::1"),
        &app.username,
        PASSWORD,
    )
    .await;
    assert_throttled(&same_64);
    assert_eq!(
        log_in_from(&app, "2001:db8:1:3::1", &app.username, PASSWORD).await,
        StatusCode::OK,
        "the next /64 is another network"
    );
    app.stop().await;
}

/// Guessing spread over many networks, each under its own limit, meets the per-username
/// ceiling; other users are not affected.
async fn the_ceiling_stops_guessing_from_many_networks(backend: crate::helpers::Backend) {
    let mut settings = BEHIND_PROXY.to_vec();
    settings.extend([
        "--login-failures-per-user",
        "3",
        "--login-ceiling-per-user",
        "6",
    ]);
    let app = spawn_app_with(backend, &settings).await;
    for i in 1..=6 {
        let hop = format!("198.51.100.{i}");
        assert_eq!(
            log_in_from(&app, &hop, &app.username, "wrong").await,
            StatusCode::UNAUTHORIZED,
            "{hop}"
        );
    }
    let fresh_network = "198.51.100.200";
    let response = log_in_on(
        &app,
        &client_forwarded_for(fresh_network),
        &app.username,
        PASSWORD,
    )
    .await;
    assert_throttled(&response);
    let other = app.sign_up().await;
    assert_eq!(
        log_in_from(&app, fresh_network, &other.username, PASSWORD).await,
        StatusCode::OK
    );
    app.stop().await;
}

/// Proxies append the address they saw; whatever stands to its left the client wrote itself.
/// A forged leftmost entry does not make a new client.
async fn the_rightmost_untrusted_hop_is_the_client(backend: crate::helpers::Backend) {
    let mut settings = BEHIND_PROXY.to_vec();
    settings.extend(["--login-failures-per-user", "3"]);
    let app = spawn_app_with(backend, &settings).await;
    let client = "198.51.100.7";
    for forged in ["10.9.9.1", "192.0.2.1", "2001:db8::1"] {
        let hops = format!("{forged}, {client}");
        assert_eq!(
            log_in_from(&app, &hops, &app.username, "wrong").await,
            StatusCode::UNAUTHORIZED
        );
    }
    // Yet another forged entry: still the same client, still waiting.
    let response = log_in_on(
        &app,
        &client_forwarded_for(&format!("203.0.113.77, {client}")),
        &app.username,
        PASSWORD,
    )
    .await;
    assert_throttled(&response);
    // The real client behind the last proxy hop is what counts: this one is new.
    assert_eq!(
        log_in_from(
            &app,
            &format!("{client}, 203.0.113.77"),
            &app.username,
            PASSWORD
        )
        .await,
        StatusCode::OK
    );
    app.stop().await;
}

/// With room for only two password checks, a burst of log-ins is partly turned away with 503
/// and `Retry-After` at once, instead of queueing; the others are answered as usual.
async fn a_full_hash_queue_turns_log_ins_away_at_once(backend: crate::helpers::Backend) {
    let app = spawn_app_with(
        backend,
        &[
            "--hash-queue",
            "2",
            "--login-failures-per-user",
            "1000",
            "--login-ceiling-per-user",
            "1000",
            "--login-failures-per-address",
            "1000",
        ],
    )
    .await;
    let answers = join_all((0..30).map(|i| {
        let app = &app;
        async move {
            let password = if i % 2 == 0 {
                PASSWORD
            } else {
                "wrong password"
            };
            let started = Instant::now();
            let response = log_in_on(app, &new_client(), &app.username, password).await;
            (response, started.elapsed())
        }
    }))
    .await;
    let (mut busy, mut answered) = (0, 0);
    for (response, took) in &answers {
        match response.status() {
            StatusCode::SERVICE_UNAVAILABLE => {
                busy += 1;
                assert!(retry_after(response) >= 1);
                assert!(
                    *took < Duration::from_secs(2),
                    "turned away at once, not after waiting: {took:?}"
                );
            }
            StatusCode::OK | StatusCode::UNAUTHORIZED => answered += 1,
            other => panic!("unexpected {other}"),
        }
    }
    assert!(busy > 0, "some were turned away");
    assert!(answered > 0, "some were checked");
    assert_eq!(busy + answered, 30);
    app.stop().await;
}

/// Signs up a new account as a client the proxy forwards for `hops`.
async fn sign_up_from(app: &TestApp, hops: &str, username: &str) -> Response {
    app.call_as(
        &client_forwarded_for(hops),
        "account/sign_up",
        &[("username", username), ("password", PASSWORD)],
    )
    .await
}

/// Three accounts an hour from one network: the fourth waits, with a message saying why; a
/// sign-up refused for a taken name uses no place; another network is not affected.
async fn sign_ups_are_limited_per_network(backend: crate::helpers::Backend) {
    let mut settings = BEHIND_PROXY.to_vec();
    settings.extend(["--signups-per-address", "3"]);
    // Start-up signs up one account from 127.0.0.1 itself: another network than those below.
    let app = spawn_app_with(backend, &settings).await;
    let network = "198.51.100.7";
    for _ in 0..2 {
        let response = sign_up_from(&app, network, &unique_username()).await;
        assert_eq!(response.status(), StatusCode::OK);
    }
    let taken = sign_up_from(&app, network, &app.username).await;
    assert_eq!(taken.status(), StatusCode::CONFLICT);
    let third = sign_up_from(&app, network, &unique_username()).await;
    assert_eq!(
        third.status(),
        StatusCode::OK,
        "the taken name used no place"
    );

    let fourth = sign_up_from(&app, network, &unique_username()).await;
    assert_throttled(&fourth);
    let error: Value = fourth.json().await.unwrap();
    assert!(
        error["TooManySignUps"]["retry_after_secs"].is_u64(),
        "{error}"
    );
    // Without JavaScript, the form shows why.
    let form = client_forwarded_for(network)
        .post(app.url("/fn/account/sign_up"))
        .header(header::ACCEPT, "text/html")
        .header(header::REFERER, app.url("/signup"))
        .form(&[
            ("username", unique_username().as_str()),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), StatusCode::FOUND);
    let back = form.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(back.starts_with(&app.url("/signup?")), "{back}");
    let page = new_client()
        .get(&back)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Too many accounts were created from your network"),
        "{page}"
    );

    let elsewhere = sign_up_from(&app, "203.0.113.9", &unique_username()).await;
    assert_eq!(elsewhere.status(), StatusCode::OK);
    app.stop().await;
}

/// `--signups-per-address 0` turns the limit off: a dozen accounts from one network (more
/// than the default of 10 an hour) all succeed.
async fn a_sign_up_limit_of_zero_is_off(backend: crate::helpers::Backend) {
    let app = spawn_app_with(backend, &["--signups-per-address", "0"]).await;
    let statuses = join_all((0..12).map(|_| {
        let app = &app;
        async move {
            app.call_as(
                &new_client(),
                "account/sign_up",
                &[("username", &unique_username()), ("password", PASSWORD)],
            )
            .await
            .status()
        }
    }))
    .await;
    assert!(
        statuses.iter().all(|status| *status == StatusCode::OK),
        "{statuses:?}"
    );
    assert_eq!(
        crate::helpers::count(&app, "SELECT COUNT(*) FROM users").await,
        13
    );
    app.stop().await;
}
