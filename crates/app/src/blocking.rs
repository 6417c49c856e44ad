//! SQLite work off the async threads: every feature service's `blocking` that only needs the
//! store goes through [`on_store`].

use crate::AppError;
use switchyard_store::Store;

/// Runs `f` with (a clone of) `store` on the blocking pool and returns its result.
pub(crate) async fn on_store<T: Send + 'static>(
    store: &Store,
    f: impl FnOnce(&Store) -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    let store = store.clone();
    tokio::task::spawn_blocking(move || f(&store)).await?
}
