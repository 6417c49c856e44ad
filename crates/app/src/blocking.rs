//! SQLite and keychain work off the async threads, written once: a service (or the one handle
//! it needs, such as the store) that is cheap to clone runs a closure on the blocking pool with
//! [`OffThread::blocking`], which hands the closure a clone. Every service uses this; none has a
//! copy of its own.

use crate::AppError;
use std::future::Future;
use switchyard_store::Store;

/// Something a closure may borrow on the blocking pool: a clone of it goes there.
pub(crate) trait OffThread: Clone + Send + Sync + 'static {
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
