//! Repricing recorded requests at the prices in force, only when the user asks (a newer price
//! file applied, an override corrected): every request of the last N days is priced again,
//! ledger rows and rollups together (`Store::reprice_period`), so budgets, charts and exports
//! follow. Without the user's request a recorded cost never changes.
//!
//! What stays: answers served from the response cache (they cost nothing upstream); rows
//! recorded before the ledger kept 1-hour cache writes and reasoning apart, when they have such
//! tokens (their recorded cost is exact, a recomputed one would not be); requests whose model
//! has no price now; and the tools' own usage records outside the gateway (`tool_usage`), which
//! are priced as they are imported.

use super::tables::CostTables;
use super::Costs;
use crate::blocking::OffThread;
use crate::{AppError, DomainEvent};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use switchyard_domain::{BackendKind, RequestRecord};
use switchyard_pricing::{cost_in, recorded_usage, PriceTable};

/// The most days one repricing covers (the ledger's longest retention).
pub const MAX_REPRICE_DAYS: u32 = 3650;

/// What a repricing did.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename = "RepriceResult")]
#[serde(rename_all = "camelCase")]
pub struct RepriceReport {
    pub days: u32,
    /// Requests read in the period.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub requests: u64,
    /// Requests whose cost changed (or that became priced).
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub changed: u64,
    /// The period's total after minus before, USD.
    pub delta_usd: f64,
}

/// One recorded request's cost at `table`'s prices: its backend's kind (by name, as recorded)
/// and the model it was served as; `None` (keep the recorded cost) when the model has no price
/// there or when the answer came from the response cache (it cost nothing upstream). A row
/// recorded before the ledger split the tokens priced apart ([`recorded_usage`]) is priced
/// only when `estimate_old` (an unpriced row: an estimate beats no price) and otherwise keeps
/// its exact recorded cost.
pub(super) fn record_cost(
    table: &PriceTable,
    kinds: &HashMap<String, BackendKind>,
    r: &RequestRecord,
    estimate_old: bool,
) -> Option<f64> {
    if matches!(r.cache.as_deref(), Some("hit" | "shared")) {
        return None;
    }
    let (usage, exact) = recorded_usage(r);
    if !exact && !estimate_old {
        return None;
    }
    let kind = r.backend.as_deref().and_then(|b| kinds.get(b)).copied();
    let model = r.model.as_deref().unwrap_or(&r.requested_model);
    cost_in(table, kind, Some(model), &usage)
}

/// Each backend's kind by its name, as ledger rows name their backend.
pub(super) fn kinds_by_name(store: &CostTables) -> Result<HashMap<String, BackendKind>, AppError> {
    Ok(store
        .backends
        .list_backends()?
        .into_iter()
        .map(|b| (b.name, b.kind))
        .collect())
}

impl Costs {
    /// Prices every request of the last `days` days again at the prices in force.
    /// A request whose model has no price now keeps the cost it has.
    pub async fn reprice_history(&self, days: u32) -> Result<RepriceReport, AppError> {
        if !(1..=MAX_REPRICE_DAYS).contains(&days) {
            return Err(AppError::field(
                switchyard_domain::Field::Days,
                switchyard_domain::IssueCode::OutOfRange,
                format!("Reprice 1 to {MAX_REPRICE_DAYS} days of requests (asked: {days})."),
            ));
        }
        // The gateway's table when it runs, else the same file and overrides read here (a
        // one-shot `switchyard prices reprice` has no gateway).
        let table = self.table().await?;
        self.ledger.flush_async().await;
        let now = crate::clock::now_ms();
        // Up to an hour ahead: a request recorded with a clock slightly ahead is included.
        let (from, until) = (now - i64::from(days) * 86_400_000, now + 3_600_000);
        let done = self
            .store
            .blocking(move |store| {
                let kinds = kinds_by_name(store)?;
                Ok(store
                    .ledger
                    .reprice_period(from, until, |r| record_cost(&table, &kinds, r, false))?)
            })
            .await?;
        tracing::info!(
            days,
            changed = done.changed,
            delta_usd = done.delta_usd,
            "recorded requests repriced on request"
        );
        if done.changed > 0 {
            self.emit(DomainEvent::CostsChanged);
            // A budget's hard stop follows the new totals now, not at the next check.
            self.enforce_budgets().await?;
        }
        Ok(RepriceReport {
            days,
            requests: done.requests,
            changed: done.changed,
            delta_usd: done.delta_usd,
        })
    }
}
