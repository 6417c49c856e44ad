//! `Switchyard`: the composed application. Owns the store, the keychain, the HTTP client, the
//! Demo server and the event channel. Blocking work (SQLite, keychain) runs on the blocking pool.

use crate::blocking::OffThread;
use crate::events::DomainEvent;
use crate::AppError;
use std::sync::Arc;
use std::time::Duration;
use switchyard_mock::MockServer;
use switchyard_runtime::paths::AppPaths;
use switchyard_secrets::SecretStore;
use switchyard_store::Store;
use tokio::sync::broadcast;

mod first_run;
mod mount;
mod options;
mod start;

pub use mount::Mounted;
pub use options::Options;

/// The database's own health (see [`Switchyard::database_state`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseState {
    /// `ok`, or what SQLite's integrity check found.
    pub integrity: String,
    pub schema: u32,
    /// The schema version this build migrates to.
    pub expected_schema: u32,
}

/// The tables a feature above the core keeps its own rows in (see [`Switchyard::drill_tables`]).
pub struct DrillTables {
    pub runs: switchyard_store::DrillsTable,
    pub ledger: switchyard_store::LedgerTable,
}

/// What the Tools service (`switchyard-tools`, above the core) is built from (see
/// [`Switchyard::tool_handles`]): the tables it keeps its rows in and reads, the keychain (what
/// a connected tool's edited keys held before) and where the tools are. Everything else it
/// reaches through the services.
pub struct ToolHandles {
    /// Tool connections (what "Disconnect" restores).
    pub connections: switchyard_store::ConnectionsTable,
    /// Backends and the model lists: the models a tool's picker offers; routes' names too.
    pub backends: switchyard_store::BackendsTable,
    pub catalogue: switchyard_store::CatalogueTable,
    pub routes: switchyard_store::RoutesTable,
    /// Token rows, for a free token name per tool.
    pub tokens: switchyard_store::TokensTable,
    /// Today's requests per tool token (the Tools page's cards).
    pub ledger: switchyard_store::LedgerTable,
    pub secrets: Arc<dyn SecretStore>,
    pub place: crate::tools::Place,
}

/// What the providers' books (`switchyard-reconcile`, above the core: admin keys, reading the
/// providers' usage reports, the ledger beside them) is built from (see
/// [`Switchyard::books_handles`]). Admin keys have their own table: never the gateway's.
pub struct BooksHandles {
    pub books: switchyard_store::BooksTable,
    /// The user's keys (their hints, matched to the providers' redacted values) and backends.
    pub keys: switchyard_store::KeysTable,
    pub backends: switchyard_store::BackendsTable,
    pub secrets: Arc<dyn SecretStore>,
}

/// The running application core. Cheap to clone.
#[derive(Clone)]
pub struct Switchyard {
    pub(crate) inner: Arc<Inner>,
}

/// A [`Switchyard`] that does not keep the core alive (for what the core itself holds, such as
/// the gateway's `/mcp` route).
#[derive(Clone)]
pub struct WeakSwitchyard(std::sync::Weak<Inner>);

impl WeakSwitchyard {
    pub fn upgrade(&self) -> Option<Switchyard> {
        self.0.upgrade().map(|inner| Switchyard { inner })
    }
}

pub(crate) struct Inner {
    pub store: Store,
    pub secrets: Arc<dyn SecretStore>,
    pub paths: AppPaths,
    pub demo: MockServer,
    pub events: broadcast::Sender<DomainEvent>,
    pub tokens: crate::tokens::Tokens,
    /// The routing snapshot the gateway reads, and the key cache behind it.
    pub routing: crate::gateway::Routing,
    /// The Routes feature.
    pub routes: crate::routes::Routes,
    pub ledger: crate::ledger::LedgerWriter,
    /// Every background loop runs under it; `shutdown` stops them.
    pub tasks: switchyard_runtime::Supervisor,
    /// The team gateway's shared state, with `serve --team`.
    pub team: Option<crate::team::Team>,
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
    /// The Models feature (each backend's model list, prices where chosen).
    pub catalogue: crate::catalogue::Catalogue,
    /// The Gateway feature's controls (address, pause, requests, saved settings).
    pub gateway_control: crate::gateway_control::GatewayControl,
    /// Where the coding tools and the user's things are (the Tools service's and the sweep's).
    pub place: crate::tools::Place,
    /// The key sweep (keys left in files, moved into the keychain and back).
    pub key_sweep: crate::tools::KeySweep,
    /// The team gateway this desktop is attached to.
    pub team_link: crate::team::attach::TeamLink,
    /// The Usage feature (the tools' own records, subscription windows).
    pub usage: crate::usage::ToolUsage,
    /// The Preferences feature (the Settings page; ledger retention).
    pub preferences: crate::settings::Preferences,
    /// Runs after backends or keys change (built by `start`).
    pub backends_changed: crate::events::Reaction,
    /// My machines (and the team's records on a replica).
    pub sync: crate::sync::MachineSync,
    /// The configuration file: export, check, import.
    pub config_file: crate::config_file::ConfigFiles,
}

/// Whether the gateway is serving, and where.
pub enum GatewayStatus {
    Listening(switchyard_gateway::Gateway),
    Failed(String),
    Off,
}

impl Switchyard {
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

    /// The team gateway this desktop is attached to (Settings → Team gateway), if any.
    pub fn team_link(&self) -> &crate::team::attach::TeamLink {
        &self.inner.team_link
    }

    /// The team this replica serves for (`serve --team`); `None` on a desktop.
    pub fn team(&self) -> Option<&crate::team::Team> {
        self.inner.team.as_ref()
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

    /// Each backend's model list, and what choosing a model means for cost.
    pub fn catalogue(&self) -> &crate::catalogue::Catalogue {
        &self.inner.catalogue
    }

    /// A backend's keys: add, validate, delete, reveal, test; whether the keychain answers.
    pub fn keys(&self) -> &crate::backends::keys::Keys {
        &self.inner.keys
    }

    /// The gateway's controls: where tools point, pause, the request ledger, saved settings.
    pub fn gateway_control(&self) -> &crate::gateway_control::GatewayControl {
        &self.inner.gateway_control
    }

    /// The handles the Tools service (`switchyard-tools`, above the core: detect and connect
    /// the coding tools, their status line) is built from.
    pub fn tool_handles(&self) -> ToolHandles {
        let store = &self.inner.store;
        ToolHandles {
            connections: store.connections(),
            backends: store.backends(),
            catalogue: store.catalogue(),
            routes: store.routes(),
            tokens: store.tokens(),
            ledger: store.ledger(),
            secrets: Arc::clone(&self.inner.secrets),
            place: self.inner.place.clone(),
        }
    }

    /// The handles the providers' books (`switchyard-reconcile`) are built from.
    pub fn books_handles(&self) -> BooksHandles {
        let store = &self.inner.store;
        BooksHandles {
            books: store.books(),
            keys: store.keys(),
            backends: store.backends(),
            secrets: Arc::clone(&self.inner.secrets),
        }
    }

    /// The key sweep: provider keys left in files, moved into the keychain and put back.
    pub fn key_sweep(&self) -> &crate::tools::KeySweep {
        &self.inner.key_sweep
    }

    /// What the coding tools spent by their own records, and their subscription windows.
    pub fn usage(&self) -> &crate::usage::ToolUsage {
        &self.inner.usage
    }

    /// Preferences: the Settings page's values (theme, reveal time, retention, tray, login).
    pub fn preferences(&self) -> &crate::settings::Preferences {
        &self.inner.preferences
    }

    /// The settings table's named values, for a feature above the core that keeps its own
    /// (the Updates feature's last check, `switchyard-updates`).
    pub fn settings_table(&self) -> switchyard_store::SettingsTable {
        self.inner.store.settings()
    }

    /// The tables the drills (`switchyard-drills`, above the core) write: their runs, and
    /// the live drill's real requests in the ledger. They read everything else through the
    /// services.
    pub fn drill_tables(&self) -> DrillTables {
        DrillTables {
            runs: self.inner.store.drills(),
            ledger: self.inner.store.ledger(),
        }
    }

    /// A sender of domain events, for features built above the core (the drills' progress).
    pub fn event_sink(&self) -> crate::events::EventSink {
        crate::events::EventSink::new(self.inner.events.clone())
    }

    /// The table the readiness checks (`switchyard-readiness`, above the core) keep their runs
    /// in.
    pub fn readiness_runs(&self) -> switchyard_store::ReadinessTable {
        self.inner.store.readiness()
    }

    /// The database's own health, for the readiness checks: SQLite's integrity check and the
    /// schema version, beside the one this build expects.
    pub async fn database_state(&self) -> Result<DatabaseState, AppError> {
        self.inner
            .blocking(|inner| {
                Ok(DatabaseState {
                    integrity: inner.store.integrity_check()?,
                    schema: inner.store.schema_version()?,
                    expected_schema: Store::expected_schema_version(),
                })
            })
            .await
    }

    /// Costs: the Costs page, the display currency, prices, budgets and exports.
    pub fn costs(&self) -> &crate::costs::Costs {
        &self.inner.costs
    }

    /// The response cache: settings, the Cache page, invalidation.
    pub fn cache(&self) -> &crate::cache::Cache {
        &self.inner.cache
    }

    /// My machines: what syncs, the database, passes and conflicts.
    pub fn sync(&self) -> &crate::sync::MachineSync {
        &self.inner.sync
    }

    /// The configuration file: export (to a file), check and import through the services.
    pub fn config_file(&self) -> &crate::config_file::ConfigFiles {
        &self.inner.config_file
    }

    /// Gateway tokens: create, list, revoke.
    pub fn tokens(&self) -> &crate::tokens::Tokens {
        &self.inner.tokens
    }

    /// Who owns `token`, as the gateway's guard would say (this machine's tokens, and a
    /// replica's team's), or `None` for a wrong or revoked one. May re-read the tokens once: call
    /// it off the async threads. The browser panel checks its sessions' tokens with it.
    pub fn verify_token(&self, token: &str) -> Option<switchyard_gateway::Caller> {
        let auth = crate::team::gateway_auth(self.team(), self.inner.tokens.index());
        auth.verify(token)
            .or_else(|| auth.refresh().then(|| auth.verify(token)).flatten())
    }

    /// Domain events (for the shell to forward to the UI).
    pub fn subscribe(&self) -> broadcast::Receiver<DomainEvent> {
        self.inner.events.subscribe()
    }

    /// The gateway's address, or why it is not running.
    pub fn gateway_addr(&self) -> Result<std::net::SocketAddr, String> {
        match &self.inner.gateway {
            GatewayStatus::Listening(g) => Ok(g.addr()),
            GatewayStatus::Failed(e) => Err(e.clone()),
            GatewayStatus::Off => Err("the gateway is off".into()),
        }
    }

    /// Whether the gateway speaks HTTPS too (it was given a certificate and key).
    pub fn gateway_https(&self) -> bool {
        matches!(&self.inner.gateway, GatewayStatus::Listening(g) if g.config().tls.is_some())
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

    /// A handle that does not keep the core alive.
    pub fn downgrade(&self) -> WeakSwitchyard {
        WeakSwitchyard(Arc::downgrade(&self.inner))
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
}

impl OffThread for Arc<Inner> {}
