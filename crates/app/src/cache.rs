//! The response cache in the app: opened in the data folder (`cache.sqlite`, its own file so a
//! damaged cache never endangers the database) and handed to the gateway; its settings; the
//! Cache page's numbers (entries and bytes from the cache itself, lookups, hits and savings from
//! the ledger, which survives restarts); invalidation; the periodic purge of expired answers;
//! and the hit-rate metric that feeds the `cacheHitRate` alert rule.

use crate::service::{GatewayStatus, Inner};
use crate::{AppError, DomainEvent, Switchyard};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use switchyard_cache::{Cache, CacheConfig, DiskCache, MemoryConfig, DEFAULT_MAX_BYTES};
use switchyard_monitor::{MetricPoint, Signal};

pub const CACHE_FILE: &str = "cache.sqlite";
const SETTINGS_KEY: &str = "cache";
/// The alert engine's metric name and pseudo backend for the cache.
pub const HIT_RATE_METRIC: &str = "cacheHitRate";
pub const CACHE_SUBJECT: &str = "switchyard-cache";
/// Fewest lookups in the last hour before the hit rate is reported (a handful says nothing).
pub const HIT_RATE_MIN_LOOKUPS: u64 = 20;
const PURGE_EVERY: Duration = Duration::from_secs(600);
const METRIC_EVERY: Duration = Duration::from_secs(300);

/// The user's cache settings. `enabled` and `ttl_secs` apply at once; the sizes at next start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CacheSettings {
    pub enabled: bool,
    /// How long an answer stays fresh unless its route says otherwise.
    pub ttl_secs: u32,
    /// Answers kept in memory.
    pub memory_entries: u32,
    /// Size cap of the cache file, MiB.
    pub disk_mb: u32,
}

impl Default for CacheSettings {
    fn default() -> Self {
        CacheSettings {
            enabled: true,
            ttl_secs: 600,
            memory_entries: 2000,
            disk_mb: 256,
        }
    }
}

pub const MAX_TTL_SECS: u32 = 30 * 86_400;

impl CacheSettings {
    fn validate(&self) -> Result<(), AppError> {
        let bad = |m: &str| Err(AppError::Invalid(m.to_string()));
        if !(1..=MAX_TTL_SECS).contains(&self.ttl_secs) {
            return bad("The cache lifetime must be between 1 second and 30 days.");
        }
        if self.memory_entries > 100_000 {
            return bad("Keep at most 100,000 answers in memory.");
        }
        if !(1..=10_240).contains(&self.disk_mb) {
            return bad("The cache file size must be between 1 and 10,240 MiB.");
        }
        Ok(())
    }
}

/// What to remove from the cache.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheScope {
    All,
    Route(String),
    Model(String),
    Backend(String),
    /// Answers stored before this RFC 3339 time.
    OlderThan(String),
}

/// One route's line on the Cache page.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CacheRouteView {
    pub route: String,
    pub entries: u64,
    pub bytes: u64,
    pub lookups: u64,
    pub hits: u64,
    pub shared: u64,
    pub hit_rate: Option<f64>,
    pub saved_usd: f64,
}

/// The Cache page.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CacheOverview {
    pub settings: CacheSettings,
    /// `false` when the gateway runs without a cache (it failed to open, or no gateway).
    pub available: bool,
    /// The sizes in the saved settings differ from the running ones.
    pub restart_needed: bool,
    pub since: String,
    pub overall: CacheRouteView,
    pub routes: Vec<CacheRouteView>,
    pub memory_entries: u64,
    pub memory_bytes: u64,
    pub disk_cap_bytes: Option<u64>,
    pub corrupt_dropped: u64,
}

/// Opens the cache for `settings`: memory + the file in the data folder. A file that cannot be
/// opened is moved aside once and recreated; failing that, the cache is memory-only.
pub(crate) fn open(data_dir: &Path, settings: &CacheSettings) -> Cache {
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
    let clock: switchyard_cache::Clock = Arc::new(crate::monitor::now_ms);
    Cache::new(CacheConfig { memory }, disk, clock)
}

pub(crate) fn load_settings(inner: &Inner) -> Result<CacheSettings, AppError> {
    Ok(inner.store.setting_or_default(SETTINGS_KEY)?)
}

/// The saved settings, or the defaults when they cannot be read (start-up never fails on them).
pub(crate) fn settings_in(store: &switchyard_store::Store) -> CacheSettings {
    store.setting_or_default(SETTINGS_KEY).unwrap_or_default()
}

impl Switchyard {
    pub(crate) fn gateway(&self) -> Option<&switchyard_gateway::Gateway> {
        match &self.inner.gateway {
            GatewayStatus::Listening(g) => Some(g),
            _ => None,
        }
    }

    pub async fn cache_settings(&self) -> Result<CacheSettings, AppError> {
        self.blocking(load_settings).await
    }

    /// Validates and saves; the switch and the lifetime apply at once.
    pub async fn set_cache_settings(
        &self,
        settings: CacheSettings,
    ) -> Result<CacheSettings, AppError> {
        settings.validate()?;
        let value =
            serde_json::to_value(&settings).map_err(|e| AppError::Internal(e.to_string()))?;
        self.blocking(move |inner| Ok(inner.store.set_setting(SETTINGS_KEY, &value)?))
            .await?;
        if let Some(g) = self.gateway() {
            g.set_cache_enabled(settings.enabled);
        }
        if let Some(c) = &self.inner.cache {
            c.set_default_ttl(Duration::from_secs(u64::from(settings.ttl_secs)));
        }
        self.emit(DomainEvent::CacheChanged);
        Ok(settings)
    }

    /// Entries per route from the cache; lookups, hits and savings since `since` (RFC 3339)
    /// from the ledger.
    pub async fn cache_overview(&self, since: String) -> Result<CacheOverview, AppError> {
        parse_time(&since)?;
        self.flush_ledger_async().await;
        let cache = self.inner.cache.clone();
        self.blocking(move |inner| {
            let settings = load_settings(inner)?;
            let usage = inner.store.cache_usage_since(&since)?;
            let stats = match &cache {
                Some(c) => Some(c.stats().map_err(|e| AppError::Internal(e.to_string()))?),
                None => None,
            };
            let mut routes: Vec<CacheRouteView> = usage
                .iter()
                .map(|u| CacheRouteView {
                    route: u.route.clone(),
                    lookups: u.lookups,
                    hits: u.hits,
                    shared: u.shared,
                    hit_rate: u.hit_rate(),
                    saved_usd: u.saved_usd,
                    ..CacheRouteView::default()
                })
                .collect();
            if let Some(s) = &stats {
                for (name, r) in &s.routes {
                    if r.entries == 0 {
                        continue;
                    }
                    match routes.iter_mut().find(|v| &v.route == name) {
                        Some(v) => (v.entries, v.bytes) = (r.entries, r.bytes),
                        None => routes.push(CacheRouteView {
                            route: name.clone(),
                            entries: r.entries,
                            bytes: r.bytes,
                            ..CacheRouteView::default()
                        }),
                    }
                }
            }
            let mut overall = CacheRouteView {
                route: String::new(),
                ..CacheRouteView::default()
            };
            for r in &routes {
                overall.entries += r.entries;
                overall.bytes += r.bytes;
                overall.lookups += r.lookups;
                overall.hits += r.hits;
                overall.shared += r.shared;
                overall.saved_usd += r.saved_usd;
            }
            overall.hit_rate =
                (overall.lookups > 0).then(|| overall.hits as f64 / overall.lookups as f64);
            let running = cache.as_ref().and_then(Cache::disk_cap_bytes);
            let restart_needed = running
                .is_some_and(|cap| cap != u64::from(settings.disk_mb) << 20)
                || stats.is_some() && inner.cache_memory_entries != settings.memory_entries;
            Ok(CacheOverview {
                available: cache.is_some(),
                restart_needed,
                since,
                overall,
                routes,
                memory_entries: stats.as_ref().map_or(0, |s| s.memory_entries),
                memory_bytes: stats.as_ref().map_or(0, |s| s.memory_bytes),
                disk_cap_bytes: running,
                corrupt_dropped: stats.as_ref().map_or(0, |s| s.corrupt_dropped),
                settings,
            })
        })
        .await
    }

    /// Removes stored answers; returns how many.
    pub async fn clear_cache(&self, scope: CacheScope) -> Result<u64, AppError> {
        let Some(cache) = self.inner.cache.clone() else {
            return Err(AppError::Invalid(
                "The response cache is not running.".into(),
            ));
        };
        let cutoff = match &scope {
            CacheScope::OlderThan(t) => Some(parse_time(t)?),
            _ => None,
        };
        let removed = tokio::task::spawn_blocking(move || match scope {
            CacheScope::All => cache.clear(),
            CacheScope::Route(r) => cache.clear_route(&r),
            CacheScope::Model(m) => cache.clear_model(&m),
            CacheScope::Backend(b) => cache.clear_backend(&b),
            CacheScope::OlderThan(_) => cache.clear_older_than(cutoff.unwrap_or(i64::MIN)),
        })
        .await?
        .map_err(|e| AppError::Internal(e.to_string()))?;
        self.emit(DomainEvent::CacheChanged);
        Ok(removed as u64)
    }

    /// Reports the last hour's hit rate to the alert engine (when there were enough lookups).
    /// Runs every 5 minutes; public so tests need not wait.
    pub async fn report_cache_hit_rate(&self) -> Result<Option<f64>, AppError> {
        self.flush_ledger_async().await;
        let since = crate::monitor::rfc3339(crate::monitor::now_ms() - 3_600_000);
        let usage = self
            .blocking(move |inner| Ok(inner.store.cache_usage_since(&since)?))
            .await?;
        let (lookups, hits) = usage
            .iter()
            .fold((0, 0), |(l, h), u| (l + u.lookups, h + u.hits));
        if lookups < HIT_RATE_MIN_LOOKUPS {
            return Ok(None);
        }
        let rate = hits as f64 / lookups as f64;
        let _ = self.inner.signals.send(Signal::Metric(MetricPoint {
            name: HIT_RATE_METRIC.into(),
            backend_id: CACHE_SUBJECT.into(),
            key_id: None,
            at_unix_ms: crate::monitor::now_ms(),
            value: rate,
        }));
        Ok(Some(rate))
    }

    /// Purges expired answers every 10 minutes and reports the hit rate every 5.
    pub(crate) fn spawn_cache_upkeep(&self) {
        let Some(cache) = self.inner.cache.clone() else {
            return;
        };
        let weak = Arc::downgrade(&self.inner);
        tokio::spawn(async move {
            let mut purge = tokio::time::interval(PURGE_EVERY);
            let mut metric = tokio::time::interval(METRIC_EVERY);
            loop {
                tokio::select! {
                    _ = purge.tick() => {
                        let c = cache.clone();
                        match tokio::task::spawn_blocking(move || c.purge_expired()).await {
                            Ok(Ok(n)) if n > 0 => tracing::debug!(n, "expired cache entries purged"),
                            Ok(Err(e)) => tracing::warn!(error = %e, "cache purge failed"),
                            _ => {}
                        }
                    }
                    _ = metric.tick() => {
                        let Some(inner) = weak.upgrade() else { return };
                        let app = Switchyard { inner };
                        if let Err(e) = app.report_cache_hit_rate().await {
                            tracing::debug!(error = %e, "cache hit rate not reported");
                        }
                    }
                }
                if weak.strong_count() == 0 {
                    return;
                }
            }
        });
    }

    pub(crate) async fn flush_ledger_async(&self) {
        let app = self.clone();
        let _ = tokio::task::spawn_blocking(move || app.flush_ledger()).await;
    }
}

fn parse_time(t: &str) -> Result<i64, AppError> {
    let at = time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339)
        .map_err(|_| AppError::Invalid(format!("“{t}” is not a date and time (RFC 3339).")))?;
    i64::try_from(at.unix_timestamp_nanos() / 1_000_000)
        .map_err(|_| AppError::Invalid("That date is out of range.".into()))
}
