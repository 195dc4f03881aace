//! `scanwatch check`: a monitoring plugin in the Nagios / Icinga / Zabbix / Sensu convention. One call, one line
//! of output (`SCANWATCH STATE - text | perfdata`), and the plugin exit codes 0 OK, 1 WARNING, 2 CRITICAL,
//! 3 UNKNOWN. Every failure, a usage error included, is UNKNOWN, never a stack trace.

use std::fmt::Write as _;
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::print_stdout;
use crate::api::error::ApiError;
use crate::api::model::{RiskLevel, ScanResponse, ScanTask};
use crate::cli::CheckArgs;
use crate::duration;
use crate::setup::Target;
use crate::summary;

/// A plugin state, ordered by severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum State {
    Ok,
    Warning,
    Critical,
    Unknown,
}

impl State {
    pub fn code(self) -> u8 {
        match self {
            Self::Ok => 0,
            Self::Warning => 1,
            Self::Critical => 2,
            Self::Unknown => 3,
        }
    }

    pub fn word(self) -> &'static str {
        match self {
            Self::Ok => "OK",
            Self::Warning => "WARNING",
            Self::Critical => "CRITICAL",
            Self::Unknown => "UNKNOWN",
        }
    }

    /// Worse of two, where UNKNOWN only comes from errors and is never produced by a threshold.
    fn worst(self, other: Self) -> Self {
        self.max(other)
    }
}

/// The thresholds of a check.
#[derive(Debug, Clone)]
pub struct Thresholds {
    pub warn_risk: RiskLevel,
    pub crit_risk: RiskLevel,
    pub max_age: Option<Duration>,
    pub crit_age: Option<Duration>,
}

impl From<&CheckArgs> for Thresholds {
    fn from(args: &CheckArgs) -> Self {
        Self {
            warn_risk: args.warn_risk.level(),
            crit_risk: args.crit_risk.level(),
            max_age: args.max_age,
            crit_age: args.crit_age,
        }
    }
}

/// The plugin line for an answer. Pure, so every state is a unit test.
pub fn evaluate(
    response: &ScanResponse,
    thresholds: &Thresholds,
    now: DateTime<Utc>,
) -> (State, String) {
    let request_id = response.request_id.as_deref().unwrap_or("unknown");
    let Some(task) = &response.task else {
        return (
            State::Unknown,
            line(
                State::Unknown,
                &format!("no scan task yet (RequestId {request_id})"),
                "",
            ),
        );
    };
    let mut state = State::Ok;
    if task.risk.rank() > 0 && task.risk.rank() >= thresholds.crit_risk.rank() {
        state = state.worst(State::Critical);
    } else if task.risk.rank() > 0 && task.risk.rank() >= thresholds.warn_risk.rank() {
        state = state.worst(State::Warning);
    }
    let mut text = summary::headline(task);
    let age = task
        .scan_time_ms
        .and_then(DateTime::<Utc>::from_timestamp_millis)
        .map(|at| (now - at).to_std().unwrap_or_default());
    let mut age_finding = |limit: Option<Duration>, level: State, word: &str| {
        if let (Some(limit), Some(age)) = (limit, age)
            && age > limit
        {
            state = state.worst(level);
            let _ = write!(
                text,
                "; latest scan started {} ago ({word} {})",
                duration::human(age),
                duration::human(limit)
            );
            return true;
        }
        false
    };
    if !age_finding(thresholds.crit_age, State::Critical, "critical over") {
        age_finding(thresholds.max_age, State::Warning, "warning over");
    }
    if (thresholds.max_age.is_some() || thresholds.crit_age.is_some()) && age.is_none() {
        state = state.worst(State::Warning);
        text.push_str("; scan start time unknown");
    }
    (state, line(state, &text, &perfdata(task, age, thresholds)))
}

fn perfdata(task: &ScanTask, age: Option<Duration>, t: &Thresholds) -> String {
    let mut out = String::new();
    if let Some(p) = task.progress_percent() {
        let _ = write!(out, "progress={}%;;;0;100 ", p.floor());
    }
    let counts = [
        ("scanned", task.scanned_machines),
        ("suspicious_machines", task.suspicious_machines),
        ("alerts", task.suspicious_count),
        ("incomplete", task.incomplete_machines),
    ];
    for (name, value) in counts {
        if let Some(v) = value {
            let _ = write!(out, "{name}={v};;;0 ");
        }
    }
    if let Some(age) = age {
        let secs = |d: Option<Duration>| d.map_or_else(String::new, |d| d.as_secs().to_string());
        let _ = write!(
            out,
            "scan_age={}s;{};{};0 ",
            age.as_secs(),
            secs(t.max_age),
            secs(t.crit_age)
        );
    }
    out.trim_end().to_owned()
}

fn line(state: State, text: &str, perfdata: &str) -> String {
    // The plugin format reserves `|` for the perfdata separator.
    let text = text.replace('|', "/");
    if perfdata.is_empty() {
        format!("SCANWATCH {} - {text}", state.word())
    } else {
        format!("SCANWATCH {} - {text} | {perfdata}", state.word())
    }
}

/// The line for an error: UNKNOWN with the code and the `RequestId`.
pub fn error_line(error: &ApiError) -> String {
    let mut text = format!("{}: {}", error.code(), single_line(&error.message()));
    if let Some(id) = error.request_id() {
        let _ = write!(text, " (RequestId {id})");
    }
    line(State::Unknown, &text, "")
}

/// The line for a usage (`kind` "usage") or configuration (`kind` "configuration") error.
pub fn unknown_line(kind: &str, message: &str) -> String {
    line(
        State::Unknown,
        &format!("{kind}: {}", single_line(message)),
        "",
    )
}

fn single_line(text: &str) -> String {
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    first.chars().take(300).collect()
}

/// Runs the check; returns the plugin exit code.
pub async fn run(target: &Target, args: &CheckArgs) -> u8 {
    let thresholds = Thresholds::from(args);
    let (state, text) = match target.client.latest_task().await {
        Ok(fetched) => evaluate(&fetched.response, &thresholds, Utc::now()),
        Err(error) => (State::Unknown, error_line(&error)),
    };
    print_stdout(&format!("{text}\n"));
    state.code()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(json: &str) -> ScanResponse {
        ScanResponse::from_slice(json.as_bytes()).unwrap().0
    }

    fn t(secs: i64) -> DateTime<Utc> {
        DateTime::<Utc>::from_timestamp(1_800_000_000 + secs, 0).unwrap()
    }

    fn thresholds() -> Thresholds {
        Thresholds {
            warn_risk: RiskLevel::Medium,
            crit_risk: RiskLevel::High,
            max_age: None,
            crit_age: None,
        }
    }

    fn task(risk: &str) -> ScanResponse {
        let risk = if risk.is_empty() {
            String::new()
        } else {
            format!(r#","RiskLevel":"{risk}""#)
        };
        response(&format!(
            r#"{{"RequestId":"R1","Data":{{"TaskId":"fc98d58eb56f699d49bf7ebbd6d7a001","ScanTime":{},"Status":10,
            "Progress":"92","ScanMachine":10,"SuspiciousMachine":2,"SuspiciousCount":5,"UnCompleteMachine":1{risk}}}}}"#,
            t(-3600).timestamp_millis()
        ))
    }

    #[test]
    fn risk_thresholds() {
        let cases = [
            ("", State::Ok),
            ("low", State::Ok),
            ("medium", State::Warning),
            ("high", State::Critical),
        ];
        for (risk, want) in cases {
            assert_eq!(
                evaluate(&task(risk), &thresholds(), t(0)).0,
                want,
                "{risk:?}"
            );
        }
        let strict = Thresholds {
            warn_risk: RiskLevel::Low,
            crit_risk: RiskLevel::Medium,
            ..thresholds()
        };
        assert_eq!(evaluate(&task("low"), &strict, t(0)).0, State::Warning);
        assert_eq!(evaluate(&task("medium"), &strict, t(0)).0, State::Critical);
    }

    #[test]
    fn the_documented_line_shape() {
        let (state, text) = evaluate(&task("high"), &thresholds(), t(0));
        assert_eq!(state, State::Critical);
        assert_eq!(
            text,
            "SCANWATCH CRITICAL - risk high, 5 alerts on 2 of 10 machines, scan 92% running (task fc98d58e...) \
             | progress=92%;;;0;100 scanned=10;;;0 suspicious_machines=2;;;0 alerts=5;;;0 incomplete=1;;;0 \
             scan_age=3600s;;;0"
        );
    }

    #[test]
    fn age_thresholds() {
        let h = |n: u64| Some(Duration::from_secs(n * 3600));
        let cases = [
            (None, None, State::Ok),
            (h(2), None, State::Ok),
            (Some(Duration::from_secs(1800)), None, State::Warning),
            (None, Some(Duration::from_secs(1800)), State::Critical),
            (
                Some(Duration::from_secs(600)),
                Some(Duration::from_secs(1800)),
                State::Critical,
            ),
            (Some(Duration::from_secs(600)), h(2), State::Warning),
        ];
        for (max_age, crit_age, want) in cases {
            let th = Thresholds {
                max_age,
                crit_age,
                ..thresholds()
            };
            let (state, text) = evaluate(&task(""), &th, t(0));
            assert_eq!(state, want, "{max_age:?} {crit_age:?}: {text}");
            assert_eq!(
                text.contains("latest scan started 1 h 00 min ago"),
                want != State::Ok,
                "{text}"
            );
        }
    }

    #[test]
    fn no_task_and_errors_are_unknown() {
        let (state, text) = evaluate(&response(r#"{"RequestId":"R9"}"#), &thresholds(), t(0));
        assert_eq!(state, State::Unknown);
        assert_eq!(text, "SCANWATCH UNKNOWN - no scan task yet (RequestId R9)");
        let e = ApiError::Timeout(Duration::from_secs(15));
        assert!(error_line(&e).starts_with("SCANWATCH UNKNOWN - Timeout: "));
        assert_eq!(
            unknown_line("usage", "error: bad\n\nUsage: x"),
            "SCANWATCH UNKNOWN - usage: error: bad"
        );
    }

    #[test]
    fn pipes_in_text_cannot_break_the_perfdata() {
        let r = response(r#"{"Data":{"TaskId":"a|b","Status":100,"Progress":"100"}}"#);
        let (_, text) = evaluate(&r, &thresholds(), t(0));
        assert_eq!(text.matches('|').count(), 1, "{text}");
    }
}
