//! The dashboard's state and its one synchronous `update(Action)`.
//!
//! No I/O and no clock reads happen here: time arrives inside actions, and whatever must touch the outside world
//! (start a fetch, ring the bell, copy, save) comes back as an [`Effect`] for the event loop to carry out. That
//! keeps every behaviour of the dashboard a plain unit test.

use std::collections::VecDeque;
use std::time::Duration;

use chrono::{DateTime, FixedOffset, Utc};

use crate::api::client::Fetched;
use crate::api::error::ApiError;
use crate::api::model::{RiskLevel, ScanTask, TaskStatus};
use crate::setup::TargetLabel;

/// Shortest and longest background refresh interval that `+` / `-` reach.
pub const MIN_INTERVAL: Duration = Duration::from_secs(5);
pub const MAX_INTERVAL: Duration = Duration::from_secs(3600);
/// The steps `+` and `-` move through.
const INTERVAL_STEPS: [u64; 11] = [5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];
/// How long an escalation stays highlighted.
pub const ESCALATION_HIGHLIGHT: Duration = Duration::from_secs(300);
/// How long a footer notice ("copied", "saved to ...") stays.
const NOTICE_TTL: Duration = Duration::from_secs(8);
/// Progress samples kept per task for the ETA.
const MAX_SAMPLES: usize = 32;
/// Activity entries kept; older ones are dropped so a dashboard left open for weeks stays the same size.
pub const MAX_EVENTS: usize = 100;

/// Everything that can happen to the dashboard.
#[derive(Debug, Clone)]
pub enum Action {
    /// The clock moved (1 Hz at most); also the moment a due background refresh is noticed.
    Tick(DateTime<Utc>),
    /// The local time zone's offset changed (at start, and at daylight-saving changes).
    Zone(FixedOffset),
    Refresh,
    Loaded {
        fetched: Box<Fetched>,
        at: DateTime<Utc>,
    },
    Failed {
        error: ApiError,
        at: DateTime<Utc>,
    },
    TogglePause,
    IntervalUp,
    IntervalDown,
    ToggleHelp,
    Scroll(Scroll),
    /// How many path rows the last frame had room for.
    Viewport(usize),
    FilterStart,
    FilterInput(char),
    FilterBackspace,
    FilterAccept,
    /// `Esc`: closes help, else clears the filter, else quits.
    Back,
    CopyTaskId,
    Save,
    /// The outcome of a save the loop carried out.
    Saved(Result<String, String>),
    Quit,
}

impl Action {
    /// The action's name, for the log: an answer's body can be megabytes, and it is not the log's business.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Tick(_) => "tick",
            Self::Zone(_) => "zone",
            Self::Refresh => "refresh",
            Self::Loaded { .. } => "loaded",
            Self::Failed { .. } => "failed",
            Self::TogglePause => "toggle-pause",
            Self::IntervalUp => "interval-up",
            Self::IntervalDown => "interval-down",
            Self::ToggleHelp => "toggle-help",
            Self::Scroll(_) => "scroll",
            Self::Viewport(_) => "viewport",
            Self::FilterStart => "filter-start",
            Self::FilterInput(_) => "filter-input",
            Self::FilterBackspace => "filter-backspace",
            Self::FilterAccept => "filter-accept",
            Self::Back => "back",
            Self::CopyTaskId => "copy-task-id",
            Self::Save => "save",
            Self::Saved(_) => "saved",
            Self::Quit => "quit",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scroll {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
}

/// What `update` asks the event loop to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Fetch,
    Bell,
    Copy(String),
    Save(serde_json::Value, String),
    Quit,
}

/// The last good answer and when it came.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub fetched: Fetched,
    pub at: DateTime<Utc>,
}

impl Snapshot {
    pub fn task(&self) -> Option<&ScanTask> {
        self.fetched.response.task.as_ref()
    }
}

/// The last failed refresh.
#[derive(Debug, Clone)]
pub struct Failure {
    pub error: ApiError,
    pub at: DateTime<Utc>,
}

/// A rise of the risk level or of the alert count between two refreshes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Escalation {
    pub risk_from: RiskLevel,
    pub risk_to: RiskLevel,
    pub alerts_from: u64,
    pub alerts_to: u64,
    pub at: DateTime<Utc>,
}

/// How an activity entry reads: neutral, good news, bad news.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    Info,
    Good,
    Bad,
}

/// One line of the activity log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub at: DateTime<Utc>,
    pub kind: EventKind,
    pub text: String,
}

/// The paths filter typed after `/`.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub text: String,
    /// True while keys go into the filter.
    pub editing: bool,
}

/// The dashboard's whole state.
// The flags are independent facts (in flight, paused, bell, help open, quitting), not a state machine in disguise.
#[allow(clippy::struct_excessive_bools)]
#[derive(Debug)]
pub struct App {
    /// Profile, region and endpoint shown in the header.
    pub label: TargetLabel,
    /// The last good answer; kept on screen when a later refresh fails.
    pub snapshot: Option<Snapshot>,
    /// The last failed refresh, cleared by the next success.
    pub failure: Option<Failure>,
    /// True while a request is out; more refresh requests are not queued.
    pub in_flight: bool,
    /// Background refresh paused with `p`.
    pub paused: bool,
    /// Background refresh interval; zero means refresh only on `r`.
    pub interval: Duration,
    /// When the next background refresh is due (none while paused, manual or in flight).
    pub next_refresh: Option<DateTime<Utc>>,
    /// The clock as of the last action.
    pub now: DateTime<Utc>,
    /// The local time zone's offset, for showing times; the event loop keeps it current with `Action::Zone`.
    pub zone: FixedOffset,
    /// (time, progress) samples of the current task, for the ETA.
    pub samples: Vec<(DateTime<Utc>, f64)>,
    pub escalation: Option<Escalation>,
    /// What changed and when, oldest first, at most [`MAX_EVENTS`].
    pub events: VecDeque<Event>,
    /// Failed refreshes in a row since the last success.
    pub failures_in_a_row: u32,
    pub bell: bool,
    pub show_help: bool,
    pub filter: Filter,
    /// Indexes into the task's paths that match the filter (all of them when no filter); computed on change, so
    /// drawing a frame never walks the whole list.
    pub matches: Vec<usize>,
    /// First visible row of the paths list.
    pub scroll: usize,
    /// Rows the paths list had on the last frame.
    pub viewport: usize,
    /// A short message for the footer and when it was set.
    pub notice: Option<(String, DateTime<Utc>)>,
    pub should_quit: bool,
}

impl App {
    pub fn new(label: TargetLabel, interval: Duration, bell: bool, now: DateTime<Utc>) -> Self {
        Self {
            label,
            snapshot: None,
            failure: None,
            in_flight: false,
            paused: false,
            interval,
            next_refresh: None,
            now,
            zone: FixedOffset::east_opt(0).expect("zero offset is valid"),
            samples: Vec::new(),
            escalation: None,
            events: VecDeque::new(),
            failures_in_a_row: 0,
            bell,
            show_help: false,
            filter: Filter::default(),
            matches: Vec::new(),
            scroll: 0,
            viewport: 10,
            notice: None,
            should_quit: false,
        }
    }

    /// The first fetch, as the loop starts.
    pub fn start(&mut self) -> Vec<Effect> {
        self.begin_fetch()
    }

    pub fn task(&self) -> Option<&ScanTask> {
        self.snapshot.as_ref().and_then(Snapshot::task)
    }

    /// Applies one action; returns what the event loop must do.
    pub fn update(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Tick(now) => {
                self.now = now;
                self.expire(now);
                if self.next_refresh.is_some_and(|due| now >= due) {
                    return self.begin_fetch();
                }
                Vec::new()
            }
            Action::Zone(zone) => {
                self.zone = zone;
                Vec::new()
            }
            Action::Refresh => self.begin_fetch(),
            Action::Loaded { fetched, at } => self.loaded(*fetched, at),
            Action::Failed { error, at } => {
                self.now = at;
                self.in_flight = false;
                let same_code = self
                    .failure
                    .as_ref()
                    .is_some_and(|f| f.error.code() == error.code());
                if !same_code {
                    self.log(
                        at,
                        EventKind::Bad,
                        format!("refresh failed: {}", error.code()),
                    );
                }
                self.failures_in_a_row += 1;
                self.failure = Some(Failure { error, at });
                self.schedule(at);
                Vec::new()
            }
            Action::TogglePause => {
                self.paused = !self.paused;
                self.schedule(self.now);
                Vec::new()
            }
            Action::IntervalUp => self.set_interval(step_interval(self.interval, true)),
            Action::IntervalDown => self.set_interval(step_interval(self.interval, false)),
            Action::ToggleHelp => {
                self.show_help = !self.show_help;
                Vec::new()
            }
            Action::Scroll(scroll) => {
                self.scroll(scroll);
                Vec::new()
            }
            Action::Viewport(rows) => {
                self.viewport = rows.max(1);
                self.clamp_scroll();
                Vec::new()
            }
            Action::FilterStart => {
                self.show_help = false;
                self.filter.editing = true;
                Vec::new()
            }
            Action::FilterInput(c) => {
                self.filter.text.push(c);
                self.refilter();
                Vec::new()
            }
            Action::FilterBackspace => {
                self.filter.text.pop();
                self.refilter();
                Vec::new()
            }
            Action::FilterAccept => {
                self.filter.editing = false;
                Vec::new()
            }
            Action::Back => self.back(),
            Action::CopyTaskId => self.copy_task_id(),
            Action::Save => self.save(),
            Action::Saved(result) => {
                let text = match result {
                    Ok(name) => format!("saved {name}"),
                    Err(e) => format!("save failed: {e}"),
                };
                self.notice = Some((text, self.now));
                Vec::new()
            }
            Action::Quit => {
                self.should_quit = true;
                vec![Effect::Quit]
            }
        }
    }

    fn copy_task_id(&mut self) -> Vec<Effect> {
        if let Some(id) = self.task().and_then(|t| t.task_id.clone()) {
            self.notice = Some((format!("TaskId {id} copied to the clipboard"), self.now));
            vec![Effect::Copy(id)]
        } else {
            self.notice = Some(("no TaskId to copy yet".into(), self.now));
            Vec::new()
        }
    }

    fn save(&mut self) -> Vec<Effect> {
        if let Some(snap) = &self.snapshot {
            let id = snap
                .task()
                .and_then(|t| t.task_id.as_deref())
                .unwrap_or("no-task");
            let name = save_file_name(id, snap.at);
            vec![Effect::Save(snap.fetched.body.clone(), name)]
        } else {
            self.notice = Some(("nothing to save yet".into(), self.now));
            Vec::new()
        }
    }

    fn begin_fetch(&mut self) -> Vec<Effect> {
        if self.in_flight {
            return Vec::new();
        }
        self.in_flight = true;
        self.next_refresh = None;
        vec![Effect::Fetch]
    }

    /// Sets when the next background refresh is due, counting from `from`.
    fn schedule(&mut self, from: DateTime<Utc>) {
        self.next_refresh = if self.paused || self.in_flight || self.interval.is_zero() {
            None
        } else {
            chrono::Duration::from_std(self.interval)
                .ok()
                .map(|d| from + d)
        };
    }

    fn set_interval(&mut self, interval: Duration) -> Vec<Effect> {
        self.interval = interval;
        let base = self.snapshot.as_ref().map_or(self.now, |s| s.at);
        let base = self.failure.as_ref().map_or(base, |f| f.at.max(base));
        self.schedule(base);
        self.notice = Some((
            format!("refresh every {}", crate::duration::human(interval)),
            self.now,
        ));
        Vec::new()
    }

    fn log(&mut self, at: DateTime<Utc>, kind: EventKind, text: String) {
        if self.events.len() == MAX_EVENTS {
            self.events.pop_front();
        }
        self.events.push_back(Event { at, kind, text });
    }

    /// Activity entries for what an answer changed.
    fn log_changes(&mut self, new: Option<&ScanTask>, at: DateTime<Utc>) {
        if self.failure.take().is_some() {
            let n = self.failures_in_a_row;
            self.log(
                at,
                EventKind::Good,
                format!(
                    "refresh ok again after {n} failure{}",
                    if n == 1 { "" } else { "s" }
                ),
            );
        }
        self.failures_in_a_row = 0;
        let old = self.task();
        let short = |t: &ScanTask| {
            t.task_id
                .as_deref()
                .map_or_else(|| "?".to_owned(), crate::summary::short_id)
        };
        let mut entries = Vec::new();
        match (old, new) {
            (_, None) if self.snapshot.is_none() || old.is_some() => {
                entries.push((EventKind::Info, "no scan task yet".to_owned()));
            }
            (old, Some(new)) if old.map(|o| &o.task_id) != Some(&new.task_id) => {
                let status = new
                    .status
                    .map_or_else(|| "status unknown".to_owned(), TaskStatus::label);
                let what = if old.is_some() { "new task" } else { "task" };
                entries.push((EventKind::Info, format!("{what} {} ({status})", short(new))));
            }
            (Some(old), Some(new)) => {
                if new.is_complete() && !old.is_complete() {
                    let alerts = new.suspicious_count.unwrap_or(0);
                    entries.push((
                        EventKind::Info,
                        format!(
                            "task {} complete: risk {}, {alerts} alerts",
                            short(new),
                            new.risk
                        ),
                    ));
                }
                if new.risk.rank() > old.risk.rank() {
                    entries.push((
                        EventKind::Bad,
                        format!(
                            "risk {} → {}",
                            old.risk.word().to_uppercase(),
                            new.risk.word().to_uppercase()
                        ),
                    ));
                }
                let (a, b) = (
                    old.suspicious_count.unwrap_or(0),
                    new.suspicious_count.unwrap_or(0),
                );
                if b > a {
                    entries.push((EventKind::Bad, format!("alerts {a} → {b}")));
                }
            }
            _ => {}
        }
        for (kind, text) in entries {
            self.log(at, kind, text);
        }
    }

    fn loaded(&mut self, fetched: Fetched, at: DateTime<Utc>) -> Vec<Effect> {
        self.now = at;
        self.in_flight = false;
        self.log_changes(fetched.response.task.as_ref(), at);
        let mut effects = Vec::new();
        let new_task = fetched.response.task.as_ref();
        if let (Some(old), Some(new)) = (self.task(), new_task) {
            let (risk_from, risk_to) = (old.risk.clone(), new.risk.clone());
            let (alerts_from, alerts_to) = (
                old.suspicious_count.unwrap_or(0),
                new.suspicious_count.unwrap_or(0),
            );
            if risk_to.rank() > risk_from.rank() || alerts_to > alerts_from {
                self.escalation = Some(Escalation {
                    risk_from,
                    risk_to,
                    alerts_from,
                    alerts_to,
                    at,
                });
                if self.bell {
                    effects.push(Effect::Bell);
                }
            }
        }
        let same_task = self.task().map(|t| &t.task_id) == new_task.map(|t| &t.task_id);
        if !same_task {
            self.samples.clear();
            self.scroll = 0;
        }
        if let Some(p) = new_task.and_then(ScanTask::progress_percent) {
            if self.samples.len() == MAX_SAMPLES {
                self.samples.remove(0);
            }
            self.samples.push((at, p));
        }
        self.snapshot = Some(Snapshot { fetched, at });
        self.refilter();
        self.schedule(at);
        effects
    }

    fn back(&mut self) -> Vec<Effect> {
        if self.show_help {
            self.show_help = false;
        } else if self.filter.editing || !self.filter.text.is_empty() {
            self.filter = Filter::default();
            self.refilter();
        } else {
            return self.update(Action::Quit);
        }
        Vec::new()
    }

    fn expire(&mut self, now: DateTime<Utc>) {
        if self
            .escalation
            .as_ref()
            .is_some_and(|e| age(e.at, now) >= ESCALATION_HIGHLIGHT)
        {
            self.escalation = None;
        }
        if self
            .notice
            .as_ref()
            .is_some_and(|(_, at)| age(*at, now) >= NOTICE_TTL)
        {
            self.notice = None;
        }
    }

    fn refilter(&mut self) {
        let needle = self.filter.text.to_lowercase();
        let paths = self.task().map_or(&[][..], |t| t.scan_paths.as_slice());
        self.matches = if needle.is_empty() {
            (0..paths.len()).collect()
        } else {
            paths
                .iter()
                .enumerate()
                .filter(|(_, p)| p.to_lowercase().contains(&needle))
                .map(|(i, _)| i)
                .collect()
        };
        self.clamp_scroll();
    }

    fn max_scroll(&self) -> usize {
        self.matches.len().saturating_sub(self.viewport)
    }

    fn clamp_scroll(&mut self) {
        self.scroll = self.scroll.min(self.max_scroll());
    }

    fn scroll(&mut self, scroll: Scroll) {
        let page = self.viewport.max(1);
        self.scroll = match scroll {
            Scroll::Up => self.scroll.saturating_sub(1),
            Scroll::Down => self.scroll + 1,
            Scroll::PageUp => self.scroll.saturating_sub(page),
            Scroll::PageDown => self.scroll + page,
            Scroll::Top => 0,
            Scroll::Bottom => usize::MAX,
        };
        self.clamp_scroll();
    }

    /// The paths on screen: `(index into the task's paths, path)` for up to `rows` rows from the scroll offset.
    pub fn visible_paths(&self, rows: usize) -> impl Iterator<Item = &str> {
        let paths = self.task().map_or(&[][..], |t| t.scan_paths.as_slice());
        let start = self.scroll.min(self.matches.len());
        let end = (start + rows).min(self.matches.len());
        self.matches[start..end]
            .iter()
            .filter_map(move |&i| paths.get(i).map(String::as_str))
    }

    /// How old the data on screen is.
    pub fn data_age(&self) -> Option<Duration> {
        self.snapshot.as_ref().map(|s| age(s.at, self.now))
    }

    /// The live state shown in the header.
    pub fn state(&self) -> LiveState {
        match (&self.snapshot, &self.failure, self.in_flight) {
            (None, None, _) | (None, Some(_), true) => LiveState::Loading,
            (None, Some(_), false) => LiveState::Error,
            (Some(_), _, true) => LiveState::Refreshing,
            (Some(_), Some(_), false) => LiveState::Stale,
            (Some(snap), None, false) => {
                let limit = if self.interval.is_zero() {
                    None
                } else {
                    Some(self.interval * 2 + Duration::from_secs(30))
                };
                if self.paused {
                    LiveState::Paused
                } else if limit.is_some_and(|l| age(snap.at, self.now) > l) {
                    LiveState::Stale
                } else {
                    LiveState::Live
                }
            }
        }
    }

    /// Estimated time to completion while the task runs, from the progress seen so far.
    pub fn eta(&self) -> Option<Duration> {
        let task = self.task()?;
        if !task.is_running() {
            return None;
        }
        let progress = task.progress_percent()?;
        if progress >= 100.0 {
            return None;
        }
        let rate = self.sampled_rate().or_else(|| {
            let started = DateTime::<Utc>::from_timestamp_millis(task.scan_time_ms?)?;
            let elapsed = (self.snapshot.as_ref()?.at - started)
                .to_std()
                .ok()?
                .as_secs_f64();
            (progress > 0.0 && elapsed > 0.0).then(|| progress / elapsed)
        })?;
        let secs = (100.0 - progress) / rate;
        (secs.is_finite() && (0.0..30.0 * 86_400.0).contains(&secs))
            .then(|| Duration::from_secs_f64(secs))
    }

    /// Percent per second over the samples of this task, when they show movement.
    fn sampled_rate(&self) -> Option<f64> {
        let (first, last) = (self.samples.first()?, self.samples.last()?);
        let secs = (last.0 - first.0).to_std().ok()?.as_secs_f64();
        let delta = last.1 - first.1;
        (secs >= 1.0 && delta > 0.0).then(|| delta / secs)
    }

    /// Seconds until the next background refresh, when one is scheduled.
    pub fn next_refresh_in(&self) -> Option<Duration> {
        self.next_refresh
            .map(|due| (due - self.now).to_std().unwrap_or_default())
    }
}

/// The header's live state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LiveState {
    Loading,
    Live,
    Refreshing,
    Paused,
    Stale,
    Error,
}

impl LiveState {
    pub fn word(self) -> &'static str {
        match self {
            Self::Loading => "loading",
            Self::Live => "live",
            Self::Refreshing => "refreshing",
            Self::Paused => "paused",
            Self::Stale => "stale",
            Self::Error => "error",
        }
    }
}

fn age(then: DateTime<Utc>, now: DateTime<Utc>) -> Duration {
    (now - then).to_std().unwrap_or_default()
}

/// The next interval step up or down, within 5 s and 1 h; from "manual only" (0), `+` starts at 5 s.
pub fn step_interval(current: Duration, up: bool) -> Duration {
    let secs = current.as_secs();
    let next = if up {
        INTERVAL_STEPS
            .iter()
            .copied()
            .find(|&s| s > secs)
            .unwrap_or(3600)
    } else {
        INTERVAL_STEPS
            .iter()
            .rev()
            .copied()
            .find(|&s| s < secs)
            .unwrap_or(5)
    };
    Duration::from_secs(next)
}

/// `scanwatch-<task id>-<UTC time>.json`, with anything but `[A-Za-z0-9_-]` in the id replaced.
pub fn save_file_name(task_id: &str, at: DateTime<Utc>) -> String {
    let id: String = task_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(64)
        .collect();
    format!("scanwatch-{id}-{}.json", at.format("%Y%m%dT%H%M%SZ"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::model::ScanResponse;

    fn t(secs: i64) -> DateTime<Utc> {
        DateTime::<Utc>::from_timestamp(1_800_000_000 + secs, 0).unwrap()
    }

    fn label() -> TargetLabel {
        TargetLabel {
            profile: "test".into(),
            region: "cn-shanghai".into(),
            endpoint_host: "tds.cn-shanghai.aliyuncs.com".into(),
        }
    }

    fn fetched(json: &str) -> Box<Fetched> {
        let (response, body) = ScanResponse::from_slice(json.as_bytes()).unwrap();
        Box::new(Fetched {
            response,
            body,
            attempts: 1,
        })
    }

    fn task_json(id: &str, risk: &str, alerts: u64, progress: u64) -> Box<Fetched> {
        fetched(&format!(
            r#"{{"RequestId":"R","Data":{{"TaskId":"{id}","Status":10,"Progress":"{progress}","RiskLevel":"{risk}",
            "SuspiciousCount":{alerts},"ScanType":"user","ScanPath":["/var/www","/srv/uploads","/var/log","/opt","/home"]}}}}"#
        ))
    }

    fn app() -> App {
        App::new(label(), Duration::from_secs(30), true, t(0))
    }

    fn loaded_app() -> App {
        let mut a = app();
        assert_eq!(a.start(), vec![Effect::Fetch]);
        a.update(Action::Loaded {
            fetched: task_json("A", "low", 1, 10),
            at: t(0),
        });
        a
    }

    #[test]
    fn refresh_requests_coalesce_while_one_is_in_flight() {
        let mut a = app();
        let cases: Vec<(Action, Vec<Effect>)> = vec![
            (Action::Refresh, vec![Effect::Fetch]),
            (Action::Refresh, vec![]),
            (Action::Refresh, vec![]),
            (Action::Tick(t(100)), vec![]),
            (
                Action::Loaded {
                    fetched: task_json("A", "low", 1, 10),
                    at: t(101),
                },
                vec![],
            ),
            (Action::Refresh, vec![Effect::Fetch]),
            (Action::Refresh, vec![]),
            (
                Action::Failed {
                    error: ApiError::Network("x".into()),
                    at: t(102),
                },
                vec![],
            ),
            (Action::Refresh, vec![Effect::Fetch]),
        ];
        for (i, (action, want)) in cases.into_iter().enumerate() {
            assert_eq!(a.update(action), want, "step {i}");
        }
    }

    #[test]
    fn background_refresh_follows_the_interval() {
        let mut a = loaded_app();
        assert_eq!(a.next_refresh, Some(t(30)));
        assert_eq!(a.update(Action::Tick(t(29))), vec![]);
        assert_eq!(a.update(Action::Tick(t(30))), vec![Effect::Fetch]);
        assert_eq!(
            a.update(Action::Tick(t(31))),
            vec![],
            "no second fetch while one is out"
        );
        a.update(Action::Failed {
            error: ApiError::Network("x".into()),
            at: t(32),
        });
        assert_eq!(
            a.next_refresh,
            Some(t(62)),
            "a failure schedules the next try too"
        );
    }

    #[test]
    fn pause_stops_and_resume_restarts_the_background_refresh() {
        let mut a = loaded_app();
        a.update(Action::TogglePause);
        assert!(a.paused);
        assert_eq!(a.next_refresh, None);
        assert_eq!(a.state(), LiveState::Paused);
        assert_eq!(a.update(Action::Tick(t(500))), vec![]);
        assert_eq!(
            a.update(Action::Refresh),
            vec![Effect::Fetch],
            "r still works while paused"
        );
        a.update(Action::Loaded {
            fetched: task_json("A", "low", 1, 10),
            at: t(501),
        });
        a.update(Action::TogglePause);
        assert_eq!(
            a.next_refresh,
            Some(t(531)),
            "resumed: due one interval from now"
        );
    }

    #[test]
    fn interval_steps_stay_within_bounds() {
        let cases = [
            (0, true, 5),
            (5, false, 5),
            (5, true, 10),
            (30, true, 60),
            (30, false, 15),
            (45, true, 60),
            (45, false, 30),
            (3600, true, 3600),
            (3600, false, 1800),
        ];
        for (from, up, want) in cases {
            assert_eq!(
                step_interval(Duration::from_secs(from), up),
                Duration::from_secs(want),
                "{from} {up}"
            );
        }
        let mut a = loaded_app();
        for _ in 0..20 {
            a.update(Action::IntervalUp);
        }
        assert_eq!(a.interval, MAX_INTERVAL);
        for _ in 0..20 {
            a.update(Action::IntervalDown);
        }
        assert_eq!(a.interval, MIN_INTERVAL);
        assert_eq!(
            a.next_refresh,
            Some(t(5)),
            "rescheduled from the last answer"
        );
    }

    #[test]
    fn interval_zero_refreshes_only_on_request() {
        let mut a = App::new(label(), Duration::ZERO, true, t(0));
        a.start();
        a.update(Action::Loaded {
            fetched: task_json("A", "low", 1, 10),
            at: t(0),
        });
        assert_eq!(a.next_refresh, None);
        assert_eq!(a.update(Action::Tick(t(100_000))), vec![]);
        assert_eq!(
            a.state(),
            LiveState::Live,
            "manual mode never goes stale by age"
        );
    }

    #[test]
    fn a_failure_keeps_the_last_good_data_until_a_success_clears_it() {
        let mut a = loaded_app();
        a.update(Action::Refresh);
        a.update(Action::Failed {
            error: ApiError::Network("down".into()),
            at: t(40),
        });
        assert_eq!(a.task().unwrap().task_id.as_deref(), Some("A"));
        assert!(a.failure.is_some());
        assert_eq!(a.state(), LiveState::Stale);
        a.update(Action::Refresh);
        a.update(Action::Loaded {
            fetched: task_json("A", "low", 1, 20),
            at: t(50),
        });
        assert!(a.failure.is_none());
        assert_eq!(a.state(), LiveState::Live);
    }

    #[test]
    fn live_states() {
        let mut a = app();
        assert_eq!(a.state(), LiveState::Loading);
        a.start();
        a.update(Action::Failed {
            error: ApiError::Network("x".into()),
            at: t(1),
        });
        assert_eq!(a.state(), LiveState::Error);
        a.update(Action::Refresh);
        assert_eq!(a.state(), LiveState::Loading);
        a.update(Action::Loaded {
            fetched: task_json("A", "low", 1, 10),
            at: t(2),
        });
        assert_eq!(a.state(), LiveState::Live);
        a.update(Action::Refresh);
        assert_eq!(a.state(), LiveState::Refreshing);
        a.in_flight = false;
        a.update(Action::Tick(t(2 + 91)));
        assert_eq!(
            a.state(),
            LiveState::Stale,
            "older than twice the interval plus slack"
        );
    }

    #[test]
    fn escalation_is_detected_and_rings_once() {
        // (risk, alerts, bell expected, escalation expected afterwards)
        let steps = [
            ("low", 1, false, false),
            ("low", 1, false, false),
            ("medium", 1, true, true),
            ("medium", 1, false, true),
            ("medium", 3, true, true),
            ("low", 2, false, true),
        ];
        let mut a = app();
        a.start();
        for (i, (risk, alerts, bell, escalated)) in steps.into_iter().enumerate() {
            a.in_flight = true;
            let effects = a.update(Action::Loaded {
                fetched: task_json("A", risk, alerts, 10),
                at: t(i64::try_from(i).unwrap()),
            });
            assert_eq!(effects.contains(&Effect::Bell), bell, "step {i}");
            assert_eq!(a.escalation.is_some(), escalated, "step {i}");
        }
        let e = a.escalation.clone().unwrap();
        assert_eq!((e.alerts_from, e.alerts_to), (1, 3));
        a.update(Action::Tick(t(4) + chrono::Duration::seconds(299)));
        assert!(a.escalation.is_some());
        a.update(Action::Tick(t(4) + chrono::Duration::seconds(300)));
        assert!(
            a.escalation.is_none(),
            "the highlight fades after five minutes"
        );
    }

    #[test]
    fn no_bell_when_turned_off() {
        let mut a = App::new(label(), Duration::from_secs(30), false, t(0));
        a.start();
        a.update(Action::Loaded {
            fetched: task_json("A", "low", 1, 10),
            at: t(0),
        });
        a.in_flight = true;
        let effects = a.update(Action::Loaded {
            fetched: task_json("A", "high", 9, 10),
            at: t(1),
        });
        assert!(effects.is_empty());
        assert!(a.escalation.is_some(), "still highlighted");
    }

    #[test]
    fn filter_narrows_the_paths_and_esc_clears_then_quits() {
        let mut a = loaded_app();
        assert_eq!(a.matches.len(), 5);
        a.update(Action::FilterStart);
        for c in "VAR".chars() {
            a.update(Action::FilterInput(c));
        }
        assert_eq!(
            a.visible_paths(10).collect::<Vec<_>>(),
            vec!["/var/www", "/var/log"]
        );
        a.update(Action::FilterBackspace);
        assert_eq!(a.filter.text, "VA");
        a.update(Action::FilterAccept);
        assert!(!a.filter.editing);
        assert_eq!(a.matches.len(), 2, "accepted filter stays");
        a.in_flight = true;
        a.update(Action::Loaded {
            fetched: task_json("A", "low", 1, 20),
            at: t(5),
        });
        assert_eq!(a.matches.len(), 2, "the filter applies to new data too");
        assert_eq!(a.update(Action::Back), vec![]);
        assert_eq!(a.matches.len(), 5);
        assert_eq!(a.update(Action::Back), vec![Effect::Quit]);
        assert!(a.should_quit);
    }

    #[test]
    fn scrolling_is_clamped_to_the_viewport() {
        let mut a = loaded_app();
        a.update(Action::Viewport(2));
        let steps = [
            (Scroll::Bottom, 3),
            (Scroll::Down, 3),
            (Scroll::Up, 2),
            (Scroll::PageUp, 0),
            (Scroll::PageDown, 2),
            (Scroll::Top, 0),
            (Scroll::Up, 0),
        ];
        for (scroll, want) in steps {
            a.update(Action::Scroll(scroll));
            assert_eq!(a.scroll, want, "{scroll:?}");
        }
        a.update(Action::Scroll(Scroll::Bottom));
        a.update(Action::Viewport(10));
        assert_eq!(a.scroll, 0, "a taller list shows everything");
    }

    #[test]
    fn copy_and_save_ask_the_loop() {
        let mut a = app();
        assert_eq!(
            a.update(Action::CopyTaskId),
            vec![],
            "nothing to copy before data"
        );
        assert_eq!(a.update(Action::Save), vec![]);
        let mut a = loaded_app();
        assert_eq!(a.update(Action::CopyTaskId), vec![Effect::Copy("A".into())]);
        let effects = a.update(Action::Save);
        let [Effect::Save(body, name)] = effects.as_slice() else {
            panic!("{effects:?}")
        };
        assert_eq!(body["Data"]["TaskId"], "A");
        assert_eq!(name, "scanwatch-A-20270115T080000Z.json");
        a.update(Action::Saved(Ok(name.clone())));
        assert!(a.notice.as_ref().unwrap().0.contains(name.as_str()));
    }

    #[test]
    fn eta_from_samples_or_from_the_start_time() {
        let mut a = app();
        a.start();
        let body = |p: u64| {
            fetched(&format!(
                r#"{{"Data":{{"TaskId":"A","Status":10,"Progress":"{p}","ScanTime":{}}}}}"#,
                t(-100).timestamp_millis()
            ))
        };
        a.update(Action::Loaded {
            fetched: body(20),
            at: t(0),
        });
        assert_eq!(
            a.eta(),
            Some(Duration::from_secs(400)),
            "20% in 100 s: 80% more takes 400 s"
        );
        a.in_flight = true;
        a.update(Action::Loaded {
            fetched: body(40),
            at: t(10),
        });
        assert_eq!(
            a.eta(),
            Some(Duration::from_secs(30)),
            "20% in the last 10 s: 60% more takes 30 s"
        );
        a.in_flight = true;
        a.update(Action::Loaded {
            fetched: fetched(r#"{"Data":{"TaskId":"A","Status":100,"Progress":"100"}}"#),
            at: t(20),
        });
        assert_eq!(a.eta(), None);
    }

    #[test]
    fn activity_log_records_what_changed_and_stays_bounded() {
        let mut a = app();
        a.start();
        let fail = |a: &mut App, code: &str, at| {
            a.in_flight = true;
            a.update(Action::Failed {
                error: ApiError::Network(code.into()),
                at: t(at),
            });
        };
        let load = |a: &mut App, f: Box<Fetched>, at| {
            a.in_flight = true;
            a.update(Action::Loaded {
                fetched: f,
                at: t(at),
            });
        };
        load(&mut a, task_json("A", "low", 1, 10), 0);
        load(&mut a, task_json("A", "medium", 3, 50), 1);
        fail(&mut a, "x", 2);
        fail(&mut a, "x", 3);
        load(
            &mut a,
            fetched(
                r#"{"Data":{"TaskId":"A","Status":100,"Progress":"100","RiskLevel":"medium","SuspiciousCount":3}}"#,
            ),
            4,
        );
        load(&mut a, task_json("B", "low", 0, 1), 5);
        let texts: Vec<&str> = a.events.iter().map(|e| e.text.as_str()).collect();
        assert_eq!(
            texts,
            vec![
                "task A (running)",
                "risk LOW → MEDIUM",
                "alerts 1 → 3",
                "refresh failed: NetworkError",
                "refresh ok again after 2 failures",
                "task A complete: risk medium, 3 alerts",
                "new task B (running)",
            ]
        );
        for i in 0..500 {
            fail(&mut a, if i % 2 == 0 { "x" } else { "y" }, 10 + i);
            a.failure = None;
        }
        assert_eq!(a.events.len(), MAX_EVENTS);
    }

    #[test]
    fn time_zone_changes_arrive_as_actions() {
        let mut a = loaded_app();
        let shanghai = FixedOffset::east_opt(8 * 3600).unwrap();
        assert_eq!(a.update(Action::Zone(shanghai)), vec![]);
        assert_eq!(a.zone, shanghai);
        assert_eq!(Action::Zone(shanghai).name(), "zone");
    }

    #[test]
    fn save_names_are_safe_file_names() {
        assert_eq!(
            save_file_name("../etc/passwd", t(0)),
            "scanwatch-___etc_passwd-20270115T080000Z.json"
        );
    }
}
