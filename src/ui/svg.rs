//! Renders a ratatui buffer as an SVG picture: how the README's screenshot is made by scanwatch itself.

use std::fmt::Write as _;

use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

const CELL_W: f64 = 8.4;
const CELL_H: f64 = 18.0;
const BACKGROUND: &str = "#1d1f21";
const FOREGROUND: &str = "#d8d8d8";

fn hex(color: Color) -> Option<String> {
    let named = match color {
        Color::Reset => return None,
        Color::Black => "#1d1f21",
        Color::Red => "#cc6666",
        Color::Green => "#8fbf6a",
        Color::Yellow => "#e6c547",
        Color::Blue => "#6f9fd8",
        Color::Magenta => "#b294bb",
        Color::Cyan => "#70c0b1",
        Color::Gray => "#a0a0a0",
        Color::DarkGray => "#666666",
        Color::LightRed => "#ff7b7b",
        Color::LightGreen => "#b5e890",
        Color::LightYellow => "#fff38f",
        Color::LightBlue => "#9cc3ff",
        Color::LightMagenta => "#e0b8ff",
        Color::LightCyan => "#a0fff0",
        Color::White => "#ffffff",
        Color::Rgb(r, g, b) => return Some(format!("#{r:02x}{g:02x}{b:02x}")),
        Color::Indexed(i) => return Some(format!("#{i:02x}{i:02x}{i:02x}")),
    };
    Some(named.to_owned())
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// One run of cells sharing a style.
struct Run {
    x: u16,
    text: String,
    fg: String,
    bg: Option<String>,
    bold: bool,
    dim: bool,
    width: u16,
}

/// The buffer as a standalone SVG document, dark background, monospace text.
pub fn render(buffer: &Buffer) -> String {
    let area = buffer.area;
    let width = f64::from(area.width) * CELL_W;
    let height = f64::from(area.height) * CELL_H;
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.1} {height:.1}" font-family="'DejaVu Sans Mono','Menlo','Consolas',monospace" font-size="14">"#
    );
    let _ = writeln!(
        out,
        r#"<rect width="100%" height="100%" fill="{BACKGROUND}"/>"#
    );
    for y in 0..area.height {
        let mut runs: Vec<Run> = Vec::new();
        for x in 0..area.width {
            let cell = &buffer[(x, y)];
            let reversed = cell.modifier.contains(Modifier::REVERSED);
            let (mut fg, mut bg) = (hex(cell.fg), hex(cell.bg));
            if reversed {
                let f = fg.take().unwrap_or_else(|| FOREGROUND.to_owned());
                fg = Some(bg.take().unwrap_or_else(|| BACKGROUND.to_owned()));
                bg = Some(f);
            }
            let fg = fg.unwrap_or_else(|| FOREGROUND.to_owned());
            let bold = cell.modifier.contains(Modifier::BOLD);
            let dim = cell.modifier.contains(Modifier::DIM);
            let symbol = if cell.symbol().is_empty() {
                " "
            } else {
                cell.symbol()
            };
            match runs.last_mut() {
                Some(run) if run.fg == fg && run.bg == bg && run.bold == bold && run.dim == dim => {
                    run.text.push_str(symbol);
                    run.width += 1;
                }
                _ => runs.push(Run {
                    x,
                    text: symbol.to_owned(),
                    fg,
                    bg,
                    bold,
                    dim,
                    width: 1,
                }),
            }
        }
        let top = f64::from(y) * CELL_H;
        for run in &runs {
            let left = f64::from(run.x) * CELL_W;
            if let Some(bg) = &run.bg {
                let w = f64::from(run.width) * CELL_W;
                let _ = writeln!(
                    out,
                    r#"<rect x="{left:.1}" y="{top:.1}" width="{w:.1}" height="{CELL_H:.1}" fill="{bg}"/>"#
                );
            }
            if run.text.trim().is_empty() {
                continue;
            }
            let baseline = top + CELL_H * 0.75;
            let weight = if run.bold {
                r#" font-weight="bold""#
            } else {
                ""
            };
            let opacity = if run.dim {
                r#" fill-opacity="0.65""#
            } else {
                ""
            };
            let w = f64::from(run.width) * CELL_W;
            let _ = writeln!(
                out,
                r#"<text x="{left:.1}" y="{baseline:.1}" fill="{}"{weight}{opacity} textLength="{w:.1}" lengthAdjust="spacingAndGlyphs" xml:space="preserve">{}</text>"#,
                run.fg,
                escape(&run.text)
            );
        }
    }
    out.push_str("</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use ratatui::layout::Rect;
    use ratatui::style::Style;

    use super::*;

    #[test]
    fn runs_colours_and_escaping() {
        let mut buffer = Buffer::empty(Rect::new(0, 0, 12, 2));
        buffer.set_string(0, 0, "a<b&c", Style::new().fg(Color::Red));
        buffer.set_string(
            6,
            0,
            "HIGH",
            Style::new().bg(Color::Red).add_modifier(Modifier::BOLD),
        );
        let svg = render(&buffer);
        assert!(svg.starts_with("<svg "), "{svg}");
        assert!(svg.contains(">a&lt;b&amp;c</text>"), "{svg}");
        assert!(svg.contains(r##"fill="#cc6666""##), "{svg}");
        assert!(svg.contains(r#"font-weight="bold""#), "{svg}");
        assert!(svg.contains(">HIGH</text>"), "{svg}");
        assert!(svg.trim_end().ends_with("</svg>"));
    }
}
