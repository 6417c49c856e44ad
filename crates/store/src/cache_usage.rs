//! How requests met the response cache, from the ledger's hourly rollups: lookups, hits and
//! money saved per route since a time. The ledger is the persistent record, so these numbers
//! survive restarts (the cache's own counters do not).
//!
//! A lookup is a request whose `cache` column is `hit`, `shared`, `miss` or `refresh`; `bypass`
//! and `skip` (not cacheable) requests never consulted the cache and are not counted.

use crate::tables::LedgerTable;
#[cfg(test)]
use crate::Store;

use crate::StoreError;

/// Cache use of one route (the route name, or the requested model when no route applied).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CacheUsageRow {
    pub route: String,
    /// Requests that consulted the cache.
    pub lookups: u64,
    /// Of those, answered from the cache (shared answers included).
    pub hits: u64,
    /// Hits that shared a concurrent identical request's upstream call.
    pub shared: u64,
    /// What the hits would have cost upstream.
    pub saved_usd: f64,
    /// Requests that skipped the cache (bypass header or not cacheable).
    pub skipped: u64,
}

impl CacheUsageRow {
    /// `hits / lookups`, `None` before any lookup.
    pub fn hit_rate(&self) -> Option<f64> {
        (self.lookups > 0).then(|| self.hits as f64 / self.lookups as f64)
    }
}

impl LedgerTable {
    /// Cache use per route since `since` (RFC 3339; counted from the start of its hour), busiest
    /// first. Read from the hourly rollups, so it stays fast however large the ledger grows.
    pub fn cache_usage_since(&self, since: &str) -> Result<Vec<CacheUsageRow>, StoreError> {
        let from = crate::usage::hour_of(since)
            .ok_or_else(|| StoreError::Invalid(format!("not an RFC 3339 time: {since}")))?;
        Ok(self
            .cache_usage_by_route(from, i64::MAX)?
            .into_iter()
            .map(|(route, t)| CacheUsageRow {
                route,
                lookups: t.cache_lookups,
                hits: t.cache_hits,
                shared: t.cache_shared,
                saved_usd: t.saved_usd,
                skipped: t.cache_skipped,
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RequestRecord;

    fn req(
        id: &str,
        at: &str,
        route: Option<&str>,
        cache: Option<&str>,
        saved: Option<f64>,
    ) -> RequestRecord {
        RequestRecord {
            id: id.into(),
            started_at: at.into(),
            inbound: "openai".into(),
            route: route.map(str::to_string),
            requested_model: "gpt-4o".into(),
            backend: Some("OpenAI".into()),
            model: Some("gpt-4o".into()),
            status: 200,
            latency_ms: 1,
            cost_usd: Some(0.0),
            cache: cache.map(str::to_string),
            saved_usd: saved,
            ..Default::default()
        }
    }

    #[test]
    fn usage_counts_lookups_hits_and_savings_per_route_since_a_time() {
        let s = Store::open_in_memory().unwrap();
        let day = "2026-11-20T10:00:00Z";
        s.ledger()
            .insert_requests(&[
                req("1", day, Some("fast"), Some("miss"), None),
                req("2", day, Some("fast"), Some("hit"), Some(0.25)),
                req("3", day, Some("fast"), Some("shared"), Some(0.25)),
                req("4", day, Some("fast"), Some("bypass"), None),
                req("5", day, None, Some("hit"), Some(0.5)),
                req("6", day, None, Some("skip"), None),
                req("7", day, None, None, None),
                req(
                    "8",
                    "2026-11-01T00:00:00Z",
                    Some("fast"),
                    Some("hit"),
                    Some(9.0),
                ),
            ])
            .unwrap();
        let rows = s
            .ledger()
            .cache_usage_since("2026-11-20T00:00:00Z")
            .unwrap();
        assert_eq!(rows.len(), 2);
        let fast = &rows[0];
        assert_eq!(fast.route, "fast");
        assert_eq!(
            (fast.lookups, fast.hits, fast.shared, fast.skipped),
            (3, 2, 1, 1)
        );
        assert!((fast.saved_usd - 0.5).abs() < 1e-12);
        assert_eq!(fast.hit_rate(), Some(2.0 / 3.0));
        let model = &rows[1];
        assert_eq!(model.route, "gpt-4o", "no route: the requested model");
        assert_eq!((model.lookups, model.hits, model.skipped), (1, 1, 1));
        assert_eq!(
            CacheUsageRow::default().hit_rate(),
            None,
            "no lookups, no rate"
        );
    }
}
