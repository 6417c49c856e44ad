//! `Switchyard`: the composed application. Owns the store, the keychain, the HTTP client, the
//! Demo server and the event channel. Blocking work (SQLite, keychain) runs on the blocking pool.

use crate::events::DomainEvent;
use crate::paths::AppPaths;
use crate::{AppError, Environment};
use std::sync::Arc;
use std::time::Duration;
use switchyard_core::{BackendDraft, BackendKind};
use switchyard_mock::{MockConfig, MockServer};
use switchyard_secrets::SecretStore;
use switchyard_store::Store;
use tokio::sync::broadcast;

/// How the services are put together. Tests shorten timeouts and fix the environment.
pub struct Options {
    /// `None`: no gateway (unit tests of the panel's services).
    pub gateway: Option<switchyard_gateway::GatewayConfig>,
    pub paths: AppPaths,
    pub secrets: Arc<dyn SecretStore>,
    /// Latency profile of the built-in Demo server.
    pub demo: MockConfig,
    pub probe_timeout: Duration,
    pub environment: Environment,
    /// Apply the user's saved gateway settings (port, LAN access, origins) to `gateway`.
    pub use_saved_gateway_settings: bool,
    /// Keep `gateway`'s port even so (it came from `--port` or the environment).
    pub gateway_port_fixed: bool,
    /// Desktop notifications, or a recorder in tests.
    pub notify: crate::NotifyChannel,
    /// Run the health monitor (probes every enabled backend and key).
    pub monitor: bool,
    /// Tests: probe every target at this interval instead of the backend's setting.
    pub monitor_interval: Option<Duration>,
    /// Where the coding tools' files are (`None`: `HOME` and the tools' variables).
    pub tools_home: Option<switchyard_connect::Home>,
    /// The `PATH` tools are looked up on (`None`: the process's).
    pub tools_path: Option<String>,
}

impl Options {
    pub fn new(paths: AppPaths, secrets: Arc<dyn SecretStore>) -> Self {
        Options {
            gateway: Some(switchyard_gateway::GatewayConfig::default()),
            paths,
            secrets,
            demo: MockConfig::demo(),
            probe_timeout: Duration::from_secs(10),
            environment: Environment::Process,
            use_saved_gateway_settings: false,
            gateway_port_fixed: false,
            notify: crate::NotifyChannel::Desktop(switchyard_notify::DesktopNotifier::new()),
            monitor: true,
            monitor_interval: None,
            tools_home: None,
            tools_path: None,
        }
    }
}

/// The running application core. Cheap to clone.
#[derive(Clone)]
pub struct Switchyard {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub store: Store,
    pub secrets: Arc<dyn SecretStore>,
    pub http: switchyard_gateway::HttpClients,
    pub paths: AppPaths,
    pub demo: MockServer,
    pub probe_timeout: Duration,
    pub environment: Environment,
    pub events: broadcast::Sender<DomainEvent>,
    pub tokens: crate::tokens::TokenIndex,
    pub table: switchyard_gateway::TableHandle,
    pub key_cache: Arc<crate::gateway::KeyCache>,
    pub ledger: crate::ledger::LedgerWriter,
    /// The gateway's port came from `--port` or the environment, not the saved settings.
    pub gateway_port_fixed: bool,
    pub gateway: GatewayStatus,
    pub notifications: crate::notify::Notifications,
    pub monitor: std::sync::OnceLock<crate::monitor::Monitor>,
    /// The gateway's response cache (`None` without a gateway).
    pub cache: Option<switchyard_cache::Cache>,
    /// The memory bound the cache was opened with (sizes apply at start).
    pub cache_memory_entries: u32,
    /// Signals for the monitor that do not come from the gateway (the cache hit rate).
    pub signals: tokio::sync::mpsc::UnboundedSender<switchyard_monitor::Signal>,
    pub tools_home: Option<switchyard_connect::Home>,
    pub tools_path: Option<String>,
}

/// Whether the gateway is serving, and where.
pub enum GatewayStatus {
    Listening(switchyard_gateway::Gateway),
    Failed(String),
    Off,
}

const DEMO_SEEDED: &str = "demo_seeded";

impl Switchyard {
    /// Opens the database, starts the Demo server and, on first run, adds the Demo backend.
    /// Never touches the network beyond 127.0.0.1.
    pub async fn start(opts: Options) -> Result<Switchyard, AppError> {
        let paths = opts.paths.clone();
        let store = tokio::task::spawn_blocking(move || {
            paths.create().map_err(|e| {
                AppError::File(format!(
                    "Cannot create the data folder {}: {e}",
                    paths.data_dir.display()
                ))
            })?;
            Ok::<_, AppError>(Store::open(&paths.db_file)?)
        })
        .await??;
        let demo = MockServer::start(opts.demo)
            .await
            .map_err(|e| AppError::Internal(format!("cannot start the Demo server: {e}")))?;
        let http = crate::probe::http_client()
            .map_err(|e| AppError::Internal(format!("cannot build the HTTP client: {e}")))?;
        let (events, _) = broadcast::channel(64);
        let tokens = crate::tokens::TokenIndex::new(store.clone());
        tokens.reload(&store)?;
        let key_cache = Arc::new(crate::gateway::KeyCache::new(Arc::clone(&opts.secrets)));
        let written = events.clone();
        let ledger = crate::ledger::LedgerWriter::spawn(store.clone(), move |n| {
            let _ = written.send(DomainEvent::RequestsRecorded { count: n });
        })
        .map_err(|e| AppError::Internal(format!("cannot start the ledger writer: {e}")))?;
        let table = switchyard_gateway::TableHandle::default();
        let (passive_tx, passive_rx) = tokio::sync::mpsc::unbounded_channel();
        let mut gateway_config = opts.gateway;
        if let Some(config) = gateway_config
            .as_mut()
            .filter(|_| opts.use_saved_gateway_settings)
        {
            crate::gateway_settings::load(&store)?.apply(config, opts.gateway_port_fixed);
        }
        let (cache_settings, cache) = {
            let (dir, db, wanted) = (
                opts.paths.data_dir.clone(),
                store.clone(),
                gateway_config.is_some(),
            );
            tokio::task::spawn_blocking(move || {
                let settings = crate::cache::settings_in(&db);
                let cache = wanted.then(|| crate::cache::open(&dir, &settings));
                (settings, cache)
            })
            .await?
        };
        let gateway = match (gateway_config, ledger.sink()) {
            (Some(config), Some(sink)) => {
                let deps = switchyard_gateway::Deps {
                    table: table.clone(),
                    auth: Arc::new(tokens.clone()),
                    keys: key_cache.clone(),
                    ledger: Arc::new(sink),
                    observer: Arc::new(crate::gateway::EventObserver {
                        events: events.clone(),
                        passive: passive_tx.clone(),
                    }),
                    clock: Arc::new(switchyard_gateway::SystemClock),
                    cache: cache.clone(),
                };
                match switchyard_gateway::Gateway::start(config, deps).await {
                    Ok(g) => {
                        g.set_cache_enabled(cache_settings.enabled);
                        GatewayStatus::Listening(g)
                    }
                    Err(e) => {
                        tracing::error!(error = %e, "gateway not started");
                        GatewayStatus::Failed(e.to_string())
                    }
                }
            }
            _ => GatewayStatus::Off,
        };
        let app = Switchyard {
            inner: Arc::new(Inner {
                store,
                secrets: opts.secrets,
                http,
                paths: opts.paths,
                demo,
                probe_timeout: opts.probe_timeout,
                environment: opts.environment,
                events,
                tokens,
                table,
                key_cache,
                ledger,
                gateway_port_fixed: opts.gateway_port_fixed,
                notifications: crate::notify::Notifications::new(opts.notify),
                monitor: std::sync::OnceLock::new(),
                gateway,
                cache,
                cache_memory_entries: cache_settings.memory_entries,
                signals: passive_tx,
                tools_home: opts.tools_home,
                tools_path: opts.tools_path,
            }),
        };
        app.seed_demo().await?;
        if let Err(e) = app.repair_connections().await {
            tracing::warn!(error = %e, "interrupted tool connections not repaired");
        }
        app.refresh_gateway().await;
        app.spawn_ledger_pruning();
        app.spawn_cache_upkeep();
        app.spawn_external_watch();
        if let Err(e) = app.apply_prices().await {
            tracing::warn!(error = %e, "saved prices not applied; using the bundled ones");
        }
        app.spawn_repricing();
        app.spawn_budget_checks();
        if opts.monitor {
            app.start_monitor(opts.monitor_interval, passive_rx).await?;
        }
        tracing::info!(demo = %app.demo_base_url(), data = %app.inner.paths.data_dir.display(), "switchyard core started");
        Ok(app)
    }

    /// Adds the Demo backend once, so a fresh install has a working backend. A user who deletes
    /// it later does not get it back.
    async fn seed_demo(&self) -> Result<(), AppError> {
        self.blocking(|inner| {
            if inner.store.get_setting(DEMO_SEEDED)?.is_some() {
                return Ok(());
            }
            let draft = BackendDraft {
                name: "Demo".into(),
                kind: BackendKind::Demo,
                base_url: String::new(),
                default_model: BackendKind::Demo.spec().default_model.into(),
            };
            let id = crate::new_id();
            if !inner
                .store
                .list_backends()?
                .iter()
                .any(|b| b.kind == BackendKind::Demo)
            {
                inner.store.insert_backend(&id, &draft, true)?;
            }
            inner
                .store
                .set_setting(DEMO_SEEDED, &serde_json::Value::Bool(true))?;
            Ok(())
        })
        .await
    }

    /// Checks the enabled Demo backend, so the first screen shows real status. Run it in the
    /// background: the window never waits for it.
    pub async fn run_startup_checks(&self) {
        let backends = match self.list_backends().await {
            Ok(b) => b,
            Err(e) => return tracing::warn!(error = %e, "startup checks skipped"),
        };
        for b in backends
            .into_iter()
            .filter(|b| b.row.enabled && b.row.kind == BackendKind::Demo)
        {
            if let Err(e) = self.test_key(&b.row.id, None).await {
                tracing::warn!(backend = %b.row.name, error = %e, "startup check failed");
            }
        }
    }

    /// Base URL of the built-in Demo server, e.g. `http://127.0.0.1:41234`.
    pub fn demo_base_url(&self) -> String {
        self.inner.demo.base_url()
    }

    pub fn paths(&self) -> &AppPaths {
        &self.inner.paths
    }

    pub fn keychain_service(&self) -> &str {
        self.inner.secrets.service()
    }

    /// Domain events (for the shell to forward to the UI).
    pub fn subscribe(&self) -> broadcast::Receiver<DomainEvent> {
        self.inner.events.subscribe()
    }

    /// Backends or keys changed: republish the gateway's table, then tell the UI.
    pub(crate) async fn backends_changed(&self) {
        self.refresh_gateway().await;
        self.sync_monitor_targets().await;
        self.emit(DomainEvent::BackendsChanged);
    }

    /// The gateway's address, or why it is not running.
    pub fn gateway_addr(&self) -> Result<std::net::SocketAddr, String> {
        match &self.inner.gateway {
            GatewayStatus::Listening(g) => Ok(g.addr()),
            GatewayStatus::Failed(e) => Err(e.clone()),
            GatewayStatus::Off => Err("the gateway is off".into()),
        }
    }

    /// Stops the core cleanly: the gateway stops accepting and lets in-flight requests finish
    /// (up to `grace`), background work stops, the ledger is flushed. Safe to call twice; the
    /// desktop app calls it on Quit, `switchyard serve` on SIGINT/SIGTERM.
    pub async fn shutdown(&self, grace: Duration) {
        if let GatewayStatus::Listening(g) = &self.inner.gateway {
            g.shutdown(grace).await;
        }
        let app = self.clone();
        let _ = tokio::task::spawn_blocking(move || app.flush_ledger()).await;
    }

    /// Waits until every request so far is in the ledger (tests, `serve` shutdown).
    pub fn flush_ledger(&self) {
        if let Some(sink) = self.inner.ledger.sink() {
            sink.flush();
        }
    }

    pub(crate) fn emit(&self, event: DomainEvent) {
        // No subscriber is fine (headless, tests).
        let _ = self.inner.events.send(event);
    }

    /// Runs blocking work (SQLite, keychain) off the async threads.
    pub(crate) async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Inner) -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, AppError> {
        let inner = Arc::clone(&self.inner);
        tokio::task::spawn_blocking(move || f(&inner)).await?
    }
}
