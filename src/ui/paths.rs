//! The scanned paths: a scrollable, filterable list for custom (`user`) scans; a note for system scans. Only
//! the visible rows are touched, so a frame costs the same with ten paths or a million.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::Theme;
use crate::api::model::ScanType;
use crate::app::App;

/// Draws the list; returns how many path rows fit.
pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: Theme) -> usize {
    let Some(task) = app.task() else {
        return app.viewport;
    };
    let total = task.scan_paths.len();
    let shown = app.matches.len();
    let mut title = if app.filter.text.is_empty() {
        format!(" Scanned paths ({total}) ")
    } else {
        format!(" Scanned paths ({shown} of {total} match) ")
    };
    let block_inner = Block::bordered().inner(area);
    let prompt_rows = u16::from(app.filter.editing || !app.filter.text.is_empty());
    let rows = usize::from(block_inner.height.saturating_sub(prompt_rows));
    if shown > rows && rows > 0 {
        let first = app.scroll.min(shown) + 1;
        let last = (app.scroll + rows).min(shown);
        title = format!("{title}· {first}-{last} ");
    }
    let block = Block::bordered().title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);

    if total == 0 {
        let text = if task.scan_type == Some(ScanType::System) {
            "System scan: the whole system is scanned, so there is no path list."
        } else {
            "No paths in this task."
        };
        frame.render_widget(
            Paragraph::new(Line::styled(text, theme.dim())).wrap(Wrap { trim: true }),
            inner,
        );
        return rows.max(1);
    }

    // Row by row straight into the buffer: only the visible paths are touched, and no text layout is needed
    // for what is one line each.
    let width = usize::from(inner.width);
    let buf = frame.buffer_mut();
    for (path, y) in app.visible_paths(rows).zip(inner.y..) {
        buf.set_stringn(
            inner.x,
            y,
            truncate_middle(path, width),
            width,
            Style::new(),
        );
    }
    if shown == 0 {
        buf.set_stringn(
            inner.x,
            inner.y,
            "no path matches the filter",
            width,
            theme.dim(),
        );
    }
    if prompt_rows > 0 {
        let prompt_area = Rect {
            y: inner.y + inner.height.saturating_sub(1),
            height: 1,
            ..inner
        };
        let cursor = if app.filter.editing { "▏" } else { "" };
        let hint = if app.filter.editing {
            ""
        } else {
            "  (Esc clears)"
        };
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled("/", theme.key()),
                Span::raw(app.filter.text.clone()),
                Span::styled(cursor, theme.key()),
                Span::styled(hint, theme.dim()),
            ])),
            prompt_area,
        );
    }
    rows.max(1)
}

/// Shortens a path to `width` characters by replacing its middle with `…`, keeping both ends readable.
pub fn truncate_middle(text: &str, width: usize) -> String {
    let count = text.chars().count();
    if count <= width {
        return text.to_owned();
    }
    if width <= 1 {
        return "…".chars().take(width).collect();
    }
    let keep = width - 1;
    let head = keep / 2;
    let tail = keep - head;
    let start: String = text.chars().take(head).collect();
    let end: String = text.chars().skip(count - tail).collect();
    format!("{start}…{end}")
}

#[cfg(test)]
mod tests {
    use super::truncate_middle;

    #[test]
    fn middles_are_cut_to_the_width() {
        assert_eq!(truncate_middle("/var/www", 20), "/var/www");
        assert_eq!(truncate_middle("/very/long/path/to/file", 9), "/ver…file");
        assert_eq!(
            truncate_middle("/very/long/path/to/file", 9)
                .chars()
                .count(),
            9
        );
        assert_eq!(truncate_middle("abc", 1), "…");
        assert_eq!(truncate_middle("abc", 0), "");
        assert_eq!(truncate_middle("中文路径很长很长", 5).chars().count(), 5);
    }
}
