//! The gateway's spend in a range, for the usage report's `gateway` row, exact at its edges: a
//! range under a day is summed from the ledger's rows; a longer one from the hourly rollups for
//! the whole hours inside it and from the rows of the partial hour at each end. Reasoning
//! tokens are not in the rollups: they are summed from the rows that have any (a partial index,
//! `requests_reasoning`, holds only those).

use crate::tables::LedgerTable;
use crate::tool_usage_summary::ToolUsageRow;
use crate::usage::{rfc3339_nanos, HOUR_MS};
use crate::StoreError;
use rusqlite::{params, Connection};

/// Ranges shorter than this are read from rows only.
const DAY_MS: i64 = 24 * HOUR_MS;

/// 9999-12-31T23:59:59.999Z: the last time RFC 3339 writes (a later bound means "no end").
const LAST_MS: i64 = 253_402_300_799_999;

/// A `TOTAL()`: saturated at `u64::MAX`, 0 for negatives and NaN (`as` saturates).
fn count_of(v: f64) -> u64 {
    v as u64
}

/// Sums of the rows started in `[since_ms, until_ms)` (reasoning left out).
fn from_rows(c: &Connection, since_ms: i64, until_ms: i64) -> rusqlite::Result<ToolUsageRow> {
    if until_ms <= since_ms {
        return Ok(ToolUsageRow::default());
    }
    c.prepare_cached(
        "SELECT TOTAL(1), TOTAL(input_tokens), TOTAL(output_tokens), TOTAL(cache_read_tokens),
           TOTAL(cache_write_tokens), TOTAL(cost_usd), TOTAL(cost_usd IS NULL)
         FROM requests WHERE started_at >= ?1 AND started_at < ?2",
    )?
    .query_row(
        params![rfc3339_nanos(since_ms), rfc3339_nanos(until_ms)],
        spend_at,
    )
}

/// Sums of the hourly rollups of the hours starting in `[since_ms, until_ms)`.
fn from_hours(c: &Connection, since_ms: i64, until_ms: i64) -> rusqlite::Result<ToolUsageRow> {
    c.prepare_cached(
        "SELECT TOTAL(requests), TOTAL(input_tokens), TOTAL(output_tokens),
           TOTAL(cache_read_tokens), TOTAL(cache_write_tokens), TOTAL(cost_usd), TOTAL(unpriced)
         FROM usage_hours WHERE hour_ms >= ?1 AND hour_ms < ?2",
    )?
    .query_row(params![since_ms, until_ms], spend_at)
}

/// A row of seven `TOTAL()`s: requests, input, output, cache read, cache write, cost, unpriced.
fn spend_at(r: &rusqlite::Row<'_>) -> rusqlite::Result<ToolUsageRow> {
    Ok(ToolUsageRow {
        group: String::new(),
        requests: count_of(r.get(0)?),
        input_tokens: count_of(r.get(1)?),
        output_tokens: count_of(r.get(2)?),
        cache_read_tokens: count_of(r.get(3)?),
        cache_write_tokens: count_of(r.get(4)?),
        reasoning_tokens: 0,
        cost_usd: r.get(5)?,
        unpriced: count_of(r.get(6)?),
        via_gateway: 0,
    })
}

impl LedgerTable {
    /// The usage report's `gateway` row: what the gateway carried in `[since_ms, until_ms)`,
    /// every request, errors included (as the rollups count), exact at both ends to within a
    /// second: the ledger's times leave out trailing zeros of their fraction, so a row compares
    /// as text up to that much later than it started (see the module docs).
    pub fn gateway_spend(&self, since_ms: i64, until_ms: i64) -> Result<ToolUsageRow, StoreError> {
        let (since_ms, until_ms) = (since_ms.clamp(0, LAST_MS), until_ms.clamp(0, LAST_MS));
        self.db.with(|c| {
            let mut spend = if until_ms.saturating_sub(since_ms) < DAY_MS {
                from_rows(c, since_ms, until_ms)?
            } else {
                // The whole hours inside the range, and the partial ones at its ends.
                let first = since_ms.div_euclid(HOUR_MS) * HOUR_MS
                    + if since_ms.rem_euclid(HOUR_MS) == 0 {
                        0
                    } else {
                        HOUR_MS
                    };
                let last = until_ms.div_euclid(HOUR_MS) * HOUR_MS;
                let mut s = from_rows(c, since_ms, first)?;
                s.add(&from_hours(c, first, last)?);
                s.add(&from_rows(c, last, until_ms)?);
                s
            };
            let reasoning: f64 = c
                .prepare_cached(
                    "SELECT TOTAL(reasoning_tokens) FROM requests
                     WHERE reasoning_tokens > 0 AND started_at >= ?1 AND started_at < ?2",
                )?
                .query_row(
                    params![rfc3339_nanos(since_ms), rfc3339_nanos(until_ms)],
                    |r| r.get(0),
                )?;
            spend.reasoning_tokens = count_of(reasoning);
            spend.group = "gateway".into();
            Ok(spend)
        })
    }
}

#[cfg(test)]
#[path = "gateway_spend_tests.rs"]
mod tests;
