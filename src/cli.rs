//! Command-line definitions: the raw layer, as close to the flags as possible. Validation and lookups happen in
//! `setup`.

// Doc comments here are the --help text users read, not rustdoc: no Markdown backticks in them.
#![allow(clippy::doc_markdown)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use crate::duration;
use crate::emulator::fault::FaultRule;

/// Watch the latest Alibaba Cloud Security Center virus scan from a terminal.
///
/// Credentials are found the way the aliyun CLI and SDKs find them: --profile, then the
/// ALIBABA_CLOUD_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_SECRET environment variables, then the
/// current profile of ~/.aliyun/config.json. Secrets are never accepted as flags.
/// Try it without an account: scanwatch --demo
#[derive(Debug, Parser)]
#[command(
    name = "scanwatch",
    version,
    propagate_version = true,
    max_term_width = 110
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(flatten)]
    pub dashboard: DashboardArgs,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Flags of the dashboard (the default mode).
#[derive(Debug, Args)]
pub struct DashboardArgs {
    /// Background refresh interval: 30, 90s, 5m, ... (5 s to 1 h); 0 refreshes only when you press r.
    #[arg(long, value_name = "SECS", default_value = "30", value_parser = parse_interval)]
    pub interval: Duration,

    /// Do not ring the terminal bell when the risk level or the alert count rises.
    #[arg(long)]
    pub no_bell: bool,
}

fn parse_interval(text: &str) -> Result<Duration, String> {
    let interval = duration::parse(text)?;
    if interval.is_zero()
        || (Duration::from_secs(5)..=Duration::from_secs(3600)).contains(&interval)
    {
        Ok(interval)
    } else {
        Err("the interval must be 0 (refresh on r only) or between 5s and 1h".into())
    }
}

/// Flags every mode accepts.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Run against an embedded Security Center emulator with demo credentials; no account needed.
    #[arg(long, global = true, conflicts_with_all = ["profile", "endpoint"])]
    pub demo: bool,

    /// Use this profile of the aliyun CLI config (~/.aliyun/config.json).
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,

    /// Region ID, e.g. cn-hangzhou or ap-southeast-1 (picks the Security Center endpoint).
    #[arg(long, global = true, value_name = "REGION")]
    pub region: Option<String>,

    /// Security Center endpoint: a host (tds.cn-shanghai.aliyuncs.com) or a full URL with scheme and port.
    /// Plain http:// is allowed only to loopback addresses.
    #[arg(long, global = true, value_name = "HOST|URL")]
    pub endpoint: Option<String>,

    /// Give up on one HTTP request after this long (connecting is limited to 5 s): 15s, 1m, ...
    #[arg(long, global = true, value_name = "DURATION", default_value = "15s", value_parser = duration::parse)]
    pub request_timeout: Duration,

    /// Write diagnostics to this file (RUST_LOG-style filter in SCANWATCH_LOG, default info).
    #[arg(long, global = true, value_name = "PATH")]
    pub log_file: Option<PathBuf>,

    /// Do not use colours (NO_COLOR in the environment does the same).
    #[arg(long, global = true)]
    pub no_color: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Fetch the latest scan task once, print it, and exit (0 ok, 1 API or network error, 2 usage or config).
    Once(OnceArgs),
    /// Serve a local Security Center emulator for this API (for demos, tests and offline scripting).
    Emulator(EmulatorArgs),
    /// Monitoring plugin (Nagios, Icinga, Zabbix, Sensu): one line, exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.
    Check(CheckArgs),
    /// Block until the latest scan task completes (exit 0 done, 1 API error, 2 usage, 4 risk, 124 timeout).
    Wait(WaitArgs),
    /// Print a shell completion script: scanwatch completions bash > ~/.local/share/bash-completion/completions/scanwatch
    Completions(CompletionsArgs),
    /// Draw the dashboard once into an SVG file (how the README's picture is made).
    #[command(hide = true)]
    Screenshot(ScreenshotArgs),
}

/// A risk level given on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RiskArg {
    Low,
    Medium,
    High,
}

impl RiskArg {
    pub fn level(self) -> crate::api::model::RiskLevel {
        use crate::api::model::RiskLevel;
        match self {
            Self::Low => RiskLevel::Low,
            Self::Medium => RiskLevel::Medium,
            Self::High => RiskLevel::High,
        }
    }
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// WARNING when the risk level is at least this.
    #[arg(long, value_enum, value_name = "LEVEL", default_value = "medium")]
    pub warn_risk: RiskArg,
    /// CRITICAL when the risk level is at least this.
    #[arg(long, value_enum, value_name = "LEVEL", default_value = "high")]
    pub crit_risk: RiskArg,
    /// WARNING when the latest scan started longer ago than this (26h, 2d, ...): scans have stopped.
    #[arg(long, value_name = "DURATION", value_parser = duration::parse)]
    pub max_age: Option<Duration>,
    /// CRITICAL when the latest scan started longer ago than this.
    #[arg(long, value_name = "DURATION", value_parser = duration::parse)]
    pub crit_age: Option<Duration>,
}

#[derive(Debug, Args)]
pub struct WaitArgs {
    /// Time between polls (at least 2s).
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_wait_interval)]
    pub interval: Duration,
    /// Give up (exit 124) after this long.
    #[arg(long, value_name = "DURATION", default_value = "30m", value_parser = duration::parse)]
    pub timeout: Duration,
    /// Exit 4 when the completed task's risk is at least this.
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub fail_on: Option<RiskArg>,
    /// Print the API's JSON body at completion instead of the summary.
    #[arg(long)]
    pub json: bool,
}

fn parse_wait_interval(text: &str) -> Result<Duration, String> {
    let interval = duration::parse(text)?;
    if interval < Duration::from_secs(2) {
        return Err("the interval must be at least 2s".into());
    }
    Ok(interval)
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to print a completion script for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ScreenshotArgs {
    /// Where to write the SVG.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    #[arg(long, default_value_t = 120)]
    pub width: u16,
    #[arg(long, default_value_t = 40)]
    pub height: u16,
    /// Answers to load before drawing (two or more can show an escalation).
    #[arg(long, default_value_t = 1)]
    pub fetches: u32,
    /// Time between those answers.
    #[arg(long, default_value = "2s", value_parser = duration::parse)]
    pub gap: Duration,
}

#[derive(Debug, Args)]
pub struct OnceArgs {
    /// Print the API's response body as pretty JSON, with the API's own field names (jq-friendly).
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct EmulatorArgs {
    /// Loopback address to listen on; port 0 picks a free one.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:0")]
    pub listen: SocketAddr,

    /// Scenario file (JSON) describing how the scan evolves; the built-in demo scenario otherwise.
    #[arg(long, value_name = "FILE")]
    pub scenario: Option<PathBuf>,

    /// Inject a fault: KIND[@SCHEDULE]. KIND: error:CODE, throttle:MS, latency:DURATION, reset, truncate,
    /// non-json, proxy-error, huge:BYTES. SCHEDULE: every=N, first=N, rate=P (default: every request).
    /// Repeatable; the first rule that matches a request applies.
    #[arg(long, value_name = "FAULT")]
    pub fault: Vec<FaultRule>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn global_flags_work_after_the_subcommand() {
        let cli = Cli::try_parse_from(["scanwatch", "once", "--json", "--demo"]).unwrap();
        assert!(cli.global.demo);
        assert!(matches!(
            cli.command,
            Some(Command::Once(OnceArgs { json: true }))
        ));
    }

    #[test]
    fn demo_conflicts_with_explicit_account_flags() {
        assert!(Cli::try_parse_from(["scanwatch", "--demo", "--profile", "x"]).is_err());
    }

    #[test]
    fn no_flag_accepts_a_secret() {
        fn check(cmd: &clap::Command, seen: &mut usize) {
            for arg in cmd.get_arguments() {
                *seen += 1;
                let name = arg.get_id().as_str().to_ascii_lowercase();
                assert!(
                    !name.contains("secret") && !name.contains("token"),
                    "{name}"
                );
            }
            for sub in cmd.get_subcommands() {
                check(sub, seen);
            }
        }
        let mut seen = 0;
        check(&Cli::command(), &mut seen);
        assert!(seen > 5, "the walk must see the flags ({seen})");
    }
}
