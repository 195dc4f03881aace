//! Instructions per 120x40 frame, for comparisons that wall-clock time on a shared machine cannot settle.
//! Renders `FRAMES` frames (default 200) with `FRAME_PATHS` scanned paths (default 10000) inside one function,
//! `render_frames`, so callgrind can count just that:
//!
//! ```sh
//! cargo bench --bench frame_cost --no-run
//! FRAME_PATHS=10000 valgrind --tool=callgrind --toggle-collect='*render_frames*' target/release/deps/frame_cost-*[^.d]
//! ```
//! Without valgrind it prints the mean wall time per frame.

#[path = "common.rs"]
mod common;

use std::hint::black_box;
use std::time::Instant;

use chrono::{DateTime, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use scanwatch::app::{Action, App};
use scanwatch::ui::{self, Theme};

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
    let mut app = common::loaded_app(paths);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    let started = Instant::now();
    render_frames(&mut app, &mut terminal, i64::try_from(frames).unwrap());
    let per_frame = started.elapsed().as_secs_f64() * 1e6 / frames as f64;
    println!(
        "frame_cost: {frames} frames of 120x40 with {paths} paths, {per_frame:.1} us per frame (wall)"
    );
}
