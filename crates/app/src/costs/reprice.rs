//! Repricing recorded requests at the prices in force, only when the user asks (a newer price
//! file applied, an override corrected): every request of the last N days is priced again,
//! ledger rows and rollups together (`Store::reprice_period`), so budgets, charts and exports
//! follow. Without the user's request a recorded cost never changes.

use super::Costs;
use crate::{AppError, DomainEvent};
use serde::Serialize;
use std::collections::HashMap;
use switchyard_core::{BackendKind, RequestRecord};
use switchyard_pricing::{cost_in, recorded_usage, PriceTable};

/// The most days one repricing covers (the ledger's longest retention).
pub const MAX_REPRICE_DAYS: u32 = 3650;

/// What a repricing did.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RepriceReport {
    pub days: u32,
    /// Requests read in the period.
    pub requests: u64,
    /// Requests whose cost changed (or that became priced).
    pub changed: u64,
    /// The period's total after minus before, USD.
    pub delta_usd: f64,
}

/// One recorded request's cost at `table`'s prices: its backend's kind (by name, as recorded)
/// and the model it was served as; `None` when the model has no price there.
pub(super) fn record_cost(
    table: &PriceTable,
    kinds: &HashMap<String, BackendKind>,
    r: &RequestRecord,
) -> Option<f64> {
    let kind = r.backend.as_deref().and_then(|b| kinds.get(b)).copied();
    let model = r.model.as_deref().unwrap_or(&r.requested_model);
    cost_in(table, kind, Some(model), &recorded_usage(r))
}

impl Costs {
    /// Prices every request of the last `days` days again at the gateway's prices in force.
    /// A request whose model has no price now keeps the cost it has.
    pub async fn reprice_history(&self, days: u32) -> Result<RepriceReport, AppError> {
        if !(1..=MAX_REPRICE_DAYS).contains(&days) {
            return Err(AppError::Invalid(format!(
                "Reprice 1 to {MAX_REPRICE_DAYS} days of requests (asked: {days})."
            )));
        }
        let Some(gateway) = &self.gateway else {
            return Err(AppError::Invalid(
                "Repricing needs the gateway's prices: run it in the app or next to `switchyard serve`.".into(),
            ));
        };
        let table = gateway.spend().prices();
        self.ledger.flush_async().await;
        let until = crate::clock::now_ms() + 3_600_000;
        let from = until - i64::from(days) * 86_400_000 - 3_600_000;
        let done = self
            .blocking(move |store| {
                let kinds: HashMap<String, BackendKind> = store
                    .list_backends()?
                    .into_iter()
                    .map(|b| (b.name, b.kind))
                    .collect();
                Ok(store.reprice_period(from, until, |r| record_cost(&table, &kinds, r))?)
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
        }
        Ok(RepriceReport {
            days,
            requests: done.requests,
            changed: done.changed,
            delta_usd: done.delta_usd,
        })
    }
}
