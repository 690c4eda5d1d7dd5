//! The `tick` binary: parse the settings, start logging, then serve (or back up, restore, or
//! copy the attachment store).

use std::process::ExitCode;

use clap::Parser;
use tick::server::{
    backup,
    config::{Command, Config, StorageCommand},
    startup::Application,
    storage, telemetry,
};

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
            tracing::error!(error = format!("{err:#}"), "Tick could not finish");
            ExitCode::FAILURE
        }
    }
}

async fn run(config: Config) -> anyhow::Result<()> {
    match config.command.clone().unwrap_or(Command::Serve) {
        Command::Serve => {
            let app = Application::build(&config).await?;
            app.run_until_stopped().await?;
        }
        Command::Backup { path } => {
            let manifest = backup::backup(&config, &path).await?;
            tracing::info!(
                path = %path.display(),
                attachments = manifest.attachments.len(),
                "backed up"
            );
        }
        Command::Restore { path } => {
            let manifest = backup::restore(&config, &path)?;
            tracing::info!(
                data_dir = %config.data_dir.display(),
                attachments = manifest.attachments.len(),
                "restored"
            );
        }
        Command::Storage(StorageCommand::Copy { from, to }) => {
            let done = storage::copy(&config, &from, &to).await?;
            tracing::info!(
                copied = done.copied,
                skipped = done.skipped,
                "every stored file is in {to}"
            );
        }
    }
    Ok(())
}
