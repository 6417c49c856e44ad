//! Writing the usage rollups (see `usage`): a ledger batch's newly inserted requests summed per
//! hour and key, then added to `usage_hours`, `usage_hours_by` and the latency histograms in the
//! ledger's transaction.

use crate::latency::LatencyRollup;
use crate::usage::{hour_of, UsageTotals, SUM_COLUMNS};
use crate::{RequestRecord, StoreError};
use rusqlite::{params_from_iter, Transaction};
use rustc_hash::FxHashMap;
use std::sync::LazyLock;

/// [`hour_of`] for a batch in time order: times in UTC (`…Z`) that share the date and hour
/// digits of the previous one are in its hour, without parsing them again.
#[derive(Default)]
struct Hours<'a> {
    last: Option<(&'a str, i64)>,
}

impl<'a> Hours<'a> {
    /// `"YYYY-MM-DDTHH"`: the digits that name a UTC hour.
    const PREFIX: usize = 13;

    fn of(&mut self, t: &'a str) -> Option<i64> {
        let prefix = t.get(..Self::PREFIX).filter(|_| t.ends_with('Z'));
        if let (Some(p), Some((last, hour))) = (prefix, self.last) {
            if p == last {
                return Some(hour);
            }
        }
        let hour = hour_of(t)?;
        self.last = prefix.map(|p| (p, hour));
        Some(hour)
    }
}

/// The rollup rows a request is summed in (besides its hour): its `usage_hours` pair, and its
/// `usage_hours_by` (dim, value) keys — `cache` only for requests that met the cache.
pub(crate) struct Keys<'a> {
    pub backend: &'a str,
    pub model: &'a str,
    pub by: [Option<(&'static str, &'a str)>; 4],
}

pub(crate) fn keys(r: &RequestRecord) -> Keys<'_> {
    let cache = r
        .cache
        .is_some()
        .then(|| ("cache", r.route.as_deref().unwrap_or(&r.requested_model)));
    Keys {
        backend: r.backend.as_deref().unwrap_or_default(),
        model: r.model.as_deref().unwrap_or(&r.requested_model),
        by: [
            Some(("route", r.route.as_deref().unwrap_or_default())),
            Some(("token", r.token_name.as_deref().unwrap_or_default())),
            Some(("inbound", r.inbound.as_str())),
            cache,
        ],
    }
}

/// Adds newly inserted requests to the rollups, inside the ledger's transaction.
pub(crate) fn roll_up(tx: &Transaction<'_>, inserted: &[&RequestRecord]) -> Result<(), StoreError> {
    // Keys borrow from the batch: no allocation per request.
    let mut pairs: FxHashMap<(i64, &str, &str), UsageTotals> = FxHashMap::default();
    let mut by: FxHashMap<(i64, &'static str, &str), UsageTotals> = FxHashMap::default();
    let mut latency = LatencyRollup::default();
    let mut hours = Hours::default();
    for &r in inserted {
        let Some(hour) = hours.of(&r.started_at) else {
            tracing::warn!(id = %r.id, "ledger row with an unreadable time not rolled up");
            continue;
        };
        latency.add(hour, r);
        let k = keys(r);
        pairs.entry((hour, k.backend, k.model)).or_default().add(r);
        for (dim, value) in k.by.into_iter().flatten() {
            by.entry((hour, dim, value)).or_default().add(r);
        }
    }
    // The statements' text is made once: the statement cache is keyed by it.
    static PAIRS: LazyLock<String> = LazyLock::new(|| upsert("usage_hours", "backend, model"));
    static BY: LazyLock<String> = LazyLock::new(|| upsert("usage_hours_by", "dim, value"));
    let mut up = tx.prepare_cached(&PAIRS)?;
    for ((hour, backend, model), t) in &pairs {
        up.execute(params_from_iter(values(*hour, backend, model, t)))?;
    }
    let mut up = tx.prepare_cached(&BY)?;
    for ((hour, dim, value), t) in &by {
        up.execute(params_from_iter(values(*hour, dim, value, t)))?;
    }
    latency.write(tx)
}

/// `INSERT … ON CONFLICT DO UPDATE` adding every sum, for a table keyed by `hour_ms, <keys>`.
fn upsert(table: &str, keys: &str) -> String {
    let cols = SUM_COLUMNS.join(", ");
    let marks: Vec<String> = (1..=SUM_COLUMNS.len() + 3)
        .map(|i| format!("?{i}"))
        .collect();
    let adds: Vec<String> = SUM_COLUMNS
        .iter()
        .map(|c| format!("{c} = {c} + excluded.{c}"))
        .collect();
    format!(
        "INSERT INTO {table} (hour_ms, {keys}, {cols}) VALUES ({}) \
         ON CONFLICT (hour_ms, {keys}) DO UPDATE SET {}",
        marks.join(", "),
        adds.join(", ")
    )
}

fn values(hour: i64, a: &str, b: &str, t: &UsageTotals) -> Vec<rusqlite::types::Value> {
    use rusqlite::types::Value::{Integer, Real, Text};
    let n = |v: u64| Integer(i64::try_from(v).unwrap_or(i64::MAX));
    vec![
        Integer(hour),
        Text(a.to_string()),
        Text(b.to_string()),
        n(t.requests),
        n(t.errors),
        n(t.input_tokens),
        n(t.output_tokens),
        n(t.cache_read_tokens),
        n(t.cache_write_tokens),
        Real(t.cost_usd),
        n(t.unpriced),
        n(t.latency_ms_sum),
        n(t.cache_lookups),
        n(t.cache_hits),
        n(t.cache_shared),
        n(t.cache_skipped),
        Real(t.saved_usd),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::usage::HOUR_MS;

    #[test]
    fn hours_reuse_a_parse_only_within_the_same_utc_hour() {
        let mut h = Hours::default();
        let a = hour_of("2026-11-21T13:05:00Z").unwrap();
        assert_eq!(h.of("2026-11-21T13:05:00Z"), Some(a));
        assert_eq!(h.of("2026-11-21T13:59:59.999999999Z"), Some(a));
        assert_eq!(h.of("2026-11-21T14:00:00Z"), Some(a + HOUR_MS));
        // Same digits, another offset: parsed, not reused.
        assert_eq!(h.of("2026-11-21T14:30:00+01:00"), Some(a));
        assert_eq!(h.of("2026-11-21T14:30:00Z"), Some(a + HOUR_MS));
        assert_eq!(h.of("not a time"), None);
    }
}
