//! Plain-text descriptions of a scan task, shared by `once`, `check` and `wait`.

use std::fmt::Write as _;

use chrono::{DateTime, TimeZone, Utc};

use crate::api::model::{RiskLevel, ScanResponse, ScanTask, ScanType, TaskStatus};
use crate::duration;

/// What a missing field is shown as.
pub const UNKNOWN: &str = "unknown";

/// The task's start as local date and time, and its age: `2026-11-28 09:14:02 (14 min ago)`.
pub fn started<Tz: TimeZone>(task: &ScanTask, now: DateTime<Utc>, zone: &Tz) -> Option<String>
where
    Tz::Offset: std::fmt::Display,
{
    let at = DateTime::<Utc>::from_timestamp_millis(task.scan_time_ms?)?;
    let local = at.with_timezone(zone).format("%Y-%m-%d %H:%M:%S");
    let age = match (now - at).to_std() {
        Ok(age) => format!("{} ago", duration::human(age)),
        Err(_) => "in the future: check the clock".to_owned(),
    };
    Some(format!("{local} ({age})"))
}

/// Percent as shown to people: `62%`, or `unknown`.
pub fn progress(task: &ScanTask) -> String {
    task.progress_percent()
        .map_or_else(|| UNKNOWN.to_owned(), |p| format!("{}%", p.floor()))
}

fn count(value: Option<u64>) -> String {
    value.map_or_else(|| "?".to_owned(), |n| n.to_string())
}

/// `20 scanned · 14 complete · 6 incomplete · 16 safe · 4 suspicious`.
pub fn machines(task: &ScanTask) -> String {
    format!(
        "{} scanned · {} complete · {} incomplete · {} safe · {} suspicious",
        count(task.scanned_machines),
        count(task.complete_machines),
        count(task.incomplete_machines),
        count(task.safe_machines),
        count(task.suspicious_machines)
    )
}

/// `HIGH · 9 alerts on 4 machines`, or `NONE · no alerts`.
pub fn risk(task: &ScanTask) -> String {
    let badge = task.risk.word().to_uppercase();
    let alerts = task.suspicious_count.unwrap_or(0);
    if alerts == 0 && task.risk == RiskLevel::None {
        return format!("{badge} · no alerts");
    }
    let plural = if alerts == 1 { "alert" } else { "alerts" };
    match task.suspicious_machines {
        Some(m) => format!(
            "{badge} · {alerts} {plural} on {m} machine{}",
            if m == 1 { "" } else { "s" }
        ),
        None => format!("{badge} · {alerts} {plural}"),
    }
}

/// `custom scan (user), 4 paths` / `automatic scan (system), whole system`.
pub fn scan_type(task: &ScanTask) -> String {
    match &task.scan_type {
        Some(ScanType::User) => {
            let n = task.scan_paths.len();
            format!(
                "{}, {n} path{}",
                ScanType::User.describe(),
                if n == 1 { "" } else { "s" }
            )
        }
        Some(ScanType::System) => format!("{}, whole system", ScanType::System.describe()),
        Some(other) => other.describe(),
        None => UNKNOWN.to_owned(),
    }
}

/// A task id shortened for one-line output: the first 8 characters, then `...`.
pub fn short_id(id: &str) -> String {
    if id.chars().count() <= 11 {
        id.to_owned()
    } else {
        format!("{}...", id.chars().take(8).collect::<String>())
    }
}

/// The one-line headline shared by `once`, `check` and `wait`, plain ASCII for monitoring systems:
/// `risk high, 5 alerts on 2 of 10 machines, scan 92% running (task fc98d58e...)`.
pub fn headline(task: &ScanTask) -> String {
    let alerts = task.suspicious_count.unwrap_or(0);
    let mut text = format!(
        "risk {}, {alerts} alert{}",
        task.risk.word(),
        if alerts == 1 { "" } else { "s" }
    );
    match (task.suspicious_machines, task.scanned_machines) {
        (Some(s), Some(total)) => {
            let _ = write!(
                text,
                " on {s} of {total} machine{}",
                if total == 1 { "" } else { "s" }
            );
        }
        (Some(s), None) => {
            let _ = write!(text, " on {s} machine{}", if s == 1 { "" } else { "s" });
        }
        _ => {}
    }
    let status = task
        .status
        .map_or_else(|| "status unknown".to_owned(), TaskStatus::label);
    match task.progress_percent() {
        Some(p) => {
            let _ = write!(text, ", scan {}% {status}", p.floor());
        }
        None => {
            let _ = write!(text, ", scan {status}");
        }
    }
    if let Some(id) = &task.task_id {
        let _ = write!(text, " (task {})", short_id(id));
    }
    text
}

/// The multi-line summary that `once` prints.
pub fn render<Tz: TimeZone>(response: &ScanResponse, now: DateTime<Utc>, zone: &Tz) -> String
where
    Tz::Offset: std::fmt::Display,
{
    let mut out = String::new();
    let request_id = response.request_id.as_deref().unwrap_or(UNKNOWN);
    let Some(task) = &response.task else {
        let _ = writeln!(
            out,
            "No scan task yet: this account has not run a virus scan."
        );
        let _ = writeln!(out, "{:<10} {request_id}", "RequestId");
        return out;
    };
    let _ = writeln!(out, "{}", headline(task));
    let status = task
        .status
        .map_or_else(|| UNKNOWN.to_owned(), TaskStatus::label);
    let rows: [(&str, String); 8] = [
        (
            "Task",
            task.task_id.clone().unwrap_or_else(|| UNKNOWN.into()),
        ),
        ("Type", scan_type(task)),
        ("Status", status),
        ("Progress", progress(task)),
        (
            "Started",
            started(task, now, zone).unwrap_or_else(|| UNKNOWN.into()),
        ),
        (
            "Machine",
            task.machine_name.clone().unwrap_or_else(|| UNKNOWN.into()),
        ),
        ("Machines", machines(task)),
        ("Risk", risk(task)),
    ];
    for (label, value) in rows {
        let _ = writeln!(out, "{label:<10} {value}");
    }
    if task.scan_type == Some(ScanType::User) || !task.scan_paths.is_empty() {
        for (i, path) in task.scan_paths.iter().enumerate() {
            let label = if i == 0 { "Paths" } else { "" };
            let _ = writeln!(out, "{label:<10} {path}");
        }
    }
    let _ = writeln!(out, "{:<10} {request_id}", "RequestId");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task() -> ScanTask {
        ScanTask {
            task_id: Some("t-1".into()),
            scan_time_ms: Some(1_700_000_000_000),
            status: Some(TaskStatus::RUNNING),
            suspicious_count: Some(9),
            suspicious_machines: Some(4),
            safe_machines: Some(16),
            scanned_machines: Some(20),
            scan_type: Some(ScanType::User),
            scan_paths: vec!["/var/www".into(), "/srv".into()],
            progress: Some(62.7),
            machine_name: Some("web-03".into()),
            complete_machines: Some(14),
            incomplete_machines: Some(6),
            risk: RiskLevel::High,
        }
    }

    #[test]
    fn full_summary() {
        let now = DateTime::<Utc>::from_timestamp_millis(1_700_000_000_000 + 14 * 60_000).unwrap();
        let response = ScanResponse {
            request_id: Some("R-1".into()),
            task: Some(task()),
        };
        let text = render(&response, now, &Utc);
        let want = "\
risk high, 9 alerts on 4 of 20 machines, scan 62% running (task t-1)
Task       t-1
Type       custom scan (user), 2 paths
Status     running
Progress   62%
Started    2023-11-14 22:13:20 (14 min ago)
Machine    web-03
Machines   20 scanned · 14 complete · 6 incomplete · 16 safe · 4 suspicious
Risk       HIGH · 9 alerts on 4 machines
Paths      /var/www
           /srv
RequestId  R-1
";
        assert_eq!(text, want);
    }

    #[test]
    fn missing_fields_say_unknown() {
        let response = ScanResponse {
            request_id: None,
            task: Some(ScanTask::default()),
        };
        let text = render(&response, Utc::now(), &Utc);
        assert!(text.contains("Progress   unknown"), "{text}");
        assert!(text.contains("Machines   ? scanned"), "{text}");
        assert!(text.contains("Risk       NONE · no alerts"), "{text}");
    }

    #[test]
    fn no_task_yet() {
        let response = ScanResponse {
            request_id: Some("R".into()),
            task: None,
        };
        assert!(render(&response, Utc::now(), &Utc).starts_with("No scan task yet"));
    }

    #[test]
    fn headline_forms() {
        let mut t = task();
        t.task_id = Some("fc98d58eb56f699d49bf7ebbd6d7a001".into());
        assert_eq!(
            headline(&t),
            "risk high, 9 alerts on 4 of 20 machines, scan 62% running (task fc98d58e...)"
        );
        assert_eq!(
            headline(&ScanTask::default()),
            "risk none, 0 alerts, scan status unknown"
        );
        assert!(headline(&t).is_ascii());
    }

    #[test]
    fn singular_forms() {
        let mut t = task();
        t.suspicious_count = Some(1);
        t.suspicious_machines = Some(1);
        assert_eq!(risk(&t), "HIGH · 1 alert on 1 machine");
    }
}
