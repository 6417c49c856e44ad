//! What a person types for amounts of money and spans of time, parsed once: the command line,
//! the config file and the import read them through here, so `5`, `$5` and `5.00` mean the same
//! everywhere and a span is `30m`, `24h` or `7d` in every place that takes one.
//!
//! Invariants: an amount is finite, not negative and at most [`MAX_USD`]; a span is a whole
//! number of minutes, hours or days from 1 minute to 10 years; nothing here reads the clock
//! (the caller passes `now_ms`).

/// The largest amount of US dollars any setting takes.
pub const MAX_USD: f64 = 1_000_000_000.0;

/// The longest span: ten years of days.
const MAX_SPAN_MINUTES: i64 = 3650 * 24 * 60;

/// Why a word is not what was asked for; the message quotes the word and says what would do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WordError {
    #[error("“{0}” is not an amount in US dollars (like 5 or 0.50)")]
    NotUsd(String),
    #[error("“{0}” is not a span of time (like 30m, 24h or 7d)")]
    NotSpan(String),
    #[error("“{0}” is not 30m, 24h, 7d or a past date (YYYY-MM-DD)")]
    NotSince(String),
}

/// US dollars: `5`, `5.00`, `$5`, `0.5`.
pub fn usd(text: &str) -> Result<f64, WordError> {
    let t = text.trim();
    t.strip_prefix('$')
        .unwrap_or(t)
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && (0.0..=MAX_USD).contains(v))
        .ok_or_else(|| WordError::NotUsd(text.to_string()))
}

/// A span of time in milliseconds: `30m`, `24h`, `7d`.
pub fn span_ms(text: &str) -> Result<i64, WordError> {
    let t = text.trim();
    let unit = |suffix: char, minutes: i64| {
        t.strip_suffix(suffix)?
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=MAX_SPAN_MINUTES / minutes).contains(n))
            .map(|n| n * minutes * 60_000)
    };
    unit('m', 1)
        .or_else(|| unit('h', 60))
        .or_else(|| unit('d', 1440))
        .ok_or_else(|| WordError::NotSpan(text.to_string()))
}

/// A start time before `now_ms`: a span back from now, or a UTC date (`2026-11-01`, its
/// midnight), as Unix milliseconds.
pub fn since(text: &str, now_ms: i64) -> Result<i64, WordError> {
    if let Ok(span) = span_ms(text) {
        return Ok(now_ms - span);
    }
    utc_date_ms(text.trim())
        .filter(|ms| *ms < now_ms)
        .ok_or_else(|| WordError::NotSince(text.to_string()))
}

/// `YYYY-MM-DD` as the Unix milliseconds of its UTC midnight.
fn utc_date_ms(text: &str) -> Option<i64> {
    let mut parts = text.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (y, m, d): (i64, i64, i64) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days_in_month = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=12).contains(&m) || d < 1 || d > days_in_month[usize::try_from(m - 1).ok()?] {
        return None;
    }
    // Days from 1970-01-01 (Howard Hinnant's days_from_civil).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some((era * 146_097 + doe - 719_468) * 86_400_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_read_the_same_however_they_are_written() {
        for t in ["5", "5.00", "$5", " $ 5 "] {
            assert_eq!(usd(t), Ok(5.0), "{t}");
        }
        assert_eq!(usd("0"), Ok(0.0));
        for bad in ["", "-1", "lots", "NaN", "inf", "1e12", "$"] {
            assert_eq!(usd(bad), Err(WordError::NotUsd(bad.into())), "{bad}");
        }
    }

    #[test]
    fn spans_are_minutes_hours_or_days_up_to_ten_years() {
        assert_eq!(span_ms("30m"), Ok(1_800_000));
        assert_eq!(span_ms("24h"), Ok(86_400_000));
        assert_eq!(span_ms("7d"), Ok(604_800_000));
        assert_eq!(span_ms("3650d"), Ok(3650 * 86_400_000));
        for bad in ["0d", "-1h", "3651d", "1w", "d", "1.5h", ""] {
            assert!(span_ms(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn since_is_a_span_back_or_a_past_utc_date() {
        let now = 1_795_000_000_000; // 2026-11-18
        assert_eq!(since("1h", now), Ok(now - 3_600_000));
        assert_eq!(since("2026-11-01", now), Ok(1_793_491_200_000));
        assert_eq!(since("1970-01-01", now), Ok(0));
        assert_eq!(since("2000-02-29", now), Ok(951_782_400_000));
        for bad in [
            "2026-12-01",
            "2026-02-30",
            "2025-13-01",
            "26-11-01",
            "yesterday",
        ] {
            assert_eq!(
                since(bad, now),
                Err(WordError::NotSince(bad.into())),
                "{bad}"
            );
        }
    }
}
