//! The providers' books above the core (issue 75): organization admin keys (`admin.rs`: in the
//! keychain beside the backend's keys, in their own table, so the gateway's routing table never
//! holds one; sent only to the backend's own origin through the egress gate), the books read
//! from each provider and kept (`read.rs`: what failed is kept beside the last good read, shown
//! as stale), and the ledger set beside them (`report.rs`).

mod admin;
mod error;
mod follow;
mod read;
mod report;
mod reprice;
mod team;

pub use admin::AdminKey;
pub use error::ReconcileError;
pub use follow::feed;
pub use read::ReadOutcome;
pub use reprice::RepricedFromBooks;
pub use switchyard_books::Span;

use std::sync::Arc;
use switchyard_app::{BooksHandles, Switchyard};
use switchyard_secrets::SecretStore;
use switchyard_store::{BackendsTable, BooksTable, KeysTable};

/// The providers' books. Cheap to clone.
#[derive(Clone)]
pub struct Reconcile {
    books: BooksTable,
    keys: KeysTable,
    backends: BackendsTable,
    secrets: Arc<dyn SecretStore>,
    http: reqwest::Client,
    /// A team replica's (or `--team` command's) team database: its ledger is the gateway's.
    team: Option<switchyard_team::TeamDb>,
    /// The alert rules each read's unrouted usage is handed to (`unroutedUsage`).
    health: switchyard_app::Health,
}

impl Reconcile {
    pub fn new(app: &Switchyard) -> Result<Reconcile, ReconcileError> {
        let BooksHandles {
            books,
            keys,
            backends,
            secrets,
        } = app.books_handles();
        // A redirect would carry the admin key's header to wherever it points: never followed.
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(std::time::Duration::from_secs(10))
            .timeout(std::time::Duration::from_secs(120))
            .user_agent(concat!("switchyard/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ReconcileError::Internal(e.to_string()))?;
        Ok(Reconcile {
            books,
            keys,
            backends,
            secrets,
            http,
            team: app.team().map(|t| t.db.clone()),
            health: app.health().clone(),
        })
    }

    /// The same, reading the gateway's requests from the team database `db` (a command run
    /// beside a team's replicas, as `switchyard requests` does).
    pub fn with_team(mut self, db: switchyard_team::TeamDb) -> Reconcile {
        self.team = Some(db);
        self
    }

    /// Runs blocking store or keychain work off the async threads.
    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Reconcile) -> Result<T, ReconcileError> + Send + 'static,
    ) -> Result<T, ReconcileError> {
        let me = self.clone();
        tokio::task::spawn_blocking(move || f(&me))
            .await
            .map_err(|e| ReconcileError::Internal(e.to_string()))?
    }
}
