//! The keymap: a key press becomes an [`Action`], depending only on what is open (help, the filter prompt).
//! Keys never change state themselves.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::app::{Action, App, Scroll};

/// One row of the help overlay and the README's key table.
pub struct KeyHelp {
    pub keys: &'static str,
    pub what: &'static str,
}

/// Every key, in the order the help overlay lists them.
pub const HELP: &[KeyHelp] = &[
    KeyHelp {
        keys: "r",
        what: "refresh now",
    },
    KeyHelp {
        keys: "p",
        what: "pause / resume background refresh",
    },
    KeyHelp {
        keys: "+ / -",
        what: "refresh more / less often (5 s to 1 h)",
    },
    KeyHelp {
        keys: "↑ ↓ j k",
        what: "scroll the paths",
    },
    KeyHelp {
        keys: "PgUp PgDn",
        what: "scroll the paths a page",
    },
    KeyHelp {
        keys: "Home End g G",
        what: "first / last path",
    },
    KeyHelp {
        keys: "/",
        what: "filter the paths (Enter keeps, Esc clears)",
    },
    KeyHelp {
        keys: "y",
        what: "copy the TaskId to the clipboard (OSC 52)",
    },
    KeyHelp {
        keys: "s",
        what: "save the last response as JSON",
    },
    KeyHelp {
        keys: "?",
        what: "this help",
    },
    KeyHelp {
        keys: "Esc",
        what: "close help / clear filter / quit",
    },
    KeyHelp {
        keys: "q  Ctrl-C",
        what: "quit",
    },
];

fn scroll_for(code: KeyCode) -> Option<Scroll> {
    Some(match code {
        KeyCode::Up => Scroll::Up,
        KeyCode::Down => Scroll::Down,
        KeyCode::PageUp => Scroll::PageUp,
        KeyCode::PageDown => Scroll::PageDown,
        KeyCode::Home => Scroll::Top,
        KeyCode::End => Scroll::Bottom,
        _ => return None,
    })
}

/// The action for a key event; `None` for releases, repeats of nothing, and keys without a meaning here.
pub fn action_for(key: KeyEvent, app: &App) -> Option<Action> {
    if key.kind != KeyEventKind::Press {
        return None;
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && matches!(key.code, KeyCode::Char('c' | 'C')) {
        return Some(Action::Quit);
    }
    if let Some(scroll) = scroll_for(key.code) {
        return Some(Action::Scroll(scroll));
    }
    if app.filter.editing {
        return match key.code {
            KeyCode::Esc => Some(Action::Back),
            KeyCode::Enter => Some(Action::FilterAccept),
            KeyCode::Backspace => Some(Action::FilterBackspace),
            KeyCode::Char(c) if !ctrl => Some(Action::FilterInput(c)),
            _ => None,
        };
    }
    if app.show_help {
        return match key.code {
            KeyCode::Esc | KeyCode::Char('?') => Some(Action::ToggleHelp),
            KeyCode::Char('q') => Some(Action::Quit),
            _ => None,
        };
    }
    if ctrl {
        return None;
    }
    Some(match key.code {
        KeyCode::Char('q') => Action::Quit,
        KeyCode::Esc => Action::Back,
        KeyCode::Char('r') => Action::Refresh,
        KeyCode::Char('p') => Action::TogglePause,
        KeyCode::Char('+' | '=') => Action::IntervalUp,
        KeyCode::Char('-' | '_') => Action::IntervalDown,
        KeyCode::Char('?') => Action::ToggleHelp,
        KeyCode::Char('k') => Action::Scroll(Scroll::Up),
        KeyCode::Char('j') => Action::Scroll(Scroll::Down),
        KeyCode::Char('g') => Action::Scroll(Scroll::Top),
        KeyCode::Char('G') => Action::Scroll(Scroll::Bottom),
        KeyCode::Char('/') => Action::FilterStart,
        KeyCode::Char('y') => Action::CopyTaskId,
        KeyCode::Char('s') => Action::Save,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use crossterm::event::KeyEventState;

    use super::*;
    use crate::setup::TargetLabel;

    fn key(code: KeyCode, modifiers: KeyModifiers, kind: KeyEventKind) -> KeyEvent {
        KeyEvent {
            code,
            modifiers,
            kind,
            state: KeyEventState::NONE,
        }
    }

    fn press(code: KeyCode) -> KeyEvent {
        key(code, KeyModifiers::NONE, KeyEventKind::Press)
    }

    fn app() -> App {
        let label = TargetLabel {
            profile: "p".into(),
            region: "r".into(),
            endpoint_host: "h".into(),
        };
        App::new(label, Duration::from_secs(30), true, chrono::Utc::now())
    }

    fn name(action: Option<Action>) -> String {
        action.map_or_else(|| "none".into(), |a| format!("{a:?}"))
    }

    #[test]
    fn normal_keymap() {
        let a = app();
        let cases = [
            (KeyCode::Char('q'), "Quit"),
            (KeyCode::Esc, "Back"),
            (KeyCode::Char('r'), "Refresh"),
            (KeyCode::Char('p'), "TogglePause"),
            (KeyCode::Char('+'), "IntervalUp"),
            (KeyCode::Char('-'), "IntervalDown"),
            (KeyCode::Char('?'), "ToggleHelp"),
            (KeyCode::Char('j'), "Scroll(Down)"),
            (KeyCode::Char('k'), "Scroll(Up)"),
            (KeyCode::Down, "Scroll(Down)"),
            (KeyCode::PageDown, "Scroll(PageDown)"),
            (KeyCode::Char('g'), "Scroll(Top)"),
            (KeyCode::Char('G'), "Scroll(Bottom)"),
            (KeyCode::End, "Scroll(Bottom)"),
            (KeyCode::Char('/'), "FilterStart"),
            (KeyCode::Char('y'), "CopyTaskId"),
            (KeyCode::Char('s'), "Save"),
            (KeyCode::Char('x'), "none"),
        ];
        for (code, want) in cases {
            assert_eq!(name(action_for(press(code), &a)), want, "{code:?}");
        }
    }

    #[test]
    fn only_presses_count() {
        let a = app();
        for kind in [KeyEventKind::Release, KeyEventKind::Repeat] {
            assert!(action_for(key(KeyCode::Char('q'), KeyModifiers::NONE, kind), &a).is_none());
        }
    }

    #[test]
    fn ctrl_c_quits_from_anywhere() {
        let mut a = app();
        let ctrl_c = key(
            KeyCode::Char('c'),
            KeyModifiers::CONTROL,
            KeyEventKind::Press,
        );
        assert_eq!(name(action_for(ctrl_c, &a)), "Quit");
        a.filter.editing = true;
        assert_eq!(name(action_for(ctrl_c, &a)), "Quit");
        a.filter.editing = false;
        a.show_help = true;
        assert_eq!(name(action_for(ctrl_c, &a)), "Quit");
    }

    #[test]
    fn typing_a_filter_takes_letters_that_are_keys_elsewhere() {
        let mut a = app();
        a.filter.editing = true;
        assert_eq!(
            name(action_for(press(KeyCode::Char('q')), &a)),
            "FilterInput('q')"
        );
        assert_eq!(
            name(action_for(press(KeyCode::Char('r')), &a)),
            "FilterInput('r')"
        );
        assert_eq!(name(action_for(press(KeyCode::Enter), &a)), "FilterAccept");
        assert_eq!(
            name(action_for(press(KeyCode::Backspace), &a)),
            "FilterBackspace"
        );
        assert_eq!(name(action_for(press(KeyCode::Esc), &a)), "Back");
        assert_eq!(name(action_for(press(KeyCode::Up), &a)), "Scroll(Up)");
    }

    #[test]
    fn help_overlay_keys() {
        let mut a = app();
        a.show_help = true;
        assert_eq!(
            name(action_for(press(KeyCode::Char('?')), &a)),
            "ToggleHelp"
        );
        assert_eq!(name(action_for(press(KeyCode::Esc), &a)), "ToggleHelp");
        assert_eq!(name(action_for(press(KeyCode::Char('q')), &a)), "Quit");
        assert_eq!(name(action_for(press(KeyCode::Char('r')), &a)), "none");
    }
}
