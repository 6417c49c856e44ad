//! The response cache in the app: opened in the data folder (`cache.sqlite`, its own file so a
//! damaged cache never endangers the database) and handed to the gateway; its settings; the
//! Cache page's numbers (entries and bytes from the cache itself, lookups, hits and savings from
//! the ledger, which survives restarts); invalidation; the periodic purge of expired answers;
//! and the hit-rate metric that feeds the `cacheHitRate` alert rule.

mod service;

pub use service::Cache;

use crate::AppError;
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use switchyard_cache::{CacheConfig, DiskCache, MemoryConfig, DEFAULT_MAX_BYTES};

pub const CACHE_FILE: &str = "cache.sqlite";
const SETTINGS_KEY: &str = "cache";
/// The alert engine's metric name for the cache (reported under `monitor::CACHE_SUBJECT`).
pub const HIT_RATE_METRIC: &str = "cacheHitRate";
/// Fewest lookups in the last hour before the hit rate is reported (a handful says nothing).
pub const HIT_RATE_MIN_LOOKUPS: u64 = 20;

/// The user's cache settings. `enabled` and `ttl_secs` apply at once; the sizes at next start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase", default)]
pub struct CacheSettings {
    pub enabled: bool,
    /// How long an answer stays fresh unless its route says otherwise.
    pub ttl_secs: u32,
    /// Answers kept in memory.
    pub memory_entries: u32,
    /// Size cap of the cache file, MiB.
    pub disk_mb: u32,
    /// A tool may be answered from what another tool's identical request cached (on: one
    /// user's tools). Off: each token's cached answers are its own. Applies at once.
    pub share_between_tools: bool,
}

impl Default for CacheSettings {
    fn default() -> Self {
        CacheSettings {
            enabled: true,
            ttl_secs: 600,
            memory_entries: 2000,
            disk_mb: 256,
            share_between_tools: true,
        }
    }
}

pub const MAX_TTL_SECS: u32 = 30 * 86_400;

impl CacheSettings {
    pub(crate) fn validate(&self) -> Result<(), AppError> {
        use switchyard_domain::{Field, IssueCode::OutOfRange};
        let bad = |f: Field, m: &str| Err(AppError::field(f, OutOfRange, m));
        if !(1..=MAX_TTL_SECS).contains(&self.ttl_secs) {
            return bad(
                Field::Ttl,
                "The cache lifetime must be between 1 second and 30 days.",
            );
        }
        if self.memory_entries > 100_000 {
            return bad(
                Field::MemoryEntries,
                "Keep at most 100,000 answers in memory.",
            );
        }
        if !(1..=10_240).contains(&self.disk_mb) {
            return bad(
                Field::DiskMb,
                "The cache file size must be between 1 and 10,240 MiB.",
            );
        }
        Ok(())
    }
}

/// What to remove from the cache.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename = "CacheClearScope")]
pub enum CacheScope {
    All,
    Route(String),
    Model(String),
    Backend(String),
    /// Answers stored before this RFC 3339 time.
    OlderThan(String),
}

/// One route's line on the Cache page.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename = "CacheRouteStats")]
pub struct CacheRouteView {
    pub route: String,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub entries: u64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub bytes: u64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub lookups: u64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub hits: u64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    /// Hits that shared a concurrent identical request's upstream call.
    pub shared: u64,
    /// `None` before any lookup.
    pub hit_rate: Option<f64>,
    pub saved_usd: f64,
}

/// The Cache page.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type), serde(rename = "CacheStats"))]
pub struct CacheOverview {
    pub settings: CacheSettings,
    /// `false` when the gateway runs without a cache (it failed to open, or no gateway).
    pub available: bool,
    /// The sizes in the saved settings differ from the running ones.
    pub restart_needed: bool,
    /// Lookups, hits and savings count from this time (RFC 3339).
    pub since: String,
    pub overall: CacheRouteView,
    pub routes: Vec<CacheRouteView>,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub memory_entries: u64,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub memory_bytes: u64,
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub disk_cap_bytes: Option<u64>,
    /// Damaged stored answers found and removed (each was a miss, never a wrong answer).
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub corrupt_dropped: u64,
}

/// Opens the cache for `settings`: memory + the file in the data folder. A file that cannot be
/// opened is moved aside once and recreated; failing that, the cache is memory-only.
pub(crate) fn open(data_dir: &Path, settings: &CacheSettings) -> switchyard_cache::Cache {
    let memory = MemoryConfig {
        max_entries: settings.memory_entries as usize,
        max_bytes: DEFAULT_MAX_BYTES,
        ttl: Duration::from_secs(u64::from(settings.ttl_secs)),
    };
    let path = data_dir.join(CACHE_FILE);
    let cap = u64::from(settings.disk_mb) << 20;
    let disk = DiskCache::open(&path, cap).or_else(|e| {
        tracing::warn!(error = %e, "cache file unusable; starting a fresh one");
        let _ = std::fs::rename(&path, path.with_extension("sqlite.damaged"));
        DiskCache::open(&path, cap)
    });
    let disk = match disk {
        Ok(d) => Some(d),
        Err(e) => {
            tracing::warn!(error = %e, "response cache is memory-only");
            None
        }
    };
    let clock: switchyard_cache::Clock = Arc::new(crate::clock::now_ms);
    switchyard_cache::Cache::new(CacheConfig { memory }, disk, clock)
}

/// The saved settings, or the defaults when they cannot be read (start-up never fails on them).
pub(crate) fn settings_in(store: &switchyard_store::Store) -> CacheSettings {
    store
        .settings()
        .setting_or_default(SETTINGS_KEY)
        .unwrap_or_default()
}

pub(crate) fn parse_time(t: &str) -> Result<i64, AppError> {
    let at = time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339)
        .map_err(|_| {
            AppError::field(
                switchyard_domain::Field::From,
                switchyard_domain::IssueCode::Format,
                format!("“{t}” is not a date and time (RFC 3339)."),
            )
        })?;
    i64::try_from(at.unix_timestamp_nanos() / 1_000_000).map_err(|_| {
        AppError::field(
            switchyard_domain::Field::From,
            switchyard_domain::IssueCode::OutOfRange,
            "That date is out of range.",
        )
    })
}
