//! Commands of the Overview, Health and Alerts pages.

use super::dto::AlertSettings;
use crate::{Core, ErrorKind, IpcError};
use switchyard_app::{AlertView, BackendHealthView, HealthBucket, HealthRange};

type Res<T> = Result<T, IpcError>;

/// Every enabled backend's health, from local data (never waits on the network).
pub async fn health_overview(core: &Core) -> Res<Vec<BackendHealthView>> {
    Ok(core.app()?.health().overview().await?)
}

/// Chart buckets: hourly for a day or a week, daily for a month.
pub async fn health_history(
    core: &Core,
    backend_id: String,
    range: HealthRange,
) -> Res<Vec<HealthBucket>> {
    Ok(core.app()?.health().history(backend_id, range).await?)
}

/// Probes every backend and key now (the refresh button).
#[tracing::instrument(skip(core))]
pub async fn probe_all_now(core: &Core) -> Res<()> {
    Ok(core.app()?.health().probe_all_now().await?)
}

/// Open alerts first, then the newest resolved ones.
pub async fn list_alerts(core: &Core, limit: u32) -> Res<Vec<AlertView>> {
    Ok(core.app()?.health().alerts(limit.clamp(1, 500)).await?)
}

pub async fn get_alert_settings(core: &Core) -> Res<AlertSettings> {
    let config = core.app()?.health().alert_config().await?;
    AlertSettings::from_config(&config).map_err(|e| IpcError::new(ErrorKind::Internal, e))
}

/// Validates and saves the alert rules, cooldown and quiet hours; applies them at once.
#[tracing::instrument(skip(core, settings))]
pub async fn set_alert_settings(core: &Core, settings: AlertSettings) -> Res<AlertSettings> {
    let config = settings
        .into_config()
        .map_err(|e| IpcError::new(ErrorKind::Validation, e))?;
    let saved = core.app()?.health().set_alert_config(config).await?;
    AlertSettings::from_config(&saved).map_err(|e| IpcError::new(ErrorKind::Internal, e))
}

/// Rule id → masked webhook URL.
pub async fn alert_webhooks(core: &Core) -> Res<std::collections::BTreeMap<String, String>> {
    Ok(core.app()?.health().alert_webhooks().await?)
}

/// Sets (`url` = null: removes) a rule's Slack-compatible webhook. The URL goes to the keychain.
#[tracing::instrument(skip(core, url))]
pub async fn set_alert_webhook(
    core: &Core,
    rule_id: String,
    url: Option<String>,
) -> Res<std::collections::BTreeMap<String, String>> {
    let url = url.map(switchyard_app::secrets::SecretString::new);
    Ok(core.app()?.health().set_alert_webhook(rule_id, url).await?)
}

/// Posts a test message to a rule's webhook.
#[tracing::instrument(skip(core))]
pub async fn test_alert_webhook(core: &Core, rule_id: String) -> Res<()> {
    Ok(core.app()?.health().test_alert_webhook(rule_id).await?)
}
