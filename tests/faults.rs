//! The fault matrix: every fault the emulator injects and every error code of the reference, against `once`
//! through the real binary and against the dashboard's App fed by the real client. For each: the expected
//! message, the last good data kept where there was some, retries bounded in time, no panic.

mod common;

use std::time::{Duration, Instant};

use chrono::Utc;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use scanwatch::api::client::{Client, ClientOptions};
use scanwatch::app::{Action, App, LiveState};
use scanwatch::credentials::{CredentialSource, Credentials, Secret};
use scanwatch::emulator::fault::FaultRule;
use scanwatch::emulator::scenario::Scenario;
use scanwatch::emulator::{self, EmulatorConfig, EmulatorHandle};
use scanwatch::setup::TargetLabel;
use scanwatch::ui::{self, Theme};

use common::{against, emulator, run};

/// (fault, the code the user sees, a phrase of the message, whether the client retries it)
const MATRIX: &[(&str, &str, &str, bool)] = &[
    ("latency:3s", "Timeout", "timed out", true),
    ("reset", "NetworkError", "network error", true),
    ("truncate", "NetworkError", "network error", true),
    ("non-json", "MalformedResponse", "not valid JSON", false),
    ("proxy-error", "UnexpectedBody", "HTTP 502", true),
    ("huge:100000000", "ResponseTooLarge", "limit", false),
    ("throttle:600000", "Throttling.User", "", false),
    ("error:Throttling", "Throttling", "", true),
    ("error:Throttling.User", "Throttling.User", "", true),
    ("error:Throttling.Api", "Throttling.Api", "", true),
    ("error:NoPermission", "NoPermission", "", false),
    ("error:Forbidden.RAM", "Forbidden.RAM", "", false),
    (
        "error:SignatureDoesNotMatch",
        "SignatureDoesNotMatch",
        "",
        false,
    ),
    (
        "error:IncompleteSignature",
        "IncompleteSignature",
        "",
        false,
    ),
    (
        "error:InvalidAccessKeyId.NotFound",
        "InvalidAccessKeyId.NotFound",
        "",
        false,
    ),
    (
        "error:InvalidAccessKeyId.Inactive",
        "InvalidAccessKeyId.Inactive",
        "",
        false,
    ),
    (
        "error:InvalidTimeStamp.Expired",
        "InvalidTimeStamp.Expired",
        "",
        false,
    ),
    ("error:SignatureNonceUsed", "SignatureNonceUsed", "", false),
    (
        "error:InvalidAction.NotFound",
        "InvalidAction.NotFound",
        "",
        false,
    ),
    ("error:ServerError", "ServerError", "", true),
    ("error:InternalError", "InternalError", "", true),
    ("error:ServiceUnavailable", "ServiceUnavailable", "", true),
];

#[test]
fn once_through_the_binary() {
    let home = tempfile::tempdir().unwrap();
    for &(fault, code, phrase, _) in MATRIX {
        let emu = emulator(home.path(), &["--fault", fault]);
        let started = Instant::now();
        let (exit, out, err) =
            run(against(home.path(), &emu).args(["once", "--request-timeout", "1s"]));
        assert_eq!(exit, 1, "{fault}: {out}{err}");
        assert!(out.is_empty(), "{fault}: nothing on stdout: {out}");
        assert!(
            err.starts_with(&format!("scanwatch: {code}: ")),
            "{fault}: {err}"
        );
        assert!(err.contains(phrase), "{fault}: {err}");
        assert!(
            err.contains("Remedy"),
            "{fault}: every failure says what to do: {err}"
        );
        assert!(!err.contains("panicked"), "{fault}: {err}");
        // Three attempts at most, with backoff: never more than a few seconds.
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "{fault}: {:?}",
            started.elapsed()
        );
    }
}

#[test]
fn once_rides_out_passing_faults() {
    let home = tempfile::tempdir().unwrap();
    for fault in [
        "throttle:100@first=1",
        "error:ServerError@first=2",
        "reset@first=1",
        "latency:100ms",
    ] {
        let emu = emulator(home.path(), &["--fault", fault]);
        let (exit, out, err) = run(against(home.path(), &emu).args(["once", "--json"]));
        assert_eq!(exit, 0, "{fault}: {err}");
        assert!(out.contains("\"TaskId\""), "{fault}: {out}");
    }
}

// ---- the dashboard's App, fed by the real client ----

const KEY: &str = "app-fault-key";
const SECRET: &str = "app-fault-secret";

async fn serve(fault: Option<&str>) -> EmulatorHandle {
    let config = EmulatorConfig {
        access_key_id: KEY.into(),
        access_key_secret: SECRET.into(),
        security_token: None,
        scenario: Scenario::from_json(
            r#"{"tasks":[{"task_id":"good-task-0001","scan_type":"user","scan_paths":["/a","/b"],"machines":5,"run_seconds":3600}]}"#,
        )
        .unwrap(),
        faults: fault.map(|f| vec![FaultRule::parse(f).unwrap()]).unwrap_or_default(),
    };
    emulator::start(([127, 0, 0, 1], 0).into(), config)
        .await
        .unwrap()
}

fn client(handle: &EmulatorHandle, max_attempts: u32) -> Client {
    let credentials = Credentials {
        access_key_id: KEY.into(),
        access_key_secret: Secret::new(SECRET),
        security_token: None,
        source: CredentialSource::Environment("test".into()),
    };
    let options = ClientOptions {
        timeout: Duration::from_secs(1),
        backoff_base: Duration::from_millis(5),
        backoff_max: Duration::from_millis(20),
        max_retry_after: Duration::from_secs(1),
        max_attempts,
        ..ClientOptions::default()
    };
    Client::new(handle.base_url().parse().unwrap(), credentials, options).unwrap()
}

/// One refresh the way the event loop does it: the request, then its outcome as an action.
async fn refresh(app: &mut App, client: &Client) {
    assert!(!app.update(Action::Refresh).is_empty(), "a refresh starts");
    let action = match client.latest_task().await {
        Ok(fetched) => Action::Loaded {
            fetched: Box::new(fetched),
            at: Utc::now(),
        },
        Err(error) => Action::Failed {
            error,
            at: Utc::now(),
        },
    };
    app.update(action);
}

fn screen(app: &App) -> String {
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    terminal
        .draw(|f| {
            ui::render(f, app, Theme { color: true });
        })
        .unwrap();
    let buffer = terminal.backend().buffer();
    (0..buffer.area.height)
        .map(|y| {
            (0..buffer.area.width)
                .map(|x| buffer[(x, y)].symbol())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn new_app() -> App {
    let label = TargetLabel {
        profile: "test".into(),
        region: "emulator".into(),
        endpoint_host: "127.0.0.1".into(),
    };
    App::new(label, Duration::from_secs(30), true, Utc::now())
}

#[tokio::test]
async fn app_keeps_the_last_good_data_through_every_fault() {
    let good = serve(None).await;
    let good_client = client(&good, 3);
    for &(fault, code, _, retried) in MATRIX {
        let mut app = new_app();
        refresh(&mut app, &good_client).await;
        assert_eq!(app.state(), LiveState::Live, "{fault}");

        let bad = serve(Some(fault)).await;
        let started = Instant::now();
        refresh(&mut app, &client(&bad, 3)).await;
        assert!(
            started.elapsed() < Duration::from_secs(8),
            "{fault}: retries are bounded"
        );
        assert_eq!(
            bad.request_count(),
            if retried { 3 } else { 1 },
            "{fault}: attempts"
        );

        let failure = app
            .failure
            .as_ref()
            .unwrap_or_else(|| panic!("{fault}: a failure is shown"));
        assert_eq!(failure.error.code(), code, "{fault}");
        assert_eq!(app.state(), LiveState::Stale, "{fault}");
        let task = app
            .task()
            .unwrap_or_else(|| panic!("{fault}: the last good data is kept"));
        assert_eq!(task.task_id.as_deref(), Some("good-task-0001"), "{fault}");
        let shown = screen(&app);
        assert!(
            shown.contains(code) && shown.contains("good-task-0001"),
            "{fault}:\n{shown}"
        );

        refresh(&mut app, &good_client).await;
        assert!(
            app.failure.is_none(),
            "{fault}: a success clears the banner"
        );
        assert_eq!(app.state(), LiveState::Live, "{fault}");
    }
}

#[tokio::test]
async fn app_follows_a_flapping_server() {
    let flapping = serve(Some("error:ServerError@every=2")).await;
    let single_try = client(&flapping, 1);
    let mut app = new_app();
    for i in 0..10 {
        refresh(&mut app, &single_try).await;
        let failed = i % 2 == 1;
        assert_eq!(app.failure.is_some(), failed, "refresh {i}");
        assert!(app.task().is_some(), "refresh {i}: data never lost");
    }
    assert_eq!(flapping.request_count(), 10);
    let texts: Vec<&str> = app.events.iter().map(|e| e.text.as_str()).collect();
    assert!(texts.contains(&"refresh failed: ServerError"), "{texts:?}");
    assert!(
        texts.contains(&"refresh ok again after 1 failure"),
        "{texts:?}"
    );

    // With the client's own retries the flapping never reaches the screen.
    let mut app = new_app();
    let retrying = client(&flapping, 3);
    for _ in 0..6 {
        refresh(&mut app, &retrying).await;
        assert!(app.failure.is_none());
    }
}
