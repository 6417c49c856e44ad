//! Codex's own model metadata for the gateway's catalogue (`switchyard_gateway::CodexTemplate`):
//! kept in the settings table when connecting Codex reads it from the user's Codex, and handed
//! to the running gateway then and at each start.

use super::{GatewayControl, Running};
use crate::AppError;
use switchyard_gateway::CodexTemplate;

/// The settings key holding it.
const KEY: &str = "codex_model_template";

impl GatewayControl {
    /// Keeps `template` and gives it to this process's gateway (its `/v1/codex/models`).
    pub fn keep_codex_template(&self, template: CodexTemplate) -> Result<(), AppError> {
        self.settings.set_setting(KEY, &template.to_value())?;
        if let Running::Listening(gateway, _) = &self.running {
            gateway.set_codex_template(Some(template));
        }
        Ok(())
    }

    /// Gives the kept template, if any (and still one Codex reads), to the gateway at start.
    pub(crate) fn load_codex_template(&self) {
        match self.settings.get_setting(KEY) {
            Ok(kept) => self.use_codex_template(kept.as_ref()),
            Err(e) => tracing::warn!(error = %e, "the kept Codex model metadata could not be read"),
        }
    }

    /// The kept template as read (`external`: another process's connect kept it).
    pub(crate) fn use_codex_template(&self, kept: Option<&serde_json::Value>) {
        let Running::Listening(gateway, _) = &self.running else {
            return;
        };
        let Some(value) = kept else { return };
        match CodexTemplate::from_entry(value) {
            Ok(template) => gateway.set_codex_template(Some(template)),
            Err(e) => tracing::warn!(error = %e, "the kept Codex model metadata is not used"),
        }
    }

    /// Reads the kept template (off the async threads).
    pub(crate) fn read_codex_template(
        settings: &switchyard_store::SettingsTable,
    ) -> Option<serde_json::Value> {
        settings.get_setting(KEY).ok().flatten()
    }
}
