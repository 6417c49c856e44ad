//! What a fresh install gets: the Demo backend, added once, and its first check, so the first
//! screen shows a working backend with real status and no keys at all.

use super::Switchyard;
use crate::AppError;
use switchyard_domain::{BackendDraft, BackendKind};
use switchyard_store::Store;

const DEMO_SEEDED: &str = "demo_seeded";

/// Adds the Demo backend once, so a fresh install has a working backend. A user who deletes it
/// later does not get it back. Blocking; run before the gateway listens.
pub(super) fn seed_demo(store: &Store) -> Result<(), AppError> {
    if store.settings().get_setting(DEMO_SEEDED)?.is_some() {
        return Ok(());
    }
    let draft = BackendDraft {
        name: "Demo".into(),
        kind: BackendKind::Demo,
        base_url: String::new(),
        default_model: BackendKind::Demo.spec().default_model.into(),
    };
    let backends = store.backends();
    if !backends
        .list_backends()?
        .iter()
        .any(|b| b.kind == BackendKind::Demo)
    {
        backends.insert_backend(&crate::new_id(), &draft, true)?;
    }
    store
        .settings()
        .set_setting(DEMO_SEEDED, &serde_json::Value::Bool(true))?;
    Ok(())
}

impl Switchyard {
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
}
