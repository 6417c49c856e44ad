//! The key sweep as a service of its own: finding provider keys left in profiles, tool files and
//! `.env` files, moving one into the keychain (tested first) and putting it back. It holds only
//! what that needs (see [`KeySweep::new`]).

use crate::backends::BackendTables;
use crate::blocking::OffThread;
use crate::events::Reaction;
use crate::tools::place::Place;
use std::sync::Arc;
use switchyard_secrets::SecretStore;
use switchyard_store::{ConnectionsTable, Store};

/// Cheap to clone.
#[derive(Clone)]
pub struct KeySweep {
    /// Backends, key rows and checks: a moved key joins them.
    pub(super) rows: BackendTables,
    /// The key moves (what "Put back" restores).
    pub(super) connections: ConnectionsTable,
    pub(super) secrets: Arc<dyn SecretStore>,
    pub(super) place: Place,
    /// A moved key is tested against its backend first.
    pub(super) reach: switchyard_gateway::probe::Reach,
    /// Runs after a key move adds a key (the gateway and the monitor follow).
    pub(super) backends_changed: Reaction,
}

impl KeySweep {
    /// Needs the store (backends and keys, key moves), the keychain, where the tools and the
    /// user's environment are, how a moved key is tested, and the backends-changed reaction.
    pub(crate) fn new(
        store: &Store,
        secrets: Arc<dyn SecretStore>,
        place: Place,
        reach: switchyard_gateway::probe::Reach,
        backends_changed: Reaction,
    ) -> KeySweep {
        KeySweep {
            rows: BackendTables::of(store),
            connections: store.connections(),
            secrets,
            place,
            reach,
            backends_changed,
        }
    }
}

impl OffThread for KeySweep {}
