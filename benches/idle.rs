//! Idle cost of the dashboard: the release binary in a pseudo-terminal against the emulator, on a scan that is
//! not changing, with the default 30 s interval, for 60 s. Reports CPU seconds used (user + system), that as a
//! share of one core, and peak resident memory. Budgets: under 0.2% of one core, under 20 MB resident.
//!
//! Run: `cargo bench --bench idle` (`IDLE_SECONDS=N` for another duration).

#[path = "common.rs"]
mod common;

use std::io::{Read as _, Write as _};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

const STATIC_SCAN: &str = r#"{"tasks": [{"data": {"TaskId": "idle-task-0001", "ScanTime": 1795000000000,
  "Status": 10, "Progress": "50", "ScanType": "user", "ScanPath": ["/var/www", "/srv/uploads", "/opt/app"],
  "ScanMachine": 20, "CompleteMachine": 10, "UnCompleteMachine": 10, "SafeMachine": 9, "SuspiciousMachine": 1,
  "SuspiciousCount": 2, "RiskLevel": "medium", "MachineName": "web-prod-03"}}]}"#;

/// Clock ticks per second of /proc/PID/stat on Linux.
const TICKS_PER_SECOND: f64 = 100.0;

fn main() {
    let seconds: u64 = std::env::var("IDLE_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(60);
    let (emulator, _dir) = common::emulator(STATIC_SCAN, &[]);
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 40,
            cols: 120,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = CommandBuilder::new(common::BIN);
    cmd.args(["--endpoint", &emulator.url, "--interval", "30"]);
    cmd.env("ALIBABA_CLOUD_ACCESS_KEY_ID", common::KEY_ID);
    cmd.env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", common::SECRET);
    cmd.env("TERM", "xterm-256color");
    let mut child = pair.slave.spawn_command(cmd).unwrap();
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().unwrap();
    let output = std::sync::Arc::new(std::sync::Mutex::new(0usize));
    let counter = std::sync::Arc::clone(&output);
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            *counter.lock().unwrap() += n;
        }
    });
    let pid = child.process_id().expect("pid");
    // Let it start and draw the first answer before measuring.
    std::thread::sleep(Duration::from_secs(2));
    let cpu_start = common::cpu_ticks(pid);
    let bytes_start = *output.lock().unwrap();
    let started = Instant::now();
    std::thread::sleep(Duration::from_secs(seconds));
    let cpu_end = common::cpu_ticks(pid);
    let wall = started.elapsed().as_secs_f64();
    let bytes = *output.lock().unwrap() - bytes_start;
    let pid_text = pid.to_string();
    let peak_kib = common::status_kib(&pid_text, "VmHWM");
    let rss_kib = common::status_kib(&pid_text, "VmRSS");
    let mut writer = pair.master.take_writer().unwrap();
    let _ = writer.write_all(b"q");
    let _ = child.wait();

    let cpu = (cpu_end - cpu_start) as f64 / TICKS_PER_SECOND;
    let share = cpu / wall * 100.0;
    println!("idle: {wall:.1} s of an unchanging scan at --interval 30, 120x40");
    println!(
        "idle: CPU {cpu:.2} s = {share:.3}% of one core (budget 0.2%) -> {}",
        verdict(share < 0.2)
    );
    println!(
        "idle: peak resident {:.1} MB, now {:.1} MB (budget 20 MB) -> {}",
        peak_kib as f64 / 1024.0,
        rss_kib as f64 / 1024.0,
        verdict((peak_kib as f64 / 1024.0) < 20.0)
    );
    println!(
        "idle: {bytes} bytes written to the terminal ({:.0} per second)",
        bytes as f64 / wall
    );
}

fn verdict(ok: bool) -> &'static str {
    if ok { "within budget" } else { "OVER BUDGET" }
}
