//! Rollups: one bucket (minute or hour) of one series' probes as plain counts plus a V2-encoded
//! HDR latency histogram, ready for a SQLite row, and mergeable into wider buckets or windows.
//!
//! Invariants: a bucket starts at a multiple of its width since the Unix epoch (floor, also
//! before 1970); rolling minutes up into hours, or merging rollups over a window, gives exactly
//! the counts and histogram of aggregating the raw samples of those buckets; a window includes
//! the buckets whose start lies in `[from, to)`, so its edges have bucket granularity.

use super::{Aggregate, StatsError};
use crate::sample::ProbeSample;
use hdrhistogram::serialization::{Deserializer, Serializer, V2Serializer};
use serde::{Deserialize, Serialize};
use std::collections::btree_map::Entry;
use std::collections::BTreeMap;

/// The width of a rollup bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Bucket {
    /// 60 s.
    Minute,
    /// 3600 s.
    Hour,
}

impl Bucket {
    /// Width in milliseconds.
    pub fn width_ms(self) -> i64 {
        match self {
            Bucket::Minute => 60_000,
            Bucket::Hour => 3_600_000,
        }
    }

    /// Start of the bucket holding `unix_ms`.
    pub fn start_of(self, unix_ms: i64) -> i64 {
        unix_ms.div_euclid(self.width_ms()) * self.width_ms()
    }
}

/// One stored bucket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rollup {
    /// Start of the bucket, Unix ms.
    pub bucket_start_unix_ms: i64,
    /// Width of the bucket.
    pub bucket: Bucket,
    /// Probes in the bucket (`u32`, like the `health_hours` row).
    pub probes: u32,
    /// Probes that were not `Ok`.
    pub failures: u32,
    /// `Ok` latencies, HDR V2-encoded (uncompressed).
    pub histogram: Vec<u8>,
}

impl Rollup {
    /// Encodes `agg` as the rollup of the bucket starting at `start_unix_ms`.
    pub fn encode(bucket: Bucket, start_unix_ms: i64, agg: &Aggregate) -> Result<Self, StatsError> {
        let mut histogram = Vec::new();
        V2Serializer::new().serialize(&agg.latency, &mut histogram)?;
        Ok(Self {
            bucket_start_unix_ms: bucket.start_of(start_unix_ms),
            bucket,
            probes: u32::try_from(agg.probes).map_err(|_| StatsError::TooManyProbes)?,
            failures: u32::try_from(agg.failures).map_err(|_| StatsError::TooManyProbes)?,
            histogram,
        })
    }

    /// The aggregate this rollup stores.
    pub fn decode(&self) -> Result<Aggregate, StatsError> {
        let latency = Deserializer::new().deserialize(&mut self.histogram.as_slice())?;
        // Start from the standard bounds, so aggregates decoded from old rows merge with new.
        let mut agg = Aggregate::new()?;
        agg.latency.add(&latency)?;
        agg.probes = u64::from(self.probes);
        agg.failures = u64::from(self.failures);
        Ok(agg)
    }
}

/// Groups samples (of one series) into buckets of `bucket` width, oldest first.
pub fn rollup_samples(samples: &[ProbeSample], bucket: Bucket) -> Result<Vec<Rollup>, StatsError> {
    let mut groups: BTreeMap<i64, Aggregate> = BTreeMap::new();
    for s in samples {
        let start = bucket.start_of(s.at_unix_ms);
        let agg = match groups.entry(start) {
            Entry::Occupied(o) => o.into_mut(),
            Entry::Vacant(v) => v.insert(Aggregate::new()?),
        };
        agg.record(s.outcome, s.latency_ms);
    }
    groups
        .iter()
        .map(|(start, agg)| Rollup::encode(bucket, *start, agg))
        .collect()
}

/// Merges rollups (of one series) into buckets of width `to` (e.g. minutes into hours), oldest
/// first. Rollups wider than `to` are refused.
pub fn rollup(rollups: &[Rollup], to: Bucket) -> Result<Vec<Rollup>, StatsError> {
    let mut groups: BTreeMap<i64, Aggregate> = BTreeMap::new();
    for r in rollups {
        if r.bucket > to {
            return Err(StatsError::Granularity { from: r.bucket, to });
        }
        let part = r.decode()?;
        match groups.get_mut(&to.start_of(r.bucket_start_unix_ms)) {
            Some(agg) => agg.merge(&part)?,
            None => {
                groups.insert(to.start_of(r.bucket_start_unix_ms), part);
            }
        }
    }
    groups
        .iter()
        .map(|(start, agg)| Rollup::encode(to, *start, agg))
        .collect()
}

/// Merges the rollups whose bucket starts in `[from_unix_ms, to_unix_ms)` into one aggregate
/// (e.g. 7 or 30 days of hourly rollups).
pub fn summarize(
    rollups: &[Rollup],
    from_unix_ms: i64,
    to_unix_ms: i64,
) -> Result<Aggregate, StatsError> {
    let mut total = Aggregate::new()?;
    for r in rollups
        .iter()
        .filter(|r| (from_unix_ms..to_unix_ms).contains(&r.bucket_start_unix_ms))
    {
        total.merge(&r.decode()?)?;
    }
    Ok(total)
}
