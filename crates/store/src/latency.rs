//! Latency percentiles: a log-scale histogram of request latencies per UTC hour and backend
//! (`usage_latency`), rolled up in the same transaction as every ledger batch like the usage
//! totals, so p50–p99 over any range read a few thousand histogram rows, never the raw ledger.
//!
//! Buckets are geometric, four per doubling: bucket `b ≥ 1` holds the whole milliseconds in
//! `[2^(b/4), 2^((b+1)/4))`, bucket 0 holds 0–1 ms, and the last bucket ([`LAST_BUCKET`], from
//! ≈ 10.4 minutes) holds everything slower. Latencies are whole milliseconds, so the lower edges
//! are kept as integers, `⌈2^(b/4)⌉` ([`EDGES_MS`]); some small buckets hold no whole millisecond
//! and stay empty. Migration 8 repeats the edges in SQL for its backfill; a test holds the two
//! to the same bucketing.
//!
//! Error bound: a percentile is read from the bucket that holds the exact (nearest-rank) value
//! and interpolated linearly between that bucket's first and last whole millisecond, so it is
//! within `2^(1/4) − 1 ≈ 18.9 %` of the exact value (within 1 ms in bucket 0), and exact when the
//! bucket holds a single millisecond value. The open last bucket reads as its lower edge.
//!
//! Invariants:
//! - only answered requests count (status 1–399, cache hits included: they were served).
//!   Errors are left out because their latency measures a limit, not the service: a timeout
//!   would pull p95/p99 to the timeout value, and a fast refusal would pull p50 down. Error
//!   rates are in the usage totals;
//! - a request is counted exactly once: it is rolled up only when its ledger row is new;
//! - series buckets group UTC hours exactly as `usage_series` does (whole hours, user offset).

use crate::usage::check_bucket;
use crate::{RequestRecord, Store, StoreError};
use rusqlite::{params, ToSql, Transaction};
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// Index of the last, open-ended bucket.
pub(crate) const LAST_BUCKET: usize = 77;

/// Lower edge of each bucket in whole ms: `⌈2^(b/4)⌉`, and 0 for bucket 0. Non-decreasing.
pub(crate) const EDGES_MS: [u32; LAST_BUCKET + 1] = [
    0, 2, 2, 2, 2, 3, 3, 4, 4, 5, 6, 7, 8, 10, 12, 14, 16, 20, 23, 27, 32, 39, 46, 54, 64, 77, 91,
    108, 128, 153, 182, 216, 256, 305, 363, 431, 512, 609, 725, 862, 1024, 1218, 1449, 1723, 2048,
    2436, 2897, 3445, 4096, 4871, 5793, 6889, 8192, 9742, 11586, 13778, 16384, 19484, 23171, 27555,
    32768, 38968, 46341, 55109, 65536, 77936, 92682, 110218, 131072, 155872, 185364, 220436,
    262144, 311744, 370728, 440872, 524288, 623488,
];

/// The bucket a latency falls in: the last one whose lower edge is ≤ `ms`.
pub(crate) fn bucket_of(ms: u32) -> usize {
    // EDGES_MS[0] = 0, so at least one edge is ≤ ms.
    EDGES_MS.partition_point(|&lo| lo <= ms).saturating_sub(1)
}

/// The whole milliseconds bucket `b` spans, first and last (the last bucket: its lower edge).
fn span(b: usize) -> (f64, f64) {
    let lo = EDGES_MS[b];
    let hi = EDGES_MS
        .get(b + 1)
        .map_or(lo, |next| next.saturating_sub(1).max(lo));
    (f64::from(lo), f64::from(hi))
}

/// Whether a request's latency belongs in the histogram (see the module invariants).
pub(crate) fn counted(status: u16) -> bool {
    status > 0 && status < 400
}

/// Latency percentiles of the answered requests in one series bucket, in ms.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LatencyPoint {
    /// Start of the series bucket (Unix ms), or the range's `since_ms` for a whole-range point.
    pub bucket_ms: i64,
    /// Answered requests in the bucket.
    pub count: u64,
    pub p50: f64,
    pub p90: f64,
    pub p95: f64,
    pub p99: f64,
}

/// The latency histogram counts of one ledger batch, summed before they are written. Ordered by
/// key so the upserts walk the table's primary key in order.
#[derive(Default)]
pub(crate) struct LatencyRollup<'a> {
    counts: BTreeMap<(i64, &'a str, i64), i64>,
}

/// Rows per multi-row upsert: a batch touches hundreds of (hour, backend, bucket) cells, and one
/// statement per cell would cost a statement execution each on the ledger's hot path.
const CHUNK: usize = 32;

/// `INSERT … VALUES (…), … ON CONFLICT DO UPDATE` adding the counts of `rows` cells.
fn upsert(rows: usize) -> String {
    format!(
        "INSERT INTO usage_latency (hour_ms, backend, bucket, count) VALUES {}
         ON CONFLICT (hour_ms, backend, bucket) DO UPDATE SET count = count + excluded.count",
        vec!["(?, ?, ?, ?)"; rows].join(", ")
    )
}

static UPSERT_ONE: LazyLock<String> = LazyLock::new(|| upsert(1));
static UPSERT_CHUNK: LazyLock<String> = LazyLock::new(|| upsert(CHUNK));

impl<'a> LatencyRollup<'a> {
    /// Adds one newly inserted request started in `hour` (ignored unless answered).
    pub(crate) fn add(&mut self, hour: i64, r: &'a RequestRecord) {
        if !counted(r.status) {
            return;
        }
        let backend = r.backend.as_deref().unwrap_or_default();
        // Lossless: a bucket is at most LAST_BUCKET.
        let bucket = bucket_of(r.latency_ms) as i64;
        *self.counts.entry((hour, backend, bucket)).or_default() += 1;
    }

    /// Adds the counts to `usage_latency`, inside the ledger's transaction.
    pub(crate) fn write(&self, tx: &Transaction<'_>) -> Result<(), StoreError> {
        let mut many = tx.prepare_cached(&UPSERT_CHUNK)?;
        let mut args: Vec<&dyn ToSql> = Vec::with_capacity(4 * CHUNK);
        for ((hour, backend, bucket), n) in &self.counts {
            args.extend([hour as &dyn ToSql, backend, bucket, n]);
            if args.len() == 4 * CHUNK {
                many.execute(&*args)?;
                args.clear();
            }
        }
        let mut one = tx.prepare_cached(&UPSERT_ONE)?;
        for cell in args.chunks_exact(4) {
            one.execute(cell)?;
        }
        Ok(())
    }
}

/// Per mille of each reported percentile, in [`LatencyPoint`] field order.
const PERCENTILES: [u64; 4] = [500, 900, 950, 990];

/// Counts per histogram bucket.
type Hist = [u64; LAST_BUCKET + 1];

/// The `per_mille` percentile of a histogram holding `total` > 0 latencies: the bucket holding
/// the nearest-rank value, interpolated linearly at the rank's place within it.
fn percentile(hist: &Hist, total: u64, per_mille: u64) -> f64 {
    let rank = (u128::from(total) * u128::from(per_mille))
        .div_ceil(1000)
        .max(1);
    let mut before = 0u128;
    for (b, &n) in hist.iter().enumerate() {
        let n = u128::from(n);
        if n > 0 && rank <= before + n {
            let (lo, hi) = span(b);
            let within = ((rank - before) as f64 - 0.5) / n as f64;
            return lo + (hi - lo) * within;
        }
        before += n;
    }
    span(LAST_BUCKET).0
}

/// One point from the histogram of a series bucket, or `None` when it counted nothing.
fn point(bucket_ms: i64, hist: &Hist) -> Option<LatencyPoint> {
    let count = hist.iter().fold(0u64, |a, &n| a.saturating_add(n));
    if count == 0 {
        return None;
    }
    let [p50, p90, p95, p99] = PERCENTILES.map(|p| percentile(hist, count, p));
    Some(LatencyPoint {
        bucket_ms,
        count,
        p50,
        p90,
        p95,
        p99,
    })
}

/// The start of the series bucket an hour falls in, with `usage_series`'s arithmetic (SQLite's
/// integer division truncates toward zero, as Rust's does).
fn series_start(hour_ms: i64, bucket_ms: i64, offset_ms: i64) -> i64 {
    let shifted = hour_ms.saturating_add(offset_ms);
    (shifted / bucket_ms)
        .saturating_mul(bucket_ms)
        .saturating_sub(offset_ms)
}

impl Store {
    /// Latency percentiles (ms) of the answered requests in `[since_ms, until_ms)` (hour starts,
    /// Unix ms), optionally of one backend (`""`: requests that reached none). With `bucket_ms`
    /// (whole hours, aligned to the user's `offset_ms` from UTC, as in `usage_series`), one point
    /// per series bucket in order; without, one point for the whole range at `since_ms`. Buckets
    /// without answered requests have no point. Within the module's error bound of exact.
    pub fn latency_percentiles(
        &self,
        since_ms: i64,
        until_ms: i64,
        bucket_ms: Option<i64>,
        offset_ms: i64,
        backend: Option<&str>,
    ) -> Result<Vec<LatencyPoint>, StoreError> {
        if let Some(b) = bucket_ms {
            check_bucket(b)?;
        }
        self.with(|c| {
            // Summed here rather than by GROUP BY: the rows arrive in primary-key order without
            // a sort, which is most of the time a GROUP BY over months of hours would take.
            let mut st = c.prepare_cached(
                "SELECT hour_ms, bucket, count FROM usage_latency
                 WHERE hour_ms >= ?1 AND hour_ms < ?2 AND (?3 IS NULL OR backend = ?3)",
            )?;
            let mut rows = st.query(params![since_ms, until_ms, backend])?;
            let mut series: BTreeMap<i64, Hist> = BTreeMap::new();
            while let Some(r) = rows.next()? {
                let (hour, bucket, n): (i64, i64, i64) = (r.get(0)?, r.get(1)?, r.get(2)?);
                let b = usize::try_from(bucket)
                    .ok()
                    .filter(|b| *b <= LAST_BUCKET)
                    .ok_or_else(|| StoreError::Corrupt(format!("latency bucket {bucket}")))?;
                let start = bucket_ms.map_or(since_ms, |size| series_start(hour, size, offset_ms));
                let hist = series.entry(start).or_insert_with(|| [0; LAST_BUCKET + 1]);
                hist[b] = hist[b].saturating_add(u64::try_from(n).unwrap_or(0));
            }
            Ok(series
                .iter()
                .filter_map(|(&start, hist)| point(start, hist))
                .collect())
        })
    }
}

#[cfg(test)]
#[path = "latency_tests.rs"]
mod tests;
