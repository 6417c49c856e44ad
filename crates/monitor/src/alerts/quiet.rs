//! Quiet hours and the moment an evaluation happens.
//! Invariants: minutes of the day are in `0..1440`; a window with `start == end` is empty; a
//! window with `start > end` spans midnight (`22:00–07:00` holds 23:30 and 06:59, not 07:00).

use serde::{Deserialize, Serialize};

const MINUTES_PER_DAY: i64 = 1440;

/// When alerts must not notify, in local minutes since midnight: `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QuietHours {
    /// First quiet minute (0–1439).
    pub start: u16,
    /// First minute that is no longer quiet (0–1439).
    pub end: u16,
}

impl QuietHours {
    /// Whether `minute_of_day` falls in the quiet window.
    pub fn contains(&self, minute_of_day: u16) -> bool {
        let (start, end, m) = (self.start, self.end, minute_of_day);
        if start <= end {
            start <= m && m < end
        } else {
            m >= start || m < end
        }
    }

    /// Whether both ends are valid minutes of a day.
    pub fn is_valid(&self) -> bool {
        i64::from(self.start) < MINUTES_PER_DAY && i64::from(self.end) < MINUTES_PER_DAY
    }
}

/// "Now" for the alert engine: Unix time plus the local offset, so quiet hours can be checked
/// without reading a clock or a time-zone database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moment {
    /// Unix milliseconds.
    pub unix_ms: i64,
    /// Local time minus UTC, in minutes (e.g. 60 for CET, 120 for CEST).
    pub utc_offset_minutes: i32,
}

impl Moment {
    /// A moment in UTC.
    pub fn utc(unix_ms: i64) -> Self {
        Self {
            unix_ms,
            utc_offset_minutes: 0,
        }
    }

    /// Local minutes since midnight (0–1439).
    pub fn local_minute_of_day(&self) -> u16 {
        let minutes = self.unix_ms.div_euclid(60_000) + i64::from(self.utc_offset_minutes);
        u16::try_from(minutes.rem_euclid(MINUTES_PER_DAY)).unwrap_or(0)
    }
}
