//! The program's modes, one file each; `main` picks one.

pub mod check;
pub mod dashboard;
pub mod once;
pub mod screenshot;
pub mod serve;
pub mod wait;

use std::io::Write as _;

use crate::api::error::ApiError;

/// Exit codes shared by the modes.
pub mod exit {
    pub const OK: u8 = 0;
    /// An API or network error (after the client's own retries).
    pub const API_ERROR: u8 = 1;
    /// A usage or configuration error.
    pub const USAGE: u8 = 2;
}

/// Writes an API error to stderr: code and message, then the `RequestId` and the remedy when there are any.
pub fn report_api_error(error: &ApiError) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "scanwatch: {}: {}", error.code(), error.message());
    if let ApiError::Service(e) = error {
        let _ = writeln!(err, "  HTTP status  {}", e.http_status);
    }
    if let Some(id) = error.request_id() {
        let _ = writeln!(err, "  RequestId    {id}");
    }
    if let Some(remedy) = error.remedy() {
        let _ = writeln!(err, "  Remedy       {remedy}");
    }
}

/// Writes text to stdout; a closed pipe (`scanwatch once | head -1`) is not an error worth a panic.
pub fn print_stdout(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}
