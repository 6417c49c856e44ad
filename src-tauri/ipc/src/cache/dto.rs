//! IPC shapes for the Cache page and the route editor's cache policy. Counters are `f64`
//! (specta exports no 64-bit integers); they are exact below 2^53.

use serde::{Deserialize, Serialize};
use specta::Type;
use switchyard_app::{CacheMode, CacheOverview, CacheRouteView, CacheScope, RouteCache};

/// Which of a route's requests the response cache answers and stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum RouteCacheMode {
    /// Deterministic requests only (`temperature` 0).
    Auto,
    /// Every request.
    Always,
    /// Never.
    Off,
}

/// A route's cache policy. `ttlSecs` null = the cache's default lifetime.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RouteCachePolicy {
    pub mode: RouteCacheMode,
    /// A number so out-of-range input reaches the core's validation as a typed error.
    pub ttl_secs: Option<f64>,
}

impl From<RouteCachePolicy> for RouteCache {
    fn from(p: RouteCachePolicy) -> Self {
        RouteCache {
            mode: match p.mode {
                RouteCacheMode::Auto => CacheMode::Auto,
                RouteCacheMode::Always => CacheMode::Always,
                RouteCacheMode::Off => CacheMode::Off,
            },
            // Out of range (negative, fractional, huge) becomes 0, which validation refuses.
            ttl_secs: p.ttl_secs.map(|t| {
                if t.fract() == 0.0 && (1.0..=f64::from(u32::MAX)).contains(&t) {
                    t as u32
                } else {
                    0
                }
            }),
        }
    }
}

impl From<RouteCache> for RouteCachePolicy {
    fn from(c: RouteCache) -> Self {
        RouteCachePolicy {
            mode: match c.mode {
                CacheMode::Auto => RouteCacheMode::Auto,
                CacheMode::Always => RouteCacheMode::Always,
                CacheMode::Off => RouteCacheMode::Off,
            },
            ttl_secs: c.ttl_secs.map(f64::from),
        }
    }
}

/// The cache settings (Cache page). Numbers as `f64` so bad input gets a typed error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CacheSettings {
    pub enabled: bool,
    pub ttl_secs: f64,
    pub memory_entries: f64,
    pub disk_mb: f64,
    /// One tool may be answered from another tool's cached answer.
    pub share_between_tools: bool,
}

/// A whole number in `u32` range, else 0 or `u32::MAX` — which validation then refuses.
fn whole(x: f64) -> u32 {
    if x.fract() != 0.0 || x.is_nan() || x < 0.0 {
        return 0;
    }
    if x > f64::from(u32::MAX) {
        return u32::MAX;
    }
    x as u32
}

impl From<CacheSettings> for switchyard_app::CacheSettings {
    fn from(d: CacheSettings) -> Self {
        switchyard_app::CacheSettings {
            enabled: d.enabled,
            ttl_secs: whole(d.ttl_secs),
            memory_entries: if d.memory_entries < 0.0 {
                u32::MAX
            } else {
                whole(d.memory_entries)
            },
            disk_mb: whole(d.disk_mb),
            share_between_tools: d.share_between_tools,
        }
    }
}

impl From<switchyard_app::CacheSettings> for CacheSettings {
    fn from(s: switchyard_app::CacheSettings) -> Self {
        CacheSettings {
            enabled: s.enabled,
            ttl_secs: f64::from(s.ttl_secs),
            memory_entries: f64::from(s.memory_entries),
            disk_mb: f64::from(s.disk_mb),
            share_between_tools: s.share_between_tools,
        }
    }
}

/// One route's (or all routes') cache numbers.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CacheRouteStats {
    /// The route, or the requested model when no route applied; "" for the total.
    pub route: String,
    pub entries: f64,
    pub bytes: f64,
    /// Requests that consulted the cache in the range.
    pub lookups: f64,
    pub hits: f64,
    /// Hits that shared a concurrent identical request's upstream call.
    pub shared: f64,
    /// `null` before any lookup.
    pub hit_rate: Option<f64>,
    pub saved_usd: f64,
}

impl From<CacheRouteView> for CacheRouteStats {
    fn from(r: CacheRouteView) -> Self {
        CacheRouteStats {
            route: r.route,
            entries: r.entries as f64,
            bytes: r.bytes as f64,
            lookups: r.lookups as f64,
            hits: r.hits as f64,
            shared: r.shared as f64,
            hit_rate: r.hit_rate,
            saved_usd: r.saved_usd,
        }
    }
}

/// The Cache page.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CacheStats {
    pub settings: CacheSettings,
    /// `false`: the gateway runs without a cache.
    pub available: bool,
    /// The saved sizes apply at the next start.
    pub restart_needed: bool,
    /// Lookups, hits and savings count from this time (RFC 3339).
    pub since: String,
    pub overall: CacheRouteStats,
    pub routes: Vec<CacheRouteStats>,
    pub memory_entries: f64,
    pub memory_bytes: f64,
    pub disk_cap_bytes: Option<f64>,
    /// Damaged stored answers found and removed (each was a miss, never a wrong answer).
    pub corrupt_dropped: f64,
}

impl From<CacheOverview> for CacheStats {
    fn from(o: CacheOverview) -> Self {
        CacheStats {
            settings: o.settings.into(),
            available: o.available,
            restart_needed: o.restart_needed,
            since: o.since,
            overall: o.overall.into(),
            routes: o.routes.into_iter().map(Into::into).collect(),
            memory_entries: o.memory_entries as f64,
            memory_bytes: o.memory_bytes as f64,
            disk_cap_bytes: o.disk_cap_bytes.map(|b| b as f64),
            corrupt_dropped: o.corrupt_dropped as f64,
        }
    }
}

/// What to clear.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(tag = "type", content = "value", rename_all = "camelCase")]
pub enum CacheClearScope {
    All,
    Route(String),
    Model(String),
    Backend(String),
    /// Answers stored before this RFC 3339 time.
    OlderThan(String),
}

impl From<CacheClearScope> for CacheScope {
    fn from(s: CacheClearScope) -> Self {
        match s {
            CacheClearScope::All => CacheScope::All,
            CacheClearScope::Route(r) => CacheScope::Route(r),
            CacheClearScope::Model(m) => CacheScope::Model(m),
            CacheClearScope::Backend(b) => CacheScope::Backend(b),
            CacheClearScope::OlderThan(t) => CacheScope::OlderThan(t),
        }
    }
}
