//! The `scanwatch` binary: parse the command line, set up logging, and run one mode.

use std::process::ExitCode;

use clap::{CommandFactory as _, Parser as _};
use scanwatch::cli::{Cli, Command};
use scanwatch::modes::{self, check, exit};
use scanwatch::{logging, setup};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if invoked_as_check(std::env::args().skip(1)) && e.use_stderr() => {
            // A monitoring system reads one line on stdout and the plugin's own exit codes.
            modes::print_stdout(&format!(
                "{}\n",
                check::unknown_line("usage", &e.to_string())
            ));
            return ExitCode::from(check::State::Unknown.code());
        }
        Err(e) => e.exit(),
    };
    if let Err(e) = color_eyre::install() {
        eprintln!("scanwatch: warning: could not install the error reporter: {e}");
    }
    if let Some(path) = &cli.global.log_file
        && let Err(e) = logging::init(path)
    {
        eprintln!(
            "scanwatch: error: cannot open log file {}: {e}",
            path.display()
        );
        return ExitCode::from(exit::USAGE);
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

/// True when the first word that is not a flag (or a flag's value) is `check`.
fn invoked_as_check(args: impl Iterator<Item = String>) -> bool {
    const TAKES_VALUE: [&str; 6] = [
        "--profile",
        "--region",
        "--endpoint",
        "--request-timeout",
        "--log-file",
        "--interval",
    ];
    let mut skip_next = false;
    for arg in args {
        if skip_next {
            skip_next = false;
        } else if TAKES_VALUE.contains(&arg.as_str()) {
            skip_next = true;
        } else if !arg.starts_with('-') {
            return arg == "check";
        }
    }
    false
}

async fn run(cli: Cli) -> u8 {
    match &cli.command {
        Some(Command::Emulator(args)) => return modes::serve::run(args).await,
        Some(Command::Completions(args)) => {
            let mut command = Cli::command();
            let mut out = Vec::new();
            clap_complete::generate(args.shell, &mut command, "scanwatch", &mut out);
            modes::print_stdout(&String::from_utf8_lossy(&out));
            return exit::OK;
        }
        _ => {}
    }
    let target = match setup::connect(&cli.global).await {
        Ok(t) => t,
        Err(e) if matches!(cli.command, Some(Command::Check(_))) => {
            modes::print_stdout(&format!(
                "{}\n",
                check::unknown_line("configuration", &e.to_string())
            ));
            return check::State::Unknown.code();
        }
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
        Some(Command::Check(args)) => check::run(&target, args).await,
        Some(Command::Wait(args)) => modes::wait::run(&target, args).await,
        Some(Command::Screenshot(args)) => modes::screenshot::run(target, &cli, args).await,
        Some(Command::Emulator(_) | Command::Completions(_)) => unreachable!("handled above"),
        None => modes::dashboard::run(target, &cli).await,
    }
}

#[cfg(test)]
mod tests {
    use super::invoked_as_check;

    #[test]
    fn check_is_recognised_past_global_flags() {
        let cases: &[(&[&str], bool)] = &[
            (&["check"], true),
            (&["--demo", "check", "--bogus"], true),
            (&["--profile", "check", "once"], false),
            (&["--region", "cn-shanghai", "check"], true),
            (&["once"], false),
            (&[], false),
        ];
        for (args, want) in cases {
            let args = args.iter().map(|s| (*s).to_owned());
            assert_eq!(invoked_as_check(args), *want);
        }
    }
}
