//! `scanwatch once` and `scanwatch emulator` through the real binary, as a user runs them.

mod common;

use common::{SECRET, emulator, run, scanwatch, with_env_credentials};

#[test]
fn once_demo_prints_a_summary() {
    let home = tempfile::tempdir().unwrap();
    let (code, out, err) = run(scanwatch(home.path()).args(["once", "--demo"]));
    assert_eq!(code, 0, "{err}");
    for label in [
        "Task",
        "Type",
        "Status",
        "Progress",
        "Started",
        "Machines",
        "Risk",
        "RequestId",
    ] {
        assert!(
            out.lines().any(|l| l.starts_with(label)),
            "no {label} line in:\n{out}"
        );
    }
}

#[test]
fn once_json_prints_the_api_body_for_jq() {
    let home = tempfile::tempdir().unwrap();
    let (code, out, err) = run(scanwatch(home.path()).args(["--demo", "once", "--json"]));
    assert_eq!(code, 0, "{err}");
    let body: serde_json::Value = serde_json::from_str(&out).expect("stdout is JSON");
    assert!(body["RequestId"].is_string(), "{out}");
    assert!(body["Data"]["TaskId"].is_string(), "{out}");
    assert!(
        body["Data"]["Progress"].is_string(),
        "Progress keeps the API's string type: {out}"
    );
    assert!(out.contains("\n  \""), "pretty-printed: {out}");
}

#[test]
fn once_against_a_separate_emulator_with_env_credentials() {
    let home = tempfile::tempdir().unwrap();
    let emu = emulator(home.path(), &[]);
    let (code, out, err) = run(with_env_credentials(
        scanwatch(home.path()).args(["once", "--endpoint", &emu.url]),
        SECRET,
    ));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Task"), "{out}");
    assert!(!out.contains(SECRET) && !err.contains(SECRET));
}

#[test]
fn once_api_error_exits_1_with_code_request_id_and_remedy() {
    let home = tempfile::tempdir().unwrap();
    let emu = emulator(home.path(), &["--fault", "error:NoPermission"]);
    let (code, out, err) = run(with_env_credentials(
        scanwatch(home.path()).args(["once", "--endpoint", &emu.url]),
        SECRET,
    ));
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.is_empty(), "nothing on stdout on error: {out}");
    assert!(err.contains("NoPermission"), "{err}");
    assert!(err.contains("RequestId"), "{err}");
    assert!(
        err.contains("yundun-sas:GetVirusScanLatestTaskStatistic"),
        "{err}"
    );
}

#[test]
fn once_wrong_secret_says_the_secret_is_wrong_without_showing_it() {
    let home = tempfile::tempdir().unwrap();
    let emu = emulator(home.path(), &[]);
    let wrong = "canary-wrong-secret-0c41";
    let (code, out, err) = run(with_env_credentials(
        scanwatch(home.path()).args(["once", "--json", "--endpoint", &emu.url]),
        wrong,
    ));
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains("SignatureDoesNotMatch") && err.contains("secret is wrong"),
        "{err}"
    );
    assert!(!err.contains(wrong) && !out.contains(wrong));
}

#[test]
fn network_error_exits_1() {
    let home = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (code, _, err) = run(with_env_credentials(
        scanwatch(home.path()).args(["once", "--endpoint", &format!("http://127.0.0.1:{port}")]),
        SECRET,
    ));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("ConnectError"), "{err}");
}

#[test]
fn screenshot_draws_the_dashboard_as_svg() {
    let home = tempfile::tempdir().unwrap();
    let out = home.path().join("shot.svg");
    let (code, _, err) = run(scanwatch(home.path())
        .args([
            "screenshot",
            "--demo",
            "--width",
            "80",
            "--height",
            "24",
            "--out",
        ])
        .arg(&out));
    assert_eq!(code, 0, "{err}");
    let svg = std::fs::read_to_string(&out).unwrap();
    assert!(
        svg.starts_with("<svg ") && svg.trim_end().ends_with("</svg>"),
        "{svg}"
    );
    for text in [
        "scanwatch",
        "Latest task",
        "fc98d58eb56f699d49bf7ebbd6d7a001",
        "Machines",
    ] {
        assert!(svg.contains(text), "{text} in the picture");
    }
}

#[test]
fn configuration_errors_exit_2_with_a_hint() {
    let home = tempfile::tempdir().unwrap();
    let cases: &[(&[&str], bool, &str)] = &[
        (&["once"], false, "--demo"),
        (&["once", "--profile", "nope"], false, "nope"),
        (&["once", "--region", "xx-nowhere-1"], true, "--endpoint"),
        (
            &["once", "--endpoint", "http://example.com"],
            true,
            "http is allowed only",
        ),
        (&["once", "--request-timeout", "soon"], true, "90s"),
        (&["once", "--no-such-flag"], true, "--no-such-flag"),
        (
            &["emulator", "--scenario", "/nonexistent/scenario.json"],
            false,
            "scenario",
        ),
    ];
    for &(args, creds, needle) in cases {
        let mut cmd = scanwatch(home.path());
        cmd.args(args);
        if creds {
            with_env_credentials(&mut cmd, SECRET);
        }
        let (code, _, err) = run(&mut cmd);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(
            err.contains(needle),
            "{args:?} should mention {needle}: {err}"
        );
        assert!(!err.contains(SECRET));
    }
}
