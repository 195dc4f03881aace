//! Human durations on the command line: `90s`, `15m`, `2h`, `1d`, `250ms`, or a bare number of seconds.

use std::time::Duration;

/// Parses a duration such as `90s`, `15m`, `2h`, `1d`, `250ms` or `30` (seconds). Combined forms like `1h30m`
/// are accepted too.
pub fn parse(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("empty duration; use a number with a unit, like 90s, 15m, 2h or 1d".into());
    }
    if let Ok(secs) = text.parse::<u64>() {
        return Ok(Duration::from_secs(secs));
    }
    let mut total = Duration::ZERO;
    let mut rest = text;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        if digits == 0 {
            return Err(invalid(text));
        }
        let number: u64 = rest[..digits].parse().map_err(|_| invalid(text))?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let unit = match &rest[..unit_len] {
            "ms" => Duration::from_millis(1),
            "s" | "sec" => Duration::from_secs(1),
            "m" | "min" => Duration::from_secs(60),
            "h" => Duration::from_secs(3600),
            "d" => Duration::from_secs(86_400),
            _ => return Err(invalid(text)),
        };
        rest = &rest[unit_len..];
        let part = unit
            .checked_mul(u32::try_from(number).map_err(|_| invalid(text))?)
            .ok_or_else(|| invalid(text))?;
        total = total.checked_add(part).ok_or_else(|| invalid(text))?;
    }
    Ok(total)
}

fn invalid(text: &str) -> String {
    format!("invalid duration '{text}'; use a number with a unit: 250ms, 90s, 15m, 2h, 1d")
}

/// Formats a duration for people: `45 s`, `14 min`, `3 h 05 min`, `2 d 4 h`.
pub fn human(duration: Duration) -> String {
    let secs = duration.as_secs();
    match secs {
        0..60 => format!("{secs} s"),
        60..3600 => format!("{} min", secs / 60),
        3600..86_400 => format!("{} h {:02} min", secs / 3600, (secs % 3600) / 60),
        _ => format!("{} d {} h", secs / 86_400, (secs % 86_400) / 3600),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_forms() {
        let cases = [
            ("90s", 90),
            ("15m", 900),
            ("2h", 7200),
            ("1d", 86_400),
            ("30", 30),
            ("1h30m", 5400),
            (" 5s ", 5),
        ];
        for (text, secs) in cases {
            assert_eq!(parse(text), Ok(Duration::from_secs(secs)), "{text}");
        }
        assert_eq!(parse("250ms"), Ok(Duration::from_millis(250)));
    }

    #[test]
    fn rejects_garbage_with_a_hint() {
        for text in ["", "s", "5x", "-5s", "1.5h", "h5", "99999999999999999999d"] {
            let err = parse(text).unwrap_err();
            assert!(err.contains("90s"), "{text}: {err}");
        }
    }

    #[test]
    fn human_forms() {
        assert_eq!(human(Duration::from_secs(12)), "12 s");
        assert_eq!(human(Duration::from_secs(14 * 60 + 5)), "14 min");
        assert_eq!(human(Duration::from_secs(3 * 3600 + 5 * 60)), "3 h 05 min");
        assert_eq!(human(Duration::from_secs(2 * 86_400 + 4 * 3600)), "2 d 4 h");
    }
}
