//! Settings from the command line and the environment (`tick --help`).

use std::{fmt, net::SocketAddr, path::PathBuf, str::FromStr, time::Duration};

use clap::{Parser, Subcommand};

use super::{auth::TrustedProxies, telemetry::LogFormat};

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
    #[arg(long, env = "TICK_PAGE_CACHE_SIZE", default_value = "32MiB")]
    pub page_cache_size: ByteSize,

    /// Render every page afresh (no page cache).
    #[arg(long, env = "TICK_NO_PAGE_CACHE", default_value_t = false)]
    pub no_page_cache: bool,

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
}

/// The whole number `s` starts with, and the rest (its unit); `None` without such a number.
fn number_and_unit(s: &str) -> Option<(u64, &str)> {
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (number, unit) = s.split_at(split);
    Some((number.parse().ok()?, unit))
}

/// A size: bytes, or a number with `KiB`, `MiB` or `GiB`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteSize(pub u64);

impl FromStr for ByteSize {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let (number, unit) = number_and_unit(s)
            .ok_or_else(|| format!("'{s}' is not a size such as 25MiB or 1GiB"))?;
        let unit: u64 = match unit.trim() {
            "" | "B" => 1,
            "KiB" => 1024,
            "MiB" => 1024 * 1024,
            "GiB" => 1024 * 1024 * 1024,
            other => return Err(format!("'{other}' is not a unit: use KiB, MiB or GiB")),
        };
        number
            .checked_mul(unit)
            .filter(|&bytes| bytes > 0)
            .map(ByteSize)
            .ok_or_else(|| format!("'{s}' must be more than zero"))
    }
}

/// A length of time written as a number and a unit: `45s`, `30m`, `12h`, `14d`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span(pub Duration);

impl FromStr for Span {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let (number, unit) = number_and_unit(s)
            .ok_or_else(|| format!("'{s}' is not a length of time such as 45s, 30m, 12h or 14d"))?;
        let unit_secs = match unit {
            "s" => 1,
            "m" => 60,
            "h" => 60 * 60,
            "d" => 24 * 60 * 60,
            _ => return Err(format!("'{s}' needs a unit: s, m, h or d")),
        };
        let secs = number
            .checked_mul(unit_secs)
            .filter(|&secs| secs > 0 && secs <= Span::LONGEST_SECS)
            .ok_or_else(|| format!("'{s}' must be more than zero and at most 100 years"))?;
        Ok(Span(Duration::from_secs(secs)))
    }
}

impl Span {
    /// A hundred years: longer than anything a setting needs, short enough that adding it to
    /// the current time can never overflow.
    pub const LONGEST_SECS: u64 = 100 * 365 * 24 * 60 * 60;
}

/// A database URL. It may hold a password, so `Debug` hides everything after the scheme.
#[derive(Clone)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl FromStr for DatabaseUrl {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self(s.to_owned()))
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = self.0.split(':').next().unwrap_or_default();
        write!(f, "DatabaseUrl({scheme}:…)")
    }
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

    #[test]
    fn debug_output_hides_the_password() {
        let url: DatabaseUrl = "postgres://tick:hunter2@db/tick".parse().unwrap();
        let shown = format!("{url:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert_eq!(shown, "DatabaseUrl(postgres:…)");
    }

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

    #[test]
    fn sizes_take_binary_units() {
        assert_eq!("25MiB".parse(), Ok(ByteSize(25 * 1024 * 1024)));
        assert_eq!("1GiB".parse(), Ok(ByteSize(1 << 30)));
        assert_eq!("4096".parse(), Ok(ByteSize(4096)));
        assert!("25MB".parse::<ByteSize>().is_err());
        assert!("0KiB".parse::<ByteSize>().is_err());
    }

    #[test]
    fn spans_need_a_number_and_a_unit() {
        assert_eq!("45s".parse(), Ok(Span(Duration::from_secs(45))));
        assert_eq!("2h".parse(), Ok(Span(Duration::from_secs(7200))));
        assert!("14".parse::<Span>().is_err());
        assert!("0m".parse::<Span>().is_err());
        assert!("m".parse::<Span>().is_err());
        assert!("3 weeks".parse::<Span>().is_err());
    }

    mod properties {
        use super::*;
        use crate::domain::test_strategies::{padding, text};
        use proptest::{prelude::*, sample::select};

        const SIZE_UNITS: &[(&str, u64)] = &[
            ("", 1),
            ("B", 1),
            ("KiB", 1 << 10),
            ("MiB", 1 << 20),
            ("GiB", 1 << 30),
        ];
        const SPAN_UNITS: &[(&str, u64)] = &[("s", 1), ("m", 60), ("h", 3600), ("d", 86_400)];

        /// Numbers (some past `u64::MAX`) with units, real or not, and anything at all.
        fn setting_like() -> impl Strategy<Value = String> {
            prop_oneof![
                "[0-9]{0,22} ?(B|KiB|MiB|GiB|KB|kib|s|m|h|d|w|ms)?",
                "-?[0-9]{1,5}(\\.[0-9])?[a-zA-Z]{0,3}",
                text(0..=30),
            ]
        }

        /// A unit and a count of it whose product fits in a `u64`.
        /// A unit and a count of it whose product is at most `largest`.
        fn count_of(
            units: &'static [(&'static str, u64)],
            largest: u64,
        ) -> impl Strategy<Value = (u64, &'static str, u64)> {
            select(units).prop_flat_map(move |(unit, scale)| {
                let most = largest / scale;
                (
                    prop_oneof![1..=1000u64, 1..=most, Just(most)],
                    Just(unit),
                    Just(scale),
                )
            })
        }

        /// A unit and a count of it whose product is past `largest`.
        fn overflowing_count_of(
            units: &'static [(&'static str, u64)],
            largest: u64,
        ) -> impl Strategy<Value = (u64, &'static str)> {
            select(units)
                .prop_filter("a count past the largest exists", move |(_, scale)| {
                    largest / scale < u64::MAX
                })
                .prop_flat_map(move |(unit, scale)| (largest / scale + 1..=u64::MAX, Just(unit)))
        }

        /// Whether `number` and `unit` together are refused. (`prop_assert!` can't hold a
        /// `format!` with arguments.)
        fn refuses<T: FromStr>(number: impl fmt::Display, unit: &str) -> bool {
            format!("{number}{unit}").parse::<T>().is_err()
        }

        proptest! {
            #[test]
            fn settings_never_panic(raw in setting_like()) {
                // Whatever the verdict, an accepted value is more than zero.
                if let Ok(ByteSize(bytes)) = raw.parse::<ByteSize>() {
                    prop_assert!(bytes > 0);
                }
                if let Ok(Span(span)) = raw.parse::<Span>() {
                    prop_assert!(!span.is_zero());
                }
            }

            #[test]
            fn sizes_round_trip(
                (count, unit, scale) in count_of(SIZE_UNITS, u64::MAX),
                before in padding(),
                after in padding(),
            ) {
                prop_assert_eq!(
                    format!("{before}{count}{unit}{after}").parse(),
                    Ok(ByteSize(count * scale))
                );
            }

            #[test]
            fn spans_round_trip(
                (count, unit, scale) in count_of(SPAN_UNITS, Span::LONGEST_SECS),
                before in padding(),
                after in padding(),
            ) {
                prop_assert_eq!(
                    format!("{before}{count}{unit}{after}").parse(),
                    Ok(Span(Duration::from_secs(count * scale)))
                );
            }

            #[test]
            fn zero_is_refused(
                zeros in "0{1,5}",
                size_unit in select(SIZE_UNITS),
                span_unit in select(SPAN_UNITS),
            ) {
                prop_assert!(refuses::<ByteSize>(&zeros, size_unit.0));
                prop_assert!(refuses::<Span>(&zeros, span_unit.0));
            }

            #[test]
            fn overflow_is_refused(
                (size_count, size_unit) in overflowing_count_of(SIZE_UNITS, u64::MAX),
                (span_count, span_unit) in overflowing_count_of(SPAN_UNITS, Span::LONGEST_SECS),
                too_many_digits in "[1-9][0-9]{20,30}",
            ) {
                prop_assert!(refuses::<ByteSize>(size_count, size_unit));
                prop_assert!(refuses::<Span>(span_count, span_unit));
                prop_assert!(refuses::<ByteSize>(&too_many_digits, ""));
                prop_assert!(refuses::<Span>(&too_many_digits, "s"));
            }
        }
    }
}
