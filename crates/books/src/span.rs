//! A span of whole UTC days, both ends included.

use time::{Date, Duration, OffsetDateTime, Time};

/// Whole UTC days `first..=last`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub first: Date,
    pub last: Date,
}

impl Span {
    /// The last `days` days up to and including today (UTC).
    pub fn last_days(days: u16, now: OffsetDateTime) -> Span {
        let last = now.date();
        let first = last - Duration::days(i64::from(days.max(1)) - 1);
        Span { first, last }
    }

    /// Unix seconds at the start of `first`.
    pub fn start_unix(&self) -> i64 {
        self.first
            .with_time(Time::MIDNIGHT)
            .assume_utc()
            .unix_timestamp()
    }

    /// Unix seconds at the end of `last` (the start of the next day).
    pub fn end_unix(&self) -> i64 {
        (self.last + Duration::days(1))
            .with_time(Time::MIDNIGHT)
            .assume_utc()
            .unix_timestamp()
    }

    /// Each day in the span, `YYYY-MM-DD`.
    pub fn days(&self) -> Vec<String> {
        let mut out = vec![];
        let mut d = self.first;
        while d <= self.last {
            out.push(day(d));
            d += Duration::days(1);
        }
        out
    }
}

/// `YYYY-MM-DD`.
pub fn day(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// The UTC day of unix seconds `at`, `YYYY-MM-DD`.
pub fn day_of_unix(at: i64) -> Option<String> {
    OffsetDateTime::from_unix_timestamp(at)
        .ok()
        .map(|t| day(t.date()))
}
