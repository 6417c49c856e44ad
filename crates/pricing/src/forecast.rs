//! Budget periods and the forecast, as pure functions of times and amounts (no clock, no
//! store), so the math is tested on scripted numbers.
//!
//! - A period is a local calendar day or month: `offset_minutes` is the user's UTC offset.
//! - The burn rate is the spend over the trailing window (the elapsed part of the period, at
//!   most 7 days for a month, and never less than an hour so the first minutes of a period do
//!   not explode it) divided by its length.
//! - The projection is spent + burn × time left; the crossing is when spent + burn × t reaches
//!   the limit, if that happens before the period ends.

use chrono::{Datelike, FixedOffset, NaiveDate, TimeZone};
use serde::{Deserialize, Serialize};

pub const HOUR_MS: i64 = 3_600_000;
pub const DAY_MS: i64 = 24 * HOUR_MS;
const MAX_WINDOW_MS: i64 = 7 * DAY_MS;

/// How often a budget starts over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename = "BudgetPeriod")]
#[serde(rename_all = "camelCase")]
pub enum Period {
    Day,
    Month,
}

/// `[start, end)` in Unix ms of the local day or month containing `now_ms`.
pub fn period_bounds(period: Period, now_ms: i64, offset_minutes: i32) -> (i64, i64) {
    let Some(tz) = FixedOffset::east_opt(offset_minutes.clamp(-1439, 1439) * 60) else {
        return (now_ms, now_ms + DAY_MS);
    };
    let Some(now) = tz.timestamp_millis_opt(now_ms).single() else {
        return (now_ms, now_ms + DAY_MS);
    };
    let today = now.date_naive();
    let (first, next) = match period {
        Period::Day => (Some(today), today.succ_opt()),
        Period::Month => {
            let first = NaiveDate::from_ymd_opt(today.year(), today.month(), 1);
            let next = if today.month() == 12 {
                NaiveDate::from_ymd_opt(today.year() + 1, 1, 1)
            } else {
                NaiveDate::from_ymd_opt(today.year(), today.month() + 1, 1)
            };
            (first, next)
        }
    };
    let at_midnight = |d: Option<NaiveDate>| {
        d.and_then(|d| d.and_hms_opt(0, 0, 0))
            .and_then(|t| tz.from_local_datetime(&t).single())
            .map(|t| t.timestamp_millis())
    };
    match (at_midnight(first), at_midnight(next)) {
        (Some(a), Some(b)) => (a, b),
        _ => (now_ms, now_ms + DAY_MS),
    }
}

/// The trailing window the burn rate is measured over: `[start, now)`.
pub fn burn_window(period: Period, period_start_ms: i64, now_ms: i64) -> (i64, i64) {
    let max = match period {
        Period::Day => DAY_MS,
        Period::Month => MAX_WINDOW_MS,
    };
    let len = (now_ms - period_start_ms).clamp(HOUR_MS, max);
    (now_ms - len, now_ms)
}

/// Where the period is heading at the current burn rate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct Forecast {
    /// USD per day over the burn window.
    pub burn_usd_per_day: f64,
    /// Spent + burn × time left in the period.
    pub projected_usd: f64,
    /// When the limit will be reached at this rate, if within the period and not yet reached.
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub crosses_at_ms: Option<i64>,
}

/// The forecast for `spent_usd` of `limit_usd` at `now_ms`, with `window_usd` spent over the
/// burn window `[window_start_ms, now_ms)`, for a period ending at `end_ms`.
pub fn forecast(
    spent_usd: f64,
    limit_usd: f64,
    window_usd: f64,
    window_start_ms: i64,
    now_ms: i64,
    end_ms: i64,
) -> Forecast {
    let window_ms = (now_ms - window_start_ms).max(1) as f64;
    let per_ms = (window_usd.max(0.0)) / window_ms;
    let left_ms = (end_ms - now_ms).max(0) as f64;
    let crosses_at_ms = (spent_usd < limit_usd && per_ms > 0.0)
        .then(|| now_ms + ((limit_usd - spent_usd) / per_ms).ceil() as i64)
        .filter(|&t| t < end_ms);
    Forecast {
        burn_usd_per_day: per_ms * DAY_MS as f64,
        projected_usd: spent_usd + per_ms * left_ms,
        crosses_at_ms,
    }
}

/// Unix ms of a local date and time, for tests and scripted ledgers.
pub fn local_ms(offset_minutes: i32, y: i32, m: u32, d: u32, h: u32) -> Option<i64> {
    let tz = FixedOffset::east_opt(offset_minutes * 60)?;
    let t = NaiveDate::from_ymd_opt(y, m, d)?.and_hms_opt(h, 0, 0)?;
    Some(tz.from_local_datetime(&t).single()?.timestamp_millis())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_and_days_follow_the_local_calendar() {
        // 2026-11-21 10:00 at UTC+01:00.
        let now = local_ms(60, 2026, 11, 21, 10).unwrap();
        let (a, b) = period_bounds(Period::Month, now, 60);
        assert_eq!(a, local_ms(60, 2026, 11, 1, 0).unwrap());
        assert_eq!(b, local_ms(60, 2026, 12, 1, 0).unwrap());
        let (a, b) = period_bounds(Period::Day, now, 60);
        assert_eq!((a, b - a), (local_ms(60, 2026, 11, 21, 0).unwrap(), DAY_MS));
        let dec = local_ms(-300, 2026, 12, 31, 23).unwrap();
        let (a, b) = period_bounds(Period::Month, dec, -300);
        assert_eq!(a, local_ms(-300, 2026, 12, 1, 0).unwrap());
        assert_eq!(b, local_ms(-300, 2027, 1, 1, 0).unwrap(), "year rolls over");
    }

    #[test]
    fn a_steady_burn_projects_linearly_and_names_the_crossing_day() {
        // $100 budget; Nov 1–21 spent $60 at a steady $3/day (the last 7 days: $21).
        let start = local_ms(0, 2026, 11, 1, 0).unwrap();
        let now = local_ms(0, 2026, 11, 21, 0).unwrap();
        let end = local_ms(0, 2026, 12, 1, 0).unwrap();
        let (w0, w1) = burn_window(Period::Month, start, now);
        assert_eq!(w1 - w0, 7 * DAY_MS);
        let f = forecast(60.0, 100.0, 21.0, w0, now, end);
        assert!((f.burn_usd_per_day - 3.0).abs() < 1e-9);
        assert!((f.projected_usd - 90.0).abs() < 1e-9, "60 + 10 days × 3");
        assert_eq!(f.crosses_at_ms, None, "90 < 100: not this month");

        let f = forecast(60.0, 75.0, 21.0, w0, now, end);
        assert_eq!(
            f.crosses_at_ms,
            Some(local_ms(0, 2026, 11, 26, 0).unwrap()),
            "$15 left at $3/day"
        );
    }

    #[test]
    fn no_burn_or_a_crossed_limit_has_no_crossing_date() {
        let f = forecast(10.0, 100.0, 0.0, 0, DAY_MS, 30 * DAY_MS);
        assert_eq!((f.projected_usd, f.crosses_at_ms), (10.0, None));
        let f = forecast(120.0, 100.0, 5.0, 0, DAY_MS, 30 * DAY_MS);
        assert_eq!(f.crosses_at_ms, None, "already crossed");
    }

    #[test]
    fn the_burn_window_is_at_least_an_hour_and_at_most_the_period_cap() {
        assert_eq!(
            burn_window(Period::Day, 0, 60_000),
            (60_000 - HOUR_MS, 60_000)
        );
        let (a, b) = burn_window(Period::Day, 0, 10 * HOUR_MS);
        assert_eq!((a, b), (0, 10 * HOUR_MS));
    }
}
