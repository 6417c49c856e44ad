//! IPC of what the coding tools spent by their own records (the Costs page's "By source" card
//! and the Overview's "Your limits"): spend by source, the subscription windows, a full rescan.

use super::dto::CostRange;
use crate::{Core, IpcError};
use serde::{Deserialize, Serialize};
use specta::Type;
use switchyard_app::costs::price_sync::PriceCheck;
use switchyard_app::costs::reprice::RepriceReport;
use switchyard_app::usage::{UsageWindow, WindowSource};
use switchyard_app::ToolUsageRow;

type Res<T> = Result<T, IpcError>;

/// Spend of one source in a range: `gateway`, or a tool (`claude-code`, `codex`, …) with only
/// the answers that bypassed the gateway. By project, one repository: `requests` bypassed the
/// gateway, `via_gateway` went through it, and the tokens and cost are both's.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct UsageSourceRow {
    pub source: String,
    /// As a user reads it: "Gateway", "Claude Code", …
    pub label: String,
    pub requests: f64,
    pub input_tokens: f64,
    pub output_tokens: f64,
    pub cache_read_tokens: f64,
    pub cache_write_tokens: f64,
    /// Of the output tokens, reasoning.
    pub reasoning_tokens: f64,
    pub cost_usd: f64,
    /// Answers whose model has no price (not in `cost_usd`).
    pub unpriced: f64,
    /// The tool's answers that went through the gateway (counted in the gateway's row).
    pub via_gateway: f64,
}

impl From<ToolUsageRow> for UsageSourceRow {
    fn from(r: ToolUsageRow) -> Self {
        let label = match r.group.as_str() {
            "gateway" => "Gateway".to_string(),
            other => switchyard_app::UsageTool::from_name(other)
                .map_or_else(|| other.to_string(), |t| t.label().to_string()),
        };
        let n = |v: u64| v as f64;
        UsageSourceRow {
            source: r.group,
            label,
            requests: n(r.requests),
            input_tokens: n(r.input_tokens),
            output_tokens: n(r.output_tokens),
            cache_read_tokens: n(r.cache_read_tokens),
            cache_write_tokens: n(r.cache_write_tokens),
            reasoning_tokens: n(r.reasoning_tokens),
            cost_usd: r.cost_usd,
            unpriced: n(r.unpriced),
            via_gateway: n(r.via_gateway),
        }
    }
}

/// A subscription window: how much is used and when it resets.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct UsageWindowView {
    pub tool: String,
    /// `5-hour`, `weekly`, …
    pub name: String,
    pub source: WindowSource,
    /// 0–100, when the provider said.
    pub used_percent: Option<f64>,
    pub used_tokens: Option<f64>,
    pub used_usd: Option<f64>,
    pub started_at_ms: Option<f64>,
    pub resets_at_ms: Option<f64>,
    pub burn_usd_per_hour: Option<f64>,
    pub projected_usd: Option<f64>,
    pub seen_at_ms: Option<f64>,
    /// How it was found, in words.
    pub how: String,
}

impl From<UsageWindow> for UsageWindowView {
    fn from(w: UsageWindow) -> Self {
        let ms = |v: Option<i64>| v.map(|x| x as f64);
        UsageWindowView {
            tool: w.tool,
            name: w.name,
            source: w.source,
            used_percent: w.used_percent,
            used_tokens: w.used_tokens.map(|t| t as f64),
            used_usd: w.used_usd,
            started_at_ms: ms(w.started_at_ms),
            resets_at_ms: ms(w.resets_at_ms),
            burn_usd_per_hour: w.burn_usd_per_hour,
            projected_usd: w.projected_usd,
            seen_at_ms: ms(w.seen_at_ms),
            how: w.how,
        }
    }
}

/// What a rescan read.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct UsageScan {
    pub files_read: f64,
    pub records: f64,
    /// Reason → lines not counted.
    pub skipped: std::collections::BTreeMap<String, f64>,
    /// Files or folders that could not be read, with why.
    pub errors: Vec<String>,
}

/// Spend in the range by source: the gateway's, then each tool's answers that bypassed it.
pub async fn usage_by_source(core: &Core, range: CostRange) -> Res<Vec<UsageSourceRow>> {
    let r: switchyard_app::CostRange = range.into();
    let rows = core
        .app()?
        .usage()
        .by_source(r.since_ms, r.until_ms)
        .await?;
    Ok(rows.into_iter().map(UsageSourceRow::from).collect())
}

/// Spend in the range by project (the repository each tool ran in): the gateway's requests a
/// tool's record names counted once with the ledger's cost, then those no record names.
pub async fn usage_by_project(core: &Core, range: CostRange) -> Res<Vec<UsageSourceRow>> {
    let r: switchyard_app::CostRange = range.into();
    let rows = core
        .app()?
        .usage()
        .summary(r.since_ms, r.until_ms, switchyard_app::UsageGroup::Project)
        .await?;
    Ok(rows.into_iter().map(UsageSourceRow::from).collect())
}

/// Each tool's subscription windows: the provider's figures where seen, else estimates.
pub async fn usage_windows(core: &Core) -> Res<Vec<UsageWindowView>> {
    let w = core.app()?.usage().windows().await?;
    Ok(w.into_iter().map(UsageWindowView::from).collect())
}

/// Reads every tool's records again from the start (nothing is counted twice).
#[tracing::instrument(skip(core))]
pub async fn rescan_usage(core: &Core) -> Res<UsageScan> {
    let r = core.app()?.usage().scan(true).await?;
    Ok(UsageScan {
        files_read: r.files_read as f64,
        records: r.records as f64,
        skipped: r.skipped.into_iter().map(|(k, v)| (k, v as f64)).collect(),
        errors: r.errors,
    })
}

/// Fetches a newer price file (`url` null: LiteLLM's price map), checks it and says what it
/// would change; nothing is applied.
#[tracing::instrument(skip(core))]
pub async fn check_price_update(core: &Core, url: Option<String>) -> Res<PriceCheck> {
    Ok(core.app()?.costs().check_price_update(url).await?)
}

/// Applies the file the last check fetched (requests already recorded keep their cost).
#[tracing::instrument(skip(core))]
pub async fn apply_price_update(core: &Core) -> Res<switchyard_app::PricesView> {
    Ok(core.app()?.costs().apply_price_update().await?)
}

/// Back to the prices in force before the last apply.
#[tracing::instrument(skip(core))]
pub async fn rollback_prices(core: &Core) -> Res<switchyard_app::PricesView> {
    Ok(core.app()?.costs().rollback_prices().await?)
}

/// Prices the last `days` days of recorded requests again at the prices in force (only on the
/// user's request; budgets, charts and exports follow).
#[tracing::instrument(skip(core))]
pub async fn reprice_history(core: &Core, days: u32) -> Res<RepriceReport> {
    Ok(core.app()?.costs().reprice_history(days).await?)
}
