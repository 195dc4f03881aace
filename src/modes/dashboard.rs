//! The default mode: the full-screen dashboard.

use super::exit;
use crate::cli::Cli;
use crate::setup::Target;
use crate::tui::{self, Options, TuiError};
use crate::ui::Theme;

pub async fn run(target: Target, cli: &Cli) -> u8 {
    let no_color_env = std::env::var("NO_COLOR").ok();
    let options = Options {
        interval: cli.dashboard.interval,
        bell: !cli.dashboard.no_bell,
        theme: Theme::detect(cli.global.no_color, no_color_env.as_deref()),
    };
    match tui::run(target, options).await {
        Ok(()) => exit::OK,
        Err(e @ TuiError::NotATerminal) => {
            eprintln!("scanwatch: error: {e}");
            exit::USAGE
        }
        Err(e) => {
            eprintln!("scanwatch: error: {e}");
            exit::API_ERROR
        }
    }
}
