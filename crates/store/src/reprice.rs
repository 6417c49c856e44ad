//! Pricing requests that were recorded without a price, once their model has one: the ledger
//! rows and the usage rollups move together, in one transaction, so the Costs page, budgets and
//! exports agree afterwards.
//!
//! Invariants:
//! - only rows with `cost_usd IS NULL` change; a recorded cost is never rewritten (a later price
//!   change does not rewrite history);
//! - each repriced row moves its cost into `cost_usd` and out of `unpriced` in every rollup row it
//!   was added to, with the same keys as `usage::roll_up`;
//! - the rows are found through the rollups' hours that still count unpriced requests, and
//!   within those by the `started_at` index, never by a scan of the whole ledger. Requests whose
//!   raw rows were pruned (retention) cannot be repriced and stay counted as unpriced.

use crate::ledger::{from_row, COLUMNS};
use crate::usage::{hour_of, HOUR_MS};
use crate::{RequestRecord, Store, StoreError};
use rusqlite::{params, Transaction};
use rustc_hash::FxHashMap;

/// Cost and count moved into one rollup row.
#[derive(Default)]
struct Delta {
    cost_usd: f64,
    priced: i64,
}

impl Delta {
    fn add(&mut self, cost: f64) {
        self.cost_usd += cost;
        self.priced += 1;
    }
}

/// The rollup rows one request was added to (see `usage::roll_up`).
#[derive(Default)]
struct Deltas {
    pairs: FxHashMap<(i64, String, String), Delta>,
    by: FxHashMap<(i64, &'static str, String), Delta>,
}

impl Deltas {
    fn add(&mut self, hour: i64, r: &RequestRecord, cost: f64) {
        let model = r.model.clone().unwrap_or_else(|| r.requested_model.clone());
        let backend = r.backend.clone().unwrap_or_default();
        self.pairs
            .entry((hour, backend, model))
            .or_default()
            .add(cost);
        let route = r.route.clone().unwrap_or_default();
        self.by.entry((hour, "route", route)).or_default().add(cost);
        let token = r.token_name.clone().unwrap_or_default();
        self.by.entry((hour, "token", token)).or_default().add(cost);
        if r.cache.is_some() {
            let key = r.route.clone().unwrap_or_else(|| r.requested_model.clone());
            self.by.entry((hour, "cache", key)).or_default().add(cost);
        }
    }

    fn write(&self, tx: &Transaction<'_>) -> Result<(), StoreError> {
        let mut pairs = tx.prepare_cached(
            "UPDATE usage_hours SET cost_usd = cost_usd + ?4, unpriced = max(unpriced - ?5, 0)
             WHERE hour_ms = ?1 AND backend = ?2 AND model = ?3",
        )?;
        for ((hour, backend, model), d) in &self.pairs {
            pairs.execute(params![hour, backend, model, d.cost_usd, d.priced])?;
        }
        let mut by = tx.prepare_cached(
            "UPDATE usage_hours_by SET cost_usd = cost_usd + ?4, unpriced = max(unpriced - ?5, 0)
             WHERE dim = ?2 AND hour_ms = ?1 AND value = ?3",
        )?;
        for ((hour, dim, value), d) in &self.by {
            by.execute(params![hour, dim, value, d.cost_usd, d.priced])?;
        }
        Ok(())
    }
}

/// `YYYY-MM-DDTHH:00:00` for an hour start: the ledger's UTC times (`…Z`, with or without a
/// fraction) of that hour sort at or after it and before the next hour's. No `Z`: `'.' < 'Z'`
/// would put `…T10:00:00.5Z` before `…T10:00:00Z`.
fn hour_text(hour_ms: i64) -> Option<String> {
    let t = time::OffsetDateTime::from_unix_timestamp(hour_ms.div_euclid(1000)).ok()?;
    Some(format!(
        "{:04}-{:02}-{:02}T{:02}:00:00",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour()
    ))
}

impl Store {
    /// Prices the ledger's unpriced requests with `price` (USD, or `None` while the model still
    /// has none) and moves their cost into the rollups. Returns how many were priced. A price
    /// that is negative or not finite is ignored (the row stays unpriced).
    pub fn reprice_unpriced(
        &self,
        price: impl Fn(&RequestRecord) -> Option<f64>,
    ) -> Result<u64, StoreError> {
        self.with(|c| {
            let tx = c.transaction()?;
            let hours: Vec<i64> = tx
                .prepare("SELECT DISTINCT hour_ms FROM usage_hours WHERE unpriced > 0 ORDER BY 1")?
                .query_map([], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            let mut deltas = Deltas::default();
            let mut priced = 0u64;
            {
                let mut rows = tx.prepare_cached(&format!(
                    "SELECT {COLUMNS} FROM requests
                     WHERE started_at >= ?1 AND started_at < ?2 AND cost_usd IS NULL"
                ))?;
                let mut set =
                    tx.prepare_cached("UPDATE requests SET cost_usd = ?2 WHERE id = ?1")?;
                for hour in hours {
                    let (Some(from), Some(to)) = (hour_text(hour), hour_text(hour + HOUR_MS))
                    else {
                        continue;
                    };
                    let found: Vec<RequestRecord> = rows
                        .query_map(params![from, to], from_row)?
                        .collect::<Result<_, _>>()?;
                    for r in found {
                        let Some(cost) = price(&r).filter(|c| c.is_finite() && *c >= 0.0) else {
                            continue;
                        };
                        // The hour it was rolled up in (a row in this range is in `hour`
                        // unless its text is not the ledger's UTC form).
                        let Some(rolled) = hour_of(&r.started_at) else {
                            continue;
                        };
                        set.execute(params![r.id, cost])?;
                        deltas.add(rolled, &r, cost);
                        priced += 1;
                    }
                }
            }
            deltas.write(&tx)?;
            tx.commit()?;
            Ok(priced)
        })
    }
}

#[cfg(test)]
#[path = "reprice_tests.rs"]
mod tests;
