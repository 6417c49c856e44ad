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
    pub events: broadcast::Sender<DomainEvent>,
    pub tokens: crate::tokens::Tokens,
    /// The routing snapshot the gateway reads, and the key cache behind it.
    pub routing: crate::gateway::Routing,
    /// The Routes feature.
    pub routes: crate::routes::Routes,
    pub ledger: crate::ledger::LedgerWriter,
    /// Every background loop runs under it; `shutdown` stops them.
    pub tasks: crate::supervisor::Supervisor,
    /// The gateway's port came from `--port` or the environment, not the saved settings.
    pub gateway_port_fixed: bool,
    pub gateway: GatewayStatus,
    pub notifications: crate::notify::Notifications,
    /// The Health feature: monitor, alerts, webhooks.
    pub health: crate::monitor::Health,
    /// The Cache feature (settings, page, invalidation, upkeep).
    pub cache: crate::cache::Cache,
    /// The Costs feature (the Costs page, currency, prices, budgets, exports).
    pub costs: crate::costs::Costs,
    /// The Backends feature (backends, key import).
    pub backends: crate::backends::Backends,
    /// The Keys feature (a backend's keys: add, delete, reveal, test).
    pub keys: crate::backends::keys::Keys,
    pub tools_home: Option<switchyard_connect::Home>,
    pub tools_path: Option<String>,
    /// Runs after backends or keys change (built by `start`).
    pub backends_changed: crate::events::Reaction,
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
        let sink = crate::events::EventSink::new(events.clone());
        let tokens = {
            let (db, sink) = (store.clone(), sink.clone());
            tokio::task::spawn_blocking(move || crate::tokens::Tokens::new(db, sink)).await??
        };
        let key_cache = Arc::new(crate::gateway::KeyCache::new(Arc::clone(&opts.secrets)));
        let written = events.clone();
        let ledger_db = store.connection(switchyard_store::Access::Write)?;
        let ledger = crate::ledger::LedgerWriter::spawn(ledger_db, move |n| {
            let _ = written.send(DomainEvent::RequestsRecorded { count: n });
        })
        .map_err(|e| AppError::Internal(format!("cannot start the ledger writer: {e}")))?;
        let table = switchyard_gateway::TableHandle::default();
        let (passive_tx, passive_rx) = tokio::sync::mpsc::unbounded_channel();
        let (gateway_config, cache_settings, cache) = {
            let (dir, db, mut config) = (opts.paths.data_dir.clone(), store.clone(), opts.gateway);
            let (use_saved, port_fixed) =
                (opts.use_saved_gateway_settings, opts.gateway_port_fixed);
            tokio::task::spawn_blocking(move || {
                if let Some(config) = config.as_mut().filter(|_| use_saved) {
                    crate::gateway_settings::load(&db)?.apply(config, port_fixed);
                }
                let settings = crate::cache::settings_in(&db);
                let cache = config
                    .is_some()
                    .then(|| crate::cache::open(&dir, &settings));
                Ok::<_, AppError>((config, settings, cache))
            })
            .await??
        };
        let gateway = match gateway_config {
            Some(config) => {
                let sink = ledger.sink();
                let deps = switchyard_gateway::Deps {
                    table: table.clone(),
                    auth: Arc::new(tokens.index()),
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
            None => GatewayStatus::Off,
        };
        let gateway_handle = match &gateway {
            GatewayStatus::Listening(g) => Some(g.handle()),
            _ => None,
        };
        let cache = crate::cache::Cache::new(
            store.clone(),
            cache,
            gateway_handle.clone(),
            ledger.sink(),
            passive_tx.clone(),
            sink.clone(),
            cache_settings.memory_entries,
        );
        let costs = crate::costs::Costs::new(
            store.clone(),
            opts.paths.data_dir.clone(),
            ledger.sink(),
            gateway_handle.clone(),
            passive_tx,
            sink.clone(),
        );
        let notifications = crate::notify::Notifications::new(opts.notify, sink.clone());
        let health = crate::monitor::Health::new(
            store.clone(),
            Arc::clone(&opts.secrets),
            sink.clone(),
            notifications.clone(),
            crate::monitor::AppProber::new(
                store.clone(),
                Arc::clone(&key_cache),
                http.clone(),
                &demo.base_url(),
                opts.probe_timeout,
            ),
        );
        health.add_names(Arc::new(crate::costs::budgets::names_in));
        let routing =
            crate::gateway::Routing::new(store.clone(), table, key_cache, &demo.base_url());
        let routes = crate::routes::Routes::new(
            store.clone(),
            routing.clone(),
            gateway_handle.clone(),
            sink.clone(),
        );
        // Backends or keys changed: republish the gateway's table (and forget cached keys),
        // retarget the monitor's probes, then tell the UI.
        let backends_changed = {
            let (routing, health, sink) = (routing.clone(), health.clone(), sink.clone());
            crate::events::Reaction::new(move || {
                let (routing, health, sink) = (routing.clone(), health.clone(), sink.clone());
                async move {
                    routing.refresh().await;
                    health.sync_targets().await;
                    sink.emit(DomainEvent::BackendsChanged);
                }
            })
        };
        let backends = crate::backends::Backends::new(
            store.clone(),
            Arc::clone(&opts.secrets),
            demo.base_url(),
            opts.environment,
            backends_changed.clone(),
        );
        let keys = crate::backends::keys::Keys::new(
            store.clone(),
            Arc::clone(&opts.secrets),
            http.clone(),
            demo.base_url(),
            opts.probe_timeout,
            sink.clone(),
            backends_changed.clone(),
        );
        let app = Switchyard {
            inner: Arc::new(Inner {
                store,
                secrets: opts.secrets,
                http,
                paths: opts.paths,
                demo,
                probe_timeout: opts.probe_timeout,
                events,
                tokens,
                routing,
                routes,
                ledger,
                tasks: crate::supervisor::Supervisor::default(),
                gateway_port_fixed: opts.gateway_port_fixed,
                notifications,
                health,
                gateway,
                cache,
                costs,
                backends,
                keys,
                backends_changed,
                tools_home: opts.tools_home,
                tools_path: opts.tools_path,
            }),
        };
        app.seed_demo().await?;
        if let Err(e) = app.repair_connections().await {
            tracing::warn!(error = %e, "interrupted tool connections not repaired");
        }
        app.inner.routing.refresh().await;
        app.spawn_ledger_pruning();
        app.inner.cache.start_upkeep(&app.inner.tasks);
        app.spawn_external_watch();
        app.inner
            .costs
            .start(&app.inner.tasks, app.subscribe())
            .await;
        if opts.monitor {
            let tasks = &app.inner.tasks;
            app.inner
                .health
                .start(opts.monitor_interval, passive_rx, tasks)
                .await?;
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
        let backends = match self.backends().list().await {
            Ok(b) => b,
            Err(e) => return tracing::warn!(error = %e, "startup checks skipped"),
        };
        for b in backends
            .into_iter()
            .filter(|b| b.row.enabled && b.row.kind == BackendKind::Demo)
        {
            if let Err(e) = self.keys().test(&b.row.id, None).await {
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

    /// Routes: list, save, delete, and the gateway's live health per backend and key.
    pub fn routes(&self) -> &crate::routes::Routes {
        &self.inner.routes
    }

    /// Health: the monitor's views, probes, alerts and their rules and webhooks.
    pub fn health(&self) -> &crate::monitor::Health {
        &self.inner.health
    }

    /// Desktop notifications: send, test, the delivery state for Settings.
    pub fn notifications(&self) -> &crate::notify::Notifications {
        &self.inner.notifications
    }

    /// Backends: list, add, edit, enable, reorder, delete, limits, monitor settings, key import.
    pub fn backends(&self) -> &crate::backends::Backends {
        &self.inner.backends
    }

    /// A backend's keys: add, validate, delete, reveal, test; whether the keychain answers.
    pub fn keys(&self) -> &crate::backends::keys::Keys {
        &self.inner.keys
    }

    /// Costs: the Costs page, the display currency, prices, budgets and exports.
    pub fn costs(&self) -> &crate::costs::Costs {
        &self.inner.costs
    }

    /// The response cache: settings, the Cache page, invalidation.
    pub fn cache(&self) -> &crate::cache::Cache {
        &self.inner.cache
    }

    /// Gateway tokens: create, list, revoke.
    pub fn tokens(&self) -> &crate::tokens::Tokens {
        &self.inner.tokens
    }

    /// Domain events (for the shell to forward to the UI).
    pub fn subscribe(&self) -> broadcast::Receiver<DomainEvent> {
        self.inner.events.subscribe()
    }

    /// Backends or keys changed: republish the gateway's table, then tell the UI.
    pub(crate) async fn backends_changed(&self) {
        self.inner.backends_changed.run().await;
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
    ///
    /// In order: the gateway (no new requests; in-flight ones finish and are queued for the
    /// ledger), the monitor's probes, every background task (the monitor's consumer stores what
    /// it holds), the Demo server, then the ledger writer (writes its queue, joins) and a WAL
    /// checkpoint so the database file is complete on its own.
    pub async fn shutdown(&self, grace: Duration) {
        let started = std::time::Instant::now();
        let drained = match &self.inner.gateway {
            GatewayStatus::Listening(g) => g.shutdown(grace).await,
            _ => true,
        };
        self.inner.health.stop().await;
        let stopped = self.inner.tasks.stop(Duration::from_secs(5)).await;
        self.inner.demo.stop();
        let inner = Arc::clone(&self.inner);
        let closed = tokio::task::spawn_blocking(move || {
            inner.ledger.stop();
            inner.store.checkpoint()
        })
        .await;
        let lost = self.inner.ledger.sink().lost();
        match closed {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::warn!(error = %e, "WAL not checkpointed at shutdown"),
            Err(e) => tracing::error!(error = %e, "the ledger could not be stopped"),
        }
        tracing::info!(
            drained,
            tasks_stopped = stopped,
            ledger_lost = lost,
            took_ms = started.elapsed().as_millis() as u64,
            "switchyard core stopped"
        );
    }

    /// Waits until every request so far is in the ledger (tests, reads of the latest requests).
    /// Blocking: call it off the async threads.
    pub fn flush_ledger(&self) {
        self.inner.ledger.sink().flush();
    }

    /// Requests waiting to be written to the ledger, and requests that could not be.
    pub fn ledger_queue(&self) -> (u64, u64) {
        let sink = self.inner.ledger.sink();
        (sink.depth(), sink.lost())
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
