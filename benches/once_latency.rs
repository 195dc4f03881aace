//! Wall time of `scanwatch once --json` (the release binary, a whole process from exec to exit) against the local
//! emulator, over 50 runs. Budget: median under 20 ms.
//!
//! Run: `cargo bench --bench once_latency` (`ONCE_RUNS=N` for another count).

#[path = "common.rs"]
mod common;

use std::process::{Command, Stdio};
use std::time::Instant;

fn main() {
    let runs: usize = std::env::var("ONCE_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50);
    let scenario = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/demo-scenario.json"
    ))
    .unwrap();
    let (emulator, _dir) = common::emulator(&scenario, &[]);
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        let status = Command::new(common::BIN)
            .args(["once", "--json", "--endpoint", &emulator.url])
            .env("ALIBABA_CLOUD_ACCESS_KEY_ID", common::KEY_ID)
            .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", common::SECRET)
            .stdout(Stdio::null())
            .status()
            .unwrap();
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        assert!(status.success(), "once --json failed");
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    let p90 = times[times.len() * 9 / 10];
    println!(
        "once --json: {runs} runs, median {median:.2} ms, p90 {p90:.2} ms, min {:.2} ms, max {:.2} ms",
        times[0],
        times[times.len() - 1]
    );
    println!(
        "once --json: budget median 20 ms -> {}",
        if median < 20.0 {
            "within budget"
        } else {
            "OVER BUDGET"
        }
    );
}
