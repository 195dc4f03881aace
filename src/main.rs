//! The `scanwatch` binary: parse the command line, set up logging, and run one mode.

use std::process::ExitCode;

use clap::Parser as _;
use scanwatch::cli::{Cli, Command};
use scanwatch::modes::{self, exit};
use scanwatch::{logging, setup};

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Err(e) = color_eyre::install() {
        eprintln!("scanwatch: warning: could not install the error reporter: {e}");
    }
    if let Some(path) = &cli.global.log_file {
        if let Err(e) = logging::init(path) {
            eprintln!("scanwatch: error: cannot open log file {}: {e}", path.display());
            return ExitCode::from(exit::USAGE);
        }
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("scanwatch: error: cannot start the async runtime: {e}");
            return ExitCode::from(exit::API_ERROR);
        }
    };
    ExitCode::from(runtime.block_on(run(cli)))
}

async fn run(cli: Cli) -> u8 {
    if let Some(Command::Emulator(args)) = &cli.command {
        return modes::serve::run(args).await;
    }
    let target = match setup::connect(&cli.global).await {
        Ok(t) => t,
        Err(e) => {
            eprintln!("scanwatch: error: {e}");
            return exit::USAGE;
        }
    };
    for warning in &target.warnings {
        eprintln!("scanwatch: warning: {warning}");
        tracing::warn!("{warning}");
    }
    match &cli.command {
        Some(Command::Once(args)) => modes::once::run(&target, args).await,
        Some(Command::Screenshot(args)) => modes::screenshot::run(target, &cli, args).await,
        Some(Command::Emulator(_)) => unreachable!("handled above"),
        None => modes::dashboard::run(target, &cli).await,
    }
}
