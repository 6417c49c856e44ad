//! The Cache feature service: settings, the Cache page, invalidation, the purge of expired
//! answers and the hit-rate metric. It holds only what it uses (see [`Cache::new`]).

use super::{
    parse_time, CacheOverview, CacheRouteView, CacheScope, CacheSettings, HIT_RATE_METRIC,
    HIT_RATE_MIN_LOOKUPS, SETTINGS_KEY,
};
use crate::blocking::OffThread;
use crate::events::EventSink;
use crate::ledger::LedgerSink;
use crate::{AppError, DomainEvent};
use std::time::Duration;
use switchyard_gateway::GatewayHandle;
use switchyard_monitor::{MetricPoint, Signal};
use switchyard_runtime::Supervisor;
use switchyard_store::{LedgerTable, SettingsTable, Store};
use tokio::sync::mpsc::UnboundedSender;

const PURGE_EVERY: Duration = Duration::from_secs(600);
const METRIC_EVERY: Duration = Duration::from_secs(300);

/// Cheap to clone.
#[derive(Clone)]
pub struct Cache {
    /// The cache's settings.
    settings: SettingsTable,
    /// The ledger's rollups: lookups, hits and savings.
    requests: LedgerTable,
    /// The running cache; `None` when the gateway has none.
    cache: Option<switchyard_cache::Cache>,
    gateway: Option<GatewayHandle>,
    ledger: LedgerSink,
    signals: UnboundedSender<Signal>,
    events: EventSink,
    /// The memory bound the cache was opened with (sizes apply at start).
    running_memory_entries: u32,
}

impl Cache {
    /// Needs the store (settings; cache lookups and savings from the ledger's rollups), the
    /// running cache and the gateway's cache switch (both absent without a gateway), the ledger
    /// (flushed before reading usage), the monitor's signal channel (hit rate) and the event
    /// sink (`CacheChanged`). `running_memory_entries` is the bound the cache was opened with.
    pub(crate) fn new(
        store: Store,
        cache: Option<switchyard_cache::Cache>,
        gateway: Option<GatewayHandle>,
        ledger: LedgerSink,
        signals: UnboundedSender<Signal>,
        events: EventSink,
        running_memory_entries: u32,
    ) -> Cache {
        Cache {
            settings: store.settings(),
            requests: store.ledger(),
            cache,
            gateway,
            ledger,
            signals,
            events,
            running_memory_entries,
        }
    }

    fn load_settings(&self) -> Result<CacheSettings, AppError> {
        Ok(self.settings.setting_or_default(SETTINGS_KEY)?)
    }

    pub async fn settings(&self) -> Result<CacheSettings, AppError> {
        self.blocking(Cache::load_settings).await
    }

    /// Validates and saves; the switch and the lifetime apply at once.
    pub async fn set_settings(&self, settings: CacheSettings) -> Result<CacheSettings, AppError> {
        settings.validate()?;
        let value =
            serde_json::to_value(&settings).map_err(|e| AppError::Internal(e.to_string()))?;
        self.blocking(move |me| Ok(me.settings.set_setting(SETTINGS_KEY, &value)?))
            .await?;
        if let Some(g) = &self.gateway {
            g.set_cache_enabled(settings.enabled);
            g.set_cache_shared(settings.share_between_tools);
        }
        if let Some(c) = &self.cache {
            c.set_default_ttl(Duration::from_secs(u64::from(settings.ttl_secs)));
        }
        self.events.emit(DomainEvent::CacheChanged);
        Ok(settings)
    }

    /// Entries per route from the cache; lookups, hits and savings since `since` (RFC 3339)
    /// from the ledger.
    pub async fn overview(&self, since: String) -> Result<CacheOverview, AppError> {
        parse_time(&since)?;
        self.ledger.flush_async().await;
        self.blocking(move |me| me.overview_now(since)).await
    }

    fn overview_now(&self, since: String) -> Result<CacheOverview, AppError> {
        let settings = self.load_settings()?;
        let usage = self.requests.cache_usage_since(&since)?;
        let stats = match &self.cache {
            Some(c) => {
                // Entries are counted on disk: answers stored before this read count too.
                c.flush();
                Some(c.stats().map_err(|e| AppError::Internal(e.to_string()))?)
            }
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
        let mut overall = CacheRouteView::default();
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
        let running = self
            .cache
            .as_ref()
            .and_then(switchyard_cache::Cache::disk_cap_bytes);
        let restart_needed = running.is_some_and(|cap| cap != u64::from(settings.disk_mb) << 20)
            || stats.is_some() && self.running_memory_entries != settings.memory_entries;
        Ok(CacheOverview {
            available: self.cache.is_some(),
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
    }

    /// Removes stored answers; returns how many.
    pub async fn clear(&self, scope: CacheScope) -> Result<u64, AppError> {
        let Some(cache) = self.cache.clone() else {
            return Err(AppError::Unavailable(crate::Unavailable::Cache));
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
        self.events.emit(DomainEvent::CacheChanged);
        Ok(removed as u64)
    }

    /// Reports the last hour's hit rate to the alert engine (when there were enough lookups).
    /// Runs every 5 minutes; public so tests need not wait.
    pub async fn report_hit_rate(&self) -> Result<Option<f64>, AppError> {
        self.ledger.flush_async().await;
        let since = crate::clock::rfc3339(crate::clock::now_ms() - 3_600_000);
        let usage = self
            .blocking(move |me| Ok(me.requests.cache_usage_since(&since)?))
            .await?;
        let (lookups, hits) = usage
            .iter()
            .fold((0, 0), |(l, h), u| (l + u.lookups, h + u.hits));
        if lookups < HIT_RATE_MIN_LOOKUPS {
            return Ok(None);
        }
        let rate = hits as f64 / lookups as f64;
        let _ = self.signals.send(Signal::Metric(MetricPoint {
            name: HIT_RATE_METRIC.into(),
            backend_id: crate::monitor::CACHE_SUBJECT.into(),
            key_id: None,
            at_unix_ms: crate::clock::now_ms(),
            value: rate,
        }));
        Ok(Some(rate))
    }

    /// Purges expired answers every 10 minutes and reports the hit rate every 5.
    pub(crate) fn start_upkeep(&self, tasks: &Supervisor) {
        let Some(cache) = self.cache.clone() else {
            return;
        };
        tasks.every("cache purge", PURGE_EVERY, move || {
            let c = cache.clone();
            async move {
                match tokio::task::spawn_blocking(move || c.purge_expired()).await {
                    Ok(Ok(n)) if n > 0 => tracing::debug!(n, "expired cache entries purged"),
                    Ok(Err(e)) => tracing::warn!(error = %e, "cache purge failed"),
                    _ => {}
                }
            }
        });
        let me = self.clone();
        tasks.every("cache hit rate", METRIC_EVERY, move || {
            let me = me.clone();
            async move {
                if let Err(e) = me.report_hit_rate().await {
                    tracing::debug!(error = %e, "cache hit rate not reported");
                }
            }
        });
    }
}

impl OffThread for Cache {}
