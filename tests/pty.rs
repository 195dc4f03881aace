//! The real binary in a pseudo-terminal: the dashboard comes up against the demo emulator, answers keys, and
//! leaves the terminal as it found it (main screen, cursor shown) on `q`, SIGTERM and SIGHUP.

#![cfg(unix)]

mod common;

use common::pty::Session;

fn dashboard_up(screen: &str) -> bool {
    screen.contains("Latest task") && screen.contains("Progress") && screen.contains("Risk")
}

#[test]
fn dashboard_runs_keys_and_quits_cleanly() {
    let mut s = Session::start(&["--demo", "--interval", "5"], 120, 40);
    let screen = s.wait_for("the dashboard", dashboard_up);
    assert!(screen.contains("profile demo"), "{screen}");

    s.press("r");
    s.wait_for("a refresh", |sc| dashboard_up(sc) && sc.contains("updated"));

    s.press("?");
    s.wait_for("the help overlay", |sc| {
        sc.contains("Keys") && sc.contains("copy the TaskId")
    });
    s.press("?");
    s.wait_for("help to close", |sc| !sc.contains("copy the TaskId"));

    s.press("/var");
    s.wait_for("the filter prompt", |sc| {
        sc.contains("/var") && sc.contains("match")
    });
    s.press("\x1b");
    s.wait_for("the filter to clear", |sc| !sc.contains("match)"));

    s.press("p");
    s.wait_for("pause", |sc| {
        sc.contains("paused") && sc.contains("p resume")
    });
    s.press("p+");
    s.wait_for("a longer interval", |sc| sc.contains("refresh every 10 s"));

    s.press("y");
    s.wait_for("the copy notice", |sc| {
        sc.contains("copied to the clipboard")
    });
    let osc52 = "\x1b]52;c;ZmM5OGQ1OGViNTZmNjk5ZDQ5YmY3ZWJiZDZkN2EwMDE=\x07";
    assert!(
        String::from_utf8_lossy(&s.raw.lock().unwrap()).contains(osc52),
        "the TaskId goes to the clipboard with OSC 52"
    );

    s.press("q");
    assert_eq!(s.wait_exit(), 0);
    s.assert_restored();
}

#[test]
fn small_terminal_still_shows_everything_essential() {
    let mut s = Session::start(&["--demo"], 80, 24);
    let screen = s.wait_for("the dashboard", dashboard_up);
    for needle in ["Machines", "Scanned paths", "%", "q quit"] {
        assert!(
            screen.contains(needle),
            "{needle} missing at 80x24:\n{screen}"
        );
    }
    s.press("q");
    assert_eq!(s.wait_exit(), 0);
    s.assert_restored();
}

#[test]
fn sigterm_restores_the_terminal() {
    let mut s = Session::start(&["--demo"], 100, 30);
    s.wait_for("the dashboard", dashboard_up);
    s.signal("TERM");
    s.wait_exit();
    s.assert_restored();
}

#[test]
fn sighup_restores_the_terminal() {
    let mut s = Session::start(&["--demo"], 100, 30);
    s.wait_for("the dashboard", dashboard_up);
    s.signal("HUP");
    s.wait_exit();
    s.assert_restored();
}

#[test]
fn an_error_on_screen_then_quit_restores_the_terminal() {
    // A dead endpoint: the dashboard shows the error instead of data, and still exits cleanly.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let endpoint = format!("http://127.0.0.1:{port}");
    let pair_args = ["--endpoint", endpoint.as_str(), "--interval", "0"];
    let env = [
        ("ALIBABA_CLOUD_ACCESS_KEY_ID", "id"),
        ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "canary-pty-secret"),
    ];
    let mut s = Session::start_with_env(&pair_args, 100, 30, &env);
    let screen = s.wait_for("the error", |sc| sc.contains("ConnectError"));
    assert!(!screen.contains("canary-pty-secret"));
    s.press("q");
    assert_eq!(s.wait_exit(), 0);
    s.assert_restored();
}
