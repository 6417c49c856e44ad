//! The Tools feature service: detecting the coding tools, connecting them to the gateway (and
//! back), their status line and the Tools page's cards. Built above the core from its public
//! face ([`Tools::new`]): the handles the core gives this feature
//! ([`switchyard_app::ToolHandles`]) and the services it asks (tokens, the gateway's address,
//! the team link, events).

use std::sync::Arc;
use switchyard_app::tools::Place;
use switchyard_app::{EventSink, GatewayControl, OffThread, Switchyard, TeamLink, Tokens};
use switchyard_secrets::SecretStore;
use switchyard_store::{
    BackendsTable, CatalogueTable, ConnectionsTable, LedgerTable, RoutesTable, TokensTable,
};

/// Cheap to clone.
#[derive(Clone)]
pub struct Tools {
    /// Tool connections (what "Disconnect" restores).
    pub(crate) connections: ConnectionsTable,
    /// Backends and the model lists: the models a tool's picker offers.
    pub(crate) backends: BackendsTable,
    pub(crate) catalogue: CatalogueTable,
    /// Routes: route names are models too.
    pub(crate) routes: RoutesTable,
    /// Token rows, for a free token name per tool.
    pub(crate) token_rows: TokensTable,
    /// Today's requests per tool token (the Tools page's cards).
    pub(crate) ledger: LedgerTable,
    /// What a connected tool's edited keys held before.
    pub(crate) secrets: Arc<dyn SecretStore>,
    pub(crate) place: Place,
    pub(crate) tokens: Tokens,
    /// Where tools should point (this process's gateway, else the saved port).
    pub(crate) gateway: GatewayControl,
    pub(crate) events: EventSink,
    /// The team gateway this desktop is attached to: a tool connected to it gets the team's token.
    pub(crate) team: TeamLink,
}

impl Tools {
    /// The Tools service of a running core: its tool handles, the Tokens service (one token per
    /// tool), the gateway's controls (its address and saved port), the event sink
    /// (`TokensChanged`) and the team link.
    pub fn new(app: &Switchyard) -> Tools {
        let handles = app.tool_handles();
        Tools {
            connections: handles.connections,
            backends: handles.backends,
            catalogue: handles.catalogue,
            routes: handles.routes,
            token_rows: handles.tokens,
            ledger: handles.ledger,
            secrets: handles.secrets,
            place: handles.place,
            tokens: app.tokens().clone(),
            gateway: app.gateway_control().clone(),
            events: app.event_sink(),
            team: app.team_link().clone(),
        }
    }
}

impl OffThread for Tools {}
