//! Stopping the real `tick` process with SIGTERM: with nothing in flight it exits at once; a
//! request in flight is let finish (while new connections are refused) and then it exits; a
//! request still running after `--shutdown-timeout` is cut, named in the log and cleaned up
//! after (no staged upload left), and the process still exits 0.

use std::{
    process::Command,
    time::{Duration, Instant},
};

use tokio::{io::AsyncWriteExt, net::TcpStream};

use crate::helpers::{
    add_at, count_at, entries, new_database, read_response, request_head, session_cookie,
    sign_up_at, staged_in, tick_args, wait_until, Backend, TickProcess,
};

async fn start_tick(data_dir: &std::path::Path, url: &str, settings: &[&str]) -> TickProcess {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tick"));
    command.args(tick_args(data_dir, url)).args(settings);
    TickProcess::start(command).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_with_nothing_in_flight_exits_at_once() {
    let database = new_database(Backend::Sqlite).await;
    let settings = ["--shutdown-timeout", "30s"];
    let mut tick = start_tick(database.data_dir.path(), &database.url, &settings).await;
    // A browser's idle keep-alive connection does not hold the stop up.
    let mut idle = TcpStream::connect(tick.host()).await.unwrap();
    let head = request_head("GET", "/healthz", &tick.host(), &[]);
    idle.write_all(head.as_bytes()).await.unwrap();
    assert_eq!(read_response(&mut idle).await.unwrap().status, 200);

    let started = Instant::now();
    tick.terminate();
    let status = tick
        .exit_within(Duration::from_secs(10))
        .await
        .expect("tick stops");
    assert!(status.success(), "exit status {status}:\n{}", tick.log());
    let took = started.elapsed();
    assert!(took < Duration::from_secs(3), "took {took:?} to stop");
    let log = tick.log();
    assert!(log.contains("Tick has stopped"), "{log}");
    assert!(!log.contains("were cut"), "{log}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_cuts_an_upload_still_running_after_the_shutdown_timeout() {
    let database = new_database(Backend::Sqlite).await;
    let data_dir = database.data_dir.path().to_owned();
    let settings = ["--shutdown-timeout", "2s"];
    let mut tick = start_tick(&data_dir, &database.url, &settings).await;
    let user = sign_up_at(&tick.address).await;
    let todo = add_at(&tick.address, &user, "a big upload").await;
    let cookie = session_cookie(&tick.address, &user.username).await;

    // An upload of 10 MiB that trickles: 16 KiB every 200 ms, far from done when stopped.
    let boundary = "tick-test-boundary";
    let part = crate::helpers::file_part_head(boundary, "big.bin", "application/octet-stream");
    let length = (part.len() + (10 << 20)).to_string();
    let content_type = format!("multipart/form-data; boundary={boundary}");
    let path = format!("/todos/{}/attachments", todo["id"]);
    let head = request_head(
        "POST",
        &path,
        &tick.host(),
        &[
            ("Cookie", &cookie),
            ("Content-Type", &content_type),
            ("Content-Length", &length),
        ],
    );
    let mut upload = TcpStream::connect(tick.host()).await.unwrap();
    upload.write_all(head.as_bytes()).await.unwrap();
    upload.write_all(part.as_bytes()).await.unwrap();
    let trickle = tokio::spawn(async move {
        for _ in 0..100 {
            if upload.write_all(&[1u8; 16 * 1024]).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    });
    assert!(wait_until(Duration::from_secs(5), || staged_in(&data_dir) == 1).await);

    let started = Instant::now();
    tick.terminate();
    let status = tick
        .exit_within(Duration::from_secs(10))
        .await
        .expect("tick stops");
    let took = started.elapsed();
    let log = tick.log();
    assert!(status.success(), "exit status {status}:\n{log}");
    // It gave the upload its 2 s, and not much more.
    assert!(
        took >= Duration::from_millis(1800) && took < Duration::from_secs(6),
        "stopped after {took:?}"
    );
    let cut = log
        .lines()
        .find(|line| line.contains("were cut"))
        .unwrap_or_else(|| panic!("no line about cut requests:\n{log}"));
    assert!(cut.contains(&format!("POST {path}")), "{cut}");
    trickle.abort();

    // Nothing of the cut upload is left.
    assert_eq!(staged_in(&data_dir), 0);
    assert!(entries(&data_dir.join("attachments").join("files")).is_empty());
    let rows = count_at(&database.url, "SELECT COUNT(*) FROM attachments").await;
    assert_eq!(rows, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_lets_a_request_in_flight_finish_and_refuses_new_connections() {
    let database = new_database(Backend::Sqlite).await;
    let data_dir = database.data_dir.path().to_owned();
    let settings = ["--shutdown-timeout", "10s"];
    let mut tick = start_tick(&data_dir, &database.url, &settings).await;
    let user = sign_up_at(&tick.address).await;
    let todo = add_at(&tick.address, &user, "finished in time").await;
    let cookie = session_cookie(&tick.address, &user.username).await;

    // An upload of 1 MiB, half sent when the signal comes; the rest follows a second later.
    let boundary = "tick-test-boundary";
    let part = crate::helpers::file_part_head(boundary, "late.bin", "application/octet-stream");
    let tail = format!("\r\n--{boundary}--\r\n");
    let half = 512 * 1024;
    let length = (part.len() + 2 * half + tail.len()).to_string();
    let content_type = format!("multipart/form-data; boundary={boundary}");
    let head = request_head(
        "POST",
        &format!("/todos/{}/attachments", todo["id"]),
        &tick.host(),
        &[
            ("Cookie", &cookie),
            ("Content-Type", &content_type),
            ("Content-Length", &length),
        ],
    );
    let mut upload = TcpStream::connect(tick.host()).await.unwrap();
    upload.write_all(head.as_bytes()).await.unwrap();
    upload.write_all(part.as_bytes()).await.unwrap();
    upload.write_all(&vec![3u8; half]).await.unwrap();
    assert!(wait_until(Duration::from_secs(5), || staged_in(&data_dir) == 1).await);

    let started = Instant::now();
    tick.terminate();
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(
        tick.exit_within(Duration::ZERO).await.is_none(),
        "it did not wait"
    );
    // No new connections meanwhile.
    assert!(TcpStream::connect(tick.host()).await.is_err());
    upload.write_all(&vec![4u8; half]).await.unwrap();
    upload.write_all(tail.as_bytes()).await.unwrap();
    let answer = read_response(&mut upload).await.expect("an answer");
    assert_eq!(answer.status, 201, "{}", answer.text());

    // Then it stops, well before its shutdown timeout, and nothing was cut.
    let status = tick
        .exit_within(Duration::from_secs(5))
        .await
        .expect("tick stops once the request is done");
    assert!(status.success(), "{}", tick.log());
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(!tick.log().contains("were cut"));
    assert_eq!(
        entries(&data_dir.join("attachments").join("files")).len(),
        1
    );
    let rows = count_at(&database.url, "SELECT COUNT(*) FROM attachments").await;
    assert_eq!(rows, 1);
}
