//! `scanwatch emulator`: serve the Security Center emulator until interrupted.

use std::io::Write as _;

use super::exit;
use crate::cli::EmulatorArgs;
use crate::emulator::{self, EmulatorConfig, scenario::Scenario};

/// Starts the emulator, prints its base URL as the first line of stdout, and serves until SIGINT or SIGTERM.
pub async fn run(args: &EmulatorArgs) -> u8 {
    let scenario = match &args.scenario {
        Some(path) => match Scenario::from_file(path) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("scanwatch: error: {e}");
                return exit::USAGE;
            }
        },
        None => Scenario::demo(),
    };
    let config = EmulatorConfig::from_env(
        |name| std::env::var(name).ok(),
        scenario,
        args.fault.clone(),
    );
    let key_id = config.access_key_id.clone();
    let handle = match emulator::start(args.listen, config).await {
        Ok(h) => h,
        Err(e) => {
            eprintln!("scanwatch: error: cannot listen on {}: {e}", args.listen);
            return exit::USAGE;
        }
    };
    {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "listening on {}", handle.base_url());
        let _ = out.flush();
    }
    eprintln!(
        "scanwatch emulator: AccessKeyId {key_id}; point a client at it with --endpoint {} (Ctrl-C stops)",
        handle.base_url()
    );
    wait_for_shutdown_signal().await;
    handle.shutdown().await;
    exit::OK
}

/// Resolves on Ctrl-C, SIGTERM or SIGHUP.
pub async fn wait_for_shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut term), Ok(mut hup)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::hangup()),
        ) else {
            let _ = tokio::signal::ctrl_c().await;
            return;
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
            _ = hup.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
