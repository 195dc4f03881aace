//! The help overlay: every key and what it does.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use super::Theme;
use crate::keys::HELP;

pub fn render(frame: &mut Frame, area: Rect, theme: Theme) {
    let height = (HELP.len() as u16 + 4).min(area.height);
    let width = 64.min(area.width);
    let [row] = Layout::vertical([Constraint::Length(height)])
        .flex(Flex::Center)
        .areas(area);
    let [popup] = Layout::horizontal([Constraint::Length(width)])
        .flex(Flex::Center)
        .areas(row);
    let mut lines: Vec<Line> = HELP
        .iter()
        .map(|k| {
            Line::from(vec![
                Span::styled(format!(" {:<14}", k.keys), theme.key()),
                Span::raw(k.what),
            ])
        })
        .collect();
    lines.push(Line::raw(""));
    lines.push(Line::styled(" ? or Esc closes this help", theme.dim()));
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(Span::styled(" Keys ", theme.title()))),
        popup,
    );
}
