//! IPC shapes of the Costs page: overview, currency, prices, budgets, exports. Counters and
//! times are `f64` (specta exports no 64-bit integers; exact below 2^53). Each converts from
//! and to the core's type with `From` (`convert.rs`), so a field added on one side is a
//! compile error until the other follows.

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

/// What the cost chart is stacked by.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum CostSplit {
    Backend,
    Model,
}

mirror_enum!(CostSplit => switchyard_app::SplitBy { Backend, Model });

/// Sums over a set of requests. `costUsd` counts known prices only; `unpriced` requests had
/// no price and are not in it.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct UsageTotals {
    pub requests: f64,
    pub errors: f64,
    pub cache_hits: f64,
    pub input_tokens: f64,
    pub output_tokens: f64,
    pub cache_read_tokens: f64,
    pub cache_write_tokens: f64,
    pub cost_usd: f64,
    pub unpriced: f64,
    pub saved_usd: f64,
    pub latency_ms_sum: f64,
    pub cache_lookups: f64,
    pub cache_shared: f64,
    pub cache_skipped: f64,
}

/// One bucket (`key` = backend or model, `""` when not split).
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct SeriesPoint {
    pub start_ms: f64,
    pub key: String,
    pub totals: UsageTotals,
}

/// Latency percentiles (ms) of answered requests over a bucket or the range.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct LatencyStats {
    pub start_ms: f64,
    pub count: f64,
    pub p50: f64,
    pub p90: f64,
    pub p95: f64,
    pub p99: f64,
}

/// The range as queried (whole hours).
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct QueriedRange {
    pub since_ms: f64,
    pub until_ms: f64,
    pub offset_minutes: f64,
}

/// Everything the Costs page shows for a range. Breakdowns are `[key, totals]`, costliest first.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CostsOverview {
    pub range: QueriedRange,
    /// The grain of `series` and `latency`: 3,600,000 (hour) or 86,400,000 (day).
    pub bucket_ms: f64,
    pub totals: UsageTotals,
    pub series: Vec<SeriesPoint>,
    /// Per hour, not split.
    pub hourly: Vec<SeriesPoint>,
    pub by_backend: Vec<(String, UsageTotals)>,
    pub by_model: Vec<(String, UsageTotals)>,
    pub by_route: Vec<(String, UsageTotals)>,
    pub by_token: Vec<(String, UsageTotals)>,
    /// Per API the callers used, keyed by the ledger's `inbound` value (`openai`, `responses`, …).
    pub by_inbound: Vec<(String, UsageTotals)>,
    pub latency: Vec<LatencyStats>,
    pub latency_overall: Option<LatencyStats>,
}

/// The display currency: a three-letter code and how many of it one US dollar buys.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CostSettings {
    pub currency: String,
    pub per_usd: f64,
}

/// A user-set price, USD per million tokens.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PriceOverride {
    pub model: String,
    pub input_per_mtok: f64,
    pub output_per_mtok: f64,
    pub cache_read_per_mtok: Option<f64>,
    pub cache_write_per_mtok: Option<f64>,
}

/// The price table in force. `source` is `bundled` or `file`.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Prices {
    pub source: String,
    pub snapshot_date: Option<String>,
    pub models: f64,
    pub file_loaded_at: Option<String>,
    pub overrides: Vec<PriceOverride>,
}

/// A model requested without a known price.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct UnpricedModel {
    pub model: String,
    pub requests: f64,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum BudgetPeriod {
    Day,
    Month,
}

/// What a budget counts: `{type: "all"}`, `{type: "backend", id}` or `{type: "route", id}`.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(tag = "type", content = "id", rename_all = "camelCase")]
pub enum BudgetScope {
    All,
    Backend(String),
    Route(String),
}

/// A budget. `id` empty for a new one.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Budget {
    pub id: String,
    pub name: String,
    pub period: BudgetPeriod,
    pub scope: BudgetScope,
    pub limit_usd: f64,
    pub hard_stop: bool,
}

/// Where a budget's period is heading at the recent burn rate.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Forecast {
    pub burn_usd_per_day: f64,
    pub projected_usd: f64,
    /// When the limit will be reached, if within this period.
    pub crosses_at_ms: Option<f64>,
}

/// A budget now.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct BudgetStatus {
    pub budget: Budget,
    /// The backend or route name (null for "all", or when it was deleted).
    pub scope_name: Option<String>,
    pub period_start_ms: f64,
    pub period_end_ms: f64,
    pub spent_usd: f64,
    pub unpriced_requests: f64,
    pub percent: f64,
    pub forecast: Forecast,
    /// The hard stop is on and engaged: paid requests in scope are refused.
    pub stopped: bool,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum ExportKind {
    Requests,
    Daily,
    Hourly,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum ExportFormat {
    Csv,
    Json,
}

/// A written export.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ExportDone {
    pub path: String,
    pub rows: f64,
    pub cost_usd: f64,
}
