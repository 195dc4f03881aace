//! Soak: 10,000 refreshes through the real client against the emulator (a separate process), each answer fed
//! to the dashboard's App and drawn on a 120x40 frame, as the dashboard does. Reports this process's resident
//! memory after a warm-up and at the end. The bound held: growth under 2 MiB.
//!
//! Run: `cargo bench --bench soak` (`SOAK_REFRESHES=N` for another count).

#[path = "common.rs"]
mod common;

use std::time::{Duration, Instant};

use chrono::Utc;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use scanwatch::api::client::{Client, ClientOptions};
use scanwatch::app::{Action, App};
use scanwatch::credentials::{CredentialSource, Credentials, Secret};
use scanwatch::setup::TargetLabel;
use scanwatch::ui::{self, Theme};

/// Short tasks that loop, so the soak sees new tasks, completions, escalations and the activity log filling.
const SCENARIO: &str = r#"{"loop": true, "tasks": [
  {"task_id": "soak-user", "scan_type": "user", "scan_paths": ["/var/www", "/srv", "/opt/app", "/home"],
   "machines": 50, "incomplete_at_end": 2, "run_seconds": 2, "next_after_seconds": 2.5,
   "findings": [{"at_progress": 30, "suspicious_machines": 1, "alerts": 2, "risk": "low"},
                {"at_progress": 70, "suspicious_machines": 3, "alerts": 7, "risk": "high"}]},
  {"task_id": "soak-system", "scan_type": "system", "machines": 12, "run_seconds": 1.5, "next_after_seconds": 2}
]}"#;

const BOUND_KIB: i64 = 2048;

fn main() {
    let refreshes: usize = std::env::var("SOAK_REFRESHES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    // Every seventh request fails, so the error path (banner, activity log, retries) is soaked too.
    let (emulator, _dir) = common::emulator(SCENARIO, &["--fault", "error:ServerError@every=7"]);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let credentials = Credentials {
        access_key_id: common::KEY_ID.into(),
        access_key_secret: Secret::new(common::SECRET),
        security_token: None,
        source: CredentialSource::Environment("bench".into()),
    };
    let options = ClientOptions {
        backoff_base: Duration::from_millis(1),
        backoff_max: Duration::from_millis(2),
        ..ClientOptions::default()
    };
    let client = Client::new(emulator.url.parse().unwrap(), credentials, options).unwrap();
    let label = TargetLabel {
        profile: "soak".into(),
        region: "emulator".into(),
        endpoint_host: emulator.url.clone(),
    };
    let mut app = App::new(label, Duration::from_secs(30), true, Utc::now());
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let theme = Theme { color: true };
    let warmup = 200.min(refreshes / 10);
    let mut start_kib = 0;
    let (mut ok, mut failed) = (0u64, 0u64);
    let started = Instant::now();
    for i in 0..refreshes {
        if i == warmup {
            start_kib = common::status_kib("self", "VmRSS");
        }
        app.update(Action::Refresh);
        let action = match runtime.block_on(client.latest_task()) {
            Ok(fetched) => {
                ok += 1;
                Action::Loaded {
                    fetched: Box::new(fetched),
                    at: Utc::now(),
                }
            }
            Err(error) => {
                failed += 1;
                Action::Failed {
                    error,
                    at: Utc::now(),
                }
            }
        };
        app.update(action);
        terminal
            .draw(|f| {
                ui::render(f, &app, theme);
            })
            .unwrap();
    }
    let end_kib = common::status_kib("self", "VmRSS");
    let growth = i64::try_from(end_kib).unwrap() - i64::try_from(start_kib).unwrap();
    println!(
        "soak: {refreshes} refreshes in {:.1} s ({ok} answers, {failed} errors after retries)",
        started.elapsed().as_secs_f64()
    );
    println!(
        "soak: resident memory after {warmup} refreshes {start_kib} KiB, at the end {end_kib} KiB"
    );
    println!(
        "soak: growth {growth} KiB (bound held: {BOUND_KIB} KiB) -> {}",
        if growth < BOUND_KIB {
            "within budget"
        } else {
            "OVER BUDGET"
        }
    );
    println!(
        "soak: activity log {} entries, ETA samples {}",
        app.events.len(),
        app.samples.len()
    );
}
