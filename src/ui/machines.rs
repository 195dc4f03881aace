//! The machine breakdown: scanned, complete, incomplete, safe, suspicious, each drawn as a share of scanned.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Color;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::{Theme, bar};
use crate::app::App;

/// Rows the panel needs, borders included.
pub const HEIGHT: u16 = 7;

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let Some(task) = app.task() else { return };
    let total = task.scanned_machines;
    let title = match total {
        Some(n) => format!(" Machines ({n} scanned) "),
        None => " Machines ".to_owned(),
    };
    let block = Block::bordered().title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let rows = [
        ("Scanned", total, Color::Blue),
        ("Complete", task.complete_machines, Color::Green),
        ("Incomplete", task.incomplete_machines, Color::Yellow),
        ("Safe", task.safe_machines, Color::Green),
        ("Suspicious", task.suspicious_machines, Color::Red),
    ];
    let digits = rows
        .iter()
        .filter_map(|(_, n, _)| *n)
        .max()
        .map_or(1, |n| n.to_string().len());
    let bar_width = usize::from(inner.width).saturating_sub(11 + digits + 1 + 6);
    let lines: Vec<Line> = rows
        .iter()
        .map(|&(label, count, color)| {
            let ratio = match (count, total) {
                (Some(c), Some(t)) if t > 0 => Some(c as f64 / t as f64),
                _ => None,
            };
            let (filled, empty) = bar(bar_width, ratio.unwrap_or(0.0));
            let number = count.map_or_else(|| "?".to_owned(), |c| c.to_string());
            let percent =
                ratio.map_or_else(String::new, |r| format!("{:>4.0}%", (r * 100.0).min(999.0)));
            Line::from(vec![
                Span::styled(format!("{label:<11}"), theme.label()),
                Span::raw(format!("{number:>digits$} ")),
                Span::styled(filled, theme.bar(color)),
                Span::styled(empty, theme.dim()),
                Span::raw(format!(" {percent}")),
            ])
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}
