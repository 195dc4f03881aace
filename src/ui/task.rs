//! The task panel (id, type, status, start, machine, request id) and the progress gauge with its ETA.

use std::fmt::Write as _;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::{Theme, draw_bar};
use crate::api::model::ScanType;
use crate::app::App;
use crate::duration::human;
use crate::summary;

fn row<'a>(label: &'a str, value: impl Into<Span<'a>>, theme: Theme) -> Line<'a> {
    Line::from(vec![
        Span::styled(format!("{label:<8} "), theme.label()),
        value.into(),
    ])
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let Some(task) = app.task() else { return };
    let unknown = || summary::UNKNOWN.to_owned();
    let status = task.status.map_or_else(unknown, |s| {
        if matches!(s.0, 0 | 10 | 20 | 50 | 100) {
            format!("{} ({})", s.label(), s.0)
        } else {
            s.label()
        }
    });
    let kind = match &task.scan_type {
        Some(ScanType::User) => format!("custom scan (user) · {} paths", task.scan_paths.len()),
        Some(ScanType::System) => "automatic scan (system)".to_owned(),
        Some(other) => other.describe(),
        None => unknown(),
    };
    let request = app
        .snapshot
        .as_ref()
        .and_then(|s| s.fetched.response.request_id.clone())
        .unwrap_or_else(unknown);
    let lines = vec![
        row(
            "Task",
            Span::styled(task.task_id.clone().unwrap_or_else(unknown), theme.title()),
            theme,
        ),
        row("Type", kind, theme),
        row("Status", status, theme),
        row(
            "Started",
            summary::started(task, app.now, &app.zone).unwrap_or_else(unknown),
            theme,
        ),
        row(
            "Machine",
            task.machine_name.clone().unwrap_or_else(unknown),
            theme,
        ),
        row("Request", Span::styled(request, theme.dim()), theme),
    ];
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(" Latest task ")),
        area,
    );
}

pub fn render_progress(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let Some(task) = app.task() else { return };
    let framed = area.height >= 3;
    let inner = if framed {
        let block = Block::bordered().title(" Progress ");
        let inner = block.inner(area);
        frame.render_widget(block, area);
        inner
    } else {
        area
    };
    let prefix = if framed { "" } else { " Progress " };
    let percent = task.progress_percent();
    let mut label = match percent {
        Some(p) => format!(" {:>3}%", p.floor()),
        None => " progress unknown".to_owned(),
    };
    if task.is_complete() {
        label.push_str(" · complete");
    } else if let Some(eta) = app.eta() {
        let _ = write!(label, " · ETA ~{}", human(eta));
    } else if task.is_running() {
        label.push_str(" · ETA …");
    }
    let label_width = (label.chars().count() + 1 + prefix.chars().count()) as u16;
    let buf = frame.buffer_mut();
    let (x, _) = buf.set_stringn(
        inner.x,
        inner.y,
        prefix,
        usize::from(inner.width),
        theme.label(),
    );
    let bar_width = inner.width.saturating_sub(label_width);
    let bar_area = Rect::new(
        x,
        inner.y,
        bar_width.min(inner.right().saturating_sub(x)),
        1,
    );
    draw_bar(
        buf,
        bar_area,
        percent.unwrap_or(0.0) / 100.0,
        theme.gauge(task.is_complete()),
        theme.dim(),
    );
    let x = bar_area.right();
    buf.set_stringn(
        x,
        inner.y,
        label,
        usize::from(inner.right().saturating_sub(x)),
        theme.title(),
    );
}
