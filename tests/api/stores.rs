//! The attachment stores the tests run on: a local folder, and a real S3 server — SeaweedFS
//! (`weed mini`, installed from PyPI by scripts/setup.sh) started once per test run on free
//! ports. It runs under `setpriv --pdeathsig KILL`, started from a thread that lives as long
//! as the test process, so the kernel kills it when the tests end, however they end (a
//! failure, Ctrl-C, SIGKILL): it is never left running. Each test app gets its own prefix
//! in the one bucket.

use std::{
    net::TcpListener,
    path::PathBuf,
    process::{Command, Stdio},
    sync::{mpsc, Arc, OnceLock},
    time::{Duration, Instant},
};

use futures::StreamExt;
use object_store::{aws::AmazonS3Builder, path::Path, ObjectStore, PutPayload, RetryConfig};

/// Which store a test app keeps its attachments in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Store {
    Local,
    S3,
}

const BUCKET: &str = "tick-test";
const KEY_ID: &str = "tick-test-key";
const SECRET: &str = "tick-test-secret";
/// `weed mini` is ready in a few seconds; this bounds a machine under load.
const START_WITHIN: Duration = Duration::from_secs(90);

struct S3Server {
    endpoint: String,
}

static SERVER: OnceLock<S3Server> = OnceLock::new();

/// The settings that put a new app's attachments under a fresh prefix on the test S3 server;
/// none for a local store.
pub fn settings(store: Store) -> Vec<String> {
    match store {
        Store::Local => Vec::new(),
        Store::S3 => {
            let prefix = uuid::Uuid::new_v4().simple().to_string();
            let mut settings = vec!["--storage".to_owned(), format!("s3://{BUCKET}/{prefix}")];
            settings.extend(connection_settings());
            settings
        }
    }
}

/// How to reach the test S3 server (with `--storage s3://…`), starting it if need be.
pub fn connection_settings() -> Vec<String> {
    let endpoint = &server().endpoint;
    [
        "--s3-endpoint",
        endpoint,
        "--s3-allow-http",
        "--s3-region",
        "us-east-1",
        "--s3-access-key-id",
        KEY_ID,
        "--s3-secret-access-key",
        SECRET,
    ]
    .map(str::to_owned)
    .to_vec()
}

/// A client for the bucket, to look at what an app stored.
pub fn bucket() -> Arc<dyn ObjectStore> {
    Arc::new(
        AmazonS3Builder::new()
            .with_bucket_name(BUCKET)
            .with_endpoint(&server().endpoint)
            .with_allow_http(true)
            .with_region("us-east-1")
            .with_access_key_id(KEY_ID)
            .with_secret_access_key(SECRET)
            .build()
            .expect("an S3 client"),
    )
}

/// The names of every object under `prefix` in the test bucket.
pub async fn objects_under(prefix: &str) -> Vec<String> {
    let mut listing = bucket().list(Some(&Path::from(prefix)));
    let mut names = Vec::new();
    while let Some(meta) = listing.next().await {
        let meta = meta.expect("listing the test bucket");
        names.push(meta.location.filename().unwrap_or_default().to_owned());
    }
    names.sort();
    names
}

fn server() -> &'static S3Server {
    SERVER.get_or_init(start)
}

/// `weed`: `$TICK_WEED`, else where scripts/setup.sh installs it, else on `PATH`.
fn weed() -> PathBuf {
    if let Some(path) = std::env::var_os("TICK_WEED") {
        return path.into();
    }
    let installed = std::env::var_os("HOME")
        .map(|home| PathBuf::from(home).join(".local/share/tick/seaweedfs/bin/weed"));
    installed
        .filter(|path| path.exists())
        .unwrap_or_else(|| "weed".into())
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().unwrap().port()
}

/// Removes the data of earlier runs whose process is gone.
fn remove_old_runs(root: &std::path::Path) {
    for entry in std::fs::read_dir(root).into_iter().flatten().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(pid) = name.strip_prefix("seaweedfs-") {
            if !PathBuf::from("/proc").join(pid).exists() {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
}

fn start() -> S3Server {
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    remove_old_runs(&root);
    let dir = root.join(format!("seaweedfs-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let s3_port = free_port();
    let mut args = vec![
        "mini".to_owned(),
        format!("-dir={}", dir.display()),
        "-ip=127.0.0.1".into(),
        "-ip.bind=127.0.0.1".into(),
        "-master.telemetry=false".into(),
        "-admin.ui=false".into(),
        "-webdav=false".into(),
        format!("-bucket={BUCKET}"),
        format!("-s3.port={s3_port}"),
        "-s3.port.iceberg=0".into(),
        "-s3.port.lance=0".into(),
    ];
    for flag in [
        "s3.port.grpc",
        "master.port",
        "master.port.grpc",
        "volume.port",
        "volume.port.grpc",
        "filer.port",
        "filer.port.grpc",
        "admin.port",
        "admin.port.grpc",
        "debug.port",
        "s3.debug.port",
    ] {
        args.push(format!("-{flag}={}", free_port()));
    }
    let log = std::fs::File::create(dir.join("weed.log")).unwrap();
    let weed = weed();
    let (started, spawned) = mpsc::channel();
    // The thread that starts it lives as long as the test process (it waits for the server),
    // so --pdeathsig fires only when the whole process goes.
    std::thread::spawn(move || {
        let child = Command::new("setpriv")
            .args(["--pdeathsig", "KILL", "--"])
            .arg(&weed)
            .args(&args)
            .env("AWS_ACCESS_KEY_ID", KEY_ID)
            .env("AWS_SECRET_ACCESS_KEY", SECRET)
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn();
        match child {
            Ok(mut child) => {
                started.send(Ok(())).unwrap();
                let _ = child.wait();
            }
            Err(err) => started
                .send(Err(format!(
                    "cannot start {} (run scripts/setup.sh): {err}",
                    weed.display()
                )))
                .unwrap(),
        }
    });
    spawned
        .recv()
        .unwrap()
        .unwrap_or_else(|err| panic!("{err}"));
    let server = S3Server {
        endpoint: format!("http://127.0.0.1:{s3_port}"),
    };
    wait_until_ready(&server, &dir);
    server
}

/// Until an object can be written and read back (the volume server joins a little after the
/// S3 port opens). Runs on a thread of its own: the caller may be inside a test's runtime.
fn wait_until_ready(server: &S3Server, dir: &std::path::Path) {
    let endpoint = server.endpoint.clone();
    let ready = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let store = AmazonS3Builder::new()
                .with_bucket_name(BUCKET)
                .with_endpoint(&endpoint)
                .with_allow_http(true)
                .with_region("us-east-1")
                .with_access_key_id(KEY_ID)
                .with_secret_access_key(SECRET)
                .with_retry(RetryConfig {
                    max_retries: 0,
                    ..RetryConfig::default()
                })
                .build()
                .unwrap();
            let probe = Path::from("ready-probe");
            let deadline = Instant::now() + START_WITHIN;
            loop {
                let wrote = store.put(&probe, PutPayload::from_static(b"ok")).await;
                if wrote.is_ok() && store.get(&probe).await.is_ok() {
                    return true;
                }
                if Instant::now() >= deadline {
                    return false;
                }
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
        })
    });
    assert!(
        ready.join().unwrap(),
        "SeaweedFS did not become ready within {START_WITHIN:?}; see {}",
        dir.join("weed.log").display()
    );
}
