//! Colours and emphasis. Colour is never the only signal (every state has a word or a symbol too), and no
//! background colour is set on the screen, so the dashboard reads on light and dark terminals alike.

use ratatui::style::{Color, Modifier, Style};

use crate::api::model::RiskLevel;
use crate::app::LiveState;

/// The styles in use; with colour off, only bold, dim, reverse and underline remain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    /// Colour unless `--no-color` was given or `NO_COLOR` is set to anything non-empty (no-color.org).
    pub fn detect(no_color_flag: bool, no_color_env: Option<&str>) -> Self {
        Self {
            color: !no_color_flag && no_color_env.is_none_or(str::is_empty),
        }
    }

    fn fg(self, color: Color) -> Style {
        if self.color {
            Style::new().fg(color)
        } else {
            Style::new()
        }
    }

    pub fn title(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    pub fn label(self) -> Style {
        Style::new().add_modifier(Modifier::DIM)
    }

    pub fn dim(self) -> Style {
        Style::new().add_modifier(Modifier::DIM)
    }

    pub fn key(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    /// The risk badge: black on the level's colour, or reversed when colour is off.
    pub fn risk_badge(self, risk: &RiskLevel) -> Style {
        let bold = Style::new().add_modifier(Modifier::BOLD);
        if !self.color {
            return bold.add_modifier(Modifier::REVERSED);
        }
        match risk {
            RiskLevel::High => bold.fg(Color::White).bg(Color::Red),
            RiskLevel::Medium => bold.fg(Color::Black).bg(Color::Yellow),
            RiskLevel::Low => bold.fg(Color::Black).bg(Color::Cyan),
            RiskLevel::None => bold.fg(Color::Black).bg(Color::Green),
            RiskLevel::Unknown(_) => bold.add_modifier(Modifier::REVERSED),
        }
    }

    /// Text in the risk level's colour.
    pub fn risk_text(self, risk: &RiskLevel) -> Style {
        match risk {
            RiskLevel::High => self.fg(Color::Red).add_modifier(Modifier::BOLD),
            RiskLevel::Medium => self.fg(Color::Yellow),
            RiskLevel::Low => self.fg(Color::Cyan),
            RiskLevel::None => self.fg(Color::Green),
            RiskLevel::Unknown(_) => Style::new(),
        }
    }

    pub fn state(self, state: LiveState) -> Style {
        match state {
            LiveState::Live => self.fg(Color::Green).add_modifier(Modifier::BOLD),
            LiveState::Loading | LiveState::Refreshing => self.fg(Color::Cyan),
            LiveState::Paused => self.fg(Color::Yellow).add_modifier(Modifier::BOLD),
            LiveState::Stale => self
                .fg(Color::Yellow)
                .add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            LiveState::Error => self
                .fg(Color::Red)
                .add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
        }
    }

    pub fn error(self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    /// A rise in risk or alerts: reversed so it stands out without colour too.
    pub fn escalation(self) -> Style {
        self.fg(Color::Red)
            .add_modifier(Modifier::BOLD | Modifier::REVERSED)
    }

    pub fn gauge(self, complete: bool) -> Style {
        self.fg(if complete { Color::Green } else { Color::Blue })
    }

    pub fn bar(self, color: Color) -> Style {
        self.fg(color)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_rules() {
        assert!(Theme::detect(false, None).color);
        assert!(
            Theme::detect(false, Some("")).color,
            "an empty NO_COLOR does not count"
        );
        assert!(!Theme::detect(false, Some("1")).color);
        assert!(!Theme::detect(true, None).color);
    }

    #[test]
    fn no_colour_means_no_colour_anywhere() {
        let t = Theme { color: false };
        for risk in [
            RiskLevel::High,
            RiskLevel::Medium,
            RiskLevel::Low,
            RiskLevel::None,
        ] {
            let s = t.risk_badge(&risk);
            assert_eq!((s.fg, s.bg), (None, None), "{risk:?}");
            assert!(s.add_modifier.contains(Modifier::REVERSED));
        }
    }
}
