//! Small, strict parsers for the time formats providers put in rate-limit headers: HTTP dates
//! (IMF-fixdate, RFC 9110 §5.6.7), RFC 3339 timestamps (Anthropic) and Go-style durations
//! (OpenAI's `x-ratelimit-reset-*`, e.g. `"6m0s"`).
//!
//! Invariants: no panics on any input (non-ASCII included); every field is range-checked
//! (month, day-of-month with leap years, hours, minutes, seconds ≤ 60); anything not matching
//! the format exactly yields `None` rather than a guess. The obsolete RFC 850 and asctime
//! HTTP-date forms are deliberately not accepted: no current provider sends them.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// Parses an IMF-fixdate such as `"Sun, 06 Nov 1994 08:49:37 GMT"`. The weekday name must be
/// a valid abbreviation but is not cross-checked against the date.
pub fn parse_http_date(s: &str) -> Option<SystemTime> {
    let mut parts = s.split_ascii_whitespace();
    let weekday = parts.next()?.strip_suffix(',')?;
    if !WEEKDAYS.contains(&weekday) {
        return None;
    }
    let day = digits(parts.next()?, 2)?;
    let month_name = parts.next()?;
    let month = MONTHS.iter().position(|m| *m == month_name)? as u32 + 1;
    let year = digits(parts.next()?, 4)?;
    let (hour, minute, second) = hms(parts.next()?)?;
    if parts.next()? != "GMT" || parts.next().is_some() {
        return None;
    }
    to_system_time([year, month, day, hour, minute, second], 0, 0)
}

/// Parses an RFC 3339 timestamp such as `"2024-05-01T12:00:30.5Z"` or
/// `"2024-05-01T14:00:30+02:00"` (`T`/`t`/space separator, `Z`/`z` or a numeric offset,
/// fractional seconds truncated to nanoseconds).
pub fn parse_rfc3339(s: &str) -> Option<SystemTime> {
    let s = s.trim();
    if !s.is_ascii() || s.len() < 20 {
        return None;
    }
    let (date, rest) = s.split_at(10);
    let b = date.as_bytes();
    if b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year = digits(&date[0..4], 4)?;
    let month = digits(&date[5..7], 2)?;
    let day = digits(&date[8..10], 2)?;
    if !matches!(rest.as_bytes()[0], b'T' | b't' | b' ') {
        return None;
    }
    let (hour, minute, second) = hms(rest.get(1..9)?)?;
    let mut rest = &rest[9..];
    let mut nanos = 0u32;
    if let Some(frac) = rest.strip_prefix('.') {
        let len = frac.bytes().take_while(u8::is_ascii_digit).count();
        if len == 0 {
            return None;
        }
        for (i, d) in frac.bytes().take(9).take(len).enumerate() {
            nanos += u32::from(d - b'0') * 10u32.pow(8 - i as u32);
        }
        rest = &frac[len..];
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes().first()? {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let (h, m) = rest[1..].split_once(':')?;
            let (h, m) = (digits(h, 2)?, digits(m, 2)?);
            if h > 23 || m > 59 {
                return None;
            }
            sign * i64::from(h * 3600 + m * 60)
        }
    };
    to_system_time([year, month, day, hour, minute, second], nanos, offset)
}

/// Parses a Go `time.Duration` string such as `"1s"`, `"6m0s"`, `"120ms"` or `"1h2m3.5s"`
/// (units `ns`, `us`/`µs`, `ms`, `s`, `m`, `h`; a bare `"0"` is allowed; signs are not).
pub fn parse_go_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    if s == "0" {
        return Some(Duration::ZERO);
    }
    if s.is_empty() {
        return None;
    }
    let is_num = |c: char| c.is_ascii_digit() || c == '.';
    let mut rest = s;
    let mut nanos = 0f64;
    while !rest.is_empty() {
        let num_len = rest.find(|c: char| !is_num(c)).unwrap_or(rest.len());
        let value: f64 = rest[..num_len].parse().ok()?;
        rest = &rest[num_len..];
        let unit_len = rest.find(is_num).unwrap_or(rest.len());
        let scale = match &rest[..unit_len] {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return None,
        };
        nanos += value * scale;
        rest = &rest[unit_len..];
    }
    (nanos.is_finite() && nanos < u64::MAX as f64)
        .then(|| Duration::from_nanos(nanos.round() as u64))
}

/// Exactly `n` ASCII digits.
fn digits(s: &str, n: usize) -> Option<u32> {
    (s.len() == n && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// `HH:MM:SS`, two digits each.
fn hms(s: &str) -> Option<(u32, u32, u32)> {
    let mut it = s.split(':');
    let t = (
        digits(it.next()?, 2)?,
        digits(it.next()?, 2)?,
        digits(it.next()?, 2)?,
    );
    it.next().is_none().then_some(t)
}

fn days_in_month(y: u32, m: u32) -> u32 {
    match m {
        // Leap years fall out of the calendar arithmetic: one source of truth.
        2 => (days_from_civil(y.into(), 3, 1) - days_from_civil(y.into(), 2, 1)) as u32,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `[year, month, day, hour, minute, second]` at UTC offset `offset` seconds, range-checked.
fn to_system_time(f: [u32; 6], nanos: u32, offset: i64) -> Option<SystemTime> {
    let [year, month, day, hour, minute, second] = f;
    let valid = (1..=12).contains(&month)
        && (1..=days_in_month(year, month)).contains(&day)
        && hour <= 23
        && minute <= 59
        && second <= 60;
    if !valid {
        return None;
    }
    let days = days_from_civil(year.into(), month.into(), day.into());
    let secs = days * 86_400 + i64::from(hour * 3600 + minute * 60 + second) - offset;
    let whole = Duration::from_secs(secs.unsigned_abs());
    let t = if secs >= 0 {
        UNIX_EPOCH.checked_add(whole)?
    } else {
        UNIX_EPOCH.checked_sub(whole)?
    };
    t.checked_add(Duration::from_nanos(nanos.into()))
}

#[cfg(test)]
#[path = "parse_tests.rs"]
mod tests;
