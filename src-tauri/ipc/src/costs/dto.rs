//! IPC shapes of the Costs page. The overview, currency, prices, budgets and exports travel as
//! the app's own types (`switchyard_app::costs`, their UI types derived behind its `specta`
//! feature, counters and times exported as numbers: exact below 2^53). Only the range the page
//! asks for has a form of its own: numbers from a date picker, rounded here.

use serde::{Deserialize, Serialize};
use specta::Type;

/// A range in Unix ms with the user's UTC offset (minutes east; UTC+02:00 is 120).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CostRange {
    pub since_ms: f64,
    pub until_ms: f64,
    pub offset_minutes: f64,
}

impl From<CostRange> for switchyard_app::CostRange {
    /// Non-finite or fractional values become ones the core's validation refuses or rounds.
    fn from(r: CostRange) -> Self {
        let int = |x: f64| if x.is_finite() { x.round() as i64 } else { 0 };
        switchyard_app::CostRange {
            since_ms: int(r.since_ms),
            until_ms: int(r.until_ms),
            offset_minutes: i32::try_from(int(r.offset_minutes)).unwrap_or(i32::MAX),
        }
    }
}
