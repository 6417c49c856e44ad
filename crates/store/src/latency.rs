//! Latency percentiles: a log-scale histogram of request latencies per UTC hour and backend
//! (`latency_hours`, one row each, its non-empty buckets packed as `"bucket:count,…"`), rolled
//! up in the same transaction as every ledger batch like the usage totals, so p50–p99 over any
//! range read at most hours × backends rows (streamed in key order and summed in Rust), never
//! the raw ledger.
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

use crate::tables::LedgerTable;

use crate::usage::check_bucket;
use crate::{RequestRecord, StoreError};
use rusqlite::{params, OptionalExtension, Transaction};
use std::collections::BTreeMap;
use std::fmt::Write as _;

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

/// The latency histograms of one ledger batch, summed before they are written: one per (hour,
/// backend) it touched — a handful, so a short list beats a map keyed by every cell.
#[derive(Default)]
pub(crate) struct LatencyRollup<'a> {
    hists: Vec<((i64, &'a str), Hist)>,
}

impl<'a> LatencyRollup<'a> {
    /// Adds one newly inserted request started in `hour` (ignored unless answered).
    pub(crate) fn add(&mut self, hour: i64, r: &'a RequestRecord) {
        if !counted(r.status) {
            return;
        }
        let key = (hour, r.backend.as_deref().unwrap_or_default());
        // From the end: a batch is in time order, so its current hours are the latest.
        let i = match self.hists.iter().rposition(|(k, _)| *k == key) {
            Some(i) => i,
            None => {
                self.hists.push((key, [0; LAST_BUCKET + 1]));
                self.hists.len() - 1
            }
        };
        self.hists[i].1[bucket_of(r.latency_ms)] += 1;
    }

    /// Adds the counts to `latency_hours`, inside the ledger's transaction: each (hour,
    /// backend) row is read, merged and written back. A stored row that cannot be read is
    /// replaced (and logged) rather than failing the ledger batch it belongs to.
    pub(crate) fn write(self, tx: &Transaction<'_>) -> Result<(), StoreError> {
        let mut get = tx.prepare_cached(
            "SELECT counts FROM latency_hours WHERE hour_ms = ?1 AND backend = ?2",
        )?;
        let mut put = tx.prepare_cached(
            "INSERT INTO latency_hours (hour_ms, backend, counts) VALUES (?1, ?2, ?3)
             ON CONFLICT (hour_ms, backend) DO UPDATE SET counts = excluded.counts",
        )?;
        for ((hour, backend), mut hist) in self.hists {
            let stored: Option<String> = get
                .query_row(params![hour, backend], |r| r.get(0))
                .optional()?;
            if let Some(text) = stored {
                match unpack(&text) {
                    Some(old) => add(&mut hist, &old),
                    None => tracing::warn!(hour, backend, "unreadable latency histogram replaced"),
                }
            }
            put.execute(params![hour, backend, pack(&hist)])?;
        }
        Ok(())
    }
}

/// `"bucket:count,…"` for the non-empty buckets, in bucket order.
pub(crate) fn pack(hist: &Hist) -> String {
    let mut out = String::new();
    for (b, &n) in hist.iter().enumerate().filter(|(_, &n)| n > 0) {
        if !out.is_empty() {
            out.push(',');
        }
        // Writing to a String cannot fail.
        let _ = write!(out, "{b}:{n}");
    }
    out
}

/// The histogram [`pack`] wrote (buckets in any order, a repeated bucket summed), or `None` when
/// the text is not one.
pub(crate) fn unpack(text: &str) -> Option<Hist> {
    let mut hist: Hist = [0; LAST_BUCKET + 1];
    for cell in text.split(',').filter(|c| !c.is_empty()) {
        let (b, n) = cell.split_once(':')?;
        let b: usize = b.parse().ok().filter(|b| *b <= LAST_BUCKET)?;
        hist[b] = hist[b].saturating_add(n.parse().ok()?);
    }
    Some(hist)
}

fn add(sum: &mut Hist, more: &Hist) {
    for (s, n) in sum.iter_mut().zip(more) {
        *s = s.saturating_add(*n);
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

/// The histogram rows of a range, of every backend or of one, in primary-key order (this ORDER
/// BY needs no sort), summed in Rust. Two statements keep the backend test off the unfiltered
/// scan.
const READ_ALL: &str = "SELECT hour_ms, counts FROM latency_hours
    WHERE hour_ms >= ?1 AND hour_ms < ?2 ORDER BY hour_ms";
const READ_ONE: &str = "SELECT hour_ms, counts FROM latency_hours
    WHERE hour_ms >= ?1 AND hour_ms < ?2 AND backend = ?3 ORDER BY hour_ms";

impl LedgerTable {
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
        self.db.with(|c| {
            let mut st = c.prepare_cached(match backend {
                None => READ_ALL,
                Some(_) => READ_ONE,
            })?;
            let mut rows = match backend {
                None => st.query(params![since_ms, until_ms])?,
                Some(b) => st.query(params![since_ms, until_ms, b])?,
            };
            let mut series = Series::default();
            while let Some(r) = rows.next()? {
                let hour: i64 = r.get(0)?;
                let text = r
                    .get_ref(1)?
                    .as_str()
                    .map_err(|e| StoreError::Corrupt(format!("latency histogram: {e}")))?;
                let hist = unpack(text).ok_or_else(|| {
                    StoreError::Corrupt(format!("latency histogram of hour {hour}: {text:.40}"))
                })?;
                if hour != series.hour {
                    let start =
                        bucket_ms.map_or(since_ms, |size| series_start(hour, size, offset_ms));
                    series.enter(hour, start);
                }
                add(&mut series.current, &hist);
            }
            Ok(series.finish())
        })
    }
}

/// Histograms per series bucket, filled from rows in hour order: the current one is kept apart
/// so a row costs an addition, not a map lookup.
struct Series {
    done: BTreeMap<i64, Hist>,
    /// The hour of the last row, and the series bucket it fell in.
    hour: i64,
    start: i64,
    current: Hist,
}

impl Default for Series {
    fn default() -> Self {
        Series {
            done: BTreeMap::new(),
            hour: i64::MIN,
            start: i64::MIN,
            current: [0; LAST_BUCKET + 1],
        }
    }
}

impl Series {
    /// Moves on to `hour`, in series bucket `start`.
    fn enter(&mut self, hour: i64, start: i64) {
        self.hour = hour;
        if start != self.start {
            self.flush();
            self.start = start;
        }
    }

    fn flush(&mut self) {
        if self.current.iter().any(|&n| n > 0) {
            let hist = self.done.entry(self.start).or_insert([0; LAST_BUCKET + 1]);
            add(hist, &self.current);
            self.current = [0; LAST_BUCKET + 1];
        }
    }

    fn finish(mut self) -> Vec<LatencyPoint> {
        self.flush();
        self.done
            .iter()
            .filter_map(|(&start, hist)| point(start, hist))
            .collect()
    }
}

#[cfg(test)]
#[path = "latency_migration_tests.rs"]
mod migration_tests;
#[cfg(test)]
#[path = "latency_tests.rs"]
mod tests;
