//! Instructions per 120x40 frame, for comparisons that wall-clock time on a shared machine cannot settle.
//! Renders `FRAMES` frames (default 200) with `FRAME_PATHS` scanned paths (default 10000) inside one function,
//! `render_frames`, so callgrind can count just that:
//!
//! ```sh
//! cargo bench --bench frame_cost --no-run
//! FRAME_PATHS=10000 valgrind --tool=callgrind --toggle-collect='*render_frames*' target/release/deps/frame_cost-*[^.d]
//! ```
//! Without valgrind it prints the mean wall time per frame.

use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use scanwatch::api::client::Fetched;
use scanwatch::api::model::ScanResponse;
use scanwatch::app::{Action, App};
use scanwatch::setup::TargetLabel;
use scanwatch::ui::{self, Theme};

fn loaded_app(paths: usize) -> App {
    let t = DateTime::<Utc>::from_timestamp(1_795_000_600, 0).unwrap();
    let paths: Vec<String> = (0..paths)
        .map(|i| format!("/data/volume-{:02}/shard-{i:07}", i % 17))
        .collect();
    let body = serde_json::json!({"RequestId": "7532B7EE-7CE7-5F4D-BF04-B12447DDCAE1", "Data": {
        "TaskId": "fc98d58eb56f699d49bf7ebbd6d7a001", "ScanTime": 1_795_000_000_000_i64, "Status": 10,
        "SuspiciousCount": 9, "SuspiciousMachine": 4, "SafeMachine": 11, "ScanMachine": 20, "ScanType": "user",
        "ScanPath": paths, "Progress": "62", "MachineName": "web-prod-03", "CompleteMachine": 15,
        "UnCompleteMachine": 5, "RiskLevel": "high"}});
    let label = TargetLabel {
        profile: "soc".into(),
        region: "cn-shanghai".into(),
        endpoint_host: "tds.cn-shanghai.aliyuncs.com".into(),
    };
    let mut app = App::new(label, Duration::from_secs(30), true, t);
    app.start();
    let response = ScanResponse::from_value(&body).unwrap();
    app.update(Action::Loaded {
        fetched: Box::new(Fetched {
            response,
            body,
            attempts: 1,
        }),
        at: t,
    });
    app
}

#[inline(never)]
fn render_frames(app: &mut App, terminal: &mut Terminal<TestBackend>, frames: i64) {
    for tick in 1..=frames {
        app.update(Action::Tick(
            DateTime::<Utc>::from_timestamp(1_795_000_600 + tick, 0).unwrap(),
        ));
        terminal
            .draw(|f| {
                black_box(ui::render(f, app, Theme { color: true }));
            })
            .unwrap();
    }
}

fn main() {
    let env = |name: &str, default: usize| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let frames = env("FRAMES", 200);
    let paths = env("FRAME_PATHS", 10_000);
    let mut app = loaded_app(paths);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let started = Instant::now();
    render_frames(&mut app, &mut terminal, i64::try_from(frames).unwrap());
    let per_frame = started.elapsed().as_secs_f64() * 1e6 / frames as f64;
    println!(
        "frame_cost: {frames} frames of 120x40 with {paths} paths, {per_frame:.1} us per frame (wall)"
    );
}
