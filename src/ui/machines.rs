//! The machine breakdown: scanned, complete, incomplete, safe, suspicious, each drawn as a share of scanned.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Block;

use super::{Theme, draw_bar};
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
    let bar_width = inner.width.saturating_sub(11 + digits as u16 + 1 + 6);
    let buf = frame.buffer_mut();
    for (&(label, count, color), y) in rows.iter().zip(inner.y..inner.bottom()) {
        let ratio = match (count, total) {
            (Some(c), Some(t)) if t > 0 => Some(c as f64 / t as f64),
            _ => None,
        };
        let number = count.map_or_else(|| "?".to_owned(), |c| c.to_string());
        let head = Line::from(vec![
            Span::styled(format!("{label:<11}"), theme.label()),
            Span::raw(format!("{number:>digits$} ")),
        ]);
        let head_width = buf.set_line(inner.x, y, &head, inner.width).0;
        let bar_area = Rect::new(
            head_width,
            y,
            bar_width.min(inner.right().saturating_sub(head_width)),
            1,
        );
        draw_bar(
            buf,
            bar_area,
            ratio.unwrap_or(0.0),
            theme.bar(color),
            theme.dim(),
        );
        if let Some(r) = ratio {
            let percent = format!(" {:>4.0}%", (r * 100.0).min(999.0));
            let x = bar_area.right();
            buf.set_stringn(
                x,
                y,
                percent,
                usize::from(inner.right().saturating_sub(x)),
                Style::new(),
            );
        }
    }
}
