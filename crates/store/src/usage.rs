//! Usage rollups: the ledger summed per UTC hour and (backend, model, route, token), kept up to
//! date in the same transaction as every ledger batch, so cost and usage charts read a few
//! thousand rollup rows instead of scanning millions of requests, and outlive the raw rows'
//! retention.
//!
//! Invariants:
//! - a request is rolled up exactly once: ledger inserts are idempotent by request id (a
//!   repeated id is ignored, rows and rollups alike);
//! - a request without a known price adds to `unpriced`, never $0 to `cost_usd`;
//! - hours are UTC; charts group them into the user's days with a whole-minute offset.

use crate::{RequestRecord, Store, StoreError};
use rusqlite::{params, Transaction};
use std::collections::HashMap;

const HOUR_MS: i64 = 3_600_000;

/// Sums over a set of requests.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct UsageTotals {
    pub requests: u64,
    /// Status ≥ 400, or no answer at all.
    pub errors: u64,
    /// Answered from the response cache.
    pub cache_hits: u64,
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub cache_read_tokens: u64,
    pub cache_write_tokens: u64,
    /// Known cost only.
    pub cost_usd: f64,
    /// Requests whose model has no known price (their cost is not in `cost_usd`).
    pub unpriced: u64,
    pub saved_usd: f64,
    pub latency_ms_sum: u64,
}

impl UsageTotals {
    fn add(&mut self, r: &RequestRecord) {
        self.requests += 1;
        self.errors += u64::from(r.status >= 400 || r.status == 0);
        self.cache_hits += u64::from(matches!(r.cache.as_deref(), Some("hit" | "shared")));
        self.input_tokens += r.input_tokens;
        self.output_tokens += r.output_tokens;
        self.cache_read_tokens += r.cache_read_tokens;
        self.cache_write_tokens += r.cache_write_tokens;
        match r.cost_usd {
            Some(c) if c.is_finite() => self.cost_usd += c,
            _ => self.unpriced += 1,
        }
        self.saved_usd += r.saved_usd.filter(|s| s.is_finite()).unwrap_or(0.0);
        self.latency_ms_sum += u64::from(r.latency_ms);
    }
}

/// What usage is broken down by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dimension {
    Backend,
    Model,
    Route,
    Token,
}

impl Dimension {
    fn column(self) -> &'static str {
        match self {
            Dimension::Backend => "backend",
            Dimension::Model => "model",
            Dimension::Route => "route",
            Dimension::Token => "token_name",
        }
    }
}

/// The hour (Unix ms, UTC) an RFC 3339 time falls in.
pub fn hour_of(rfc3339: &str) -> Option<i64> {
    let t = time::OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339)
        .ok()?;
    let ms = i64::try_from(t.unix_timestamp_nanos() / 1_000_000).ok()?;
    Some(ms.div_euclid(HOUR_MS) * HOUR_MS)
}

type GroupKey = (i64, String, String, String, String);

/// Adds newly inserted requests to the rollups, inside the ledger's transaction.
pub(crate) fn roll_up(tx: &Transaction<'_>, inserted: &[&RequestRecord]) -> Result<(), StoreError> {
    let mut groups: HashMap<GroupKey, UsageTotals> = HashMap::new();
    for r in inserted {
        let Some(hour) = hour_of(&r.started_at) else {
            tracing::warn!(id = %r.id, "ledger row with an unreadable time not rolled up");
            continue;
        };
        let key = (
            hour,
            r.backend.clone().unwrap_or_default(),
            r.model.clone().unwrap_or_else(|| r.requested_model.clone()),
            r.route.clone().unwrap_or_default(),
            r.token_name.clone().unwrap_or_default(),
        );
        groups.entry(key).or_default().add(r);
    }
    let mut up = tx.prepare_cached(
        "INSERT INTO usage_hours (hour_ms, backend, model, route, token_name, requests, errors,
           cache_hits, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens,
           cost_usd, unpriced, saved_usd, latency_ms_sum)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
         ON CONFLICT (hour_ms, backend, model, route, token_name) DO UPDATE SET
           requests = requests + excluded.requests, errors = errors + excluded.errors,
           cache_hits = cache_hits + excluded.cache_hits,
           input_tokens = input_tokens + excluded.input_tokens,
           output_tokens = output_tokens + excluded.output_tokens,
           cache_read_tokens = cache_read_tokens + excluded.cache_read_tokens,
           cache_write_tokens = cache_write_tokens + excluded.cache_write_tokens,
           cost_usd = cost_usd + excluded.cost_usd, unpriced = unpriced + excluded.unpriced,
           saved_usd = saved_usd + excluded.saved_usd,
           latency_ms_sum = latency_ms_sum + excluded.latency_ms_sum",
    )?;
    let n = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
    for ((hour, backend, model, route, token), t) in groups {
        up.execute(params![
            hour,
            backend,
            model,
            route,
            token,
            n(t.requests),
            n(t.errors),
            n(t.cache_hits),
            n(t.input_tokens),
            n(t.output_tokens),
            n(t.cache_read_tokens),
            n(t.cache_write_tokens),
            t.cost_usd,
            n(t.unpriced),
            t.saved_usd,
            n(t.latency_ms_sum),
        ])?;
    }
    Ok(())
}

const SUMS: &str = "SUM(requests), SUM(errors), SUM(cache_hits), SUM(input_tokens),
    SUM(output_tokens), SUM(cache_read_tokens), SUM(cache_write_tokens), SUM(cost_usd),
    SUM(unpriced), SUM(saved_usd), SUM(latency_ms_sum)";

fn totals_at(r: &rusqlite::Row<'_>, first: usize) -> rusqlite::Result<UsageTotals> {
    let u = |i: usize| -> rusqlite::Result<u64> {
        Ok(u64::try_from(r.get::<_, Option<i64>>(first + i)?.unwrap_or(0)).unwrap_or(0))
    };
    let f = |i: usize| -> rusqlite::Result<f64> {
        Ok(r.get::<_, Option<f64>>(first + i)?.unwrap_or(0.0))
    };
    Ok(UsageTotals {
        requests: u(0)?,
        errors: u(1)?,
        cache_hits: u(2)?,
        input_tokens: u(3)?,
        output_tokens: u(4)?,
        cache_read_tokens: u(5)?,
        cache_write_tokens: u(6)?,
        cost_usd: f(7)?,
        unpriced: u(8)?,
        saved_usd: f(9)?,
        latency_ms_sum: u(10)?,
    })
}

impl Store {
    /// Everything in `[since_ms, until_ms)` (hour starts, Unix ms).
    pub fn usage_totals(&self, since_ms: i64, until_ms: i64) -> Result<UsageTotals, StoreError> {
        self.with(|c| {
            let sql =
                format!("SELECT {SUMS} FROM usage_hours WHERE hour_ms >= ?1 AND hour_ms < ?2");
            Ok(c.prepare_cached(&sql)?
                .query_row(params![since_ms, until_ms], |r| totals_at(r, 0))?)
        })
    }

    /// Totals per backend, model, route or token in the range, costliest first.
    pub fn usage_by(
        &self,
        dim: Dimension,
        since_ms: i64,
        until_ms: i64,
    ) -> Result<Vec<(String, UsageTotals)>, StoreError> {
        self.with(|c| {
            let col = dim.column();
            let sql = format!(
                "SELECT {col}, {SUMS} FROM usage_hours WHERE hour_ms >= ?1 AND hour_ms < ?2
                 GROUP BY {col} ORDER BY SUM(cost_usd) DESC, SUM(requests) DESC, {col}"
            );
            let mut st = c.prepare_cached(&sql)?;
            let rows = st
                .query_map(params![since_ms, until_ms], |r| {
                    Ok((r.get(0)?, totals_at(r, 1)?))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
    }

    /// A time series in buckets of `bucket_ms` (an hour or a day), aligned to the user's
    /// `offset_ms` from UTC, optionally split by a dimension (`""` as the key otherwise).
    /// Returns `(bucket start in Unix ms, key, totals)` ordered by bucket then key.
    pub fn usage_series(
        &self,
        since_ms: i64,
        until_ms: i64,
        bucket_ms: i64,
        offset_ms: i64,
        split: Option<Dimension>,
    ) -> Result<Vec<(i64, String, UsageTotals)>, StoreError> {
        if bucket_ms <= 0 || bucket_ms % HOUR_MS != 0 {
            return Err(StoreError::Invalid("buckets must be whole hours".into()));
        }
        self.with(|c| {
            let key = split.map_or("''", Dimension::column);
            let sql = format!(
                "SELECT ((hour_ms + ?4) / ?3) * ?3 - ?4 AS bucket, {key}, {SUMS} FROM usage_hours
                 WHERE hour_ms >= ?1 AND hour_ms < ?2 GROUP BY bucket, {key} ORDER BY bucket, {key}"
            );
            let mut st = c.prepare_cached(&sql)?;
            let rows = st
                .query_map(params![since_ms, until_ms, bucket_ms, offset_ms], |r| {
                    Ok((r.get(0)?, r.get(1)?, totals_at(r, 2)?))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
    }
}

#[cfg(test)]
#[path = "usage_tests.rs"]
mod tests;
