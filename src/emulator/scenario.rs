//! The scan timeline the emulator serves: a JSON file describing tasks that start, progress and find things as
//! time passes.
//!
//! # Schema
//!
//! ```json
//! {
//!   "start_at_seconds": 20,
//!   "loop": true,
//!   "tasks": [
//!     {"task_id": "fc98d58eb56f699d49bf7ebbd6d7a001", "scan_type": "user",
//!      "scan_paths": ["/var/www"], "machine_name": "web-prod-03", "machines": 20, "incomplete_at_end": 1,
//!      "pending_seconds": 3, "run_seconds": 180, "next_after_seconds": 240,
//!      "findings": [{"at_progress": 25, "suspicious_machines": 1, "alerts": 1, "risk": "low"}]},
//!     {"data": {"TaskId": "odd", "Progress": ""}, "next_after_seconds": 60}
//!   ]
//! }
//! ```
//!
//! Top level (unknown keys are errors, so typos do not pass silently):
//! - `start_at_seconds` (number >= 0, default 0): scenario time when the emulator starts, so the first answer can
//!   already be mid-scan.
//! - `loop` (bool, default false): after the last task start over; a repeated task gets the `TaskId` `<task_id>-<cycle>`
//!   so every run is a new task. Without it the last task stays forever.
//! - `tasks` (array, required): an empty array means the account never ran a scan (the response has no `Data`).
//!
//! A simulated task:
//! - `task_id` (string, default `emulator` + 24 hex digits of the task's position): unique among tasks.
//! - `scan_type`: `"user"` or `"system"` (default). Only user scans carry `ScanPath`, from `scan_paths`.
//! - `machine_name` (string, optional): served as `MachineName` when given.
//! - `machines` (integer, required): `ScanMachine`.
//! - `incomplete_at_end` (integer <= machines, default 0): machines that never complete.
//! - `pending_seconds` (default 0): time at Status 0, Progress "0".
//! - `run_seconds` (default 60): time for Progress to climb linearly to 100 (Status 10), then Status 100.
//! - `next_after_seconds` (> 0, default pending + run + 60): when the next task begins. Shorter than
//!   pending + run means the next task replaces this one mid-run.
//! - `findings`: steps `{"at_progress": 0..=100, "suspicious_machines", "alerts", "risk": "low"|"medium"|"high"}`;
//!   the last one reached sets `SuspiciousMachine`, `SuspiciousCount` and `RiskLevel` (absent before any).
//!
//! A verbatim task, `{"data": <any JSON>, "next_after_seconds": 60}`: `data` is served as `Data` exactly as written
//! (`null` included), for shapes the simulation never produces.
//!
//! All durations are seconds and may be fractional (tests use fractions to stay fast).

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use serde_json::{Map, Value, json};

/// A scenario that could not be loaded, with a message saying where and why.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    #[error("cannot read scenario file {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid scenario: {0}")]
    Invalid(String),
}

/// A timeline of scan tasks; see the module documentation for its JSON form.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    start_at: Duration,
    looping: bool,
    tasks: Vec<Task>,
}

#[derive(Debug, Clone, PartialEq)]
enum Task {
    Simulated(SimulatedTask),
    Verbatim { data: Value, next_after: Duration },
}

#[derive(Debug, Clone, PartialEq)]
struct SimulatedTask {
    task_id: String,
    user_scan: bool,
    scan_paths: Vec<String>,
    machine_name: Option<String>,
    machines: u64,
    incomplete_at_end: u64,
    pending: Duration,
    run: Duration,
    next_after: Duration,
    /// Sorted by `at_progress`.
    findings: Vec<Finding>,
}

/// One step of a task's findings, as written in the file and as served (validated on load).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
struct Finding {
    at_progress: u64,
    suspicious_machines: u64,
    alerts: u64,
    risk: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScenarioFile {
    #[serde(default)]
    start_at_seconds: f64,
    #[serde(default, rename = "loop")]
    looping: bool,
    tasks: Vec<Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SimulatedFile {
    task_id: Option<String>,
    scan_type: Option<String>,
    #[serde(default)]
    scan_paths: Vec<String>,
    machine_name: Option<String>,
    machines: u64,
    #[serde(default)]
    incomplete_at_end: u64,
    #[serde(default)]
    pending_seconds: f64,
    run_seconds: Option<f64>,
    next_after_seconds: Option<f64>,
    #[serde(default)]
    findings: Vec<Finding>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VerbatimFile {
    data: Value,
    next_after_seconds: Option<f64>,
}

const DEFAULT_RUN: Duration = Duration::from_secs(60);
const DEFAULT_IDLE_AFTER_RUN: Duration = Duration::from_secs(60);
const DEFAULT_VERBATIM_NEXT_AFTER: Duration = Duration::from_secs(60);

impl Scenario {
    /// The built-in demo: a custom scan that escalates low, medium, high over three minutes, then a system scan.
    pub fn demo() -> Self {
        Self::from_json(include_str!("../../assets/demo-scenario.json"))
            .expect("the bundled demo scenario is valid (checked by a unit test)")
    }

    /// A scenario in which the account has never run a scan.
    pub fn empty() -> Self {
        Self {
            start_at: Duration::ZERO,
            looping: false,
            tasks: Vec::new(),
        }
    }

    pub fn from_file(path: &Path) -> Result<Self, ScenarioError> {
        let text = std::fs::read_to_string(path).map_err(|source| ScenarioError::Io {
            path: path.to_owned(),
            source,
        })?;
        Self::from_json(&text).map_err(|e| match e {
            ScenarioError::Invalid(why) => {
                ScenarioError::Invalid(format!("{}: {why}", path.display()))
            }
            io @ ScenarioError::Io { .. } => io,
        })
    }

    pub fn from_json(text: &str) -> Result<Self, ScenarioError> {
        let file: ScenarioFile =
            serde_json::from_str(text).map_err(|e| ScenarioError::Invalid(e.to_string()))?;
        let start_at =
            seconds(file.start_at_seconds, "start_at_seconds").map_err(ScenarioError::Invalid)?;
        let mut tasks = Vec::with_capacity(file.tasks.len());
        let mut ids = HashSet::new();
        for (index, raw) in file.tasks.into_iter().enumerate() {
            let task = parse_task(index, raw)
                .map_err(|why| ScenarioError::Invalid(format!("tasks[{index}]: {why}")))?;
            if let Task::Simulated(sim) = &task
                && !ids.insert(sim.task_id.clone())
            {
                return Err(ScenarioError::Invalid(format!(
                    "tasks[{index}]: task_id \"{}\" is used twice; every task needs its own",
                    sim.task_id
                )));
            }
            tasks.push(task);
        }
        Ok(Self {
            start_at,
            looping: file.looping,
            tasks,
        })
    }

    /// The `Data` to serve `elapsed` after the emulator started at `emulator_start_unix_ms`; `None` means no task
    /// at all (the response carries no `Data` key), `Some(Value::Null)` a verbatim `"Data": null`.
    pub fn data_at(&self, elapsed: Duration, emulator_start_unix_ms: i64) -> Option<Value> {
        let now = elapsed + self.start_at;
        let (index, cycle, began) = self.locate(now)?;
        match &self.tasks[index] {
            Task::Verbatim { data, .. } => Some(data.clone()),
            Task::Simulated(task) => {
                let offset_ms = millis(began) - millis(self.start_at);
                let began_unix_ms = emulator_start_unix_ms.saturating_add(offset_ms);
                Some(task.snapshot(now.saturating_sub(began), cycle, began_unix_ms))
            }
        }
    }

    /// Which task is current at scenario time `now`: its index, the loop cycle, and when (scenario time) it began.
    fn locate(&self, now: Duration) -> Option<(usize, u64, Duration)> {
        let last = self.tasks.len().checked_sub(1)?;
        let (cycle, within, cycle_start) = if self.looping {
            // Every next_after is > 0 (validated), so the cycle is never empty.
            let length = self
                .tasks
                .iter()
                .map(Task::next_after)
                .sum::<Duration>()
                .as_nanos();
            let cycle = now.as_nanos() / length;
            (
                cycle as u64,
                nanos(now.as_nanos() % length),
                nanos(cycle * length),
            )
        } else {
            (0, now, Duration::ZERO)
        };
        let mut begin = Duration::ZERO;
        for (index, task) in self.tasks.iter().enumerate() {
            let end = begin + task.next_after();
            if within < end || index == last {
                return Some((index, cycle, cycle_start + begin));
            }
            begin = end;
        }
        None
    }
}

fn nanos(n: u128) -> Duration {
    Duration::from_nanos(u64::try_from(n).unwrap_or(u64::MAX))
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

impl Task {
    fn next_after(&self) -> Duration {
        match self {
            Self::Simulated(t) => t.next_after,
            Self::Verbatim { next_after, .. } => *next_after,
        }
    }
}

impl SimulatedTask {
    /// The task as the API shows it `local` after it began.
    fn snapshot(&self, local: Duration, cycle: u64, began_unix_ms: i64) -> Value {
        let (status, progress) = if local < self.pending {
            (0, 0)
        } else if local >= self.pending + self.run {
            (100, 100)
        } else {
            let fraction =
                local.saturating_sub(self.pending).as_secs_f64() / self.run.as_secs_f64();
            // Running tasks stay below 100: reaching 100 is what completion means.
            (10, ((fraction * 100.0).floor() as u64).min(99))
        };
        let finishing = self.machines - self.incomplete_at_end;
        let complete = finishing * progress / 100;
        let finding = if status == 0 {
            None
        } else {
            self.findings
                .iter()
                .rev()
                .find(|f| f.at_progress <= progress)
        };
        let suspicious = finding.map_or(0, |f| f.suspicious_machines);
        let task_id = if cycle == 0 {
            self.task_id.clone()
        } else {
            format!("{}-{cycle}", self.task_id)
        };

        let mut data = Map::new();
        data.insert("TaskId".into(), json!(task_id));
        data.insert("ScanTime".into(), json!(began_unix_ms));
        data.insert("Status".into(), json!(status));
        data.insert(
            "SuspiciousCount".into(),
            json!(finding.map_or(0, |f| f.alerts)),
        );
        data.insert("SuspiciousMachine".into(), json!(suspicious));
        data.insert(
            "SafeMachine".into(),
            json!(complete.saturating_sub(suspicious)),
        );
        data.insert("ScanMachine".into(), json!(self.machines));
        data.insert(
            "ScanType".into(),
            json!(if self.user_scan { "user" } else { "system" }),
        );
        if self.user_scan {
            data.insert("ScanPath".into(), json!(self.scan_paths));
        }
        data.insert("Progress".into(), json!(progress.to_string()));
        if let Some(name) = &self.machine_name {
            data.insert("MachineName".into(), json!(name));
        }
        data.insert("CompleteMachine".into(), json!(complete));
        data.insert("UnCompleteMachine".into(), json!(self.machines - complete));
        if let Some(f) = finding {
            data.insert("RiskLevel".into(), json!(f.risk));
        }
        Value::Object(data)
    }
}

fn parse_task(index: usize, raw: Value) -> Result<Task, String> {
    let is_verbatim = matches!(&raw, Value::Object(map) if map.contains_key("data"));
    if is_verbatim {
        let file: VerbatimFile = serde_json::from_value(raw).map_err(|e| e.to_string())?;
        let next_after = match file.next_after_seconds {
            Some(s) => positive_seconds(s, "next_after_seconds")?,
            None => DEFAULT_VERBATIM_NEXT_AFTER,
        };
        return Ok(Task::Verbatim {
            data: file.data,
            next_after,
        });
    }
    if !raw.is_object() {
        return Err(
            "a task must be an object: a simulated task, or {\"data\": ...} to serve verbatim"
                .into(),
        );
    }
    let file: SimulatedFile = serde_json::from_value(raw).map_err(|e| e.to_string())?;
    let user_scan = match file.scan_type.as_deref().unwrap_or("system") {
        "user" => true,
        "system" => false,
        other => {
            return Err(format!(
                "scan_type must be \"user\" or \"system\", not \"{other}\" (use a {{\"data\": ...}} task for odd values)"
            ));
        }
    };
    if !user_scan && !file.scan_paths.is_empty() {
        return Err(
            "scan_paths are only served for user scans; set scan_type to \"user\" or drop them"
                .into(),
        );
    }
    if file.incomplete_at_end > file.machines {
        return Err(format!(
            "incomplete_at_end ({}) exceeds machines ({})",
            file.incomplete_at_end, file.machines
        ));
    }
    let task_id = file
        .task_id
        .unwrap_or_else(|| format!("emulator{:024x}", index + 1));
    if task_id.is_empty() {
        return Err("task_id must not be empty".into());
    }
    let pending = seconds(file.pending_seconds, "pending_seconds")?;
    let run = match file.run_seconds {
        Some(s) => seconds(s, "run_seconds")?,
        None => DEFAULT_RUN,
    };
    let next_after = match file.next_after_seconds {
        Some(s) => positive_seconds(s, "next_after_seconds")?,
        None => pending + run + DEFAULT_IDLE_AFTER_RUN,
    };
    let mut findings = file.findings;
    for (i, f) in findings.iter().enumerate() {
        if f.at_progress > 100 {
            return Err(format!(
                "findings[{i}].at_progress must be 0 to 100, not {}",
                f.at_progress
            ));
        }
        if !matches!(f.risk.as_str(), "low" | "medium" | "high") {
            return Err(format!(
                "findings[{i}].risk must be \"low\", \"medium\" or \"high\", not \"{}\"",
                f.risk
            ));
        }
    }
    findings.sort_by_key(|f| f.at_progress);
    Ok(Task::Simulated(SimulatedTask {
        task_id,
        user_scan,
        scan_paths: file.scan_paths,
        machine_name: file.machine_name,
        machines: file.machines,
        incomplete_at_end: file.incomplete_at_end,
        pending,
        run,
        next_after,
        findings,
    }))
}

fn seconds(value: f64, field: &str) -> Result<Duration, String> {
    Duration::try_from_secs_f64(value)
        .map_err(|_| format!("{field} must be a number of seconds >= 0, not {value}"))
}

fn positive_seconds(value: f64, field: &str) -> Result<Duration, String> {
    let d = seconds(value, field)?;
    if d.is_zero() {
        return Err(format!("{field} must be more than 0"));
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    const START_MS: i64 = 1_700_000_000_000;

    fn at(scenario: &Scenario, secs: f64) -> Option<Value> {
        scenario.data_at(Duration::from_secs_f64(secs), START_MS)
    }

    fn field(data: &Value, key: &str) -> Value {
        data.get(key).cloned().unwrap_or(Value::Null)
    }

    fn one_task() -> Scenario {
        Scenario::from_json(
            r#"{"tasks":[{"task_id":"t1","scan_type":"user","scan_paths":["/a","/b"],"machine_name":"m",
                "machines":10,"incomplete_at_end":2,"pending_seconds":5,"run_seconds":100,
                "findings":[{"at_progress":50,"suspicious_machines":3,"alerts":7,"risk":"medium"},
                            {"at_progress":20,"suspicious_machines":1,"alerts":1,"risk":"low"}]}]}"#,
        )
        .unwrap()
    }

    #[test]
    fn pending_then_running_then_complete() {
        let s = one_task();
        let d = at(&s, 2.0).unwrap();
        assert_eq!(field(&d, "Status"), json!(0));
        assert_eq!(field(&d, "Progress"), json!("0"));
        assert_eq!(field(&d, "CompleteMachine"), json!(0));
        assert_eq!(field(&d, "UnCompleteMachine"), json!(10));
        assert_eq!(d.get("RiskLevel"), None);
        assert_eq!(field(&d, "ScanTime"), json!(START_MS));
        assert_eq!(field(&d, "ScanPath"), json!(["/a", "/b"]));
        assert_eq!(field(&d, "MachineName"), json!("m"));
        assert_eq!(field(&d, "ScanType"), json!("user"));

        let d = at(&s, 5.0 + 62.5).unwrap();
        assert_eq!(field(&d, "Status"), json!(10));
        assert_eq!(field(&d, "Progress"), json!("62"));
        assert_eq!(
            field(&d, "CompleteMachine"),
            json!(4),
            "8 finishing machines * 62%"
        );
        assert_eq!(field(&d, "UnCompleteMachine"), json!(6));
        assert_eq!(field(&d, "ScanMachine"), json!(10));

        let d = at(&s, 5.0 + 99.99).unwrap();
        assert_eq!(field(&d, "Status"), json!(10));
        assert_eq!(field(&d, "Progress"), json!("99"));

        let d = at(&s, 500.0).unwrap();
        assert_eq!(field(&d, "Status"), json!(100));
        assert_eq!(field(&d, "Progress"), json!("100"));
        assert_eq!(field(&d, "CompleteMachine"), json!(8));
        assert_eq!(field(&d, "UnCompleteMachine"), json!(2));
        assert_eq!(field(&d, "SafeMachine"), json!(5));
        assert_eq!(
            field(&d, "TaskId"),
            json!("t1"),
            "without loop the last task stays"
        );
    }

    #[test]
    fn findings_are_steps() {
        let s = one_task();
        let risk = |secs: f64| {
            let d = at(&s, secs).unwrap();
            (
                d.get("RiskLevel").cloned(),
                field(&d, "SuspiciousMachine"),
                field(&d, "SuspiciousCount"),
            )
        };
        assert_eq!(risk(5.0 + 19.5), (None, json!(0), json!(0)));
        assert_eq!(risk(5.0 + 20.0), (Some(json!("low")), json!(1), json!(1)));
        assert_eq!(risk(5.0 + 49.9), (Some(json!("low")), json!(1), json!(1)));
        assert_eq!(
            risk(5.0 + 50.0),
            (Some(json!("medium")), json!(3), json!(7))
        );
        assert_eq!(risk(1000.0), (Some(json!("medium")), json!(3), json!(7)));
    }

    #[test]
    fn safe_machines_saturate() {
        let s = Scenario::from_json(
            r#"{"tasks":[{"machines":2,"run_seconds":10,
                "findings":[{"at_progress":0,"suspicious_machines":5,"alerts":5,"risk":"high"}]}]}"#,
        )
        .unwrap();
        let d = at(&s, 1.0).unwrap();
        assert_eq!(field(&d, "SafeMachine"), json!(0));
        assert_eq!(field(&d, "RiskLevel"), json!("high"));
        assert_eq!(d.get("ScanPath"), None, "system scans carry no ScanPath");
        assert_eq!(d.get("MachineName"), None);
    }

    fn two_tasks(looping: bool, first_next_after: f64) -> Scenario {
        Scenario::from_json(&format!(
            r#"{{"start_at_seconds":10,"loop":{looping},"tasks":[
                {{"task_id":"a","machines":4,"pending_seconds":0,"run_seconds":100,"next_after_seconds":{first_next_after}}},
                {{"task_id":"b","scan_type":"system","machines":3,"run_seconds":10,"next_after_seconds":30}}]}}"#
        ))
        .unwrap()
    }

    #[test]
    fn start_at_shifts_the_clock_and_scan_time() {
        let s = two_tasks(false, 200.0);
        let d = at(&s, 0.0).unwrap();
        assert_eq!(field(&d, "Progress"), json!("10"));
        assert_eq!(
            field(&d, "ScanTime"),
            json!(START_MS - 10_000),
            "the task began before the emulator"
        );
        let d = at(&s, 195.0).unwrap();
        assert_eq!(field(&d, "TaskId"), json!("b"));
        assert_eq!(field(&d, "ScanTime"), json!(START_MS + 190_000));
    }

    #[test]
    fn next_task_replaces_a_running_one() {
        let s = two_tasks(false, 40.0);
        let d = at(&s, 29.0).unwrap();
        assert_eq!(
            (field(&d, "TaskId"), field(&d, "Status")),
            (json!("a"), json!(10))
        );
        let d = at(&s, 30.0).unwrap();
        assert_eq!(
            (field(&d, "TaskId"), field(&d, "Status")),
            (json!("b"), json!(10))
        );
        assert_eq!(field(&at(&s, 10_000.0).unwrap(), "TaskId"), json!("b"));
    }

    #[test]
    fn loop_gives_repeated_tasks_new_ids() {
        let s = two_tasks(true, 40.0);
        let ids: Vec<Value> = [0.0, 35.0, 65.0, 105.0, 135.0, 175.0]
            .iter()
            .map(|t| field(&at(&s, *t).unwrap(), "TaskId"))
            .collect();
        assert_eq!(
            ids,
            [
                json!("a"),
                json!("b"),
                json!("a-1"),
                json!("b-1"),
                json!("a-2"),
                json!("b-2")
            ]
        );
        let d = at(&s, 65.0).unwrap();
        assert_eq!(field(&d, "Status"), json!(10));
        assert_eq!(
            field(&d, "Progress"),
            json!("5"),
            "a repeated task starts over"
        );
        assert_eq!(field(&d, "ScanTime"), json!(START_MS + 60_000));
    }

    #[test]
    fn verbatim_and_empty() {
        let s = Scenario::from_json(
            r#"{"tasks":[{"data":{"TaskId":"x","Progress":"","Status":null},"next_after_seconds":1},{"data":null}]}"#,
        )
        .unwrap();
        assert_eq!(
            at(&s, 0.5),
            Some(json!({"TaskId":"x","Progress":"","Status":null}))
        );
        assert_eq!(at(&s, 1.5), Some(Value::Null));
        let empty = Scenario::from_json(r#"{"tasks":[]}"#).unwrap();
        assert_eq!(at(&empty, 0.0), None);
        assert_eq!(at(&Scenario::empty(), 99.0), None);
        let looping_empty = Scenario::from_json(r#"{"loop":true,"tasks":[]}"#).unwrap();
        assert_eq!(at(&looping_empty, 5.0), None);
    }

    #[test]
    fn zero_run_completes_at_once() {
        let s = Scenario::from_json(
            r#"{"tasks":[{"machines":3,"pending_seconds":1,"run_seconds":0}]}"#,
        )
        .unwrap();
        assert_eq!(field(&at(&s, 0.5).unwrap(), "Status"), json!(0));
        assert_eq!(field(&at(&s, 1.0).unwrap(), "Status"), json!(100));
    }

    #[test]
    fn demo_is_valid_and_lively() {
        let s = Scenario::demo();
        let first = at(&s, 0.0).unwrap();
        assert_eq!(
            field(&first, "Status"),
            json!(10),
            "the demo starts mid-scan"
        );
        assert_eq!(field(&first, "ScanType"), json!("user"));
        let later = at(&s, 60.0).unwrap();
        assert_ne!(field(&first, "Progress"), field(&later, "Progress"));
        let risks: HashSet<String> = (0..200)
            .filter_map(|t| at(&s, f64::from(t)).unwrap().get("RiskLevel").cloned())
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
        assert_eq!(risks.len(), 3, "low, medium and high all appear: {risks:?}");
        let system =
            (0..1000).any(|t| field(&at(&s, f64::from(t)).unwrap(), "ScanType") == json!("system"));
        assert!(system, "a system scan follows");
    }

    #[test]
    fn invalid_scenarios_say_why() {
        let cases = [
            ("not json", "expected"),
            (
                r#"{"tasks":[{"machines":1,"colour":"red"}]}"#,
                "tasks[0]: unknown field `colour`",
            ),
            (r#"{"taskz":[]}"#, "unknown field `taskz`"),
            (r"{}", "missing field `tasks`"),
            (
                r#"{"tasks":[{"scan_type":"user"}]}"#,
                "missing field `machines`",
            ),
            (
                r#"{"tasks":[{"machines":1,"scan_type":"weekly"}]}"#,
                "scan_type must be",
            ),
            (
                r#"{"tasks":[{"machines":1,"scan_paths":["/x"]}]}"#,
                "only served for user scans",
            ),
            (
                r#"{"tasks":[{"machines":1,"incomplete_at_end":2}]}"#,
                "exceeds machines",
            ),
            (
                r#"{"tasks":[{"machines":1,"run_seconds":-1}]}"#,
                "run_seconds must be",
            ),
            (
                r#"{"tasks":[{"machines":1,"next_after_seconds":0}]}"#,
                "next_after_seconds must be more than 0",
            ),
            (
                r#"{"tasks":[{"data":1,"next_after_seconds":0}]}"#,
                "tasks[0]: next_after_seconds",
            ),
            (
                r#"{"tasks":[{"machines":1,"findings":[{"at_progress":101,"suspicious_machines":0,"alerts":0,"risk":"low"}]}]}"#,
                "at_progress must be 0 to 100",
            ),
            (
                r#"{"tasks":[{"machines":1,"findings":[{"at_progress":1,"suspicious_machines":0,"alerts":0,"risk":"dire"}]}]}"#,
                "risk must be",
            ),
            (
                r#"{"tasks":[{"task_id":"x","machines":1},{"task_id":"x","machines":1}]}"#,
                "tasks[1]: task_id \"x\" is used twice",
            ),
            (r#"{"tasks":[7]}"#, "a task must be an object"),
        ];
        for (text, want) in cases {
            let err = Scenario::from_json(text).unwrap_err().to_string();
            assert!(err.contains(want), "{text}: {err}");
        }
    }

    #[test]
    fn from_file_names_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope.json");
        let err = Scenario::from_file(&missing).unwrap_err().to_string();
        assert!(err.contains("nope.json"), "{err}");
        let bad = dir.path().join("bad.json");
        std::fs::write(&bad, "{}").unwrap();
        let err = Scenario::from_file(&bad).unwrap_err().to_string();
        assert!(err.contains("bad.json") && err.contains("tasks"), "{err}");
        let good = dir.path().join("good.json");
        std::fs::write(&good, r#"{"tasks":[]}"#).unwrap();
        assert_eq!(Scenario::from_file(&good).unwrap(), Scenario::empty());
    }
}
