//! Secret hygiene: every mode and every error path runs with a recognisable canary secret and STS token, with
//! `--log-file` at debug level, and neither may appear in stdout, stderr, the log, the screen, or a saved file.

mod common;

use std::path::Path;
use std::process::Command;

use common::pty::Session;
use common::{Emulator, KEY_ID, emulator_with_env, run, scanwatch, write_scenario};

const SECRET: &str = "CANARYsecret8e1f2a";
const TOKEN: &str = "CANARY/token+5b7c9d=";

const SCENARIO: &str = r#"{"tasks":[{"task_id":"canary-task-0001","scan_type":"user","scan_paths":["/srv"],
  "machines":4,"run_seconds":3,"findings":[{"at_progress":50,"suspicious_machines":1,"alerts":2,"risk":"high"}]}]}"#;

/// Every form the secrets could take on the way out: raw, percent-encoded once and twice, and the marker.
fn forms() -> Vec<String> {
    let mut forms = vec!["CANARY".to_owned()];
    for secret in [SECRET, TOKEN] {
        let once = scanwatch::api::signer::percent_encode(secret);
        let twice = scanwatch::api::signer::percent_encode(&once);
        forms.extend([secret.to_owned(), once, twice]);
    }
    forms
}

fn assert_clean(what: &str, text: &str) {
    for form in forms() {
        assert!(!text.contains(&form), "{what} leaks {form:?}:\n{text}");
    }
}

/// Everything a run left in `home`: the log file and any saved response.
fn assert_files_clean(home: &Path) {
    let mut seen = 0;
    for entry in std::fs::read_dir(home).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.extension().is_some_and(|e| e == "log") || name.starts_with("scanwatch-") {
            let text = std::fs::read_to_string(&path).unwrap();
            assert_clean(&name, &text);
            seen += 1;
        }
    }
    assert!(seen > 0, "the run left a log to check");
}

/// An emulator that knows the canary secret and requires the canary token.
fn canary_emulator(home: &Path, extra: &[&str]) -> Emulator {
    let scenario = write_scenario(home, SCENARIO);
    let mut args = vec!["--scenario", scenario.as_str()];
    args.extend_from_slice(extra);
    emulator_with_env(
        home,
        &args,
        &[
            ("SCANWATCH_EMULATOR_ACCESS_KEY_SECRET", SECRET),
            ("SCANWATCH_EMULATOR_SECURITY_TOKEN", TOKEN),
        ],
    )
}

/// The command with canary credentials, a debug-level log file and the emulator as endpoint.
fn canary_command(home: &Path, endpoint: &str, secret: &str) -> Command {
    let mut cmd = scanwatch(home);
    cmd.current_dir(home)
        .env("ALIBABA_CLOUD_ACCESS_KEY_ID", KEY_ID)
        .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", secret)
        .env("ALIBABA_CLOUD_SECURITY_TOKEN", TOKEN)
        .env("SCANWATCH_LOG", "trace")
        .args(["--endpoint", endpoint, "--log-file"])
        .arg(home.join("scanwatch.log"));
    cmd
}

#[test]
fn line_modes_and_their_error_paths() {
    let home = tempfile::tempdir().unwrap();
    let good = canary_emulator(home.path(), &[]);
    let runs: &[(&str, &[&str], &str, &[i32])] = &[
        ("once", &["once"], SECRET, &[0]),
        ("once --json", &["once", "--json"], SECRET, &[0]),
        ("check", &["check"], SECRET, &[0, 1, 2]),
        (
            "wait",
            &["wait", "--interval", "2s", "--timeout", "30s"],
            SECRET,
            &[0],
        ),
        (
            "wait --json",
            &["wait", "--interval", "2s", "--json"],
            SECRET,
            &[0],
        ),
        ("wrong secret", &["once"], "CANARYwrong0000", &[1]),
        ("wrong secret, check", &["check"], "CANARYwrong0000", &[3]),
        ("wrong secret, wait", &["wait"], "CANARYwrong0000", &[1]),
    ];
    for (what, args, secret, codes) in runs {
        let (code, out, err) = run(canary_command(home.path(), &good.url, secret).args(*args));
        assert!(codes.contains(&code), "{what}: exit {code}: {out}{err}");
        assert_clean(&format!("{what} stdout"), &out);
        assert_clean(&format!("{what} stderr"), &err);
    }
    for fault in [
        "error:NoPermission",
        "error:SignatureDoesNotMatch",
        "proxy-error",
        "non-json",
        "reset",
    ] {
        let bad = canary_emulator(home.path(), &["--fault", fault]);
        for args in [&["once"][..], &["check"], &["once", "--json"]] {
            let (_, out, err) = run(canary_command(home.path(), &bad.url, SECRET).args(args));
            assert_clean(&format!("{fault} {args:?} stdout"), &out);
            assert_clean(&format!("{fault} {args:?} stderr"), &err);
        }
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dead = format!("http://127.0.0.1:{port}");
    let (code, out, err) = run(canary_command(home.path(), &dead, SECRET).arg("once"));
    assert_eq!(code, 1);
    assert_clean("connect error", &format!("{out}{err}"));
    let log = std::fs::read_to_string(home.path().join("scanwatch.log")).unwrap();
    assert!(
        log.contains("DEBUG") || log.contains("TRACE"),
        "the log is at debug level: {log}"
    );
    assert_files_clean(home.path());
}

#[test]
fn configuration_errors_never_echo_secrets() {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join(".aliyun");
    std::fs::create_dir_all(&config).unwrap();
    // A malformed config file with a secret in it: the parse error must not quote it.
    std::fs::write(
        config.join("config.json"),
        format!(r#"{{"current":"p","profiles":[{{"name":"p","mode":"AK","access_key_id":"id","access_key_secret":{SECRET}}}]}}"#),
    )
    .unwrap();
    let (code, out, err) = run(scanwatch(home.path()).arg("once"));
    assert_eq!(code, 2, "{err}");
    assert_clean("malformed config", &format!("{out}{err}"));
    let (code, out, err) = run(scanwatch(home.path())
        .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET)
        .arg("once"));
    assert_eq!(code, 2, "{err}");
    assert_clean("secret without id", &format!("{out}{err}"));
}

fn dashboard(emu: &Emulator, extra_env: &[(&str, &str)]) -> Session {
    let log = "scanwatch.log";
    let mut env = vec![
        ("ALIBABA_CLOUD_ACCESS_KEY_ID", KEY_ID),
        ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", SECRET),
        ("ALIBABA_CLOUD_SECURITY_TOKEN", TOKEN),
        ("SCANWATCH_LOG", "trace"),
    ];
    env.extend_from_slice(extra_env);
    Session::start_with_env(
        &["--endpoint", &emu.url, "--interval", "5", "--log-file", log],
        100,
        30,
        &env,
    )
}

#[test]
fn dashboard_screen_log_and_saved_file() {
    let home = tempfile::tempdir().unwrap();
    let emu = canary_emulator(home.path(), &[]);
    let mut s = dashboard(&emu, &[]);
    s.wait_for("the task", |sc| sc.contains("canary-task-0001"));
    s.press("r");
    s.press("s");
    s.wait_for("the save notice", |sc| sc.contains("saved scanwatch-"));
    s.press("?");
    s.wait_for("help", |sc| sc.contains("Keys"));
    s.press("q");
    assert_eq!(s.wait_exit(), 0);
    s.assert_restored();
    assert_clean(
        "dashboard output",
        &String::from_utf8_lossy(&s.raw.lock().unwrap()),
    );
    assert_files_clean(s.home());
}

#[test]
fn dashboard_error_path() {
    let home = tempfile::tempdir().unwrap();
    let emu = canary_emulator(home.path(), &["--fault", "error:SignatureDoesNotMatch"]);
    let mut s = dashboard(&emu, &[]);
    s.wait_for("the error", |sc| sc.contains("SignatureDoesNotMatch"));
    s.press("q");
    assert_eq!(s.wait_exit(), 0);
    s.assert_restored();
    assert_clean(
        "dashboard error output",
        &String::from_utf8_lossy(&s.raw.lock().unwrap()),
    );
    assert_files_clean(s.home());
}

#[test]
fn forced_panic_restores_the_terminal_and_shows_no_secret() {
    let home = tempfile::tempdir().unwrap();
    let emu = canary_emulator(home.path(), &[]);
    let mut s = dashboard(
        &emu,
        &[("SCANWATCH_DEBUG_PANIC", "1"), ("RUST_BACKTRACE", "1")],
    );
    let code = s.wait_exit();
    assert_ne!(code, 0, "a panic is a failure exit");
    s.assert_restored();
    let output = String::from_utf8_lossy(&s.raw.lock().unwrap()).into_owned();
    assert!(
        output.contains("forced panic"),
        "the panic report reaches the user: {output}"
    );
    assert_clean("panic output", &output);
}
