//! Settings from the command line and the environment (`tick --help`).

use std::{fmt, net::SocketAddr, path::PathBuf, str::FromStr};

use clap::Parser;

use super::telemetry::LogFormat;

/// Tick: a to-do list you host yourself.
#[derive(Parser, Debug, Clone)]
#[command(name = "tick", version, about)]
pub struct Config {
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
    }
}
