//! The user's gateway settings as the app keeps them: the type is the gateway's
//! ([`switchyard_gateway::settings`]: port, exposure, origins, networks, resilience, `/metrics`,
//! the panel), saved under one key of the settings table and applied when the gateway starts (an
//! explicit `--port` or `SWITCHYARD_GATEWAY_PORT` still wins for the port).

use crate::AppError;
use switchyard_store::SettingsTable;

pub use switchyard_gateway::settings::GatewaySettings;

pub(super) const KEY: &str = "gateway";

/// The saved settings; a damaged value falls back to the defaults.
pub(crate) fn load(settings: &SettingsTable) -> Result<GatewaySettings, AppError> {
    Ok(settings.setting_or_default(KEY)?)
}
