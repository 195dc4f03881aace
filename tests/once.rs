//! `scanwatch once` and `scanwatch emulator` through the real binary, as a user runs them.

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_scanwatch");
const KEY_ID: &str = "once-test-key";
const SECRET: &str = "canary-once-secret-71d2";

/// A command with a clean environment: an empty HOME, no Alibaba Cloud variables.
fn scanwatch(home: &std::path::Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env_clear()
        .env("HOME", home)
        .env("TZ", "UTC")
        .stdin(Stdio::null());
    cmd
}

fn run(cmd: &mut Command) -> (i32, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.output().expect("binary runs");
    (
        status.code().expect("exit code, not a signal"),
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}

/// `scanwatch emulator` in the background; killed on drop.
struct Emulator {
    child: Child,
    url: String,
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn emulator(home: &std::path::Path, extra: &[&str]) -> Emulator {
    let mut child = scanwatch(home)
        .args(["emulator", "--listen", "127.0.0.1:0"])
        .args(extra)
        .env("SCANWATCH_EMULATOR_ACCESS_KEY_ID", KEY_ID)
        .env("SCANWATCH_EMULATOR_ACCESS_KEY_SECRET", SECRET)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("emulator starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("first line names the URL: {line:?}"))
        .to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    Emulator { child, url }
}

fn with_env_credentials<'a>(cmd: &'a mut Command, secret: &str) -> &'a mut Command {
    cmd.env("ALIBABA_CLOUD_ACCESS_KEY_ID", KEY_ID)
        .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", secret)
}

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
