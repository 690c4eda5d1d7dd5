//! `make bench-events`: opens many live-update streams (`/events`) on a running Tick, then
//! measures the server's memory per open stream and how long one change takes to reach all of
//! them. A benchmark that reports, not a test.
//!
//! Usage: bench_events URL SESSION_COOKIE TOKEN SERVER_PID [STREAMS]

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use tokio::sync::{Barrier, Mutex};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, url, cookie, token, pid, rest @ ..] = args.as_slice() else {
        eprintln!("usage: bench_events URL SESSION_COOKIE TOKEN SERVER_PID [STREAMS]");
        std::process::exit(2);
    };
    let streams: usize = rest.first().map_or(Ok(1000), |n| n.parse())?;

    // Every stream gets a connection of its own, as every browser would. They open in two
    // halves; memory is read after each, so the cost of a stream is the growth between them
    // (whatever the server held before, and gives back meanwhile, cancels out).
    let arrivals = Arc::new(Mutex::new(Vec::with_capacity(streams)));
    let mut memory = Vec::new();
    for half in [streams / 2, streams - streams / 2] {
        let ready = Arc::new(Barrier::new(half + 1));
        for _ in 0..half {
            open_stream(url, cookie, ready.clone(), arrivals.clone())?;
        }
        ready.wait().await;
        // Let the server settle before reading its memory.
        tokio::time::sleep(Duration::from_millis(1000)).await;
        memory.push(rss_kib(pid)?);
    }
    let per_stream = memory[1].saturating_sub(memory[0]) as f64 / (streams - streams / 2) as f64;

    let started = Instant::now();
    let api = reqwest::Client::new();
    let created = api
        .post(format!("{url}/api/v1/todos"))
        .bearer_auth(token)
        .json(&serde_json::json!({ "title": "one change for every stream" }))
        .send()
        .await?;
    let written = started.elapsed();
    assert!(created.status().is_success(), "{}", created.status());
    let deadline = Instant::now() + Duration::from_secs(30);
    while arrivals.lock().await.len() < streams && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let mut delays: Vec<Duration> = arrivals
        .lock()
        .await
        .iter()
        .map(|at| at.duration_since(started))
        .collect();
    delays.sort();
    let at =
        |q: f64| delays[((delays.len() as f64 * q).ceil() as usize).clamp(1, delays.len()) - 1];
    println!("open streams: {streams}, reached: {}", delays.len());
    println!(
        "server memory: {} KiB with half the streams open, {} KiB with all: {:.1} KiB per stream",
        memory[0], memory[1], per_stream
    );
    println!(
        "the write itself (POST /api/v1/todos): {:.1} ms",
        ms(written)
    );
    // The same figures for `make bench`'s table.
    let quantile = |q: f64| {
        if delays.is_empty() {
            f64::NAN
        } else {
            ms(at(q))
        }
    };
    let report = serde_json::json!({
        "scenario": "LiveSync",
        "streams": streams,
        "reached": delays.len(),
        "kib_per_stream": per_stream,
        "write_ms": ms(written),
        "p50_ms": quantile(0.50),
        "p99_ms": quantile(0.99),
        "max_ms": quantile(1.0),
    });
    if !delays.is_empty() {
        println!(
            "from the write's start to arrival: p50 {:.1} ms, p99 {:.1} ms, all {:.1} ms",
            ms(at(0.50)),
            ms(at(0.99)),
            ms(*delays.last().expect("not empty"))
        );
    }
    println!("{report}");
    Ok(())
}

/// Opens one stream that announces itself on `ready` and records when its first change came.
fn open_stream(
    url: &str,
    cookie: &str,
    ready: Arc<Barrier>,
    arrivals: Arc<Mutex<Vec<Instant>>>,
) -> Result<(), reqwest::Error> {
    let client = reqwest::Client::builder().http1_only().build()?;
    let request = client.get(format!("{url}/events")).header("cookie", cookie);
    tokio::spawn(async move {
        let mut response = request.send().await.expect("a stream");
        assert!(response.status().is_success(), "{}", response.status());
        let mut seen = String::new();
        let mut announced = false;
        while let Ok(Some(chunk)) = response.chunk().await {
            seen.push_str(&String::from_utf8_lossy(&chunk));
            if !announced && seen.contains("event: ready") {
                announced = true;
                ready.wait().await;
            }
            if seen.contains("event: change") {
                arrivals.lock().await.push(Instant::now());
                return;
            }
        }
    });
    Ok(())
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// The resident memory of process `pid`, from /proc.
fn rss_kib(pid: &str) -> Result<u64, Box<dyn std::error::Error>> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let line = status
        .lines()
        .find(|line| line.starts_with("VmRSS:"))
        .ok_or("no VmRSS")?;
    Ok(line.split_whitespace().nth(1).ok_or("no number")?.parse()?)
}
