//! The error banner: the last refresh's failure (code, message, `RequestId`, remedy) above data kept from before.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::Theme;
use crate::app::App;

/// Rows the banner takes, borders included.
pub const HEIGHT: u16 = 5;

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
    let mut lines = vec![Line::from(vec![
        Span::styled(error.code().to_owned(), theme.error()),
        Span::raw(": "),
        Span::raw(error.message()),
    ])];
    if let Some(remedy) = error.remedy() {
        lines.push(Line::from(vec![
            Span::styled("→ ", theme.key()),
            Span::raw(remedy),
        ]));
    }
    if let Some(id) = error.request_id() {
        lines.push(Line::styled(format!("RequestId {id}"), theme.dim()));
    }
    let block = Block::bordered()
        .title(Span::styled(title, theme.error()))
        .border_style(theme.error());
    // One fact a line, cut rather than wrapped: a long server message must not push the remedy out of view.
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
