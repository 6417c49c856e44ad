//! Costs and usage: what the Costs page reads (totals, series, breakdowns by backend, model,
//! route, tool and API, latency percentiles, unpriced models — all from the ledger rollups), the
//! display currency, prices ([`prices`]), budgets with forecasts and hard stops ([`budgets`])
//! and exports ([`export`]).
//!
//! Invariants: a range is validated before any query (reversed or empty ranges are typed
//! errors); amounts stay USD everywhere in the core — the currency is a display setting; rollup
//! hours are UTC and the user's day boundaries come with the range's offset.

pub mod budgets;
pub mod export;
/// Budget periods and forecasts: the pricing crate's pure cost math.
pub use switchyard_pricing::forecast;
pub mod price_sync;
pub mod prices;
pub mod reprice;
mod service;
mod tables;

pub(crate) use budgets::SharedStops;
pub(crate) use tables::CostTables;

use crate::blocking::OffThread;
use crate::events::EventSink;
use crate::ledger::LedgerSink;
use crate::{AppError, DomainEvent};
use forecast::{DAY_MS, HOUR_MS};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use switchyard_domain::{Field, IssueCode};
use switchyard_gateway::GatewayHandle;
use switchyard_monitor::Signal;
use switchyard_store::{Dimension, UsageTotals};
use tokio::sync::mpsc::UnboundedSender;

/// The Costs feature service (its constructor: `service.rs`; its methods live beside their
/// rules in this folder). Cheap to clone.
#[derive(Clone)]
pub struct Costs {
    pub(crate) store: CostTables,
    /// Where a loaded price file is kept and exports go (`exports/`).
    pub(crate) data_dir: PathBuf,
    pub(crate) ledger: LedgerSink,
    /// The running gateway's price table and budget hard stops (absent without a gateway).
    pub(crate) gateway: Option<GatewayHandle>,
    /// The monitor's signal channel (each budget's percentage, for the budget alert rules).
    pub(crate) signals: UnboundedSender<Signal>,
    pub(crate) events: EventSink,
    /// With a team gateway: its budgets' hard stops hold for the whole team.
    pub(crate) team: Option<std::sync::Arc<dyn SharedStops>>,
}

const SETTINGS_KEY: &str = "costs";
/// The longest range the page asks for (a custom range a little over a year).
pub const MAX_RANGE_DAYS: i64 = 400;

/// How amounts are shown: a currency code and how many of it one US dollar buys.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", default)]
pub struct CostSettings {
    pub currency: String,
    pub per_usd: f64,
}

impl Default for CostSettings {
    fn default() -> Self {
        CostSettings {
            currency: "USD".into(),
            per_usd: 1.0,
        }
    }
}

impl CostSettings {
    fn validate(&self) -> Result<(), AppError> {
        let code = self.currency.as_str();
        if code.len() != 3 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(AppError::field(
                Field::Currency,
                IssueCode::Format,
                "The currency is a three-letter code such as USD or EUR.",
            ));
        }
        if !self.per_usd.is_finite() || self.per_usd <= 0.0 || self.per_usd > 1_000_000.0 {
            return Err(AppError::field(
                Field::Rate,
                IssueCode::OutOfRange,
                "The exchange rate must be more than 0 (units of your currency per US dollar).",
            ));
        }
        if code == "USD" && self.per_usd != 1.0 {
            return Err(AppError::field(
                Field::Rate,
                IssueCode::OutOfRange,
                "One US dollar is 1 USD.",
            ));
        }
        Ok(())
    }
}

/// A time range the user picked, in Unix ms, with their UTC offset for day boundaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename = "QueriedRange")]
#[serde(rename_all = "camelCase")]
pub struct CostRange {
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub since_ms: i64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub until_ms: i64,
    /// Minutes east of UTC (UTC+02:00 is 120).
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub offset_minutes: i32,
}

impl CostRange {
    /// Checks the range and widens it to whole hours (the rollups' grain).
    pub fn normalised(self) -> Result<CostRange, AppError> {
        if self.until_ms <= self.since_ms {
            return Err(AppError::field(
                Field::To,
                IssueCode::OutOfRange,
                "The range ends before it starts: pick an end after the start.",
            ));
        }
        if self.until_ms - self.since_ms > MAX_RANGE_DAYS * DAY_MS {
            return Err(AppError::field(
                Field::To,
                IssueCode::OutOfRange,
                format!("Pick a range of at most {MAX_RANGE_DAYS} days."),
            ));
        }
        if !(-1439..=1439).contains(&self.offset_minutes) {
            return Err(AppError::field(
                Field::From,
                IssueCode::OutOfRange,
                "That time-zone offset does not exist.",
            ));
        }
        Ok(CostRange {
            since_ms: self.since_ms.div_euclid(HOUR_MS) * HOUR_MS,
            until_ms: (self.until_ms + HOUR_MS - 1).div_euclid(HOUR_MS) * HOUR_MS,
            offset_minutes: self.offset_minutes,
        })
    }

    fn offset_ms(&self) -> i64 {
        i64::from(self.offset_minutes) * 60_000
    }

    /// Hours for ranges up to two days, local days beyond.
    fn bucket_ms(&self) -> i64 {
        if self.until_ms - self.since_ms <= 2 * DAY_MS {
            HOUR_MS
        } else {
            DAY_MS
        }
    }
}

/// What the cost series is stacked by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type), serde(rename = "CostSplit"))]
#[serde(rename_all = "camelCase")]
pub enum SplitBy {
    Backend,
    Model,
}

/// One bucket of a series (`key` is the backend or model, `""` when not split).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct SeriesPoint {
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub start_ms: i64,
    pub key: String,
    pub totals: UsageTotals,
}

/// Latency percentiles of answered requests (ms) over a bucket, or the whole range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct LatencyStats {
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub start_ms: i64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub count: u64,
    pub p50: f64,
    pub p90: f64,
    pub p95: f64,
    pub p99: f64,
}

/// Everything the Costs page shows for a range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct CostsOverview {
    /// The range as queried (whole hours).
    pub range: CostRange,
    /// The grain of `series` and `latency`: an hour or a day.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub bucket_ms: i64,
    pub totals: UsageTotals,
    /// Per bucket, split as asked.
    pub series: Vec<SeriesPoint>,
    /// Per hour, not split (requests and errors per hour, the day × hour heatmap).
    pub hourly: Vec<SeriesPoint>,
    pub by_backend: Vec<(String, UsageTotals)>,
    pub by_model: Vec<(String, UsageTotals)>,
    pub by_route: Vec<(String, UsageTotals)>,
    pub by_token: Vec<(String, UsageTotals)>,
    /// Per API the callers used (the ledger's `inbound`: `openai`, `responses`, …).
    pub by_inbound: Vec<(String, UsageTotals)>,
    /// Per bucket.
    pub latency: Vec<LatencyStats>,
    /// The whole range.
    pub latency_overall: Option<LatencyStats>,
    /// What tools' plans served, and what their overflow cost (issue 74).
    pub plans: switchyard_store::PlanSpend,
}

impl Costs {
    pub async fn settings(&self) -> Result<CostSettings, AppError> {
        self.store
            .blocking(|store| Ok(store.settings.setting_or_default(SETTINGS_KEY)?))
            .await
    }

    pub async fn set_settings(&self, s: CostSettings) -> Result<CostSettings, AppError> {
        let s = CostSettings {
            currency: s.currency.trim().to_ascii_uppercase(),
            ..s
        };
        s.validate()?;
        let value = serde_json::to_value(&s).map_err(|e| AppError::Internal(e.to_string()))?;
        self.store
            .blocking(move |store| Ok(store.settings.set_setting(SETTINGS_KEY, &value)?))
            .await?;
        self.emit(DomainEvent::CostsChanged);
        Ok(s)
    }

    /// The Costs page's numbers for `range`, the cost series stacked by `split`.
    pub async fn overview(
        &self,
        range: CostRange,
        split: SplitBy,
    ) -> Result<CostsOverview, AppError> {
        let range = range.normalised()?;
        self.ledger.flush_async().await;
        self.store
            .blocking(move |s| {
                let (a, b, off) = (range.since_ms, range.until_ms, range.offset_ms());
                let bucket = range.bucket_ms();
                let dim = match split {
                    SplitBy::Backend => Dimension::Backend,
                    SplitBy::Model => Dimension::Model,
                };
                let point = |(start_ms, key, totals)| SeriesPoint {
                    start_ms,
                    key,
                    totals,
                };
                let stats = |p: switchyard_store::LatencyPoint| LatencyStats {
                    start_ms: p.bucket_ms,
                    count: p.count,
                    p50: p.p50,
                    p90: p.p90,
                    p95: p.p95,
                    p99: p.p99,
                };
                Ok(CostsOverview {
                    range,
                    bucket_ms: bucket,
                    totals: s.ledger.usage_totals(a, b)?,
                    series: s
                        .ledger
                        .usage_series(a, b, bucket, off, Some(dim))?
                        .into_iter()
                        .map(point)
                        .collect(),
                    hourly: s
                        .ledger
                        .usage_series(a, b, HOUR_MS, 0, None)?
                        .into_iter()
                        .map(point)
                        .collect(),
                    by_backend: s.ledger.usage_by(Dimension::Backend, a, b)?,
                    by_model: s.ledger.usage_by(Dimension::Model, a, b)?,
                    by_route: s.ledger.usage_by(Dimension::Route, a, b)?,
                    by_token: s.ledger.usage_by(Dimension::Token, a, b)?,
                    by_inbound: s.ledger.usage_by(Dimension::Inbound, a, b)?,
                    latency: s
                        .ledger
                        .latency_percentiles(a, b, Some(bucket), off, None)?
                        .into_iter()
                        .map(stats)
                        .collect(),
                    latency_overall: s
                        .ledger
                        .latency_percentiles(a, b, None, off, None)?
                        .into_iter()
                        .map(stats)
                        .find(|p| p.count > 0),
                    plans: s.ledger.plan_spend(
                        a,
                        b,
                        switchyard_gateway::SIGN_IN_LABEL,
                        switchyard_gateway::OVERFLOW_REASON,
                    )?,
                })
            })
            .await
    }
}
