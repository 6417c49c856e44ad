//! Pricing requests that were recorded without a price, once their model has one, and — only
//! when the user asks — every request of a period again at the prices in force: the ledger rows
//! and the usage rollups move together, one transaction per hour, so the Costs page, budgets and
//! exports agree afterwards (and agree within any hour while it runs).
//!
//! Invariants:
//! - [`Store::reprice_unpriced`] changes only rows with `cost_usd IS NULL`: a recorded cost is
//!   never rewritten by a price change alone; [`Store::reprice_period`] (the user's explicit
//!   request) rewrites them, and never makes a priced row unpriced;
//! - each repriced row moves its cost into `cost_usd` and out of `unpriced` in every rollup row it
//!   was added to, with the same keys as `rollup::roll_up`;
//! - the rows are found through the rollups' hours (for [`Store::reprice_unpriced`], those that
//!   still count unpriced requests; for [`Store::reprice_period`], those of the period), and
//!   within those by the `started_at` index, never by a scan of the whole ledger. Requests whose
//!   raw rows were pruned (retention) cannot be repriced and stay as they were counted.

use crate::tables::LedgerTable;

use crate::ledger::{from_row, COLUMNS};
use crate::rollup::keys;
use crate::usage::{hour_of, ms_of, HOUR_MS};
use crate::{RequestRecord, StoreError};
use rusqlite::{params, ToSql, Transaction};
use rustc_hash::FxHashMap;

/// Cost moved into one rollup row, and how many of its requests became priced.
#[derive(Default)]
struct Delta {
    cost_usd: f64,
    priced: i64,
}

impl Delta {
    fn add(&mut self, cost: f64, newly_priced: bool) {
        self.cost_usd += cost;
        self.priced += i64::from(newly_priced);
    }
}

/// Cost moved per rollup row, keyed as `rollup::roll_up` keys them ([`keys`]).
#[derive(Default)]
pub(crate) struct Deltas {
    pairs: FxHashMap<(i64, String, String), Delta>,
    by: FxHashMap<(i64, &'static str, String), Delta>,
}

impl Deltas {
    pub(crate) fn add(&mut self, hour: i64, r: &RequestRecord, cost: f64, newly_priced: bool) {
        let k = keys(r);
        let pair = (hour, k.backend.to_string(), k.model.to_string());
        self.pairs.entry(pair).or_default().add(cost, newly_priced);
        for (dim, value) in k.by.into_iter().flatten() {
            let key = (hour, dim, value.to_string());
            self.by.entry(key).or_default().add(cost, newly_priced);
        }
    }

    pub(crate) fn write(&self, tx: &Transaction<'_>) -> Result<(), StoreError> {
        apply(
            tx,
            "UPDATE usage_hours SET cost_usd = cost_usd + ?4, unpriced = max(unpriced - ?5, 0)
             WHERE hour_ms = ?1 AND backend = ?2 AND model = ?3",
            &self.pairs,
        )?;
        apply(
            tx,
            "UPDATE usage_hours_by SET cost_usd = cost_usd + ?4, unpriced = max(unpriced - ?5, 0)
             WHERE dim = ?2 AND hour_ms = ?1 AND value = ?3",
            &self.by,
        )
    }
}

/// Runs `update` once per delta: `?1`–`?3` its rollup row's key, `?4` the cost moved, `?5`
/// the requests newly priced.
fn apply<B: ToSql, C: ToSql>(
    tx: &Transaction<'_>,
    update: &str,
    deltas: &FxHashMap<(i64, B, C), Delta>,
) -> Result<(), StoreError> {
    let mut st = tx.prepare_cached(update)?;
    for ((hour, b, c), d) in deltas {
        st.execute(params![hour, b, c, d.cost_usd, d.priced])?;
    }
    Ok(())
}

/// `YYYY-MM-DDTHH:00:00` for an hour start: the ledger's UTC times (`…Z`, with or without a
/// fraction) of that hour sort at or after it and before the next hour's. No `Z`: `'.' < 'Z'`
/// would put `…T10:00:00.5Z` before `…T10:00:00Z`.
pub(crate) fn hour_text(hour_ms: i64) -> Option<String> {
    let t = time::OffsetDateTime::from_unix_timestamp(hour_ms.div_euclid(1000)).ok()?;
    Some(format!(
        "{:04}-{:02}-{:02}T{:02}:00:00",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour()
    ))
}

impl LedgerTable {
    /// Prices the ledger's unpriced requests with `price` (USD, or `None` while the model still
    /// has none) and moves their cost into the rollups. Returns how many were priced. A price
    /// that is negative or not finite is ignored (the row stays unpriced).
    ///
    /// `priceable(backend, model)` says which rollup pairs may have become priceable (`""` for
    /// requests that reached no backend): only their hours' rows are read, so a change that
    /// prices nothing new costs one pass over the rollup, not over the unpriced rows.
    pub fn reprice_unpriced(
        &self,
        priceable: impl Fn(&str, &str) -> bool,
        price: impl Fn(&RequestRecord) -> Option<f64>,
    ) -> Result<u64, StoreError> {
        let hours = self.db.with(|c| {
            let mut hours = std::collections::BTreeSet::new();
            let mut st =
                c.prepare("SELECT hour_ms, backend, model FROM usage_hours WHERE unpriced > 0")?;
            let mut rows = st.query([])?;
            while let Some(r) = rows.next()? {
                let (backend, model): (String, String) = (r.get(1)?, r.get(2)?);
                if priceable(&backend, &model) {
                    hours.insert(r.get::<_, i64>(0)?);
                }
            }
            Ok(hours)
        })?;
        // One transaction per hour: each hour's rows and rollups move together, and the
        // connection is free between hours for the ledger writer and the pages.
        let mut priced = 0u64;
        for hour in hours {
            priced += self.db.with(|c| {
                let tx = c.transaction()?;
                let n = reprice_hour(&tx, hour, &priceable, &price)?;
                tx.commit()?;
                Ok(n)
            })?;
        }
        Ok(priced)
    }
}

/// What repricing a period did.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Repriced {
    /// Requests read in the period (its raw rows; pruned ones are gone).
    pub requests: u64,
    /// Requests whose cost changed (or that became priced).
    pub changed: u64,
    /// The period's total cost after minus before, USD.
    pub delta_usd: f64,
}

impl LedgerTable {
    /// Prices every request that started in `[from_ms, until_ms)` again with `price` (the user
    /// asked: a newer price file, an override), moving each change into the rollups. A request
    /// `price` cannot price keeps the cost it has. One transaction per hour.
    pub fn reprice_period(
        &self,
        from_ms: i64,
        until_ms: i64,
        price: impl Fn(&RequestRecord) -> Option<f64>,
    ) -> Result<Repriced, StoreError> {
        let hours: Vec<i64> = self.db.with(|c| {
            let mut st = c.prepare(
                "SELECT DISTINCT hour_ms FROM usage_hours WHERE hour_ms >= ?1 AND hour_ms < ?2
                 ORDER BY hour_ms",
            )?;
            let rows = st.query_map(
                params![from_ms - from_ms.rem_euclid(HOUR_MS), until_ms],
                |r| r.get(0),
            )?;
            Ok(rows.collect::<Result<_, _>>()?)
        })?;
        let mut done = Repriced::default();
        for hour in hours {
            let one = self.db.with(|c| {
                let tx = c.transaction()?;
                let one = reprice_hour_again(&tx, hour, (from_ms, until_ms), &price)?;
                tx.commit()?;
                Ok(one)
            })?;
            done.requests += one.requests;
            done.changed += one.changed;
            done.delta_usd += one.delta_usd;
        }
        Ok(done)
    }
}

/// Prices every row that started in `hour` and in `[from_ms, until_ms)` again; moves the
/// differences into the rollups.
fn reprice_hour_again(
    tx: &Transaction<'_>,
    hour: i64,
    (from_ms, until_ms): (i64, i64),
    price: &impl Fn(&RequestRecord) -> Option<f64>,
) -> Result<Repriced, StoreError> {
    let (Some(from), Some(to)) = (hour_text(hour), hour_text(hour + HOUR_MS)) else {
        return Ok(Repriced::default());
    };
    let found: Vec<RequestRecord> = tx
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM requests WHERE started_at >= ?1 AND started_at < ?2"
        ))?
        .query_map(params![from, to], from_row)?
        .filter(|r| {
            r.as_ref().map_or(true, |r| {
                ms_of(&r.started_at).is_some_and(|ms| (from_ms..until_ms).contains(&ms))
            })
        })
        .collect::<Result<_, _>>()?;
    let mut set = tx.prepare_cached("UPDATE requests SET cost_usd = ?2 WHERE id = ?1")?;
    let mut deltas = Deltas::default();
    let mut done = Repriced {
        requests: found.len() as u64,
        ..Repriced::default()
    };
    for r in found {
        let Some(new) = price(&r).filter(|c| c.is_finite() && *c >= 0.0) else {
            continue;
        };
        let delta = new - r.cost_usd.unwrap_or(0.0);
        if r.cost_usd.is_some() && delta.abs() < 1e-12 {
            continue;
        }
        let Some(rolled) = hour_of(&r.started_at) else {
            continue;
        };
        set.execute(params![r.id, new])?;
        deltas.add(rolled, &r, delta, r.cost_usd.is_none());
        done.changed += 1;
        done.delta_usd += delta;
    }
    deltas.write(tx)?;
    Ok(done)
}

/// Prices the unpriced, priceable rows that started in `hour`, and their rollups.
fn reprice_hour(
    tx: &Transaction<'_>,
    hour: i64,
    priceable: &impl Fn(&str, &str) -> bool,
    price: &impl Fn(&RequestRecord) -> Option<f64>,
) -> Result<u64, StoreError> {
    let (Some(from), Some(to)) = (hour_text(hour), hour_text(hour + HOUR_MS)) else {
        return Ok(0);
    };
    let found: Vec<RequestRecord> = tx
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM requests
             WHERE started_at >= ?1 AND started_at < ?2 AND cost_usd IS NULL"
        ))?
        .query_map(params![from, to], from_row)?
        .collect::<Result<_, _>>()?;
    let mut set = tx.prepare_cached("UPDATE requests SET cost_usd = ?2 WHERE id = ?1")?;
    let mut deltas = Deltas::default();
    let mut priced = 0u64;
    for r in found {
        let model = r.model.as_deref().unwrap_or(&r.requested_model);
        if !priceable(r.backend.as_deref().unwrap_or_default(), model) {
            continue;
        }
        let Some(cost) = price(&r).filter(|c| c.is_finite() && *c >= 0.0) else {
            continue;
        };
        // The hour it was rolled up in (the same as `hour` for the ledger's UTC form).
        let Some(rolled) = hour_of(&r.started_at) else {
            continue;
        };
        set.execute(params![r.id, cost])?;
        deltas.add(rolled, &r, cost, true);
        priced += 1;
    }
    deltas.write(tx)?;
    Ok(priced)
}

#[cfg(test)]
#[path = "reprice_tests.rs"]
mod tests;
