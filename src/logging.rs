//! Diagnostics to a file (`--log-file`), never to the screen: a TUI must have nothing printed behind it.

use std::fs::OpenOptions;
use std::path::Path;
use std::sync::Mutex;

use tracing_subscriber::EnvFilter;

/// The environment variable holding the log filter (`debug`, `scanwatch=trace`, ...); `info` by default.
pub const FILTER_ENV: &str = "SCANWATCH_LOG";

/// Appends tracing output to `path`. Called once, before anything logs.
pub fn init(path: &Path) -> std::io::Result<()> {
    let file = OpenOptions::new().create(true).append(true).open(path)?;
    let filter = EnvFilter::try_from_env(FILTER_ENV).unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(Mutex::new(file))
        .try_init()
        .map_err(std::io::Error::other)
}
