//! IPC forms of the Cache page and the route editor's cache policy: numbers as `f64`, so input
//! out of range reaches the core's validation as a typed error. What the page reads travels as
//! the core's own `CacheOverview` and `CacheSettings`.

use serde::{Deserialize, Serialize};
use specta::Type;
use switchyard_app::{CacheMode, RouteCache};

/// A route's cache policy. `ttlSecs` null = the cache's default lifetime.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RouteCachePolicy {
    pub mode: CacheMode,
    /// A number so out-of-range input reaches the core's validation as a typed error.
    pub ttl_secs: Option<f64>,
}

impl From<RouteCachePolicy> for RouteCache {
    fn from(p: RouteCachePolicy) -> Self {
        RouteCache {
            mode: p.mode,
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

/// The cache settings the Cache page submits. Numbers as `f64` so bad input gets a typed error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct CacheSettingsForm {
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

impl From<CacheSettingsForm> for switchyard_app::CacheSettings {
    fn from(form: CacheSettingsForm) -> Self {
        let CacheSettingsForm {
            enabled,
            ttl_secs,
            memory_entries,
            disk_mb,
            share_between_tools,
        } = form;
        switchyard_app::CacheSettings {
            enabled,
            ttl_secs: whole(ttl_secs),
            memory_entries: if memory_entries < 0.0 {
                u32::MAX
            } else {
                whole(memory_entries)
            },
            disk_mb: whole(disk_mb),
            share_between_tools,
        }
    }
}
