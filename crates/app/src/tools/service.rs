//! The Tools feature service: what connecting tools, the status line and key moves use, and
//! nothing more (see [`Tools::new`]).

use crate::backends::BackendTables;
use crate::blocking::OffThread;
use crate::events::{EventSink, Reaction};
use crate::gateway_control::GatewayControl;
use crate::paths::AppPaths;
use crate::tokens::Tokens;
use std::sync::Arc;
use std::time::Duration;
use switchyard_connect::Home;
use switchyard_secrets::SecretStore;
use switchyard_store::{
    CatalogueTable, ConnectionsTable, LedgerTable, RoutesTable, Store, TokensTable,
};

/// Cheap to clone.
#[derive(Clone)]
pub struct Tools {
    /// Tool connections and key moves (what "Disconnect" and "Put back" restore).
    pub(super) connections: ConnectionsTable,
    /// Backends, key rows and checks: a moved key joins them.
    pub(super) rows: BackendTables,
    /// Token rows, for a free token name per tool.
    pub(super) token_rows: TokensTable,
    /// Routes and the model lists: the models a tool's picker offers.
    pub(super) routes: RoutesTable,
    pub(super) catalogue: CatalogueTable,
    /// Today's requests per tool token (the Tools page's cards).
    pub(super) ledger: LedgerTable,
    pub(super) secrets: Arc<dyn SecretStore>,
    /// The data folder (backups, the lock file) and the database file (the status line).
    pub(super) paths: AppPaths,
    pub(super) tokens: Tokens,
    /// A moved key is tested against its backend first.
    pub(super) http: switchyard_gateway::HttpClients,
    pub(super) probe_timeout: Duration,
    /// Where tools should point (this process's gateway, else the saved port).
    pub(super) gateway: GatewayControl,
    /// Where the tools' files are (`None`: `HOME` and the tools' variables).
    pub(super) tools_home: Option<Home>,
    /// The `PATH` tools are looked up on (`None`: the process's).
    pub(super) tools_path: Option<String>,
    /// The user's environment outside files, which the sweep reads too.
    pub(super) user_env: Arc<dyn super::user_env::UserEnv>,
    pub(super) events: EventSink,
    /// Runs after a key move adds a key (the gateway and the monitor follow).
    pub(super) backends_changed: Reaction,
    /// The team gateway this desktop is attached to: a tool connected to it gets the team's token.
    pub(super) team: crate::team::attach::TeamLink,
}

impl Tools {
    /// Needs the store (connections, backends, usage), the keychain (connection records, moved
    /// keys), the app's paths, the Tokens service (one token per tool), the HTTP clients and
    /// time limit for testing a moved key, the gateway's controls (its address and saved port),
    /// where the tools live and the user's environment store, the event sink (`TokensChanged`) and the backends-changed reaction.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        store: Store,
        secrets: Arc<dyn SecretStore>,
        paths: AppPaths,
        tokens: Tokens,
        http: switchyard_gateway::HttpClients,
        probe_timeout: Duration,
        gateway: GatewayControl,
        tools_home: Option<Home>,
        tools_path: Option<String>,
        user_env: Arc<dyn super::user_env::UserEnv>,
        events: EventSink,
        backends_changed: Reaction,
    ) -> Tools {
        Tools {
            connections: store.connections(),
            rows: BackendTables::of(&store),
            token_rows: store.tokens(),
            routes: store.routes(),
            catalogue: store.catalogue(),
            ledger: store.ledger(),
            team: crate::team::attach::TeamLink::new(
                store.settings(),
                Arc::clone(&secrets),
                http.clone(),
            ),
            secrets,
            paths,
            tokens,
            http,
            probe_timeout,
            gateway,
            tools_home,
            tools_path,
            user_env,
            events,
            backends_changed,
        }
    }
}

impl OffThread for Tools {}

impl Tools {
    /// The team gateway this desktop is attached to (one for the app: Settings, the Team page
    /// and connecting tools to it).
    pub(crate) fn team_link(&self) -> &crate::team::attach::TeamLink {
        &self.team
    }
}
