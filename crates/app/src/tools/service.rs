//! The Tools feature service: detecting the coding tools, connecting them to the gateway (and
//! back), their status line and the Tools page's cards. It holds only what that needs (see
//! [`Tools::new`]); the key sweep is its own service ([`super::KeySweep`]), and the team link it
//! connects tools to is the composition root's, handed in.

use crate::backends::BackendTables;
use crate::blocking::OffThread;
use crate::events::EventSink;
use crate::gateway_control::GatewayControl;
use crate::team::attach::TeamLink;
use crate::tokens::Tokens;
use crate::tools::place::Place;
use std::sync::Arc;
use switchyard_secrets::SecretStore;
use switchyard_store::{
    CatalogueTable, ConnectionsTable, LedgerTable, RoutesTable, Store, TokensTable,
};

/// Cheap to clone.
#[derive(Clone)]
pub struct Tools {
    /// Tool connections (what "Disconnect" restores).
    pub(super) connections: ConnectionsTable,
    /// Backends and the model lists: the models a tool's picker offers.
    pub(super) rows: BackendTables,
    pub(super) catalogue: CatalogueTable,
    /// Routes: route names are models too.
    pub(super) routes: RoutesTable,
    /// Token rows, for a free token name per tool.
    pub(super) token_rows: TokensTable,
    /// Today's requests per tool token (the Tools page's cards).
    pub(super) ledger: LedgerTable,
    /// What a connected tool's edited keys held before.
    pub(super) secrets: Arc<dyn SecretStore>,
    pub(super) place: Place,
    pub(super) tokens: Tokens,
    /// Where tools should point (this process's gateway, else the saved port).
    pub(super) gateway: GatewayControl,
    pub(super) events: EventSink,
    /// The team gateway this desktop is attached to: a tool connected to it gets the team's token.
    pub(super) team: TeamLink,
}

impl Tools {
    /// Needs the store (connections, backends and model lists, routes, tokens, the ledger), the
    /// keychain (connection records), where the tools are, the Tokens service (one token per
    /// tool), the gateway's controls (its address and saved port), the event sink
    /// (`TokensChanged`) and the team link.
    pub(crate) fn new(
        store: &Store,
        secrets: Arc<dyn SecretStore>,
        place: Place,
        tokens: Tokens,
        gateway: GatewayControl,
        events: EventSink,
        team: TeamLink,
    ) -> Tools {
        Tools {
            connections: store.connections(),
            rows: BackendTables::of(store),
            catalogue: store.catalogue(),
            routes: store.routes(),
            token_rows: store.tokens(),
            ledger: store.ledger(),
            secrets,
            place,
            tokens,
            gateway,
            events,
            team,
        }
    }
}

impl OffThread for Tools {}
