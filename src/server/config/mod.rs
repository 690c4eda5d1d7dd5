//! Settings from the command line and the environment (`tick --help`).

mod storage;
mod values;

use std::{net::SocketAddr, path::PathBuf};

use clap::{Parser, Subcommand};

use super::{auth::TrustedProxies, telemetry::LogFormat};

pub use storage::{S3Settings, Secret, StorageUrl};
pub use values::{ByteSize, DatabaseUrl, Span};

/// Tick: a to-do list you host yourself.
#[derive(Parser, Debug, Clone)]
#[command(name = "tick", version, about)]
pub struct Config {
    /// What to do; without one, serve.
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Address to listen on.
    #[arg(long, env = "TICK_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,

    /// Database URL: `sqlite://path/to/file.db` or `postgres://user@host/db`.
    /// Default: an SQLite file `tick.db` in the data directory.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<DatabaseUrl>,

    /// Directory for Tick's own files (the default SQLite database); created if missing.
    #[arg(long, env = "TICK_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,

    /// Where attachments are kept: `file:///path` or `s3://bucket/prefix` (S3 settings from
    /// the `AWS_*` variables). Default: the folder `attachments/` in the data directory.
    #[arg(long, env = "TICK_STORAGE")]
    pub storage: Option<StorageUrl>,

    #[command(flatten)]
    pub s3: S3Settings,

    /// Log filter, such as `info`, `debug` or `tick=debug,sqlx=warn`.
    #[arg(long, env = "TICK_LOG", default_value = "info")]
    pub log: String,

    /// Log line format.
    #[arg(long, env = "TICK_LOG_FORMAT", value_enum, default_value = "text")]
    pub log_format: LogFormat,

    /// Directory holding the built site (`pkg/` and static files), as cargo-leptos writes it.
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: PathBuf,

    /// The address people and programs reach Tick at, such as `https://tick.example.com`:
    /// the start of each to-do's `url` in the API. Default: `http://` and the request's `Host`.
    #[arg(long, env = "TICK_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// The largest attachment (`25MiB`, `500KiB`, `1GiB`, or bytes).
    #[arg(long, env = "TICK_MAX_FILE_SIZE", default_value = "25MiB")]
    pub max_file_size: ByteSize,

    /// How much attachments each user may store in all.
    #[arg(long, env = "TICK_USER_QUOTA", default_value = "1GiB")]
    pub user_quota: ByteSize,

    /// The most files one upload may carry.
    #[arg(long, env = "TICK_MAX_FILES_PER_UPLOAD", default_value_t = 10)]
    pub max_files_per_upload: usize,

    /// Mark the session cookie `Secure` (and name it `__Host-tick_session`) and send
    /// `Strict-Transport-Security`: for HTTPS. On by itself when `--public-url` is https.
    #[arg(long, env = "TICK_SECURE_COOKIE", default_value_t = false)]
    pub secure_cookie: bool,

    /// Reverse proxies whose `X-Forwarded-For` is believed, as CIDRs or addresses
    /// (`127.0.0.1,10.0.0.0/8`). Default: none; the client is the TCP peer.
    #[arg(long, env = "TICK_TRUSTED_PROXIES", default_value = "")]
    pub trusted_proxies: TrustedProxies,

    /// A session ends after this long without a request (`90s`, `30m`, `12h`, `14d`).
    #[arg(long, env = "TICK_SESSION_IDLE", default_value = "14d")]
    pub session_idle: Span,

    /// A session ends this long after log-in, however active.
    #[arg(long, env = "TICK_SESSION_MAX_AGE", default_value = "30d")]
    pub session_max_age: Span,

    /// Failed log-ins allowed per username from one client network (an IPv4 address or an
    /// IPv6 /64); then 429, for a wait that doubles with each further failure.
    #[arg(long, env = "TICK_LOGIN_FAILURES_PER_USER", default_value_t = 5)]
    pub login_failures_per_user: u32,

    /// Failed log-ins allowed per username from all networks together in each window: a
    /// ceiling against guessing from many places, high enough that no one network can lock
    /// an account out.
    #[arg(long, env = "TICK_LOGIN_CEILING_PER_USER", default_value_t = 100)]
    pub login_ceiling_per_user: u32,

    /// Failed log-ins allowed per client network in each window, whatever the usernames.
    #[arg(long, env = "TICK_LOGIN_FAILURES_PER_ADDRESS", default_value_t = 20)]
    pub login_failures_per_address: u32,

    /// The log-in throttle window: failures older than this are forgotten (the longest wait).
    #[arg(long, env = "TICK_LOGIN_WINDOW", default_value = "15m")]
    pub login_window: Span,

    /// New accounts allowed per client network and hour; 0 turns the limit off.
    #[arg(long, env = "TICK_SIGNUPS_PER_ADDRESS", default_value_t = 10)]
    pub signups_per_address: u32,

    /// Password checks (log-ins, sign-ups, password changes) waiting at once; beyond this, 503.
    #[arg(long, env = "TICK_HASH_QUEUE", default_value_t = 64)]
    pub hash_queue: usize,

    /// Memory for rendered to-do pages, served again until the user's list changes.
    #[arg(long, env = "TICK_PAGE_CACHE_SIZE", default_value = "128MiB")]
    pub page_cache_size: ByteSize,

    /// Render every page afresh (no page cache).
    #[arg(long, env = "TICK_NO_PAGE_CACHE", default_value_t = false)]
    pub no_page_cache: bool,

    /// Memory for rendered to-do rows: a page rendered again renders only the rows that changed
    /// (a row takes about 1.5 KB: 128 MiB holds some 90,000).
    #[arg(long, env = "TICK_ROW_CACHE_SIZE", default_value = "128MiB")]
    pub row_cache_size: ByteSize,

    /// Render every row afresh (no row cache).
    #[arg(long, env = "TICK_NO_ROW_CACHE", default_value_t = false)]
    pub no_row_cache: bool,

    /// Open live-update streams (`/events`) allowed per user; more get 429.
    #[arg(long, env = "TICK_MAX_STREAMS_PER_USER", default_value_t = 16)]
    pub max_streams_per_user: usize,

    /// The longest a client may take to send a request's headers.
    #[arg(long, env = "TICK_HEADER_READ_TIMEOUT", default_value = "10s")]
    pub header_read_timeout: Span,

    /// How long an idle keep-alive connection stays open.
    #[arg(long, env = "TICK_KEEP_ALIVE_TIMEOUT", default_value = "60s")]
    pub keep_alive_timeout: Span,

    /// The longest an ordinary request (a page, a form, an API call) may take; then 408.
    /// Uploads, downloads and event streams are bounded by progress instead.
    #[arg(long, env = "TICK_REQUEST_TIMEOUT", default_value = "30s")]
    pub request_timeout: Span,

    /// An upload that sends nothing for this long is dropped (a slow but moving one is not).
    #[arg(long, env = "TICK_UPLOAD_IDLE_TIMEOUT", default_value = "30s")]
    pub upload_idle_timeout: Span,

    /// Open connections at most; beyond this, new connections wait to be accepted.
    #[arg(long, env = "TICK_MAX_CONNECTIONS", default_value_t = 1024)]
    pub max_connections: usize,

    /// After SIGTERM, how long requests in flight may take to finish before they are cut.
    #[arg(long, env = "TICK_SHUTDOWN_TIMEOUT", default_value = "30s")]
    pub shutdown_timeout: Span,

    /// How long to wait for a database connection (and, on SQLite, for another process's
    /// write lock) before answering 503.
    #[arg(long, env = "TICK_DB_ACQUIRE_TIMEOUT", default_value = "2s")]
    pub db_acquire_timeout: Span,

    /// The longest one statement may run on PostgreSQL (`statement_timeout`).
    #[arg(long, env = "TICK_DB_STATEMENT_TIMEOUT", default_value = "10s")]
    pub db_statement_timeout: Span,
}

/// What `tick` can do besides serving.
#[derive(Subcommand, Debug, Clone)]
pub enum Command {
    /// Serve (the default).
    Serve,
    /// Write a consistent copy of a live SQLite database and its attachments to PATH (a new
    /// directory). For PostgreSQL, use pg_dump (see the README).
    Backup { path: PathBuf },
    /// Bring a backup made by `tick backup` into `--data-dir` (which must hold no database).
    Restore { path: PathBuf },
    /// Attachment storage.
    #[command(subcommand)]
    Storage(StorageCommand),
}

/// `tick storage …`
#[derive(Subcommand, Debug, Clone)]
pub enum StorageCommand {
    /// Copies every stored file from one store to another, checking each one's SHA-256;
    /// files already there and whole are skipped, so running it again resumes.
    Copy {
        /// The store to copy from (`file:///…` or `s3://…`).
        #[arg(long)]
        from: StorageUrl,
        /// The store to copy to.
        #[arg(long)]
        to: StorageUrl,
    },
}

impl Config {
    /// Whether Tick is served over HTTPS: `--secure-cookie`, or an https `--public-url`.
    pub fn https(&self) -> bool {
        self.secure_cookie
            || self
                .public_url
                .as_deref()
                .is_some_and(|url| url.trim().to_ascii_lowercase().starts_with("https://"))
    }

    /// The configured store, or the folder `attachments/` in the data directory.
    pub fn storage_url(&self) -> anyhow::Result<StorageUrl> {
        match &self.storage {
            Some(url) => Ok(url.clone()),
            None => Ok(StorageUrl::File(
                std::path::absolute(&self.data_dir)?.join("attachments"),
            )),
        }
    }

    /// The configured database URL, or the default SQLite file (creating its directory).
    pub fn database_url(&self) -> anyhow::Result<String> {
        match &self.database_url {
            Some(url) => Ok(url.expose().to_owned()),
            None => super::db::Db::default_sqlite_url(&self.data_dir),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn defaults_need_no_environment() {
        let config = Config::try_parse_from(["tick"]).unwrap();
        assert_eq!(config.addr.port(), 3000);
        assert_eq!(config.data_dir, PathBuf::from("data"));
        assert!(!config.secure_cookie);
        assert!(!config.https());
        assert!(config.command.is_none());
        assert_eq!(config.session_idle.0, Duration::from_secs(14 * 24 * 3600));
        assert_eq!(config.login_window.0, Duration::from_secs(15 * 60));
    }

    #[test]
    fn an_https_public_url_means_secure_defaults() {
        let config = Config::try_parse_from(["tick", "--public-url", "https://tick.example"]);
        assert!(config.unwrap().https());
        let plain = Config::try_parse_from(["tick", "--public-url", "http://127.0.0.1:3000"]);
        assert!(!plain.unwrap().https());
    }

    #[test]
    fn backup_and_restore_are_subcommands() {
        let config = Config::try_parse_from(["tick", "backup", "/tmp/b"]).unwrap();
        assert!(matches!(config.command, Some(Command::Backup { .. })));
        let config = Config::try_parse_from(["tick", "--data-dir", "d", "restore", "b"]).unwrap();
        assert!(matches!(config.command, Some(Command::Restore { .. })));
    }
}
