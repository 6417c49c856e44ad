//! Optional webhook per alert rule (Slack-compatible JSON POST). A webhook URL is a credential
//! (anyone holding a Slack webhook URL can post to the channel), so it lives in the keychain like
//! a provider key; the database keeps only its masked form (`https://hooks.slack.com/…`).

use super::Health;
use crate::blocking::OffThread;
use crate::AppError;
use std::collections::BTreeMap;
use switchyard_notify::{
    mask_url, validate_webhook_url, Notification, Notifier, NotifyError, WebhookNotifier,
};
use switchyard_secrets::SecretString;

/// Settings key: rule id → masked URL.
const KEY: &str = "alert_webhooks";

fn account(rule_id: &str) -> String {
    format!("webhook:{rule_id}")
}

/// A webhook URL refused: a field error on the URL (the reason never repeats the URL).
fn invalid(e: &NotifyError) -> AppError {
    let message = match e {
        NotifyError::InvalidWebhookUrl { reason } => format!("Invalid webhook URL: {reason}."),
        other => other.to_string(),
    };
    AppError::field(
        switchyard_domain::Field::Url,
        switchyard_domain::IssueCode::Format,
        message,
    )
}

impl Health {
    /// Rule id → masked webhook URL, for the rules editor.
    pub async fn alert_webhooks(&self) -> Result<BTreeMap<String, String>, AppError> {
        self.shared
            .blocking(|inner| Ok(inner.settings.setting_or_default(KEY)?))
            .await
    }

    /// Sets (or with `None` removes) the webhook of a rule. The URL is validated (https, or http
    /// to this machine) and never echoed back; the keychain is written before the masked row.
    pub async fn set_alert_webhook(
        &self,
        rule_id: String,
        url: Option<SecretString>,
    ) -> Result<BTreeMap<String, String>, AppError> {
        let known = self.alert_config().await?;
        if !known.rules.iter().any(|r| r.id == rule_id) {
            return Err(AppError::NotFound("Alert rule"));
        }
        let masked = match &url {
            Some(u) => Some(mask_url(
                &validate_webhook_url(u.expose()).map_err(|e| invalid(&e))?,
            )),
            None => None,
        };
        self.shared
            .blocking(move |inner| {
                let mut all: BTreeMap<String, String> = inner.settings.setting_or_default(KEY)?;
                match (url, masked) {
                    (Some(u), Some(m)) => {
                        inner.secrets.set(&account(&rule_id), &u)?;
                        all.insert(rule_id, m);
                    }
                    _ => {
                        inner.secrets.delete(&account(&rule_id))?;
                        all.remove(&rule_id);
                    }
                }
                let value =
                    serde_json::to_value(&all).map_err(|e| AppError::Internal(e.to_string()))?;
                inner.settings.set_setting(KEY, &value)?;
                Ok(all)
            })
            .await
    }

    /// Posts a test message to a rule's webhook; the error says why it failed (masked URL).
    pub async fn test_alert_webhook(&self, rule_id: String) -> Result<(), AppError> {
        let hook = self
            .webhook_of(&rule_id)
            .await?
            .ok_or(AppError::NotFound("Webhook"))?;
        hook.send(&Notification::test())
            .await
            .map_err(|e| AppError::Notifications {
                message: e.to_string(),
                hint: None,
            })
    }

    /// The rule's webhook, if one is set.
    pub(crate) async fn webhook_of(
        &self,
        rule_id: &str,
    ) -> Result<Option<WebhookNotifier>, AppError> {
        if !self.alert_webhooks().await?.contains_key(rule_id) {
            return Ok(None);
        }
        let acct = account(rule_id);
        let url = self
            .shared
            .blocking(move |inner| Ok(inner.secrets.get(&acct)?))
            .await?;
        WebhookNotifier::new(url.expose())
            .map(Some)
            .map_err(|e| invalid(&e))
    }

    /// Posts an alert to its rule's webhook, if any; failures are logged, never fatal.
    pub(crate) async fn post_to_webhook(&self, rule_id: &str, n: &Notification) {
        match self.webhook_of(rule_id).await {
            Ok(Some(hook)) => {
                if let Err(e) = hook.send(n).await {
                    tracing::warn!(rule = rule_id, error = %e, "alert webhook failed");
                }
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(rule = rule_id, error = %e, "alert webhook unavailable"),
        }
    }
}
