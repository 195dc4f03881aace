//! The activity log: what changed while nobody was looking (new tasks, completions, escalations, failures,
//! recoveries), newest first.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Block;

use super::Theme;
use crate::app::{App, EventKind};

/// Below this many rows (borders included) the panel is not drawn.
pub const MIN_HEIGHT: u16 = 4;

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let block = Block::bordered().title(" Activity ");
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let buf = frame.buffer_mut();
    for (event, y) in app.events.iter().rev().zip(inner.y..inner.bottom()) {
        let style = match event.kind {
            EventKind::Info => theme.dim(),
            EventKind::Good => theme.risk_text(&crate::api::model::RiskLevel::None),
            EventKind::Bad => theme.error(),
        };
        let line = Line::from(vec![
            Span::styled(
                format!("{} ", event.at.with_timezone(&app.zone).format("%H:%M:%S")),
                theme.label(),
            ),
            Span::styled(event.text.as_str(), style),
        ]);
        buf.set_line(inner.x, y, &line, inner.width);
    }
}
