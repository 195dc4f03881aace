//! Drawing the dashboard from `&App`; nothing here changes state. One file per screen region.

pub mod activity;
pub mod banner;
pub mod footer;
pub mod header;
pub mod help;
pub mod machines;
pub mod paths;
pub mod risk;
pub mod svg;
pub mod task;
pub mod theme;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Wrap};

use crate::app::App;
pub use theme::Theme;

/// Below this the dashboard says the terminal is too small instead of drawing a mangled screen.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 18;

/// Draws a whole frame. Returns the number of rows the paths list had, for page-wise scrolling.
pub fn render(frame: &mut Frame, app: &App, theme: Theme) -> usize {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        render_too_small(frame, area);
        return app.viewport;
    }
    let banner_height = if app.failure.is_some() {
        banner::HEIGHT
    } else {
        0
    };
    let [header_area, banner_area, body_area, footer_area] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(banner_height),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(area);
    header::render(frame, header_area, app, theme);
    if banner_height > 0 {
        banner::render(frame, banner_area, app, theme);
    }
    footer::render(frame, footer_area, app, theme);
    let rows = if app.task().is_some() {
        render_task(frame, body_area, app, theme)
    } else {
        render_placeholder(frame, body_area, app, theme);
        app.viewport
    };
    if app.show_help {
        help::render(frame, area, theme);
    }
    rows
}

fn render_task(frame: &mut Frame, area: Rect, app: &App, theme: Theme) -> usize {
    // On short terminals the gauge loses its frame, so that the machine breakdown keeps all its rows.
    let gauge_height = if area.height < 24 { 1 } else { 3 };
    let [top, gauge, bottom] = Layout::vertical([
        Constraint::Length(8),
        Constraint::Length(gauge_height),
        Constraint::Min(0),
    ])
    .areas(area);
    let [task_area, risk_area] =
        Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(top);
    task::render(frame, task_area, app, theme);
    risk::render(frame, risk_area, app, theme);
    task::render_progress(frame, gauge, app, theme);
    let [machines_area, paths_area] =
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(bottom);
    if machines_area.height >= machines::HEIGHT + activity::MIN_HEIGHT {
        let [machines_area, activity_area] =
            Layout::vertical([Constraint::Length(machines::HEIGHT), Constraint::Min(0)])
                .areas(machines_area);
        machines::render(frame, machines_area, app, theme);
        activity::render(frame, activity_area, app, theme);
    } else {
        machines::render(frame, machines_area, app, theme);
    }
    paths::render(frame, paths_area, app, theme)
}

/// First load, error before any data, and "no scan task yet".
fn render_placeholder(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let lines: Vec<Line> = match (&app.snapshot, &app.failure) {
        (Some(_), _) => vec![
            Line::styled("No scan task yet", theme.title()),
            Line::raw(""),
            Line::raw(
                "This account has not run a virus scan. Start one in the Security Center console;",
            ),
            Line::raw("scanwatch will show it on the next refresh (or press r)."),
        ],
        (None, Some(_)) => vec![
            Line::styled("No data yet", theme.title()),
            Line::raw(""),
            Line::raw("The first request failed; see the message above. Press r to try again."),
        ],
        (None, None) => vec![
            Line::styled("Loading the latest virus scan task…", theme.title()),
            Line::raw(""),
            Line::styled(format!("from {}", app.label.endpoint_host), theme.dim()),
        ],
    };
    let block = Block::bordered().title(" Latest task ");
    let inner = block.inner(area);
    frame.render_widget(block, area);
    render_centered(frame, inner, lines);
}

/// Lines centred in `area`, both ways, wrapped if they must be.
fn render_centered(frame: &mut Frame, area: Rect, lines: Vec<Line>) {
    let top = area.y + area.height.saturating_sub(lines.len() as u16) / 2;
    let text_area = Rect::new(
        area.x,
        top,
        area.width,
        area.height.saturating_sub(top - area.y),
    );
    frame.render_widget(
        Paragraph::new(lines)
            .alignment(Alignment::Center)
            .wrap(Wrap { trim: true }),
        text_area,
    );
}

fn render_too_small(frame: &mut Frame, area: Rect) {
    let text = vec![
        Line::raw("Terminal too small"),
        Line::raw(format!(
            "{}x{}, need {MIN_WIDTH}x{MIN_HEIGHT}",
            area.width, area.height
        )),
        Line::raw("Enlarge it, or press q"),
    ];
    render_centered(frame, area, text);
}

const PARTIAL: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/// Full cells and the eighths of the next one for a bar `width` cells wide filled to `ratio` (0..=1).
fn bar_fill(width: usize, ratio: f64) -> (usize, usize) {
    let ratio = if ratio.is_finite() {
        ratio.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let eighths = (ratio * width as f64 * 8.0).round() as usize;
    (eighths / 8, eighths % 8)
}

/// Draws a bar straight into the buffer, one cell at a time. A frame has several bars, and sending them through
/// text layout (grapheme segmentation, line truncation) cost more than the rest of the frame together.
pub fn draw_bar(buf: &mut Buffer, area: Rect, ratio: f64, filled: Style, empty: Style) {
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return;
    }
    let width = usize::from(area.width);
    let (full, rest) = bar_fill(width, ratio);
    for (i, x) in (area.x..area.right()).enumerate() {
        let cell = &mut buf[(x, area.y)];
        if i < full {
            cell.set_char('█').set_style(filled);
        } else if i == full && rest > 0 {
            cell.set_char(PARTIAL[rest]).set_style(filled);
        } else {
            cell.set_char('░').set_style(empty);
        }
    }
}

/// A horizontal bar `width` cells wide, filled to `ratio` (0..=1) with eighth-block precision, as text.
pub fn bar(width: usize, ratio: f64) -> (String, String) {
    let (full, rest) = bar_fill(width, ratio);
    let mut filled = "█".repeat(full.min(width));
    let mut used = full.min(width);
    if rest > 0 && used < width {
        filled.push(PARTIAL[rest]);
        used += 1;
    }
    (filled, "░".repeat(width - used))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drawn_bars_match_the_text_bars() {
        for (width, ratio) in [
            (4u16, 0.0),
            (4, 1.0),
            (4, 0.3125),
            (10, 0.55),
            (7, 2.0),
            (5, f64::NAN),
        ] {
            let mut buf = Buffer::empty(Rect::new(0, 0, width + 2, 1));
            draw_bar(
                &mut buf,
                Rect::new(1, 0, width, 1),
                ratio,
                Style::new(),
                Style::new(),
            );
            let drawn: String = (1..=width)
                .map(|x| buf[(x, 0)].symbol().to_owned())
                .collect();
            let (filled, empty) = bar(usize::from(width), ratio);
            assert_eq!(drawn, filled + &empty, "{width} {ratio}");
            assert_eq!(buf[(0, 0)].symbol(), " ", "nothing drawn outside the area");
        }
        let mut buf = Buffer::empty(Rect::new(0, 0, 3, 1));
        draw_bar(
            &mut buf,
            Rect::new(2, 0, 10, 1),
            1.0,
            Style::new(),
            Style::new(),
        );
        assert_eq!(buf[(2, 0)].symbol(), "█", "clipped to the buffer");
    }

    #[test]
    fn bars_fill_in_eighths_and_never_overflow() {
        assert_eq!(bar(4, 0.0), (String::new(), "░░░░".into()));
        assert_eq!(bar(4, 1.0), ("████".into(), String::new()));
        assert_eq!(bar(4, 0.5), ("██".into(), "░░".into()));
        assert_eq!(bar(4, 0.3125), ("█▎".into(), "░░".into()));
        assert_eq!(bar(4, 7.0), ("████".into(), String::new()));
        assert_eq!(bar(4, f64::NAN), (String::new(), "░░░░".into()));
        assert_eq!(bar(0, 0.5), (String::new(), String::new()));
    }
}
