//! Shared by the benchmarks: the release binary, an emulator child process, /proc readings, and a dashboard
//! loaded with a task of any number of paths.

#![allow(dead_code)]

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_scanwatch");
pub const KEY_ID: &str = "bench-key";
pub const SECRET: &str = "bench-secret";

/// `scanwatch emulator` as a separate process, so that its memory is not counted with the client's.
pub struct Emulator {
    child: Child,
    pub url: String,
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn emulator(scenario: &str, extra: &[&str]) -> (Emulator, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scenario.json");
    std::fs::write(&path, scenario).unwrap();
    let mut child = Command::new(BIN)
        .args(["emulator", "--listen", "127.0.0.1:0", "--scenario"])
        .arg(&path)
        .args(extra)
        .env("SCANWATCH_EMULATOR_ACCESS_KEY_ID", KEY_ID)
        .env("SCANWATCH_EMULATOR_ACCESS_KEY_SECRET", SECRET)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("emulator starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line.trim().trim_start_matches("listening on ").to_owned();
    (Emulator { child, url }, dir)
}

/// A field of /proc/PID/status in KiB (`VmRSS`, `VmHWM`).
pub fn status_kib(pid: &str, field: &str) -> u64 {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    text.lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// User plus system CPU time of a process, in clock ticks (1/100 s on Linux).
pub fn cpu_ticks(pid: u32) -> u64 {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name, which is in parentheses and may contain spaces.
    let after = text.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let utime: u64 = fields.get(11).and_then(|v| v.parse().ok()).unwrap_or(0);
    let stime: u64 = fields.get(12).and_then(|v| v.parse().ok()).unwrap_or(0);
    utime + stime
}

/// A response body like the API's, with `paths` scanned paths.
pub fn body(paths: usize) -> serde_json::Value {
    let paths: Vec<String> = (0..paths)
        .map(|i| format!("/data/volume-{:02}/shard-{i:07}", i % 17))
        .collect();
    serde_json::json!({
        "RequestId": "7532B7EE-7CE7-5F4D-BF04-B12447DDCAE1",
        "Data": {
            "TaskId": "fc98d58eb56f699d49bf7ebbd6d7a001", "ScanTime": 1_795_000_000_000_i64, "Status": 10,
            "SuspiciousCount": 9, "SuspiciousMachine": 4, "SafeMachine": 11, "ScanMachine": 20,
            "ScanType": "user", "ScanPath": paths, "Progress": "62", "MachineName": "web-prod-03",
            "CompleteMachine": 15, "UnCompleteMachine": 5, "RiskLevel": "high"
        }
    })
}

/// The dashboard's state after one answer carrying `paths` scanned paths.
pub fn loaded_app(paths: usize) -> scanwatch::app::App {
    use scanwatch::api::client::Fetched;
    use scanwatch::api::model::ScanResponse;
    use scanwatch::app::{Action, App};
    let t = chrono::DateTime::<chrono::Utc>::from_timestamp(1_795_000_600, 0).unwrap();
    let label = scanwatch::setup::TargetLabel {
        profile: "soc".into(),
        region: "cn-shanghai".into(),
        endpoint_host: "tds.cn-shanghai.aliyuncs.com".into(),
    };
    let mut app = App::new(label, std::time::Duration::from_secs(30), true, t);
    app.start();
    let body = body(paths);
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
