//! The `GetVirusScanLatestTaskStatistic` response, decoded leniently.
//!
//! The real API is looser than its documentation: `Data` may be absent, `null` or `{}`; any field may be absent
//! or `null`; `Progress` is documented as a string but numbers occur; counts need not add up. Decoding goes
//! through `serde_json::Value` and picks each field by hand, so no shape of valid JSON can make it fail or panic.

use std::fmt;

use serde_json::Value;

/// A decoded response: the request id and, when the account has one, the latest task.
#[derive(Debug, Clone, PartialEq)]
pub struct ScanResponse {
    pub request_id: Option<String>,
    /// `None` when the account has no scan task yet.
    pub task: Option<ScanTask>,
}

/// The latest virus scan task; every field is optional because the API may leave any of them out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScanTask {
    pub task_id: Option<String>,
    /// When the task was performed, Unix time in milliseconds.
    pub scan_time_ms: Option<i64>,
    pub status: Option<TaskStatus>,
    /// Number of alerts detected.
    pub suspicious_count: Option<u64>,
    pub suspicious_machines: Option<u64>,
    pub safe_machines: Option<u64>,
    pub scanned_machines: Option<u64>,
    pub scan_type: Option<ScanType>,
    /// Paths scanned; only `user` scans carry them.
    pub scan_paths: Vec<String>,
    /// Percent complete; `None` when absent or not a number.
    pub progress: Option<f64>,
    pub machine_name: Option<String>,
    pub complete_machines: Option<u64>,
    pub incomplete_machines: Option<u64>,
    pub risk: RiskLevel,
}

/// Why a body could not be decoded at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DecodeError(pub String);

impl ScanResponse {
    /// Decodes a success body. Only a body that is not a JSON object is an error.
    pub fn from_slice(body: &[u8]) -> Result<(Self, Value), DecodeError> {
        let value: Value = serde_json::from_slice(body).map_err(|e| {
            DecodeError(format!(
                "the response is not valid JSON ({})",
                json_error_kind(&e)
            ))
        })?;
        let response = Self::from_value(&value)?;
        Ok((response, value))
    }

    /// Decodes an already parsed body.
    pub fn from_value(value: &Value) -> Result<Self, DecodeError> {
        let Value::Object(map) = value else {
            return Err(DecodeError(format!(
                "the response is JSON but not an object (it is {})",
                json_kind(value)
            )));
        };
        let request_id = map.get("RequestId").and_then(string);
        let task = match map.get("Data") {
            Some(Value::Object(data)) if !data.is_empty() => Some(ScanTask::from_map(data)),
            _ => None,
        };
        Ok(Self { request_id, task })
    }
}

fn json_error_kind(error: &serde_json::Error) -> &'static str {
    match error.classify() {
        serde_json::error::Category::Io => "read error",
        serde_json::error::Category::Syntax => "syntax error",
        serde_json::error::Category::Data => "unexpected data",
        serde_json::error::Category::Eof => "the body ends too early",
    }
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl ScanTask {
    fn from_map(data: &serde_json::Map<String, Value>) -> Self {
        let get = |key: &str| data.get(key);
        Self {
            task_id: get("TaskId").and_then(string),
            scan_time_ms: get("ScanTime").and_then(integer),
            status: get("Status").and_then(integer).map(TaskStatus),
            suspicious_count: get("SuspiciousCount").and_then(count),
            suspicious_machines: get("SuspiciousMachine").and_then(count),
            safe_machines: get("SafeMachine").and_then(count),
            scanned_machines: get("ScanMachine").and_then(count),
            scan_type: get("ScanType")
                .and_then(string)
                .map(|s| ScanType::parse(&s)),
            scan_paths: get("ScanPath").map(string_list).unwrap_or_default(),
            progress: get("Progress").and_then(progress),
            machine_name: get("MachineName").and_then(string),
            complete_machines: get("CompleteMachine").and_then(count),
            incomplete_machines: get("UnCompleteMachine").and_then(count),
            risk: get("RiskLevel")
                .and_then(string)
                .map_or(RiskLevel::None, |s| RiskLevel::parse(&s)),
        }
    }

    /// Progress clamped to 0..=100 for display; `None` when unknown.
    pub fn progress_percent(&self) -> Option<f64> {
        self.progress.map(|p| p.clamp(0.0, 100.0))
    }

    /// True while the main task has not completed (and its status is known).
    pub fn is_running(&self) -> bool {
        matches!(self.status, Some(s) if s.is_active())
    }

    /// True when the main task reports completion.
    pub fn is_complete(&self) -> bool {
        self.status == Some(TaskStatus::COMPLETE)
    }
}

/// A string field; numbers are accepted and shown as written, empty strings count as absent.
fn string(value: &Value) -> Option<String> {
    match value {
        Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// An integer field given as a number or a numeric string.
fn integer(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.is_finite()).map(|f| f as i64)),
        Value::String(s) => s.trim().parse::<i64>().ok(),
        _ => None,
    }
}

/// A count: an integer that is not negative.
fn count(value: &Value) -> Option<u64> {
    integer(value).and_then(|n| u64::try_from(n).ok())
}

fn progress(value: &Value) -> Option<f64> {
    let number = match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().trim_end_matches('%').trim().parse::<f64>().ok(),
        _ => None,
    }?;
    number.is_finite().then_some(number)
}

fn string_list(value: &Value) -> Vec<String> {
    match value {
        Value::Array(items) => items.iter().filter_map(string).collect(),
        Value::String(s) if !s.is_empty() => vec![s.clone()],
        _ => Vec::new(),
    }
}

/// `Status`: main task 0 / 10 / 100, subtask 20 / 50 / 100. Unknown codes are kept and shown as such.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskStatus(pub i64);

impl TaskStatus {
    pub const PENDING: Self = Self(0);
    pub const RUNNING: Self = Self(10);
    pub const SCRIPT_SENT: Self = Self(20);
    pub const SUBTASK_RUNNING: Self = Self(50);
    pub const COMPLETE: Self = Self(100);

    /// The status in words.
    pub fn label(self) -> String {
        match self.0 {
            0 => "to be started".into(),
            10 => "running".into(),
            20 => "scan script sent".into(),
            50 => "running (subtask)".into(),
            100 => "complete".into(),
            other => format!("unknown ({other})"),
        }
    }

    /// Not yet complete: pending, running, or one of the subtask stages.
    pub fn is_active(self) -> bool {
        matches!(self.0, 0 | 10 | 20 | 50)
    }
}

impl fmt::Display for TaskStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

/// `ScanType`: `system` (automatic) or `user` (custom).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScanType {
    System,
    User,
    Other(String),
}

impl ScanType {
    fn parse(text: &str) -> Self {
        match text.trim().to_ascii_lowercase().as_str() {
            "system" => Self::System,
            "user" => Self::User,
            _ => Self::Other(text.to_owned()),
        }
    }

    /// The wire value, as the API spells it.
    pub fn as_wire(&self) -> &str {
        match self {
            Self::System => "system",
            Self::User => "user",
            Self::Other(s) => s,
        }
    }

    /// What the scan is, in words.
    pub fn describe(&self) -> String {
        match self {
            Self::System => "automatic scan (system)".into(),
            Self::User => "custom scan (user)".into(),
            Self::Other(s) => format!("unknown scan type ({s})"),
        }
    }
}

/// `RiskLevel`: the highest risk among the task's alerts; absent means nothing suspicious was found.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum RiskLevel {
    #[default]
    None,
    Low,
    Medium,
    High,
    /// A value the API documentation does not list; ranked below `Low` since its meaning is unknown.
    Unknown(String),
}

impl RiskLevel {
    /// Parses a wire value, case-insensitively.
    pub fn parse(text: &str) -> Self {
        match text.trim().to_ascii_lowercase().as_str() {
            "" | "none" => Self::None,
            "low" => Self::Low,
            "medium" => Self::Medium,
            "high" => Self::High,
            _ => Self::Unknown(text.to_owned()),
        }
    }

    /// 0 for none or unknown, then 1, 2, 3 for low, medium, high: the order used to detect escalation.
    pub fn rank(&self) -> u8 {
        match self {
            Self::None | Self::Unknown(_) => 0,
            Self::Low => 1,
            Self::Medium => 2,
            Self::High => 3,
        }
    }

    /// Lowercase word, as in the API.
    pub fn word(&self) -> String {
        match self {
            Self::None => "none".into(),
            Self::Low => "low".into(),
            Self::Medium => "medium".into(),
            Self::High => "high".into(),
            Self::Unknown(s) => format!("unknown ({s})"),
        }
    }
}

impl fmt::Display for RiskLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.word())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"{
      "RequestId": "7532B7EE-7CE7-5F4D-BF04-B12447DDCAE1",
      "Data": {
        "TaskId": "fc98d58eb56f699d49bf7ebbd6d7****", "ScanTime": 1681145862000, "Status": 0,
        "SuspiciousCount": 2, "SuspiciousMachine": 2, "SafeMachine": 1, "ScanMachine": 3,
        "ScanType": "system", "ScanPath": ["C:/test1"], "Progress": "92", "MachineName": "testMahine1",
        "CompleteMachine": 2, "UnCompleteMachine": 1, "RiskLevel": "medium"
      }
    }"#;

    fn task(body: &str) -> Option<ScanTask> {
        ScanResponse::from_slice(body.as_bytes()).unwrap().0.task
    }

    #[test]
    fn documented_sample_decodes_every_field() {
        let (r, _) = ScanResponse::from_slice(SAMPLE.as_bytes()).unwrap();
        assert_eq!(
            r.request_id.as_deref(),
            Some("7532B7EE-7CE7-5F4D-BF04-B12447DDCAE1")
        );
        let t = r.task.unwrap();
        assert_eq!(
            t.task_id.as_deref(),
            Some("fc98d58eb56f699d49bf7ebbd6d7****")
        );
        assert_eq!(t.scan_time_ms, Some(1_681_145_862_000));
        assert_eq!(t.status, Some(TaskStatus::PENDING));
        assert_eq!(t.suspicious_count, Some(2));
        assert_eq!(t.suspicious_machines, Some(2));
        assert_eq!(t.safe_machines, Some(1));
        assert_eq!(t.scanned_machines, Some(3));
        assert_eq!(t.scan_type, Some(ScanType::System));
        assert_eq!(t.scan_paths, vec!["C:/test1".to_owned()]);
        assert_eq!(t.progress, Some(92.0));
        assert_eq!(t.machine_name.as_deref(), Some("testMahine1"));
        assert_eq!(t.complete_machines, Some(2));
        assert_eq!(t.incomplete_machines, Some(1));
        assert_eq!(t.risk, RiskLevel::Medium);
    }

    #[test]
    fn no_task_yet_shapes() {
        for body in [
            r#"{"RequestId":"x"}"#,
            r#"{"RequestId":"x","Data":null}"#,
            r#"{"RequestId":"x","Data":{}}"#,
            r#"{"RequestId":"x","Data":[]}"#,
            r#"{"RequestId":"x","Data":"nothing"}"#,
        ] {
            assert_eq!(task(body), None, "{body}");
        }
    }

    #[test]
    fn every_field_may_be_null_or_absent() {
        let nulls = r#"{"Data":{"TaskId":null,"ScanTime":null,"Status":null,"SuspiciousCount":null,
            "SuspiciousMachine":null,"SafeMachine":null,"ScanMachine":null,"ScanType":null,"ScanPath":null,
            "Progress":null,"MachineName":null,"CompleteMachine":null,"UnCompleteMachine":null,"RiskLevel":null}}"#;
        assert_eq!(task(nulls), Some(ScanTask::default()));
        assert_eq!(
            task(r#"{"Data":{"Unrelated":1}}"#),
            Some(ScanTask::default())
        );
    }

    #[test]
    fn progress_shapes() {
        let cases: &[(&str, Option<f64>)] = &[
            (r#""92""#, Some(92.0)),
            ("92", Some(92.0)),
            ("92.5", Some(92.5)),
            (r#"" 40 ""#, Some(40.0)),
            (r#""40%""#, Some(40.0)),
            (r#""""#, None),
            (r#""garbage""#, None),
            (r#""NaN""#, None),
            (r#""inf""#, None),
            ("true", None),
            ("[1]", None),
            ("null", None),
        ];
        for (raw, want) in cases {
            let t = task(&format!(r#"{{"Data":{{"TaskId":"t","Progress":{raw}}}}}"#)).unwrap();
            assert_eq!(t.progress, *want, "Progress {raw}");
        }
        let t = task(r#"{"Data":{"Progress":"250"}}"#).unwrap();
        assert_eq!(t.progress_percent(), Some(100.0));
    }

    #[test]
    fn counts_accept_numeric_strings_and_reject_negatives_and_garbage() {
        let t = task(r#"{"Data":{"ScanMachine":"7","SafeMachine":-1,"SuspiciousCount":"x","CompleteMachine":3.0}}"#)
            .unwrap();
        assert_eq!(t.scanned_machines, Some(7));
        assert_eq!(t.safe_machines, None);
        assert_eq!(t.suspicious_count, None);
        assert_eq!(t.complete_machines, Some(3));
    }

    #[test]
    fn status_labels() {
        let cases = [
            (0, "to be started"),
            (10, "running"),
            (20, "scan script sent"),
            (50, "running (subtask)"),
            (100, "complete"),
            (7, "unknown (7)"),
            (-3, "unknown (-3)"),
        ];
        for (code, label) in cases {
            assert_eq!(TaskStatus(code).label(), label);
        }
        assert!(TaskStatus::RUNNING.is_active());
        assert!(!TaskStatus::COMPLETE.is_active());
        assert!(!TaskStatus(7).is_active());
    }

    #[test]
    fn risk_levels() {
        let cases = [
            ("high", RiskLevel::High),
            ("HIGH", RiskLevel::High),
            ("medium", RiskLevel::Medium),
            ("low", RiskLevel::Low),
            ("", RiskLevel::None),
            ("serious", RiskLevel::Unknown("serious".into())),
        ];
        for (wire, want) in cases {
            assert_eq!(RiskLevel::parse(wire), want, "{wire}");
        }
        assert_eq!(
            task(r#"{"Data":{"TaskId":"t"}}"#).unwrap().risk,
            RiskLevel::None
        );
        assert!(RiskLevel::High.rank() > RiskLevel::Medium.rank());
    }

    #[test]
    fn scan_paths_keep_strings_only() {
        let t = task(r#"{"Data":{"ScanType":"user","ScanPath":["/a",null,7,"","/b"]}}"#).unwrap();
        assert_eq!(t.scan_paths, vec!["/a", "7", "/b"]);
        assert_eq!(t.scan_type, Some(ScanType::User));
    }

    #[test]
    fn bodies_that_are_not_objects_are_errors_not_panics() {
        for body in ["", "[]", "null", "42", "\"x\"", "{", "<html>"] {
            assert!(ScanResponse::from_slice(body.as_bytes()).is_err(), "{body}");
        }
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;

    /// Any JSON value, nested a few levels, with the API's field names mixed in so that decoding reaches them.
    fn arb_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<f64>()
                .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
            ".{0,12}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 64, 8, |inner| {
            let key = prop_oneof![
                Just("Data".to_owned()),
                Just("RequestId".to_owned()),
                Just("Progress".to_owned()),
                Just("Status".to_owned()),
                Just("ScanPath".to_owned()),
                Just("RiskLevel".to_owned()),
                Just("ScanTime".to_owned()),
                Just("SuspiciousCount".to_owned()),
                "[A-Za-z]{1,10}",
            ];
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::btree_map(key, inner, 0..8)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
            let _ = ScanResponse::from_slice(&bytes);
        }

        #[test]
        fn arbitrary_json_decodes_or_errors_without_panicking(value in arb_json()) {
            let text = serde_json::to_vec(&value).unwrap();
            let decoded = ScanResponse::from_slice(&text);
            prop_assert_eq!(decoded.is_ok(), value.is_object());
            if let Ok((ScanResponse { task: Some(task), .. }, _)) = decoded {
                // Whatever came in, what is shown is in range.
                if let Some(p) = task.progress_percent() {
                    prop_assert!((0.0..=100.0).contains(&p));
                }
                let _ = crate::summary::headline(&task);
            }
        }

        #[test]
        fn arbitrary_data_objects_never_panic(data in prop::collection::btree_map(
            prop_oneof![Just("Progress"), Just("Status"), Just("ScanPath"), Just("ScanTime"), Just("RiskLevel"),
                        Just("ScanType"), Just("ScanMachine"), Just("TaskId")],
            arb_json(), 0..8)) {
            let body = serde_json::json!({"RequestId": "R", "Data": data});
            let response = ScanResponse::from_value(&body).unwrap();
            prop_assert!(response.task.is_some() || data.is_empty());
        }
    }
}
