//! Usage rollups: the ledger summed per UTC hour, kept up to date in the same transaction as
//! every ledger batch, so cost and usage charts read a few thousand rollup rows instead of
//! scanning millions of requests, and outlive the raw rows' retention. Two narrow tables rather
//! than one wide one (a table keyed by every dimension at once grows with their product):
//! `usage_hours` per (backend, model), and `usage_hours_by` per single other dimension — `route`,
//! `token`, `inbound` (the API the caller used) and `cache` (the Cache page's "route, or the
//! model when no route applied", for requests that met the cache).
//!
//! Invariants:
//! - a request is rolled up exactly once: ledger inserts are idempotent by request id (a
//!   repeated id is ignored, rows and rollups alike);
//! - a request without a known price adds to `unpriced`, never $0 to `cost_usd`;
//! - hours are UTC; charts group them into the user's days with a whole-minute offset.
//!
//! Latency histograms for percentiles are rolled up in the same pass (see `latency`). Writing
//! the rollups is `rollup.rs`; reading them is here.

use crate::tables::LedgerTable;

use crate::{RequestRecord, StoreError};
use rusqlite::params;

pub(crate) const HOUR_MS: i64 = 3_600_000;

/// Sums over a set of requests.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct UsageTotals {
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub requests: u64,
    /// Status ≥ 400, or no answer at all.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub errors: u64,
    /// Answered from the response cache.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub cache_hits: u64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub input_tokens: u64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub output_tokens: u64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub cache_read_tokens: u64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub cache_write_tokens: u64,
    /// Known cost only.
    pub cost_usd: f64,
    /// Requests whose model has no known price (their cost is not in `cost_usd`).
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub unpriced: u64,
    pub saved_usd: f64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub latency_ms_sum: u64,
    /// Requests that consulted the response cache (hit, shared, miss, refresh).
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub cache_lookups: u64,
    /// Of those, answered without an upstream call through a concurrent identical request.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub cache_shared: u64,
    /// Requests that skipped the cache (bypass header, or not cacheable).
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub cache_skipped: u64,
}

impl UsageTotals {
    pub(crate) fn add(&mut self, r: &RequestRecord) {
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
        let cache = r.cache.as_deref();
        self.cache_lookups +=
            u64::from(matches!(cache, Some("hit" | "shared" | "miss" | "refresh")));
        self.cache_shared += u64::from(cache == Some("shared"));
        self.cache_skipped += u64::from(matches!(cache, Some("bypass" | "skip")));
    }
}

/// What usage is broken down by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dimension {
    Backend,
    Model,
    Route,
    Token,
    /// The API the caller used (the ledger's `inbound`: `openai`, `responses`, …).
    Inbound,
}

impl Dimension {
    /// Where it is summed: a column of `usage_hours`, or a `dim` of `usage_hours_by`.
    fn source(self) -> Source {
        match self {
            Dimension::Backend => Source::Column("backend"),
            Dimension::Model => Source::Column("model"),
            Dimension::Route => Source::By("route"),
            Dimension::Token => Source::By("token"),
            Dimension::Inbound => Source::By("inbound"),
        }
    }
}

enum Source {
    Column(&'static str),
    By(&'static str),
}

impl Source {
    /// `(table with its filter, key expression)`.
    fn sql(&self) -> (String, &'static str) {
        match self {
            Source::Column(col) => ("usage_hours WHERE 1 = 1".to_string(), col),
            Source::By(dim) => (format!("usage_hours_by WHERE dim = '{dim}'"), "value"),
        }
    }
}

/// The hour (Unix ms, UTC) an RFC 3339 time falls in.
pub fn hour_of(rfc3339: &str) -> Option<i64> {
    Some(ms_of(rfc3339)?.div_euclid(HOUR_MS) * HOUR_MS)
}

/// An RFC 3339 time as Unix ms (UTC).
pub(crate) fn ms_of(rfc3339: &str) -> Option<i64> {
    let t = time::OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339)
        .ok()?;
    i64::try_from(t.unix_timestamp_nanos().div_euclid(1_000_000)).ok()
}

/// Unix ms as the ledger's RFC 3339 UTC with all nine fractional digits, so that it compares
/// as text with the ledger's times the way the times compare (theirs leave out a zero fraction).
pub(crate) fn rfc3339_nanos(ms: i64) -> String {
    let t = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:09}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.nanosecond()
    )
}

/// Series buckets are whole hours: the rollups cannot be split finer.
pub(crate) fn check_bucket(bucket_ms: i64) -> Result<(), StoreError> {
    if bucket_ms <= 0 || bucket_ms % HOUR_MS != 0 {
        return Err(StoreError::Invalid("buckets must be whole hours".into()));
    }
    Ok(())
}

pub(crate) const SUM_COLUMNS: [&str; 14] = [
    "requests",
    "errors",
    "input_tokens",
    "output_tokens",
    "cache_read_tokens",
    "cache_write_tokens",
    "cost_usd",
    "unpriced",
    "latency_ms_sum",
    "cache_lookups",
    "cache_hits",
    "cache_shared",
    "cache_skipped",
    "saved_usd",
];

/// `SUM(col)` for every sum column, in [`SUM_COLUMNS`] order.
pub(crate) fn sums() -> String {
    SUM_COLUMNS
        .iter()
        .map(|c| format!("SUM({c})"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(crate) fn totals_at(r: &rusqlite::Row<'_>, first: usize) -> rusqlite::Result<UsageTotals> {
    let u = |i: usize| -> rusqlite::Result<u64> {
        Ok(u64::try_from(r.get::<_, Option<i64>>(first + i)?.unwrap_or(0)).unwrap_or(0))
    };
    let f = |i: usize| -> rusqlite::Result<f64> {
        Ok(r.get::<_, Option<f64>>(first + i)?.unwrap_or(0.0))
    };
    Ok(UsageTotals {
        requests: u(0)?,
        errors: u(1)?,
        input_tokens: u(2)?,
        output_tokens: u(3)?,
        cache_read_tokens: u(4)?,
        cache_write_tokens: u(5)?,
        cost_usd: f(6)?,
        unpriced: u(7)?,
        latency_ms_sum: u(8)?,
        cache_lookups: u(9)?,
        cache_hits: u(10)?,
        cache_shared: u(11)?,
        cache_skipped: u(12)?,
        saved_usd: f(13)?,
    })
}

impl LedgerTable {
    /// Everything in `[since_ms, until_ms)` (hour starts, Unix ms).
    pub fn usage_totals(&self, since_ms: i64, until_ms: i64) -> Result<UsageTotals, StoreError> {
        self.db.with(|c| {
            let sql = format!(
                "SELECT {} FROM usage_hours WHERE hour_ms >= ?1 AND hour_ms < ?2",
                sums()
            );
            Ok(c.prepare_cached(&sql)?
                .query_row(params![since_ms, until_ms], |r| totals_at(r, 0))?)
        })
    }

    /// Totals per backend, model, route, token or API in the range, costliest first.
    pub fn usage_by(
        &self,
        dim: Dimension,
        since_ms: i64,
        until_ms: i64,
    ) -> Result<Vec<(String, UsageTotals)>, StoreError> {
        self.grouped(dim.source(), since_ms, until_ms)
    }

    /// Response-cache use per "route, or the requested model when no route applied", for
    /// requests that met the cache in the range, busiest first.
    pub fn cache_usage_by_route(
        &self,
        since_ms: i64,
        until_ms: i64,
    ) -> Result<Vec<(String, UsageTotals)>, StoreError> {
        let mut rows = self.grouped(Source::By("cache"), since_ms, until_ms)?;
        rows.sort_by(|a, b| {
            b.1.cache_lookups
                .cmp(&a.1.cache_lookups)
                .then(a.0.cmp(&b.0))
        });
        Ok(rows)
    }

    fn grouped(
        &self,
        source: Source,
        since_ms: i64,
        until_ms: i64,
    ) -> Result<Vec<(String, UsageTotals)>, StoreError> {
        self.db.with(|c| {
            let (table, key) = source.sql();
            let sql = format!(
                "SELECT {key}, {} FROM {table} AND hour_ms >= ?1 AND hour_ms < ?2
                 GROUP BY {key} ORDER BY SUM(cost_usd) DESC, SUM(requests) DESC, {key}",
                sums()
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
        check_bucket(bucket_ms)?;
        self.db.with(|c| {
            let (table, key) = match split.map(Dimension::source) {
                Some(src) => src.sql(),
                None => ("usage_hours WHERE 1 = 1".to_string(), "''"),
            };
            let sql = format!(
                "SELECT ((hour_ms + ?4) / ?3) * ?3 - ?4 AS bucket, {key}, {} FROM {table}
                 AND hour_ms >= ?1 AND hour_ms < ?2 GROUP BY bucket, {key} ORDER BY bucket, {key}",
                sums()
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
