//! The `tick` binary: parse the settings, start logging, build the app and serve it.

use std::process::ExitCode;

use clap::Parser;
use tick::server::{config::Config, startup::Application, telemetry};

// Rendering a page makes many small allocations; mimalloc serves them much faster than glibc.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let config = Config::parse();
    if let Err(err) = telemetry::init(&config.log, config.log_format) {
        eprintln!("tick: {err:#}");
        return ExitCode::FAILURE;
    }
    match run(config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!(error = format!("{err:#}"), "Tick could not start");
            ExitCode::FAILURE
        }
    }
}

async fn run(config: Config) -> anyhow::Result<()> {
    let app = Application::build(&config).await?;
    app.run_until_stopped().await?;
    Ok(())
}
