//! The risk badge (word and colour, never colour alone), the alert count, and any escalation since last time.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use super::Theme;
use crate::app::App;

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let Some(task) = app.task() else { return };
    let risk = &task.risk;
    let badge = format!(" {} ", risk.word().to_uppercase());
    let alerts = task.suspicious_count.unwrap_or(0);
    let machines = task
        .suspicious_machines
        .map(|m| format!(" on {m} machine{}", if m == 1 { "" } else { "s" }))
        .unwrap_or_default();
    let mut lines = vec![
        Line::raw(""),
        Line::from(vec![
            Span::raw(" "),
            Span::styled(badge, theme.risk_badge(risk)),
        ]),
        Line::from(vec![
            Span::raw(" "),
            Span::styled(
                format!("{alerts} alert{}", if alerts == 1 { "" } else { "s" }),
                theme.risk_text(risk),
            ),
            Span::raw(machines),
        ]),
        Line::raw(""),
    ];
    if let Some(e) = &app.escalation {
        let mut parts = Vec::new();
        if e.risk_to.rank() > e.risk_from.rank() {
            parts.push(format!("was {}", e.risk_from.word().to_uppercase()));
        }
        if e.alerts_to > e.alerts_from {
            parts.push(format!("alerts {} → {}", e.alerts_from, e.alerts_to));
        }
        let at = e.at.with_timezone(&app.zone).format("%H:%M:%S");
        lines.push(Line::from(vec![
            Span::raw(" "),
            Span::styled(format!("▲ {}", parts.join(" · ")), theme.escalation()),
        ]));
        lines.push(Line::styled(format!(" risen at {at}"), theme.dim()));
    }
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(" Risk ")),
        area,
    );
}
