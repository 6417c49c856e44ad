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

pub(crate) use consume::rfc3339;
pub use views::{AlertView, BackendHealthView, HealthBucket, HealthRange};

use crate::service::Inner;
use crate::{AppError, Switchyard};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;
use switchyard_monitor::{
    AlertConfig, AlertEngine, HealthBoard, ProbeTarget, Scheduler, SchedulerConfig, Signal,
    StateConfig, TargetId,
};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// Settings key of the alert rules, cooldown and quiet hours.
const ALERTS_KEY: &str = "alerts";

pub struct Monitor {
    scheduler: Scheduler,
    board: Arc<Mutex<HealthBoard>>,
    engine: Arc<Mutex<AlertEngine>>,
    cancel: CancellationToken,
    /// Tests shorten every backend's probe interval.
    interval_override: Option<Duration>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Now, as Unix milliseconds.
pub(crate) fn now_ms() -> i64 {
    i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or(0),
    )
    .unwrap_or(i64::MAX)
}

impl Switchyard {
    /// Starts the monitor (once). `interval_override` is for tests.
    pub(crate) async fn start_monitor(
        &self,
        interval_override: Option<Duration>,
        passive_rx: mpsc::UnboundedReceiver<Signal>,
    ) -> Result<(), AppError> {
        let config = self.alert_config().await?;
        let engine = AlertEngine::new(config).map_err(|e| AppError::Invalid(e.to_string()))?;
        let prober = Arc::new(prober::AppProber(Arc::downgrade(&self.inner)));
        let (scheduler, samples) =
            Scheduler::start(SchedulerConfig::default(), prober, Arc::new(now_ms));
        let monitor = Monitor {
            scheduler,
            board: Arc::new(Mutex::new(HealthBoard::new(StateConfig::default()))),
            engine: Arc::new(Mutex::new(engine)),
            cancel: CancellationToken::new(),
            interval_override,
        };
        if self.inner.monitor.set(monitor).is_err() {
            return Ok(());
        }
        self.sync_monitor_targets().await;
        consume::spawn(self.clone(), samples, passive_rx);
        Ok(())
    }

    pub(crate) fn monitor(&self) -> Option<&Monitor> {
        self.inner.monitor.get()
    }

    /// Re-reads enabled backends and keys into the scheduler's targets.
    pub(crate) async fn sync_monitor_targets(&self) {
        let Some(m) = self.monitor() else { return };
        let Ok(backends) = self.list_backends().await else {
            return;
        };
        let mut targets = Vec::new();
        for b in backends.iter().filter(|b| b.row.enabled) {
            let interval = m.interval_override.unwrap_or(Duration::from_secs(u64::from(
                b.row.monitor.probe_interval_s.max(10),
            )));
            let ids: Vec<TargetId> = if b.keys.is_empty() {
                vec![TargetId::backend(&b.row.id)]
            } else {
                b.keys
                    .iter()
                    .map(|k| TargetId::key(&b.row.id, &k.row.id))
                    .collect()
            };
            targets.extend(
                ids.into_iter()
                    .map(|id| ProbeTarget::new(id).with_interval(interval)),
            );
        }
        let wanted: std::collections::HashSet<String> = backends
            .iter()
            .filter(|b| b.row.enabled)
            .map(|b| b.row.id.clone())
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
            .ok_or_else(|| AppError::Invalid("The health monitor is off.".into()))?;
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
            .blocking(|inner: &Inner| Ok(inner.store.setting_or_default(ALERTS_KEY)?))
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
        config
            .validate()
            .map_err(|e| AppError::Invalid(e.to_string()))?;
        if let Some(m) = self.monitor() {
            let events = lock(&m.engine)
                .set_config(config.clone(), consume::moment())
                .map_err(|e| AppError::Invalid(e.to_string()))?;
            consume::record_alerts(self, events).await;
        }
        let value = serde_json::to_value(&config).map_err(|e| AppError::Internal(e.to_string()))?;
        self.blocking(move |inner| Ok(inner.store.set_setting(ALERTS_KEY, &value)?))
            .await?;
        self.emit(crate::DomainEvent::AlertsChanged);
        Ok(config)
    }
}

impl Drop for Monitor {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}
