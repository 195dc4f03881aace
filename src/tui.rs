//! The dashboard's event loop and the terminal it owns.
//!
//! One `tokio::select!` over key events, a 1 Hz clock, the fetch worker's results and termination signals.
//! Fetches run in their own tasks, so input and drawing never wait on the network. A frame is drawn only when
//! something changed (or the clock ticked, for the ages), so an idle dashboard costs next to nothing. The
//! terminal is restored on every way out: quit, error, panic (ratatui's hook), SIGTERM, SIGHUP.

use std::io::{IsTerminal as _, Write as _};
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use chrono::{Local, Utc};
use crossterm::event::{Event, EventStream};
use futures_util::StreamExt as _;
use tokio::sync::mpsc;

use crate::api::client::Client;
use crate::api::error::ApiError;
use crate::app::{Action, App, Effect};
use crate::keys;
use crate::setup::Target;
use crate::ui::{self, Theme};

/// Dashboard settings from the command line.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub interval: Duration,
    pub bell: bool,
    pub theme: Theme,
}

/// Why the dashboard could not run.
#[derive(Debug, thiserror::Error)]
pub enum TuiError {
    #[error("the dashboard needs a terminal; for scripts use `scanwatch once` (or `once --json`)")]
    NotATerminal,
    #[error("terminal error: {0}")]
    Io(#[from] std::io::Error),
}

/// Restores the terminal when dropped, whichever way the loop ends.
struct TerminalGuard;

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore_terminal();
    }
}

fn restore_terminal() {
    let _ = ratatui::try_restore();
    let _ = crossterm::execute!(std::io::stdout(), crossterm::cursor::Show);
}

/// Runs the dashboard until the user quits or a signal arrives.
pub async fn run(target: Target, options: Options) -> Result<(), TuiError> {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(TuiError::NotATerminal);
    }
    let client = Arc::new(target.client);
    let mut app = App::new(target.label, options.interval, options.bell, Utc::now());
    app.update(Action::Zone(*Local::now().offset()));

    let mut terminal = ratatui::try_init()?;
    let _guard = TerminalGuard;
    let mut events = EventStream::new();
    let (tx, mut rx) = mpsc::channel::<Action>(16);
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut signals = Signals::new();

    let effects = app.start();
    carry_out(effects, &client, &tx);
    let mut dirty = true;
    loop {
        if dirty {
            let mut rows = app.viewport;
            terminal.draw(|frame| rows = ui::render(frame, &app, options.theme))?;
            dirty = false;
            // Debug builds only: lets the tests prove that a panic with data on screen still restores the
            // terminal and shows no secret.
            #[cfg(debug_assertions)]
            assert!(
                app.task().is_none() || std::env::var_os("SCANWATCH_DEBUG_PANIC").is_none(),
                "forced panic (SCANWATCH_DEBUG_PANIC) with data on screen"
            );
            if rows != app.viewport {
                let before = app.scroll;
                app.update(Action::Viewport(rows));
                dirty = before != app.scroll;
            }
        }
        let action = tokio::select! {
            event = events.next() => match event {
                Some(Ok(Event::Key(key))) => keys::action_for(key, &app),
                Some(Ok(Event::Resize(..))) => {
                    dirty = true;
                    None
                }
                Some(Ok(_)) => None,
                Some(Err(e)) => return Err(TuiError::Io(e)),
                None => Some(Action::Quit),
            },
            _ = tick.tick() => {
                let zone = *Local::now().offset();
                if zone != app.zone {
                    app.update(Action::Zone(zone));
                }
                Some(Action::Tick(Utc::now()))
            }
            Some(action) = rx.recv() => Some(action),
            () = signals.recv() => Some(Action::Quit),
        };
        if let Some(action) = action {
            tracing::trace!(action = action.name(), "action");
            let effects = app.update(action);
            dirty = true;
            carry_out(effects, &client, &tx);
        }
        if app.should_quit {
            break;
        }
    }
    drop(terminal);
    Ok(())
}

/// Performs what `App::update` asked for. Nothing here blocks the loop.
fn carry_out(effects: Vec<Effect>, client: &Arc<Client>, tx: &mpsc::Sender<Action>) {
    for effect in effects {
        match effect {
            Effect::Fetch => spawn_fetch(Arc::clone(client), tx.clone()),
            Effect::Bell => write_stdout(b"\x07"),
            Effect::Copy(text) => {
                write_stdout(osc52(&text, std::env::var_os("TMUX").is_some()).as_bytes());
            }
            Effect::Save(body, name) => {
                let tx = tx.clone();
                tokio::spawn(async move {
                    let result = save(&body, &name).await;
                    let _ = tx.send(Action::Saved(result)).await;
                });
            }
            Effect::Quit => {}
        }
    }
}

fn spawn_fetch(client: Arc<Client>, tx: mpsc::Sender<Action>) {
    tokio::spawn(async move {
        // The fetch runs in a task of its own so that even a panic inside it becomes an error on screen
        // instead of a refresh that never completes.
        let outcome = tokio::spawn(async move { client.latest_task().await }).await;
        let at = Utc::now();
        let action = match outcome {
            Ok(Ok(fetched)) => {
                tracing::info!(request_id = ?fetched.response.request_id, attempts = fetched.attempts, "refreshed");
                Action::Loaded {
                    fetched: Box::new(fetched),
                    at,
                }
            }
            Ok(Err(error)) => {
                tracing::warn!(code = error.code(), request_id = ?error.request_id(), "refresh failed: {error}");
                Action::Failed { error, at }
            }
            Err(join) => Action::Failed {
                error: ApiError::Network(format!("internal error in the fetch task: {join}")),
                at,
            },
        };
        let _ = tx.send(action).await;
    });
}

async fn save(body: &serde_json::Value, name: &str) -> Result<String, String> {
    let text = serde_json::to_string_pretty(body).map_err(|e| e.to_string())?;
    tokio::fs::write(name, format!("{text}\n"))
        .await
        .map_err(|e| format!("{name}: {e}"))?;
    tracing::info!(file = name, "saved the last response");
    Ok(name.to_owned())
}

fn write_stdout(bytes: &[u8]) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(bytes);
    let _ = out.flush();
}

/// The OSC 52 sequence that puts `text` on the clipboard of the terminal at the far end, SSH included. Inside
/// tmux the sequence is also sent wrapped for passthrough, which tmux forwards when `allow-passthrough` is on;
/// with `set-clipboard on`, tmux takes the plain one itself.
pub fn osc52(text: &str, tmux: bool) -> String {
    let payload = base64::engine::general_purpose::STANDARD.encode(text);
    let plain = format!("\x1b]52;c;{payload}\x07");
    if tmux {
        format!("{plain}\x1bPtmux;\x1b\x1b]52;c;{payload}\x07\x1b\\")
    } else {
        plain
    }
}

/// SIGTERM and SIGHUP (and SIGINT, should one arrive despite raw mode) as one future.
struct Signals {
    #[cfg(unix)]
    streams: Vec<tokio::signal::unix::Signal>,
}

impl Signals {
    fn new() -> Self {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let streams = [
                SignalKind::terminate(),
                SignalKind::hangup(),
                SignalKind::interrupt(),
            ]
            .into_iter()
            .filter_map(|kind| signal(kind).ok())
            .collect();
            Self { streams }
        }
        #[cfg(not(unix))]
        {
            Self {}
        }
    }

    async fn recv(&mut self) {
        #[cfg(unix)]
        {
            if self.streams.is_empty() {
                std::future::pending::<()>().await;
            }
            let waits = self.streams.iter_mut().map(|s| Box::pin(s.recv()));
            let _ = futures_util::future::select_all(waits).await;
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::osc52;

    #[test]
    fn osc52_encodes_the_text() {
        assert_eq!(osc52("abc", false), "\x1b]52;c;YWJj\x07");
        let wrapped = osc52("abc", true);
        assert!(
            wrapped.starts_with("\x1b]52;c;YWJj\x07\x1bPtmux;"),
            "{wrapped:?}"
        );
        assert!(wrapped.ends_with("\x1b\\"));
    }
}
