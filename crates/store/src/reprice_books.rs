//! Repricing the ledger from a provider's own books, on the user's request only (issue 75):
//! where the provider reports what a day's requests on one of the user's keys and one model
//! cost, the gateway's rows of that day, backend, key and model are scaled so their costs sum
//! to it. The rows and the usage rollups move together, one transaction per hour, exactly as
//! [`LedgerTable::reprice_period`] moves them (`reprice.rs`'s deltas).
//!
//! Invariants:
//! - only the rows `BooksTable::ledger_days` counts for the books are touched: status < 400, a
//!   backend and a model, no cache hit or shared answer, not `count_tokens`; and of those only
//!   the ones with a cost (an unpriced row stays unpriced). Tools' own records
//!   (`tool_usage`) are never read or written;
//! - the rows are found through the rollups' hours of the day and, within those, by the
//!   `started_at` index; the model is matched in Rust (`model_key`, the books' name for it).

use crate::books::day_start_ms;
use crate::ledger::{from_row, COLUMNS};
use crate::reprice::{hour_text, Deltas};
use crate::tables::{BooksTable, LedgerTable};
use crate::usage::{hour_of, HOUR_MS};
use crate::{RequestRecord, StoreError};
use rusqlite::{params, Transaction};
use std::collections::BTreeMap;

/// One grain of the books to bring the ledger to: the gateway rows of `day` (UTC,
/// `YYYY-MM-DD`), `backend` (its name, as rows carry it), `key_label` and the model whose
/// `model_key` is `model`, their costs multiplied by `factor`.
#[derive(Debug, Clone, PartialEq)]
pub struct BooksFactor {
    pub day: String,
    pub backend: String,
    pub key_label: String,
    pub model: String,
    pub factor: f64,
}

/// What repricing from the books did.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct RepricedFromBooks {
    /// Rows whose cost changed.
    pub rows: u64,
    /// Those rows' cost before and after, USD.
    pub before_usd: f64,
    pub after_usd: f64,
}

impl LedgerTable {
    /// Scales the costs of each grain's rows by its factor (factors that are not finite or
    /// not above zero are skipped), moving each change into the rollups: one transaction per
    /// hour. `model_key` gives a row's model as the books name it.
    pub fn reprice_from_books(
        &self,
        grains: &[BooksFactor],
        model_key: impl Fn(&str) -> String,
    ) -> Result<RepricedFromBooks, StoreError> {
        let mut by_day: BTreeMap<&str, Vec<&BooksFactor>> = BTreeMap::new();
        for g in grains
            .iter()
            .filter(|g| g.factor.is_finite() && g.factor > 0.0)
        {
            by_day.entry(g.day.as_str()).or_default().push(g);
        }
        let mut done = RepricedFromBooks::default();
        for (day, grains) in by_day {
            let (from, until) = (day_start_ms(day, 0)?, day_start_ms(day, 1)?);
            let hours: Vec<i64> = self.db.with(|c| {
                let mut st = c.prepare(
                    "SELECT DISTINCT hour_ms FROM usage_hours WHERE hour_ms >= ?1 AND hour_ms < ?2
                     ORDER BY hour_ms",
                )?;
                let rows = st.query_map(params![from, until], |r| r.get(0))?;
                Ok(rows.collect::<Result<_, _>>()?)
            })?;
            for hour in hours {
                let one = self.db.with(|c| {
                    let tx = c.transaction()?;
                    let one = scale_hour(&tx, hour, &grains, &model_key)?;
                    tx.commit()?;
                    Ok(one)
                })?;
                done.rows += one.rows;
                done.before_usd += one.before_usd;
                done.after_usd += one.after_usd;
            }
        }
        Ok(done)
    }
}

impl BooksTable {
    /// [`LedgerTable::reprice_from_books`]: the one ledger write the books' handle makes.
    pub fn reprice_from_books(
        &self,
        grains: &[BooksFactor],
        model_key: impl Fn(&str) -> String,
    ) -> Result<RepricedFromBooks, StoreError> {
        self.db.ledger().reprice_from_books(grains, model_key)
    }
}

/// The factor of the grain `r` belongs to, if any (the books' filter, then backend, key and
/// model).
fn factor_of(
    r: &RequestRecord,
    grains: &[&BooksFactor],
    model_key: &impl Fn(&str) -> String,
) -> Option<f64> {
    if r.status >= 400
        || r.inbound == "count_tokens"
        || matches!(r.cache.as_deref(), Some("hit" | "shared"))
        || r.cost_usd.is_none()
    {
        return None;
    }
    let (backend, label, model) = (
        r.backend.as_deref()?,
        r.key_label.as_deref()?,
        r.model.as_deref()?,
    );
    let model = model_key(model);
    grains
        .iter()
        .find(|g| g.backend == backend && g.key_label == label && g.model == model)
        .map(|g| g.factor)
}

/// Scales the rows of the grains that started in `hour`; moves the differences into the
/// rollups.
fn scale_hour(
    tx: &Transaction<'_>,
    hour: i64,
    grains: &[&BooksFactor],
    model_key: &impl Fn(&str) -> String,
) -> Result<RepricedFromBooks, StoreError> {
    let (Some(from), Some(to)) = (hour_text(hour), hour_text(hour + HOUR_MS)) else {
        return Ok(RepricedFromBooks::default());
    };
    let found: Vec<RequestRecord> = tx
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM requests
             WHERE started_at >= ?1 AND started_at < ?2 AND cost_usd IS NOT NULL
               AND status < 400 AND backend IS NOT NULL AND model IS NOT NULL"
        ))?
        .query_map(params![from, to], from_row)?
        .collect::<Result<_, _>>()?;
    let mut set = tx.prepare_cached("UPDATE requests SET cost_usd = ?2 WHERE id = ?1")?;
    let mut deltas = Deltas::default();
    let mut done = RepricedFromBooks::default();
    for r in found {
        let (Some(factor), Some(old)) = (factor_of(&r, grains, model_key), r.cost_usd) else {
            continue;
        };
        let new = old * factor;
        if !new.is_finite() || (new - old).abs() < 1e-15 {
            continue;
        }
        let Some(rolled) = hour_of(&r.started_at) else {
            continue;
        };
        set.execute(params![r.id, new])?;
        deltas.add(rolled, &r, new - old, false);
        done.rows += 1;
        done.before_usd += old;
        done.after_usd += new;
    }
    deltas.write(tx)?;
    Ok(done)
}

#[cfg(test)]
#[path = "reprice_books_tests.rs"]
mod tests;
