//! The health monitor inside the app: zero-cost probes of every enabled backend and key on their
//! intervals (switchyard-monitor's scheduler with the real prober), passive signals from the
//! gateway, one state machine per backend, the alert engine with its saved rules, desktop
//! notifications for alerts, and history in SQLite (raw samples two days, hourly rollups 35 days).
//!
//! One consumer task owns the flow; the board and the engine sit behind short std mutexes so the
//! UI can read snapshots. Nothing here blocks an async thread: SQLite goes through `blocking`.

mod consume;
mod prober;
mod views;
mod webhooks;

pub(crate) use crate::clock::{now_ms, rfc3339};
pub(crate) use prober::AppProber;
pub use views::{AlertView, BackendHealthView, HealthBucket, HealthRange};

use crate::blocking::OffThread;
use crate::events::EventSink;
use crate::notify::Notifications;
use crate::{AppError, DomainEvent};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::Duration;
use switchyard_monitor::{
    AlertConfig, AlertEngine, HealthBoard, ProbeTarget, Scheduler, SchedulerConfig, Signal,
    StateConfig, TargetId,
};
use switchyard_runtime::Supervisor;
use switchyard_secrets::SecretStore;
use switchyard_store::{
    AlertsTable, BackendsTable, HealthTable, KeysTable, LedgerTable, SettingsTable, Store,
};
use tokio::sync::mpsc;

/// The alert engine's pseudo backend for the response cache's metrics (its hit rate).
pub(crate) const CACHE_SUBJECT: &str = "switchyard-cache";
/// The subject of a team replica's `teamRedisUp` metric (its alert names it "Team Redis").
pub(crate) const TEAM_REDIS_SUBJECT: &str = "switchyard-team-redis";

/// Settings key of the alert rules, cooldown and quiet hours.
const ALERTS_KEY: &str = "alerts";

/// Readable names for subjects the alert engine speaks of by id (budgets, the cache), given by
/// the features that own them; backends and keys are named from the store.
/// Each source reads what it names with the handles it was built with (blocking).
pub(crate) type NameSource = Arc<dyn Fn() -> Vec<(String, String)> + Send + Sync>;

/// The Health feature: monitor, alerts, webhooks, notifications for alerts. Cheap to clone.
#[derive(Clone)]
pub struct Health {
    shared: Arc<Shared>,
}

/// What the Health feature holds (the field names the `blocking` closures read).
pub(crate) struct Shared {
    /// Alert rules and webhook names.
    pub settings: SettingsTable,
    /// Opened and resolved alerts.
    pub alerts: AlertsTable,
    /// Probe samples and their hourly rollups.
    pub health: HealthTable,
    /// What is probed and named: backends and their key rows.
    pub backends: BackendsTable,
    pub keys: KeysTable,
    /// Today's request counts per backend (the health cards).
    pub ledger: LedgerTable,
    /// Alert webhooks are credentials: they live in the keychain.
    pub secrets: Arc<dyn SecretStore>,
    events: EventSink,
    notifications: Notifications,
    prober: Arc<prober::AppProber>,
    names: Mutex<Vec<NameSource>>,
    monitor: OnceLock<Monitor>,
}

impl Health {
    /// Needs the store (samples, rollups, alerts, rules), the keychain (webhook URLs), the event
    /// sink (`HealthChanged`, `AlertsChanged`), notifications (alerts on the desktop) and the
    /// prober. The monitor itself starts with [`Health::start`].
    pub(crate) fn new(
        store: Store,
        secrets: Arc<dyn SecretStore>,
        events: EventSink,
        notifications: Notifications,
        prober: prober::AppProber,
    ) -> Health {
        Health {
            shared: Arc::new(Shared {
                settings: store.settings(),
                alerts: store.alerts(),
                health: store.health(),
                backends: store.backends(),
                keys: store.keys(),
                ledger: store.ledger(),
                secrets,
                events,
                notifications,
                prober: Arc::new(prober),
                names: Mutex::new(Vec::new()),
                monitor: OnceLock::new(),
            }),
        }
    }

    /// Adds readable names for the alert texts (wired by the composition root).
    pub(crate) fn add_names(&self, source: NameSource) {
        lock(&self.shared.names).push(source);
    }

    /// Names from every registered source, plus the cache's.
    fn extra_names(sources: &[NameSource]) -> Vec<(String, String)> {
        let mut names: Vec<(String, String)> = sources.iter().flat_map(|f| f()).collect();
        names.push((CACHE_SUBJECT.to_string(), "Response cache".to_string()));
        names.push((TEAM_REDIS_SUBJECT.to_string(), "Team Redis".to_string()));
        // A tool's plan, served with its own sign-in (`switchyard_gateway::subscription`).
        for v in switchyard_domain::Vendor::ALL {
            let id = format!("{}{}", switchyard_gateway::PLAN_ID_PREFIX, v.as_str());
            names.push((id, v.plan_label().to_string()));
        }
        names
    }

    /// Hands the monitor a signal made outside the gateway and the probes (a team replica's
    /// Redis state, the providers' books' unrouted usage); the rules see it at their next
    /// evaluation.
    pub fn observe(&self, signal: &switchyard_monitor::Signal) {
        consume::observe(self, signal);
    }

    fn emit(&self, event: DomainEvent) {
        self.shared.events.emit(event);
    }

    fn notifications(&self) -> &Notifications {
        &self.shared.notifications
    }
}

pub struct Monitor {
    scheduler: Scheduler,
    board: Arc<Mutex<HealthBoard>>,
    engine: Arc<Mutex<AlertEngine>>,
    /// Tests shorten every backend's probe interval.
    interval_override: Option<Duration>,
    /// One retarget at a time, read and applied together: two overlapping syncs (a change made
    /// here and the outside-changes watcher's first read) could otherwise apply an older read
    /// last and drop a backend just added.
    syncing: tokio::sync::Mutex<()>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Health {
    /// Starts the monitor (once): the scheduler with the real prober, and the consumer under the
    /// supervisor. `interval_override` is for tests.
    pub(crate) async fn start(
        &self,
        interval_override: Option<Duration>,
        passive_rx: mpsc::UnboundedReceiver<Signal>,
        tasks: &Supervisor,
    ) -> Result<(), AppError> {
        let config = self.alert_config().await?;
        let engine = AlertEngine::new(config).map_err(|e| AppError::Invalid(e.to_string()))?;
        let (scheduler, samples) = Scheduler::start(
            SchedulerConfig::default(),
            Arc::clone(&self.shared.prober) as Arc<dyn switchyard_monitor::Prober>,
            Arc::new(now_ms),
        );
        let monitor = Monitor {
            scheduler,
            board: Arc::new(Mutex::new(HealthBoard::new(StateConfig::default()))),
            engine: Arc::new(Mutex::new(engine)),
            interval_override,
            syncing: tokio::sync::Mutex::new(()),
        };
        if self.shared.monitor.set(monitor).is_err() {
            return Ok(());
        }
        self.sync_targets().await;
        consume::spawn(self.clone(), samples, passive_rx, tasks);
        Ok(())
    }

    pub(crate) fn monitor(&self) -> Option<&Monitor> {
        self.shared.monitor.get()
    }

    /// Stops probing; the consumer then stores what it holds when the supervisor stops it.
    pub(crate) async fn stop(&self) {
        if let Some(m) = self.monitor() {
            m.scheduler.shutdown().await;
        }
    }

    /// Re-reads enabled backends and keys into the scheduler's targets.
    pub(crate) async fn sync_targets(&self) {
        let Some(m) = self.monitor() else { return };
        let _one = m.syncing.lock().await;
        let Ok((backends, keys)) = self
            .shared
            .blocking(|inner| Ok((inner.backends.list_backends()?, inner.keys.list_keys()?)))
            .await
        else {
            return;
        };
        let mut targets = Vec::new();
        for b in backends.iter().filter(|b| b.enabled) {
            let interval = m.interval_override.unwrap_or(Duration::from_secs(u64::from(
                b.monitor.probe_interval_s.max(10),
            )));
            let mut ids: Vec<TargetId> = keys
                .iter()
                .filter(|k| k.backend_id == b.id)
                .map(|k| TargetId::key(&b.id, &k.id))
                .collect();
            if ids.is_empty() {
                ids.push(TargetId::backend(&b.id));
            }
            targets.extend(
                ids.into_iter()
                    .map(|id| ProbeTarget::new(id).with_interval(interval)),
            );
        }
        let wanted: std::collections::HashSet<String> = backends
            .iter()
            .filter(|b| b.enabled)
            .map(|b| b.id.clone())
            .collect();
        // Disabled or deleted backends leave the board; their open alerts resolve (silently).
        let mut resolved = Vec::new();
        {
            let mut board = lock(&m.board);
            let gone: Vec<String> = board
                .snapshots()
                .into_iter()
                .map(|(id, _)| id)
                .filter(|id| !wanted.contains(id))
                .collect();
            for id in gone {
                board.remove(&id);
                resolved.extend(lock(&m.engine).forget_backend(&id, consume::moment()));
            }
        }
        consume::record_alerts(self, resolved).await;
        if let Err(e) = m.scheduler.set_targets(targets) {
            tracing::warn!(error = %e, "could not update the monitor's targets");
        }
    }

    /// Probes everything now (the UI's refresh button); returns when all answered.
    pub async fn probe_all_now(&self) -> Result<(), AppError> {
        let m = self
            .monitor()
            .ok_or(AppError::Unavailable(crate::Unavailable::Monitor))?;
        m.scheduler
            .probe_all_now()
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?;
        Ok(())
    }

    /// The saved alert rules, cooldown and quiet hours (defaults when none were saved). Default
    /// rules added by a later version are appended to a saved configuration.
    pub async fn alert_config(&self) -> Result<AlertConfig, AppError> {
        let mut config: AlertConfig = self
            .shared
            .blocking(|inner| Ok(inner.settings.setting_or_default(ALERTS_KEY)?))
            .await?;
        for rule in switchyard_monitor::AlertRule::defaults() {
            if !config.rules.iter().any(|r| r.id == rule.id) {
                config.rules.push(rule);
            }
        }
        Ok(config)
    }

    /// Validates and saves alert settings, applying them to the running engine.
    pub async fn set_alert_config(&self, config: AlertConfig) -> Result<AlertConfig, AppError> {
        let refused = |e: switchyard_monitor::AlertError| {
            AppError::Validation(switchyard_domain::Validation::one(e.issue(&config)))
        };
        config.validate().map_err(refused)?;
        if let Some(m) = self.monitor() {
            let events = lock(&m.engine)
                .set_config(config.clone(), consume::moment())
                .map_err(refused)?;
            consume::record_alerts(self, events).await;
        }
        let value = serde_json::to_value(&config).map_err(|e| AppError::Internal(e.to_string()))?;
        self.shared
            .blocking(move |inner| Ok(inner.settings.set_setting(ALERTS_KEY, &value)?))
            .await?;
        self.shared.events.emit(crate::DomainEvent::AlertsChanged);
        Ok(config)
    }
}

impl OffThread for Arc<Shared> {}
