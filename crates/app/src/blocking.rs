//! SQLite and keychain work off the async threads, written once: a service (or the one handle
//! it needs, such as the store) that is cheap to clone runs a closure on the blocking pool with
//! [`OffThread::blocking`], which hands the closure a clone. Every service uses this; none has a
//! copy of its own.

use crate::AppError;
use std::future::Future;
use switchyard_store::Store;

/// Something a closure may borrow on the blocking pool: a clone of it goes there.
pub trait OffThread: Clone + Send + Sync + 'static {
    /// Runs `f` with a clone of `self` on the blocking pool and returns its result; a panic in
    /// `f` is an internal error that quotes nothing.
    fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Self) -> Result<T, AppError> + Send + 'static,
    ) -> impl Future<Output = Result<T, AppError>> + Send {
        let me = self.clone();
        async move { tokio::task::spawn_blocking(move || f(&me)).await? }
    }
}

impl OffThread for Store {}
impl OffThread for switchyard_store::BackendsTable {}
impl OffThread for switchyard_store::KeysTable {}
impl OffThread for switchyard_store::ChecksTable {}
impl OffThread for switchyard_store::RoutesTable {}
impl OffThread for switchyard_store::TokensTable {}
impl OffThread for switchyard_store::SettingsTable {}
impl OffThread for switchyard_store::ConnectionsTable {}
impl OffThread for switchyard_store::AlertsTable {}
impl OffThread for switchyard_store::ReadinessTable {}
impl OffThread for switchyard_store::DrillsTable {}
impl OffThread for switchyard_store::HealthTable {}
impl OffThread for switchyard_store::CatalogueTable {}
impl OffThread for switchyard_store::BalancesTable {}
impl OffThread for switchyard_store::ToolUsageTable {}
impl OffThread for switchyard_store::LedgerTable {}
