//! The header: product and view, where the data comes from, the live state and the data's age.

use ratatui::Frame;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::Theme;
use crate::app::{App, LiveState};
use crate::duration::human;

fn symbol(state: LiveState) -> &'static str {
    match state {
        LiveState::Live => "●",
        LiveState::Loading | LiveState::Refreshing => "◌",
        LiveState::Paused => "‖",
        LiveState::Stale => "▲",
        LiveState::Error => "✖",
    }
}

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let first = Rect { height: 1, ..area };
    let second = Rect {
        y: area.y + 1,
        height: area.height.saturating_sub(1),
        ..area
    };
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(" scanwatch", theme.title()),
            Span::styled(" · Security Center virus scan", theme.dim()),
        ])),
        first,
    );
    let source = format!(
        "profile {} · {} · {} ",
        app.label.profile, app.label.region, app.label.endpoint_host
    );
    let left_used = 40;
    if usize::from(area.width) > left_used + source.chars().count() {
        frame.render_widget(Paragraph::new(source).alignment(Alignment::Right), first);
    }

    let state = app.state();
    let mut spans = vec![
        Span::raw(" "),
        Span::styled(
            format!("{} {}", symbol(state), state.word()),
            theme.state(state),
        ),
    ];
    if let Some(age) = app.data_age() {
        spans.push(Span::raw(format!("  updated {} ago", human(age))));
    }
    if let Some(next) = app.next_refresh_in() {
        spans.push(Span::styled(
            format!(" · next in {}", human(next)),
            theme.dim(),
        ));
    }
    let cadence = if app.interval.is_zero() {
        " · refresh on r only".to_owned()
    } else {
        format!(" · every {}", human(app.interval))
    };
    spans.push(Span::styled(cadence, theme.dim()));
    if app.failure.is_some() && app.snapshot.is_some() {
        spans.push(Span::styled(" · last refresh failed", theme.error()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), second);
}
