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
    let width = usize::from(area.width);
    let label = &app.label;
    let full = format!(
        "profile {} · {} · {} ",
        label.profile, label.region, label.endpoint_host
    );
    let compact = format!(
        "{} · {} · {} ",
        label.profile, label.region, label.endpoint_host
    );
    let minimal = format!("{} · {} ", label.profile, label.region);
    let long_title = " · Security Center virus scan";
    let short_title = " · virus scan";
    // Widest combination that fits: the source of the data matters more than the subtitle.
    let fits =
        |title: &str, source: &str| 10 + title.chars().count() + source.chars().count() < width;
    let (title, source) = [
        (long_title, &full),
        (short_title, &full),
        (short_title, &compact),
        ("", &compact),
        ("", &minimal),
    ]
    .into_iter()
    .find(|(t, s)| fits(t, s))
    .unwrap_or(("", &minimal));
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(" scanwatch", theme.title()),
            Span::styled(title, theme.dim()),
        ])),
        first,
    );
    frame.render_widget(
        Paragraph::new(source.as_str()).alignment(Alignment::Right),
        first,
    );

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
