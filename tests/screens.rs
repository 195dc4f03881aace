//! Whole-screen snapshots of the dashboard on ratatui's `TestBackend`, at 80x24 and 120x40, for each state an
//! analyst can meet; plus the risk badge's colours, read from the cells.

use std::time::Duration;

use chrono::{DateTime, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use scanwatch::api::client::Fetched;
use scanwatch::api::error::{ApiError, ServiceError};
use scanwatch::api::model::ScanResponse;
use scanwatch::app::{Action, App};
use scanwatch::setup::TargetLabel;
use scanwatch::ui::{self, Theme};

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn t(secs: i64) -> DateTime<Utc> {
    DateTime::<Utc>::from_timestamp(1_795_000_000 + secs, 0).unwrap()
}

fn fetched(json: &str) -> Box<Fetched> {
    let (response, body) = ScanResponse::from_slice(json.as_bytes()).unwrap();
    Box::new(Fetched {
        response,
        body,
        attempts: 1,
    })
}

fn user_scan(status: u32, progress: u32, risk: &str, alerts: u32, suspicious: u32) -> Box<Fetched> {
    fetched(&format!(
        r#"{{"RequestId":"7532B7EE-7CE7-5F4D-BF04-B12447DDCAE1","Data":{{
        "TaskId":"fc98d58eb56f699d49bf7ebbd6d7a001","ScanTime":{start},"Status":{status},
        "SuspiciousCount":{alerts},"SuspiciousMachine":{suspicious},"SafeMachine":{safe},"ScanMachine":20,
        "ScanType":"user","ScanPath":["/var/www","/srv/uploads","D:/shares/finance","/opt/app/releases",
        "/home/deploy/.cache","/etc/nginx","/usr/local/bin","/var/lib/docker/volumes/app-data/_data",
        "/tmp","/root"],
        "Progress":"{progress}","MachineName":"web-prod-03","CompleteMachine":{complete},
        "UnCompleteMachine":{incomplete},"RiskLevel":"{risk}"}}}}"#,
        start = t(-14 * 60).timestamp_millis(),
        complete = 20 * progress / 100,
        incomplete = 20 - 20 * progress / 100,
        safe = (20 * progress / 100).saturating_sub(suspicious),
    ))
}

fn system_scan() -> Box<Fetched> {
    fetched(&format!(
        r#"{{"RequestId":"0B9F3A64-1D2E-4C5B-8A7F-6E5D4C3B2A19","Data":{{
        "TaskId":"b2c4e6f8a0b2c4e6f8a0b2c4e6f8a002","ScanTime":{},"Status":10,"SuspiciousCount":0,
        "SuspiciousMachine":0,"SafeMachine":5,"ScanMachine":12,"ScanType":"system","Progress":"41",
        "MachineName":"db-prod-01","CompleteMachine":5,"UnCompleteMachine":7}}}}"#,
        t(-300).timestamp_millis()
    ))
}

fn app() -> App {
    let label = TargetLabel {
        profile: "soc".into(),
        region: "cn-shanghai".into(),
        endpoint_host: "tds.cn-shanghai.aliyuncs.com".into(),
    };
    let mut app = App::new(label, Duration::from_secs(30), true, t(0));
    app.start();
    app
}

fn load(app: &mut App, fetched: Box<Fetched>, at: i64) {
    app.in_flight = true;
    app.update(Action::Loaded { fetched, at: t(at) });
    app.update(Action::Tick(t(at + 4)));
}

fn draw(app: &mut App, width: u16, height: u16, theme: Theme) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    // Two passes, as the event loop does: the first frame tells the app how many path rows fit.
    for _ in 0..2 {
        let mut rows = app.viewport;
        terminal.draw(|f| rows = ui::render(f, app, theme)).unwrap();
        app.update(Action::Viewport(rows));
    }
    terminal.backend().buffer().clone()
}

fn text(buffer: &Buffer) -> String {
    let area = buffer.area;
    let mut out = String::new();
    for y in 0..area.height {
        let mut line = String::new();
        for x in 0..area.width {
            line.push_str(buffer[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn snapshot(name: &str, mut make: impl FnMut() -> App) {
    for (w, h) in SIZES {
        let mut app = make();
        let screen = text(&draw(&mut app, w, h, Theme { color: true }));
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), screen);
    }
}

#[test]
fn first_load() {
    snapshot("first_load", app);
}

#[test]
fn running_user_scan() {
    snapshot("running_user_scan", || {
        let mut a = app();
        load(&mut a, user_scan(10, 50, "medium", 4, 2), 0);
        load(&mut a, user_scan(10, 62, "medium", 4, 2), 30);
        a
    });
}

#[test]
fn completed_high_risk_scan() {
    snapshot("completed_high_risk_scan", || {
        let mut a = app();
        load(&mut a, user_scan(10, 95, "medium", 4, 2), 0);
        load(&mut a, user_scan(100, 100, "high", 9, 4), 30);
        a
    });
}

#[test]
fn system_scan_has_no_path_list() {
    snapshot("system_scan", || {
        let mut a = app();
        load(&mut a, system_scan(), 0);
        a
    });
}

#[test]
fn no_task_yet() {
    snapshot("no_task_yet", || {
        let mut a = app();
        load(
            &mut a,
            fetched(r#"{"RequestId":"E6C1D9A2-0000-4000-8000-000000000001"}"#),
            0,
        );
        a
    });
}

fn no_permission() -> ApiError {
    ApiError::Service(ServiceError {
        http_status: 403,
        code: "NoPermission".into(),
        message: "caller has no permission".into(),
        request_id: Some("5F0E8C6B-2A1D-4E3F-9B8A-7C6D5E4F3A21".into()),
        host_id: Some("tds.cn-shanghai.aliyuncs.com".into()),
        recommend: None,
        retry_after: None,
        string_to_sign_matches: None,
    })
}

#[test]
fn error_over_stale_data() {
    snapshot("error_over_stale_data", || {
        let mut a = app();
        load(&mut a, user_scan(10, 62, "medium", 4, 2), 0);
        a.update(Action::Refresh);
        a.update(Action::Failed {
            error: no_permission(),
            at: t(31),
        });
        a.update(Action::Tick(t(35)));
        a
    });
}

#[test]
fn error_before_any_data() {
    snapshot("error_before_any_data", || {
        let mut a = app();
        a.update(Action::Failed {
            error: no_permission(),
            at: t(1),
        });
        a
    });
}

#[test]
fn help_overlay() {
    snapshot("help_overlay", || {
        let mut a = app();
        load(&mut a, user_scan(10, 62, "medium", 4, 2), 0);
        a.update(Action::ToggleHelp);
        a
    });
}

#[test]
fn filtered_paths() {
    snapshot("filtered_paths", || {
        let mut a = app();
        load(&mut a, user_scan(10, 62, "medium", 4, 2), 0);
        a.update(Action::FilterStart);
        for c in "var".chars() {
            a.update(Action::FilterInput(c));
        }
        a
    });
}

#[test]
fn too_small_terminal() {
    let mut a = app();
    load(&mut a, user_scan(10, 62, "medium", 4, 2), 0);
    let screen = text(&draw(&mut a, 40, 10, Theme { color: true }));
    insta::assert_snapshot!("too_small_40x10", screen);
    // And it recovers once enlarged.
    let screen = text(&draw(&mut a, 80, 24, Theme { color: true }));
    assert!(
        screen.contains("Latest task") && !screen.contains("too small"),
        "{screen}"
    );
}

fn find(buffer: &Buffer, needle: &str) -> Option<(u16, u16)> {
    let area = buffer.area;
    for y in 0..area.height {
        let row: Vec<&str> = (0..area.width).map(|x| buffer[(x, y)].symbol()).collect();
        let line = row.concat();
        if let Some(byte) = line.find(needle) {
            let col = line[..byte].chars().count();
            return Some((col as u16, y));
        }
    }
    None
}

#[test]
fn risk_badge_colours_are_on_the_cells() {
    let cases = [
        ("high", " HIGH ", Color::Red),
        ("medium", " MEDIUM ", Color::Yellow),
        ("low", " LOW ", Color::Cyan),
    ];
    for (risk, word, bg) in cases {
        let mut a = app();
        load(&mut a, user_scan(10, 62, risk, 4, 2), 0);
        let buffer = draw(&mut a, 120, 40, Theme { color: true });
        let (x, y) = find(&buffer, word).unwrap_or_else(|| panic!("{word} on screen"));
        for dx in 0..word.len() as u16 {
            let cell = &buffer[(x + dx, y)];
            assert_eq!(cell.bg, bg, "{risk} badge cell {dx}");
            assert!(cell.modifier.contains(Modifier::BOLD));
        }
        let screen_bg = &buffer[(0, 0)];
        assert_eq!(
            screen_bg.bg,
            Color::Reset,
            "no background colour is painted on the screen"
        );
    }
    let mut a = app();
    load(
        &mut a,
        fetched(r#"{"Data":{"TaskId":"t","Status":100,"Progress":"100"}}"#),
        0,
    );
    let buffer = draw(&mut a, 120, 40, Theme { color: true });
    let (x, y) = find(&buffer, " NONE ").expect("NONE badge");
    assert_eq!(buffer[(x + 1, y)].bg, Color::Green);
}

#[test]
fn without_colour_the_badge_is_reversed_text() {
    let mut a = app();
    load(&mut a, user_scan(10, 62, "high", 4, 2), 0);
    let buffer = draw(&mut a, 120, 40, Theme { color: false });
    let (x, y) = find(&buffer, " HIGH ").expect("HIGH badge");
    let cell = &buffer[(x + 1, y)];
    assert_eq!((cell.fg, cell.bg), (Color::Reset, Color::Reset));
    assert!(cell.modifier.contains(Modifier::REVERSED));
    for yy in 0..40 {
        for xx in 0..120 {
            let c = &buffer[(xx, yy)];
            assert_eq!(
                (c.fg, c.bg),
                (Color::Reset, Color::Reset),
                "colour at {xx},{yy}"
            );
        }
    }
}

#[test]
fn a_million_paths_draw_only_what_fits() {
    let paths: Vec<String> = (0..1_000_000)
        .map(|i| format!("/data/shard-{i:07}"))
        .collect();
    let body = serde_json::json!({"RequestId": "R", "Data": {"TaskId": "big", "Status": 10, "Progress": "5",
        "ScanType": "user", "ScanPath": paths}});
    let mut a = app();
    load(&mut a, fetched(&body.to_string()), 0);
    a.update(Action::Scroll(scanwatch::app::Scroll::Bottom));
    let screen = text(&draw(&mut a, 120, 40, Theme { color: true }));
    assert!(screen.contains("/data/shard-0999999"), "{screen}");
    assert!(screen.contains("Scanned paths (1000000)"), "{screen}");
}
