//! Helpers shared by the tests that run the real binary: a clean environment, and `scanwatch emulator` in the
//! background.

#![allow(dead_code)]

#[cfg(unix)]
pub mod pty;

use std::io::{BufRead as _, BufReader, Write as _};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_scanwatch");
pub const KEY_ID: &str = "binary-test-key";
pub const SECRET: &str = "canary-binary-secret-71d2";

/// A command with a clean environment: an empty HOME, no Alibaba Cloud variables, UTC.
pub fn scanwatch(home: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env_clear()
        .env("HOME", home)
        .env("TZ", "UTC")
        .stdin(Stdio::null());
    cmd
}

/// Exit code, stdout, stderr.
pub fn run(cmd: &mut Command) -> (i32, String, String) {
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

/// The emulator's key pair in the environment the aliyun CLI uses.
pub fn with_env_credentials<'a>(cmd: &'a mut Command, secret: &str) -> &'a mut Command {
    cmd.env("ALIBABA_CLOUD_ACCESS_KEY_ID", KEY_ID)
        .env("ALIBABA_CLOUD_ACCESS_KEY_SECRET", secret)
}

/// `scanwatch emulator` in the background; killed on drop.
pub struct Emulator {
    child: Child,
    pub url: String,
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `scanwatch emulator` with the test key pair and `extra` arguments; waits for its URL.
pub fn emulator(home: &Path, extra: &[&str]) -> Emulator {
    emulator_with_env(home, extra, &[])
}

/// Same, with extra environment variables (a different secret, a required security token).
pub fn emulator_with_env(home: &Path, extra: &[&str], env: &[(&str, &str)]) -> Emulator {
    let mut cmd = scanwatch(home);
    cmd.args(["emulator", "--listen", "127.0.0.1:0"])
        .args(extra)
        .env("SCANWATCH_EMULATOR_ACCESS_KEY_ID", KEY_ID)
        .env("SCANWATCH_EMULATOR_ACCESS_KEY_SECRET", SECRET);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd
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

/// An emulator serving `scenario` (JSON), written to a file in `home`.
pub fn emulator_with_scenario(home: &Path, scenario: &str, extra: &[&str]) -> Emulator {
    let path = write_scenario(home, scenario);
    let mut args = vec!["--scenario", path.as_str()];
    args.extend_from_slice(extra);
    emulator(home, &args)
}

/// Writes a scenario file into `home`; returns its path.
pub fn write_scenario(home: &Path, scenario: &str) -> String {
    let path = home.join(format!("scenario-{}.json", std::process::id()));
    let mut file = std::fs::File::create(&path).unwrap();
    file.write_all(scenario.as_bytes()).unwrap();
    path.to_str().unwrap().to_owned()
}

/// A command pointed at `emu` with the test credentials.
pub fn against(home: &Path, emu: &Emulator) -> Command {
    let mut cmd = scanwatch(home);
    with_env_credentials(&mut cmd, SECRET);
    cmd.args(["--endpoint", &emu.url]);
    cmd
}
