//! What a fresh install gets: the Demo backend, added once, and its first check, so the first
//! screen shows a working backend with real status and no keys at all.

use super::Switchyard;
use crate::blocking::OffThread;
use crate::AppError;
use switchyard_domain::{BackendDraft, BackendKind};

const DEMO_SEEDED: &str = "demo_seeded";

impl Switchyard {
    /// Adds the Demo backend once, so a fresh install has a working backend. A user who deletes
    /// it later does not get it back.
    pub(super) async fn seed_demo(&self) -> Result<(), AppError> {
        self.inner
            .blocking(|inner| {
                if inner.store.settings().get_setting(DEMO_SEEDED)?.is_some() {
                    return Ok(());
                }
                let draft = BackendDraft {
                    name: "Demo".into(),
                    kind: BackendKind::Demo,
                    base_url: String::new(),
                    default_model: BackendKind::Demo.spec().default_model.into(),
                };
                let id = crate::new_id();
                if !inner
                    .store
                    .backends()
                    .list_backends()?
                    .iter()
                    .any(|b| b.kind == BackendKind::Demo)
                {
                    inner.store.backends().insert_backend(&id, &draft, true)?;
                }
                inner
                    .store
                    .settings()
                    .set_setting(DEMO_SEEDED, &serde_json::Value::Bool(true))?;
                Ok(())
            })
            .await
    }

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
