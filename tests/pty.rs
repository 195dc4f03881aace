//! The real binary in a pseudo-terminal: the dashboard comes up against the demo emulator, answers keys, and
//! leaves the terminal as it found it (main screen, cursor shown) on `q`, SIGTERM and SIGHUP.

#![cfg(unix)]

use std::io::{Read as _, Write as _};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

const BIN: &str = env!("CARGO_BIN_EXE_scanwatch");

struct Session {
    child: Box<dyn portable_pty::Child + Send + Sync>,
    writer: Box<dyn std::io::Write + Send>,
    parser: Arc<Mutex<vt100::Parser>>,
    raw: Arc<Mutex<Vec<u8>>>,
    _master: Box<dyn portable_pty::MasterPty + Send>,
    _home: tempfile::TempDir,
}

impl Session {
    fn start(args: &[&str], cols: u16, rows: u16) -> Self {
        Self::start_with_env(args, cols, rows, &[])
    }

    fn start_with_env(args: &[&str], cols: u16, rows: u16, env: &[(&str, &str)]) -> Self {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pty");
        let home = tempfile::tempdir().unwrap();
        let mut cmd = CommandBuilder::new(BIN);
        cmd.args(args);
        cmd.env_clear();
        cmd.env("HOME", home.path());
        cmd.env("TERM", "xterm-256color");
        cmd.env("TZ", "UTC");
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.cwd(home.path());
        let child = pair.slave.spawn_command(cmd).expect("spawn");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().unwrap();
        let writer = pair.master.take_writer().unwrap();
        let parser = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
        let raw = Arc::new(Mutex::new(Vec::new()));
        let (p, r) = (Arc::clone(&parser), Arc::clone(&raw));
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                p.lock().unwrap().process(&buf[..n]);
                r.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Self {
            child,
            writer,
            parser,
            raw,
            _master: pair.master,
            _home: home,
        }
    }

    fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let screen = self.screen();
            if pred(&screen) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn press(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    fn wait_exit(&mut self) -> u32 {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                // Let the reader thread drain what was written last.
                std::thread::sleep(Duration::from_millis(200));
                return status.exit_code();
            }
            assert!(
                Instant::now() < deadline,
                "did not exit; screen:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn signal(&self, name: &str) {
        let pid = self.child.process_id().expect("pid");
        let status = std::process::Command::new("kill")
            .args([format!("-{name}"), pid.to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// The terminal is back on the main screen with the cursor shown, and raw mode's alternate screen was left.
    fn assert_restored(&self) {
        let parser = self.parser.lock().unwrap();
        let screen = parser.screen();
        assert!(!screen.alternate_screen(), "still on the alternate screen");
        assert!(!screen.hide_cursor(), "cursor still hidden");
        let raw = self.raw.lock().unwrap();
        let text = String::from_utf8_lossy(&raw);
        let entered = text
            .find("\x1b[?1049h")
            .expect("entered the alternate screen");
        let left = text
            .rfind("\x1b[?1049l")
            .expect("left the alternate screen");
        assert!(left > entered);
        assert!(
            !text.contains("\x1b[?1000h"),
            "mouse capture must stay off (text selection)"
        );
    }
}

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
