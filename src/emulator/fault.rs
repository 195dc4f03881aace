//! Fault injection: rules that replace the emulator's answer with an API error, a delay or a broken response.
//!
//! Written `KIND[@SCHEDULE]` on the command line (`--fault throttle:1500@every=3`); see [`FORMS`].

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// Every accepted form, quoted in parse errors.
pub const FORMS: &str = "valid forms are KIND or KIND@SCHEDULE, where KIND is one of \
error:CODE (e.g. error:NoPermission), throttle:MS (retry-after in milliseconds), \
latency:DURATION (e.g. latency:300ms, latency:2s), reset, truncate, non-json, proxy-error, huge:BYTES; \
and SCHEDULE is every=N (requests N, 2N, ...), first=N (the first N requests) or rate=P (random, 0<P<=1); \
without a schedule the fault hits every request";

/// One fault and when it strikes.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultRule {
    pub kind: FaultKind,
    pub schedule: Schedule,
}

/// What the emulator does instead of (or, for latency, before) answering normally.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultKind {
    /// An Alibaba error body with this code and its documented HTTP status.
    Error(String),
    /// `Throttling.User` with `x-acs-retry-after` in milliseconds.
    Throttle { retry_after_ms: u64 },
    /// Answer normally after this delay.
    Latency(Duration),
    /// Close the connection without any response.
    Reset,
    /// 200 whose body ends before its Content-Length.
    Truncate,
    /// 200 with an HTML page, like a captive portal.
    NonJson,
    /// 502 with an HTML page, like a failing proxy.
    ProxyError,
    /// 200 streaming this many bytes.
    Huge { bytes: u64 },
}

/// Which requests a rule hits; requests are numbered from 1 over everything the emulator received.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Schedule {
    Always,
    Every(u64),
    First(u64),
    /// Probability in (0, 1].
    Rate(f64),
}

impl Schedule {
    /// Whether request number `request` (1-based) is hit; `roll` is a uniform random number in [0, 1).
    pub fn applies(self, request: u64, roll: f64) -> bool {
        match self {
            Self::Always => true,
            Self::Every(n) => request.is_multiple_of(n),
            Self::First(n) => request <= n,
            Self::Rate(p) => roll < p,
        }
    }
}

impl FaultRule {
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let (kind_text, schedule_text) = match text.split_once('@') {
            Some((k, s)) => (k, Some(s)),
            None => (text, None),
        };
        let kind = parse_kind(kind_text)
            .map_err(|why| format!("invalid fault \"{text}\": {why}; {FORMS}"))?;
        let schedule = match schedule_text {
            None => Schedule::Always,
            Some(s) => parse_schedule(s)
                .map_err(|why| format!("invalid fault \"{text}\": {why}; {FORMS}"))?,
        };
        Ok(Self { kind, schedule })
    }
}

impl FromStr for FaultRule {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

fn parse_kind(text: &str) -> Result<FaultKind, String> {
    let (name, arg) = match text.split_once(':') {
        Some((n, a)) => (n, Some(a)),
        None => (text, None),
    };
    let no_arg = |kind: FaultKind| match arg {
        None => Ok(kind),
        Some(_) => Err(format!("{name} takes no argument")),
    };
    match name {
        "error" => {
            let code = arg
                .filter(|c| !c.is_empty())
                .ok_or("error needs a code, as in error:ServerError")?;
            if !code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
            {
                return Err(format!(
                    "\"{code}\" does not look like an Alibaba error code"
                ));
            }
            Ok(FaultKind::Error(code.to_owned()))
        }
        "throttle" => {
            let ms = arg.ok_or("throttle needs milliseconds, as in throttle:1500")?;
            let retry_after_ms = ms
                .parse()
                .map_err(|_| format!("throttle takes whole milliseconds, not \"{ms}\""))?;
            Ok(FaultKind::Throttle { retry_after_ms })
        }
        "latency" => {
            let d = arg.ok_or("latency needs a duration, as in latency:300ms")?;
            Ok(FaultKind::Latency(parse_duration(d)?))
        }
        "huge" => {
            let b = arg.ok_or("huge needs a byte count, as in huge:100000000")?;
            let bytes = b
                .parse()
                .map_err(|_| format!("huge takes a whole number of bytes, not \"{b}\""))?;
            Ok(FaultKind::Huge { bytes })
        }
        "reset" => no_arg(FaultKind::Reset),
        "truncate" => no_arg(FaultKind::Truncate),
        "non-json" => no_arg(FaultKind::NonJson),
        "proxy-error" => no_arg(FaultKind::ProxyError),
        "" => Err("the fault kind is missing".into()),
        other => Err(format!("unknown fault kind \"{other}\"")),
    }
}

fn parse_schedule(text: &str) -> Result<Schedule, String> {
    let (name, value) = text
        .split_once('=')
        .ok_or_else(|| format!("schedule \"{text}\" needs a value, as in every=3"))?;
    match name {
        "every" | "first" => {
            let n: u64 = value
                .parse()
                .map_err(|_| format!("{name} takes a whole number, not \"{value}\""))?;
            if n == 0 {
                return Err(format!("{name}=0 would never apply"));
            }
            Ok(if name == "every" {
                Schedule::Every(n)
            } else {
                Schedule::First(n)
            })
        }
        "rate" => {
            let p: f64 = value
                .parse()
                .map_err(|_| format!("rate takes a probability, not \"{value}\""))?;
            if !(p > 0.0 && p <= 1.0) {
                return Err(format!(
                    "rate must be more than 0 and at most 1, not {value}"
                ));
            }
            Ok(Schedule::Rate(p))
        }
        other => Err(format!("unknown schedule \"{other}\"")),
    }
}

/// `300ms`, `2s`, `1.5s` or `1m`.
fn parse_duration(text: &str) -> Result<Duration, String> {
    let bad = || format!("\"{text}\" is not a duration like 300ms, 2s or 1m");
    let (number, scale) = if let Some(n) = text.strip_suffix("ms") {
        (n, 0.001)
    } else if let Some(n) = text.strip_suffix('s') {
        (n, 1.0)
    } else if let Some(n) = text.strip_suffix('m') {
        (n, 60.0)
    } else {
        return Err(bad());
    };
    let value: f64 = number.parse().map_err(|_| bad())?;
    Duration::try_from_secs_f64(value * scale).map_err(|_| bad())
}

impl fmt::Display for FaultKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Error(code) => write!(f, "error:{code}"),
            Self::Throttle { retry_after_ms } => write!(f, "throttle:{retry_after_ms}"),
            Self::Latency(d) => write!(f, "latency:{}ms", d.as_millis()),
            Self::Reset => f.write_str("reset"),
            Self::Truncate => f.write_str("truncate"),
            Self::NonJson => f.write_str("non-json"),
            Self::ProxyError => f.write_str("proxy-error"),
            Self::Huge { bytes } => write!(f, "huge:{bytes}"),
        }
    }
}

impl fmt::Display for FaultRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.kind)?;
        match self.schedule {
            Schedule::Always => Ok(()),
            Schedule::Every(n) => write!(f, "@every={n}"),
            Schedule::First(n) => write!(f, "@first={n}"),
            Schedule::Rate(p) => write!(f, "@rate={p}"),
        }
    }
}

/// The message Alibaba sends with a code, so injected errors read like real ones.
pub fn message_for_code(code: &str) -> String {
    let text = match code {
        "NoPermission" => "caller has no permission",
        "Forbidden.RAM" => {
            "User not authorized to operate on the specified resource, or this API doesn't support RAM."
        }
        "ServerError" => "ServerError",
        "InternalError" => {
            "The request processing has failed due to some unknown error, exception or failure."
        }
        "ServiceUnavailable" => "The request has failed due to a temporary failure of the server.",
        "Throttling" | "Throttling.User" | "Throttling.Api" => {
            "Request was denied due to request throttling."
        }
        "InvalidAccessKeyId.NotFound" => "Specified access key is not found.",
        "InvalidAccessKeyId.Inactive" => "Specified access key is disabled.",
        "InvalidTimeStamp.Expired" => "Specified time stamp or date value is expired.",
        "SignatureDoesNotMatch" => "Specified signature is not matched with our calculation.",
        "IncompleteSignature" => "The request signature does not conform to Aliyun standards.",
        "SignatureNonceUsed" => "Specified signature nonce was used already.",
        "InvalidAction.NotFound" => "Specified api is not found, please check your url and method.",
        other => return format!("{other} (injected by the scanwatch emulator)"),
    };
    text.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_forms() {
        let cases = [
            (
                "error:NoPermission",
                FaultKind::Error("NoPermission".into()),
                Schedule::Always,
            ),
            (
                "error:Throttling.User@every=3",
                FaultKind::Error("Throttling.User".into()),
                Schedule::Every(3),
            ),
            (
                "throttle:1500",
                FaultKind::Throttle {
                    retry_after_ms: 1500,
                },
                Schedule::Always,
            ),
            (
                "latency:300ms@first=2",
                FaultKind::Latency(Duration::from_millis(300)),
                Schedule::First(2),
            ),
            (
                "latency:2s",
                FaultKind::Latency(Duration::from_secs(2)),
                Schedule::Always,
            ),
            (
                "latency:1.5s",
                FaultKind::Latency(Duration::from_millis(1500)),
                Schedule::Always,
            ),
            (
                "latency:1m",
                FaultKind::Latency(Duration::from_secs(60)),
                Schedule::Always,
            ),
            ("reset@rate=0.25", FaultKind::Reset, Schedule::Rate(0.25)),
            ("truncate", FaultKind::Truncate, Schedule::Always),
            ("non-json@rate=1", FaultKind::NonJson, Schedule::Rate(1.0)),
            ("proxy-error", FaultKind::ProxyError, Schedule::Always),
            (
                "huge:100000000",
                FaultKind::Huge { bytes: 100_000_000 },
                Schedule::Always,
            ),
            (" reset ", FaultKind::Reset, Schedule::Always),
        ];
        for (text, kind, schedule) in cases {
            let rule: FaultRule = text.parse().unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(rule, FaultRule { kind, schedule }, "{text}");
            let again = FaultRule::parse(&rule.to_string()).unwrap();
            assert_eq!(again, rule, "{text} survives Display and parse");
        }
    }

    #[test]
    fn invalid_forms_explain_themselves() {
        let cases = [
            ("", "the fault kind is missing"),
            ("explode", "unknown fault kind \"explode\""),
            ("error", "error needs a code"),
            ("error:", "error needs a code"),
            ("error:No Permission", "does not look like"),
            ("throttle", "throttle needs milliseconds"),
            ("throttle:1.5s", "whole milliseconds"),
            ("latency:300", "not a duration"),
            ("latency:-1s", "not a duration"),
            ("latency:fast", "not a duration"),
            ("huge:lots", "whole number of bytes"),
            ("reset:now", "reset takes no argument"),
            ("reset@", "needs a value"),
            ("reset@every=0", "every=0 would never apply"),
            ("reset@first=x", "whole number"),
            ("reset@rate=0", "rate must be"),
            ("reset@rate=1.5", "rate must be"),
            ("reset@rate=NaN", "rate must be"),
            ("reset@sometimes=1", "unknown schedule"),
        ];
        for (text, want) in cases {
            let err = FaultRule::parse(text).unwrap_err();
            assert!(err.contains(want), "{text}: {err}");
            assert!(err.contains("valid forms are"), "{text}: {err}");
        }
    }

    #[test]
    fn schedules() {
        let hits = |s: Schedule| {
            (1..=10)
                .filter(|n| s.applies(*n, 0.5))
                .collect::<Vec<u64>>()
        };
        assert_eq!(hits(Schedule::Always), (1..=10).collect::<Vec<_>>());
        assert_eq!(hits(Schedule::Every(3)), [3, 6, 9]);
        assert_eq!(hits(Schedule::First(2)), [1, 2]);
        assert!(Schedule::Rate(0.3).applies(1, 0.29));
        assert!(!Schedule::Rate(0.3).applies(1, 0.3));
        assert!(Schedule::Rate(1.0).applies(1, 0.999_999));
    }

    #[test]
    fn injected_messages() {
        assert_eq!(message_for_code("NoPermission"), "caller has no permission");
        assert!(message_for_code("Odd.Code").contains("Odd.Code"));
    }
}
