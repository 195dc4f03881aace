//! The footer: the keys that matter now, or a short notice (copied, saved to FILE).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Theme;
use crate::app::App;

fn hints(app: &App) -> &'static [(&'static str, &'static str)] {
    if app.show_help {
        &[("?/Esc", "close help"), ("q", "quit")]
    } else if app.filter.editing {
        &[
            ("type", "to filter"),
            ("Enter", "keep"),
            ("Esc", "clear"),
            ("↑↓", "scroll"),
        ]
    } else if app.paused {
        &[
            ("p", "resume"),
            ("r", "refresh"),
            ("/", "filter"),
            ("y", "copy id"),
            ("s", "save"),
            ("?", "help"),
            ("q", "quit"),
        ]
    } else {
        &[
            ("r", "refresh"),
            ("p", "pause"),
            ("+/-", "interval"),
            ("/", "filter"),
            ("y", "copy id"),
            ("s", "save"),
            ("?", "help"),
            ("q", "quit"),
        ]
    }
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    if let Some((notice, _)) = &app.notice {
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::raw(" "),
                Span::styled(notice.clone(), theme.title()),
            ])),
            area,
        );
        return;
    }
    let mut spans = vec![Span::raw(" ")];
    for (key, what) in hints(app) {
        spans.push(Span::styled(*key, theme.key()));
        spans.push(Span::raw(format!(" {what}  ")));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
