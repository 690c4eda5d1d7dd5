//! `make bench`'s load generator: many signed-in users against Tick or `examples/baseline`
//! (which answer the same requests), open-loop at a fixed rate with latency measured from
//! when each request was due (so a stall counts for every request it held up), or closed-loop
//! at full speed. Prints one JSON object per run. A benchmark that reports, not a test.
//!
//! Usage: bench_load SCENARIO --target URL --users FILE [--rate R] [--seconds S] ...
//! The users file has one line per user: `username<TAB>session cookie<TAB>API token`.

use std::{
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};

use clap::{Parser, ValueEnum};
use reqwest::{header, Client, StatusCode};
use serde_json::{json, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Scenario {
    /// Each user's list page.
    Page,
    /// Nine page loads to one change (add, toggle, edit or delete), across all users.
    Mixed,
    /// `GET /api/v1/todos` with each user's token.
    ApiList,
    /// `POST /api/v1/todos` with each user's token.
    ApiCreate,
    /// Log-ins (argon2id) with each user's password.
    LogIn,
    /// No requests: times one argon2id hash here (Tick's parameters, argon2's defaults).
    Argon2,
}

/// Later options win over earlier ones (a script's defaults, then the run's own).
#[derive(Parser, Debug)]
#[command(args_override_self = true)]
struct Args {
    scenario: Scenario,
    /// Where the server listens, e.g. http://127.0.0.1:3000.
    #[arg(long, default_value = "")]
    target: String,
    /// username, session cookie and token per line, tab-separated.
    #[arg(long, default_value = "")]
    users: String,
    /// Requests per second, open-loop; 0 runs closed-loop as fast as the server answers.
    #[arg(long, default_value_t = 0.0)]
    rate: f64,
    #[arg(long, default_value_t = 10.0)]
    seconds: f64,
    /// Requests in flight at most (connections).
    #[arg(long, default_value_t = 32)]
    connections: usize,
    /// The password every bench user has.
    #[arg(long, default_value = "benchmark pass phrase")]
    password: String,
    /// The page the page and mixed scenarios load.
    #[arg(long, default_value = "/")]
    path: String,
    /// A label for the JSON (which server this is).
    #[arg(long, default_value = "")]
    label: String,
    /// What the JSON calls this run (the scenario's name by default), e.g. `Miss` for pages
    /// loaded from a server without its page cache.
    #[arg(long)]
    name: Option<String>,
}

struct User {
    username: String,
    cookie: String,
    token: String,
    /// The ids of the user's to-dos, for changes (mixed).
    todos: Mutex<Vec<i64>>,
}

struct Run {
    args: Args,
    client: Client,
    users: Vec<User>,
    next: AtomicU64,
    started: Instant,
    errors: AtomicU64,
    first_error: Mutex<Option<String>>,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    if args.scenario == Scenario::Argon2 {
        println!("{}", time_argon2());
        return Ok(());
    }
    let users = std::fs::read_to_string(&args.users)?
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let mut fields = line.split('\t');
            let mut field = || fields.next().unwrap_or("").trim().to_owned();
            User {
                username: field(),
                cookie: field(),
                token: field(),
                todos: Mutex::new(Vec::new()),
            }
        })
        .collect::<Vec<_>>();
    assert!(!users.is_empty(), "no users in {}", args.users);
    let client = Client::builder()
        .pool_max_idle_per_host(args.connections)
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    if args.scenario == Scenario::Mixed {
        load_todo_ids(&client, &args.target, &users).await?;
    }
    let run = Arc::new(Run {
        args,
        client,
        users,
        next: AtomicU64::new(0),
        started: Instant::now(),
        errors: AtomicU64::new(0),
        first_error: Mutex::new(None),
    });
    let workers: Vec<_> = (0..run.args.connections)
        .map(|_| tokio::spawn(worker(run.clone())))
        .collect();
    let mut latencies = Vec::new();
    for worker in workers {
        latencies.extend(worker.await?);
    }
    let elapsed = run.started.elapsed().as_secs_f64();
    latencies.sort_unstable();
    let at = |q: f64| -> f64 {
        if latencies.is_empty() {
            return 0.0;
        }
        let index = ((latencies.len() as f64 * q).ceil() as usize).clamp(1, latencies.len()) - 1;
        latencies[index] as f64 / 1000.0
    };
    let report = json!({
        "label": run.args.label,
        "path": run.args.path,
        "scenario": run.args.name.clone().unwrap_or_else(|| format!("{:?}", run.args.scenario)),
        "rate": run.args.rate,
        "connections": run.args.connections,
        "users": run.users.len(),
        "seconds": elapsed,
        "requests": latencies.len(),
        "errors": run.errors.load(Ordering::Relaxed),
        "first_error": *run.first_error.lock().unwrap(),
        "rps": latencies.len() as f64 / elapsed,
        "p50_ms": at(0.50),
        "p99_ms": at(0.99),
        "p999_ms": at(0.999),
        "max_ms": at(1.0),
    });
    println!("{report}");
    Ok(())
}

/// The median time of one argon2id hash with OWASP's parameters (19 MiB, two passes, one
/// lane: argon2's defaults, and Tick's), and what it allows per second on this machine.
fn time_argon2() -> Value {
    use argon2::{password_hash::SaltString, Argon2, PasswordHasher};
    let salt = SaltString::encode_b64(b"bench-salt-bytes").expect("a salt");
    let mut times: Vec<f64> = (0..21)
        .map(|_| {
            let started = Instant::now();
            Argon2::default()
                .hash_password(b"benchmark pass phrase", &salt)
                .expect("a hash");
            started.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    let hash = times[times.len() / 2];
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    json!({
        "scenario": "Argon2",
        "hash_ms": hash * 1000.0,
        "cores": cores,
        "ceiling_per_s": cores as f64 / hash,
    })
}

/// Each user's to-do ids, read once before the run.
async fn load_todo_ids(
    client: &Client,
    target: &str,
    users: &[User],
) -> Result<(), Box<dyn std::error::Error>> {
    for user in users {
        let todos: Vec<Value> = client
            .post(format!("{target}/fn/todos/list"))
            .form::<[(&str, &str); 0]>(&[])
            .header(header::COOKIE, format!("tick_session={}", user.cookie))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        *user.todos.lock().unwrap() = todos
            .iter()
            .filter_map(|todo| todo["id"].as_i64())
            .collect();
    }
    Ok(())
}

/// Sends requests until the time is up; returns each one's latency in microseconds, from when
/// it was due (open-loop) or sent (closed-loop).
async fn worker(run: Arc<Run>) -> Vec<u64> {
    let mut latencies = Vec::new();
    let end = Duration::from_secs_f64(run.args.seconds);
    loop {
        let n = run.next.fetch_add(1, Ordering::Relaxed);
        let due = if run.args.rate > 0.0 {
            let due = Duration::from_secs_f64(n as f64 / run.args.rate);
            if due >= end {
                break;
            }
            tokio::time::sleep_until((run.started + due).into()).await;
            run.started + due
        } else {
            if run.started.elapsed() >= end {
                break;
            }
            Instant::now()
        };
        if let Err(problem) = one_request(&run, n).await {
            run.errors.fetch_add(1, Ordering::Relaxed);
            run.first_error.lock().unwrap().get_or_insert(problem);
        }
        latencies.push(due.elapsed().as_micros() as u64);
    }
    latencies
}

/// A small deterministic mix: request `n` picks its user and, in the mixed scenario, its kind.
fn pick(n: u64, salt: u64) -> u64 {
    let mut x = n.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ salt;
    x ^= x >> 31;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^ (x >> 29)
}

async fn one_request(run: &Run, n: u64) -> Result<(), String> {
    let user = &run.users[(pick(n, 1) % run.users.len() as u64) as usize];
    let target = &run.args.target;
    let cookie = format!("tick_session={}", user.cookie);
    let request = match run.args.scenario {
        Scenario::Mixed if pick(n, 2).is_multiple_of(10) => {
            return change(run, user, &cookie, n).await
        }
        Scenario::Page | Scenario::Mixed => {
            let path = &run.args.path;
            run.client
                .get(format!("{target}{path}"))
                .header(header::COOKIE, cookie)
        }
        Scenario::ApiList => run
            .client
            .get(format!("{target}/api/v1/todos"))
            .bearer_auth(&user.token),
        Scenario::ApiCreate => run
            .client
            .post(format!("{target}/api/v1/todos"))
            .bearer_auth(&user.token)
            .json(&json!({ "title": format!("Made through the API, number {n}") })),
        Scenario::LogIn => run
            .client
            .post(format!("{target}/fn/account/log_in"))
            .form(&[
                ("username", user.username.as_str()),
                ("password", &run.args.password),
            ]),
        Scenario::Argon2 => return Err("the argon2 timing sends no requests".to_owned()),
    };
    send(request).await.map(drop)
}

/// One change to one of `user`'s to-dos: add, toggle, edit or delete, a quarter each.
async fn change(run: &Run, user: &User, cookie: &str, n: u64) -> Result<(), String> {
    let target = &run.args.target;
    let kind = pick(n, 3) % 4;
    let chosen = {
        let todos = user.todos.lock().unwrap();
        (!todos.is_empty()).then(|| todos[(pick(n, 4) % todos.len() as u64) as usize])
    };
    let (function, form): (&str, Vec<(&str, String)>) = match (kind, chosen) {
        (1, Some(id)) => (
            "set_completed",
            vec![
                ("id", id.to_string()),
                ("completed", n.is_multiple_of(2).to_string()),
            ],
        ),
        (2, Some(id)) => (
            "edit",
            vec![
                ("id", id.to_string()),
                ("title", format!("Edited to-do, change {n}")),
            ],
        ),
        (3, Some(id)) => {
            user.todos.lock().unwrap().retain(|todo| *todo != id);
            ("delete", vec![("id", id.to_string())])
        }
        _ => ("add", vec![("title", format!("Added to-do, change {n}"))]),
    };
    let request = run
        .client
        .post(format!("{target}/fn/todos/{function}"))
        .header(header::COOKIE, cookie)
        .form(&form);
    let body = send(request).await?;
    if function == "add" {
        let added: Value = serde_json::from_slice(&body).map_err(|err| err.to_string())?;
        if let Some(id) = added["id"].as_i64() {
            user.todos.lock().unwrap().push(id);
        }
    }
    Ok(())
}

/// Sends and reads the whole answer; anything but a success is an error.
async fn send(request: reqwest::RequestBuilder) -> Result<Vec<u8>, String> {
    let response = request.send().await.map_err(|err| format!("{err:?}"))?;
    let status = response.status();
    let body = response.bytes().await.map_err(|err| format!("{err:?}"))?;
    if status.is_success() || status == StatusCode::SEE_OTHER {
        Ok(body.to_vec())
    } else {
        Err(format!(
            "{status}: {}",
            String::from_utf8_lossy(&body[..body.len().min(200)])
        ))
    }
}
