//! `check`, `wait` and `completions` through the real binary against the emulator: every exit code of both
//! modes, the age thresholds, a task replaced mid-wait, and stderr that is not a terminal.

mod common;

use common::{against, emulator, emulator_with_scenario, run, scanwatch};

fn verbatim(data: &str) -> String {
    format!(r#"{{"tasks":[{{"data":{data}}}]}}"#)
}

fn task_with_risk(risk: &str) -> String {
    let risk = if risk.is_empty() {
        String::new()
    } else {
        format!(r#","RiskLevel":"{risk}""#)
    };
    verbatim(&format!(
        r#"{{"TaskId":"fc98d58eb56f699d49bf7ebbd6d7a001","ScanTime":{},"Status":10,"Progress":"92",
        "ScanMachine":10,"SuspiciousMachine":2,"SuspiciousCount":5,"UnCompleteMachine":1{risk}}}"#,
        chrono::Utc::now().timestamp_millis() - 3_600_000
    ))
}

// ---- check ----

#[test]
fn check_states_follow_the_risk_thresholds() {
    let home = tempfile::tempdir().unwrap();
    let cases = [
        ("", &[][..], 0, "SCANWATCH OK - risk none"),
        ("low", &[][..], 0, "SCANWATCH OK - risk low"),
        ("medium", &[][..], 1, "SCANWATCH WARNING - risk medium"),
        (
            "high",
            &[][..],
            2,
            "SCANWATCH CRITICAL - risk high, 5 alerts on 2 of 10 machines, scan 92% running",
        ),
        ("low", &["--warn-risk", "low"][..], 1, "SCANWATCH WARNING"),
        (
            "medium",
            &["--crit-risk", "medium"][..],
            2,
            "SCANWATCH CRITICAL",
        ),
    ];
    for (risk, flags, code, start) in cases {
        let emu = emulator_with_scenario(home.path(), &task_with_risk(risk), &[]);
        let (got, out, err) = run(against(home.path(), &emu).arg("check").args(flags));
        assert_eq!(got, code, "{risk} {flags:?}: {out}{err}");
        assert!(out.starts_with(start), "{risk} {flags:?}: {out}");
        assert_eq!(out.lines().count(), 1, "one line: {out}");
        assert!(
            out.contains(" | progress=92%;;;0;100 scanned=10;;;0"),
            "perfdata: {out}"
        );
    }
}

#[test]
fn check_age_thresholds() {
    let home = tempfile::tempdir().unwrap();
    let old = verbatim(
        r#"{"TaskId":"old-task-0001","ScanTime":1700000000000,"Status":100,"Progress":"100"}"#,
    );
    let emu = emulator_with_scenario(home.path(), &old, &[]);
    let (code, out, _) = run(against(home.path(), &emu).args(["check", "--max-age", "26h"]));
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("latest scan started") && out.contains("warning over 1 d 2 h"),
        "{out}"
    );
    let (code, out, _) =
        run(against(home.path(), &emu).args(["check", "--max-age", "26h", "--crit-age", "2d"]));
    assert_eq!(code, 2, "{out}");
    assert!(out.contains("critical over 2 d 0 h"), "{out}");
    let fresh = emulator_with_scenario(home.path(), &task_with_risk(""), &[]);
    let (code, out, _) =
        run(against(home.path(), &fresh).args(["check", "--max-age", "26h", "--crit-age", "2d"]));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("scan_age=3600s;93600;172800;0"), "{out}");
}

#[test]
fn check_unknown_on_errors_no_task_and_usage() {
    let home = tempfile::tempdir().unwrap();
    let failing = emulator(home.path(), &["--fault", "error:NoPermission"]);
    let (code, out, _) = run(against(home.path(), &failing).arg("check"));
    assert_eq!(code, 3, "{out}");
    assert!(
        out.starts_with("SCANWATCH UNKNOWN - NoPermission: caller has no permission (RequestId "),
        "{out}"
    );

    let empty = emulator_with_scenario(home.path(), r#"{"tasks":[]}"#, &[]);
    let (code, out, _) = run(against(home.path(), &empty).arg("check"));
    assert_eq!(code, 3, "{out}");
    assert!(
        out.starts_with("SCANWATCH UNKNOWN - no scan task yet (RequestId "),
        "{out}"
    );

    for args in [
        &["check", "--warn-risk", "severe"][..],
        &["check", "--max-age", "soon"],
        &["check", "--bogus"],
    ] {
        let (code, out, err) = run(against(home.path(), &empty).args(args));
        assert_eq!(code, 3, "{args:?}: {out}{err}");
        assert!(
            out.starts_with("SCANWATCH UNKNOWN - usage: "),
            "{args:?}: {out}"
        );
        assert!(!out.contains("panicked") && !err.contains("panicked"));
    }

    let (code, out, _) = run(scanwatch(home.path()).arg("check"));
    assert_eq!(code, 3, "no credentials: {out}");
    assert!(
        out.starts_with("SCANWATCH UNKNOWN - configuration: no credentials found"),
        "{out}"
    );
}

// ---- wait ----

const QUICK_TASK: &str = r#"{"tasks":[{"task_id":"quick-task-0001","scan_type":"user","scan_paths":["/srv"],
  "machines":4,"pending_seconds":0,"run_seconds":3,
  "findings":[{"at_progress":50,"suspicious_machines":1,"alerts":2,"risk":"medium"}]}]}"#;

#[test]
fn wait_until_complete_logs_plain_lines_when_stderr_is_not_a_terminal() {
    let home = tempfile::tempdir().unwrap();
    let emu = emulator_with_scenario(home.path(), QUICK_TASK, &[]);
    let (code, out, err) =
        run(against(home.path(), &emu).args(["wait", "--interval", "2s", "--timeout", "1m"]));
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("Task       quick-task-0001") && out.contains("Status     complete"),
        "{out}"
    );
    assert!(err.contains("waiting for task quick-ta"), "{err}");
    assert!(
        !err.contains('\r') && !err.contains('\x1b'),
        "no terminal control codes in a log: {err:?}"
    );
    let progress_lines = err
        .lines()
        .filter(|l| l.starts_with('[') && l.contains("% "))
        .count();
    assert!(progress_lines >= 2, "one line per change: {err}");
}

#[test]
fn wait_json_prints_the_body() {
    let home = tempfile::tempdir().unwrap();
    let emu = emulator_with_scenario(home.path(), QUICK_TASK, &[]);
    let (code, out, err) =
        run(against(home.path(), &emu).args(["wait", "--interval", "2s", "--json"]));
    assert_eq!(code, 0, "{err}");
    let body: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(body["Data"]["Status"], 100);
}

#[test]
fn wait_fail_on_risk_exits_4() {
    let home = tempfile::tempdir().unwrap();
    let emu = emulator_with_scenario(home.path(), QUICK_TASK, &[]);
    let (code, out, err) =
        run(against(home.path(), &emu).args(["wait", "--interval", "2s", "--fail-on", "medium"]));
    assert_eq!(code, 4, "{out}{err}");
    assert!(err.contains("at or above --fail-on medium"), "{err}");
    let (code, _, err) =
        run(against(home.path(), &emu).args(["wait", "--interval", "2s", "--fail-on", "high"]));
    assert_eq!(code, 0, "medium is below high: {err}");
}

#[test]
fn wait_times_out_with_124() {
    let home = tempfile::tempdir().unwrap();
    let slow = r#"{"tasks":[{"task_id":"slow-task-0001","machines":3,"run_seconds":3600}]}"#;
    let emu = emulator_with_scenario(home.path(), slow, &[]);
    let started = std::time::Instant::now();
    let (code, out, err) =
        run(against(home.path(), &emu).args(["wait", "--interval", "2s", "--timeout", "3s"]));
    assert_eq!(code, 124, "{out}{err}");
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("timed out after 3 s"), "{err}");
    assert!(started.elapsed() < std::time::Duration::from_secs(15));
}

#[test]
fn wait_api_error_exits_1_and_usage_exits_2() {
    let home = tempfile::tempdir().unwrap();
    let emu = emulator(home.path(), &["--fault", "error:NoPermission"]);
    let (code, _, err) = run(against(home.path(), &emu).args(["wait", "--interval", "2s"]));
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("NoPermission") && err.contains("RequestId"),
        "{err}"
    );
    let (code, _, err) = run(against(home.path(), &emu).args(["wait", "--interval", "1s"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("at least 2s"), "{err}");
    let (code, _, err) = run(against(home.path(), &emu).args(["wait", "--fail-on", "severe"]));
    assert_eq!(code, 2, "{err}");
}

#[test]
fn wait_follows_a_task_replaced_mid_run() {
    let home = tempfile::tempdir().unwrap();
    let scenario = r#"{"tasks":[
      {"task_id":"first-task-0001","machines":3,"run_seconds":600,"next_after_seconds":2.5},
      {"task_id":"second-task-0002","machines":3,"run_seconds":3}]}"#;
    let emu = emulator_with_scenario(home.path(), scenario, &[]);
    let (code, out, err) =
        run(against(home.path(), &emu).args(["wait", "--interval", "2s", "--timeout", "1m"]));
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        err.contains(
            "task first-ta... was replaced by a newer task second-t...; following the new one"
        ),
        "{err}"
    );
    assert!(out.contains("Task       second-task-0002"), "{out}");
}

// ---- completions ----

#[test]
fn completions_for_every_shell() {
    let home = tempfile::tempdir().unwrap();
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef scanwatch"),
        ("fish", "complete -c scanwatch"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let (code, out, err) = run(scanwatch(home.path()).args(["completions", shell]));
        assert_eq!(code, 0, "{shell}: {err}");
        assert!(
            out.contains(marker),
            "{shell}: {}",
            &out[..out.len().min(300)]
        );
        assert!(
            out.contains("wait") && out.contains("check"),
            "{shell} knows the subcommands"
        );
    }
    let (code, _, _) = run(scanwatch(home.path()).args(["completions", "tcsh"]));
    assert_eq!(code, 2);
}
