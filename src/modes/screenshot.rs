//! `scanwatch screenshot` (hidden): draws the dashboard once, from a real answer, into an SVG file. The
//! README's picture is made this way, by the program itself.

use chrono::{Local, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::{exit, report_api_error};
use crate::app::{Action, App};
use crate::cli::{Cli, ScreenshotArgs};
use crate::setup::Target;
use crate::ui::{self, Theme};

pub async fn run(target: Target, cli: &Cli, args: &ScreenshotArgs) -> u8 {
    let mut app = App::new(
        target.label.clone(),
        cli.dashboard.interval,
        false,
        Utc::now(),
    );
    app.update(Action::Zone(*Local::now().offset()));
    app.start();
    for i in 0..args.fetches.max(1) {
        if i > 0 {
            tokio::time::sleep(args.gap).await;
        }
        app.in_flight = true;
        match target.client.latest_task().await {
            Ok(fetched) => {
                app.update(Action::Loaded {
                    fetched: Box::new(fetched),
                    at: Utc::now(),
                });
            }
            Err(e) => {
                report_api_error(&e);
                return exit::API_ERROR;
            }
        }
    }
    app.update(Action::Tick(Utc::now()));
    let Ok(mut terminal) = Terminal::new(TestBackend::new(args.width, args.height));
    let theme = Theme { color: true };
    for _ in 0..2 {
        let mut rows = app.viewport;
        let _ = terminal.draw(|f| rows = ui::render(f, &app, theme));
        app.update(Action::Viewport(rows));
    }
    let svg = ui::svg::render(terminal.backend().buffer());
    match std::fs::write(&args.out, svg) {
        Ok(()) => {
            eprintln!("wrote {}", args.out.display());
            exit::OK
        }
        Err(e) => {
            eprintln!("scanwatch: error: cannot write {}: {e}", args.out.display());
            exit::USAGE
        }
    }
}
