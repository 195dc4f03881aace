//! The error banner: the last refresh's failure (code, message, RequestId, remedy) above data kept from before.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::Theme;
use crate::app::App;

/// Rows the banner takes, borders included.
pub const HEIGHT: u16 = 4;

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let Some(failure) = &app.failure else { return };
    let error = &failure.error;
    let when = failure.at.with_timezone(&app.zone).format("%H:%M:%S");
    let title = match &app.snapshot {
        Some(snap) => format!(
            " Refresh failed at {when} · showing data from {} ",
            snap.at.with_timezone(&app.zone).format("%H:%M:%S")
        ),
        None => format!(" Request failed at {when} "),
    };
    let mut first = vec![
        Span::styled(error.code().to_owned(), theme.error()),
        Span::raw(": "),
        Span::raw(error.message()),
    ];
    if let Some(id) = error.request_id() {
        first.push(Span::styled(format!("  RequestId {id}"), theme.dim()));
    }
    let mut lines = vec![Line::from(first)];
    if let Some(remedy) = error.remedy() {
        lines.push(Line::from(vec![
            Span::styled("→ ", theme.key()),
            Span::raw(remedy),
        ]));
    }
    let block = Block::bordered()
        .title(Span::styled(title, theme.error()))
        .border_style(theme.error());
    frame.render_widget(
        Paragraph::new(lines).block(block).wrap(Wrap { trim: true }),
        area,
    );
}
