//! `scanwatch wait`: block until the latest scan task completes, for pipelines.
//!
//! Polls every `--interval` until `Status` is 100, for at most `--timeout`. Progress goes to stderr: a redrawn
//! bar when stderr is a terminal, one plain line per change otherwise (CI logs). A task replaced by a newer one
//! is followed, and said so. Exit codes: 0 completed, 1 API or network error (after the client's own retries),
//! 2 usage, 4 completed with risk at or above `--fail-on`, 124 timed out.

use chrono::{Local, Utc};
use std::io::{IsTerminal as _, Write as _};
use tokio::time::Instant;

use super::{exit, print_stdout, report_api_error};
use crate::api::model::ScanTask;
use crate::cli::WaitArgs;
use crate::setup::Target;
use crate::{duration, summary};

/// Completed, but with risk at or above `--fail-on`.
pub const RISK_FOUND: u8 = 4;
/// Gave up after `--timeout`, as `timeout(1)` does.
pub const TIMED_OUT: u8 = 124;

/// What one poll says, as a line for the log.
fn progress_line(task: &ScanTask) -> String {
    let machines = match (task.complete_machines, task.scanned_machines) {
        (Some(c), Some(t)) => format!(", {c}/{t} machines complete"),
        _ => String::new(),
    };
    format!("{}{machines}", summary::headline(task))
}

/// Reports progress on stderr, in the form that suits where stderr goes.
struct Reporter {
    terminal: bool,
    last: Option<String>,
    bar_drawn: bool,
}

impl Reporter {
    fn new() -> Self {
        Self {
            terminal: std::io::stderr().is_terminal(),
            last: None,
            bar_drawn: false,
        }
    }

    fn note(&mut self, text: &str) {
        self.clear_bar();
        let stamp = Local::now().format("%H:%M:%S");
        let _ = writeln!(std::io::stderr(), "[{stamp}] {text}");
    }

    fn progress(&mut self, task: &ScanTask) {
        let line = progress_line(task);
        if self.terminal {
            let percent = task.progress_percent().unwrap_or(0.0);
            let (filled, empty) = crate::ui::bar(30, percent / 100.0);
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K{filled}{empty} {line}");
            let _ = err.flush();
            self.bar_drawn = true;
        } else if self.last.as_deref() != Some(line.as_str()) {
            self.note(&line);
        }
        self.last = Some(line);
    }

    fn clear_bar(&mut self) {
        if self.bar_drawn {
            let _ = write!(std::io::stderr(), "\r\x1b[2K");
            self.bar_drawn = false;
        }
    }
}

/// Waits for the latest task to complete; returns the exit code.
pub async fn run(target: &Target, args: &WaitArgs) -> u8 {
    let deadline = Instant::now() + args.timeout;
    let mut reporter = Reporter::new();
    let mut following: Option<String> = None;
    let mut said_no_task = false;
    loop {
        match target.client.latest_task().await {
            Ok(fetched) => {
                if let Some(task) = &fetched.response.task {
                    let id = task.task_id.clone().unwrap_or_default();
                    match &following {
                        Some(old) if *old != id => {
                            reporter.note(&format!(
                                "task {} was replaced by a newer task {}; following the new one",
                                summary::short_id(old),
                                summary::short_id(&id)
                            ));
                            following = Some(id);
                        }
                        None => {
                            reporter.note(&format!(
                                "waiting for task {} to complete",
                                summary::short_id(&id)
                            ));
                            following = Some(id);
                        }
                        Some(_) => {}
                    }
                    reporter.progress(task);
                    if task.is_complete() {
                        reporter.clear_bar();
                        if args.json {
                            let text =
                                serde_json::to_string_pretty(&fetched.body).unwrap_or_default();
                            print_stdout(&format!("{text}\n"));
                        } else {
                            print_stdout(&summary::render(&fetched.response, Utc::now(), &Local));
                        }
                        return match &args.fail_on {
                            Some(level)
                                if task.risk.rank() > 0
                                    && task.risk.rank() >= level.level().rank() =>
                            {
                                reporter.note(&format!(
                                    "completed with risk {} (at or above --fail-on {})",
                                    task.risk,
                                    level.level()
                                ));
                                RISK_FOUND
                            }
                            _ => exit::OK,
                        };
                    }
                } else if !said_no_task {
                    reporter.note("no scan task yet; waiting for one to start");
                    said_no_task = true;
                }
            }
            Err(error) => {
                reporter.clear_bar();
                report_api_error(&error);
                return exit::API_ERROR;
            }
        }
        let now = Instant::now();
        if now + args.interval > deadline {
            let left = deadline.saturating_duration_since(now);
            tokio::time::sleep(left).await;
            reporter.clear_bar();
            let last = reporter
                .last
                .clone()
                .unwrap_or_else(|| "no answer yet".into());
            reporter.note(&format!(
                "timed out after {}: {last}",
                duration::human(args.timeout)
            ));
            return TIMED_OUT;
        }
        tokio::time::sleep(args.interval).await;
    }
}
