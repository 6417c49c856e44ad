//! IPC shapes of the Costs page: overview, currency, prices, budgets, exports. Counters and
//! times are `f64` (specta exports no 64-bit integers; exact below 2^53). Outputs convert from
//! the core's types through their serde form, so field names cannot drift apart.

use super::{ErrorKind, IpcError};
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use specta::Type;
use switchyard_app::CostRange;

/// The core's value in its IPC shape, through JSON.
pub fn via_json<T: Serialize, U: DeserializeOwned>(value: &T) -> Result<U, IpcError> {
    serde_json::to_value(value)
        .and_then(serde_json::from_value)
        .map_err(|e| IpcError::new(ErrorKind::Internal, format!("IPC conversion failed: {e}")))
}

/// A range in Unix ms with the user's UTC offset (minutes east; UTC+02:00 is 120).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CostRangeDto {
    pub since_ms: f64,
    pub until_ms: f64,
    pub offset_minutes: f64,
}

impl From<CostRangeDto> for CostRange {
    /// Non-finite or fractional values become ones the core's validation refuses or rounds.
    fn from(r: CostRangeDto) -> Self {
        let int = |x: f64| if x.is_finite() { x.round() as i64 } else { 0 };
        CostRange {
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

impl From<CostSplit> for switchyard_app::SplitBy {
    fn from(s: CostSplit) -> Self {
        match s {
            CostSplit::Backend => switchyard_app::SplitBy::Backend,
            CostSplit::Model => switchyard_app::SplitBy::Model,
        }
    }
}

/// Sums over a set of requests. `costUsd` counts known prices only; `unpriced` requests had
/// no price and are not in it.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct UsageTotalsDto {
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
pub struct SeriesPointDto {
    pub start_ms: f64,
    pub key: String,
    pub totals: UsageTotalsDto,
}

/// Latency percentiles (ms) of answered requests over a bucket or the range.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct LatencyStatsDto {
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
pub struct CostsOverviewDto {
    pub range: QueriedRange,
    /// The grain of `series` and `latency`: 3,600,000 (hour) or 86,400,000 (day).
    pub bucket_ms: f64,
    pub totals: UsageTotalsDto,
    pub series: Vec<SeriesPointDto>,
    /// Per hour, not split.
    pub hourly: Vec<SeriesPointDto>,
    pub by_backend: Vec<(String, UsageTotalsDto)>,
    pub by_model: Vec<(String, UsageTotalsDto)>,
    pub by_route: Vec<(String, UsageTotalsDto)>,
    pub by_token: Vec<(String, UsageTotalsDto)>,
    /// Per API the callers used, keyed by the ledger's `inbound` value (`openai`, `responses`, …).
    pub by_inbound: Vec<(String, UsageTotalsDto)>,
    pub latency: Vec<LatencyStatsDto>,
    pub latency_overall: Option<LatencyStatsDto>,
}

/// The display currency: a three-letter code and how many of it one US dollar buys.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CostSettingsDto {
    pub currency: String,
    pub per_usd: f64,
}

/// A user-set price, USD per million tokens.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PriceOverrideDto {
    pub model: String,
    pub input_per_mtok: f64,
    pub output_per_mtok: f64,
    pub cache_read_per_mtok: Option<f64>,
    pub cache_write_per_mtok: Option<f64>,
}

/// The price table in force. `source` is `bundled` or `file`.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct PricesDto {
    pub source: String,
    pub snapshot_date: Option<String>,
    pub models: f64,
    pub file_loaded_at: Option<String>,
    pub overrides: Vec<PriceOverrideDto>,
}

/// A model requested without a known price.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct UnpricedModelDto {
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
pub enum BudgetScopeDto {
    All,
    Backend(String),
    Route(String),
}

/// A budget. `id` empty for a new one.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct BudgetDto {
    pub id: String,
    pub name: String,
    pub period: BudgetPeriod,
    pub scope: BudgetScopeDto,
    pub limit_usd: f64,
    pub hard_stop: bool,
}

/// Where a budget's period is heading at the recent burn rate.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ForecastDto {
    pub burn_usd_per_day: f64,
    pub projected_usd: f64,
    /// When the limit will be reached, if within this period.
    pub crosses_at_ms: Option<f64>,
}

/// A budget now.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct BudgetStatusDto {
    pub budget: BudgetDto,
    /// The backend or route name (null for "all", or when it was deleted).
    pub scope_name: Option<String>,
    pub period_start_ms: f64,
    pub period_end_ms: f64,
    pub spent_usd: f64,
    pub unpriced_requests: f64,
    pub percent: f64,
    pub forecast: ForecastDto,
    /// The hard stop is on and engaged: paid requests in scope are refused.
    pub stopped: bool,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum ExportKindDto {
    Requests,
    Daily,
    Hourly,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum ExportFormatDto {
    Csv,
    Json,
}

/// A written export.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ExportDoneDto {
    pub path: String,
    pub rows: f64,
    pub cost_usd: f64,
}
