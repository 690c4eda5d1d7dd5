//! The `tick` binary itself: its help text, and a graceful stop on SIGTERM.

use std::{
    net::TcpListener,
    process::{Command, Stdio},
    time::{Duration, Instant},
};

#[test]
fn help_lists_every_setting_with_its_environment_variable() {
    let output = Command::new(env!("CARGO_BIN_EXE_tick"))
        .arg("--help")
        .output()
        .expect("tick runs");
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    for (flag, env) in [
        ("--addr", "TICK_ADDR"),
        ("--database-url", "DATABASE_URL"),
        ("--data-dir", "TICK_DATA_DIR"),
        ("--log", "TICK_LOG"),
        ("--site-root", "LEPTOS_SITE_ROOT"),
    ] {
        assert!(help.contains(flag), "{flag} missing from:\n{help}");
        assert!(help.contains(env), "{env} missing from:\n{help}");
    }
}

#[test]
fn a_bad_setting_is_explained() {
    let output = Command::new(env!("CARGO_BIN_EXE_tick"))
        .args(["--addr", "not-an-address"])
        .output()
        .expect("tick runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("--addr"), "{stderr}");
}

#[tokio::test]
async fn stops_gracefully_on_sigterm_and_creates_its_data_directory() {
    let port = {
        let probe = TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("nested").join("data");
    let mut child = Command::new(env!("CARGO_BIN_EXE_tick"))
        .env("TICK_ADDR", format!("127.0.0.1:{port}"))
        .env("TICK_DATA_DIR", &data_dir)
        .env("TICK_LOG", "warn")
        .env_remove("DATABASE_URL")
        .stdout(Stdio::null())
        .spawn()
        .expect("tick starts");

    let client = reqwest::Client::new();
    let health = format!("http://127.0.0.1:{port}/healthz");
    let started = Instant::now();
    loop {
        if let Ok(response) = client.get(&health).send().await {
            assert_eq!(response.status(), 200);
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "tick did not start"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        data_dir.join("tick.db").exists(),
        "the SQLite file is created on first run"
    );

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "tick did not stop"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(status.success(), "a graceful stop exits 0, got {status}");
}
