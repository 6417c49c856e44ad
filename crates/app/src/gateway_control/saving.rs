//! Reading and saving the gateway settings through the change path: a save that lets more
//! callers in is written only when the user approved each change (`crate::changes`).

use super::exposure::exposure_changes;
use super::resilience::Resilience;
use super::settings::{load, GatewaySettings, KEY};
use super::{GatewayControl, Running};
use crate::blocking::OffThread;
use crate::changes::{decide, Approved, Decision, Effects, Writer};
use crate::AppError;

impl GatewayControl {
    pub async fn settings(&self) -> Result<GatewaySettings, AppError> {
        self.settings.blocking(load).await
    }

    /// The running gateway's port came from `--port` or the environment, not the settings.
    pub fn port_fixed(&self) -> bool {
        self.port_fixed
    }

    /// Whether the running gateway differs from the saved settings (they apply at start).
    pub fn restart_needed(&self, saved: &GatewaySettings) -> bool {
        let Running::Listening(g, addr) = &self.running else {
            return false;
        };
        let mut wanted = g.config().clone();
        saved.apply(&mut wanted, self.port_fixed);
        let running = g.config();
        let port_differs = !self.port_fixed && addr.port() != saved.port;
        port_differs
            || wanted.allow_non_loopback != running.allow_non_loopback
            || wanted.allowed_origins != running.allowed_origins
            || wanted.allowed_networks != running.allowed_networks
            || Resilience::of(&wanted) != Resilience::of(running)
            || wanted.metrics_open_on_loopback != running.metrics_open_on_loopback
    }

    /// What saving `settings` would open, once they are valid: the changes the user is asked
    /// about before [`update_settings`](Self::update_settings). Nothing is saved.
    pub async fn settings_effects(&self, settings: GatewaySettings) -> Result<Effects, AppError> {
        let next = settings.validated().map_err(AppError::Validation)?;
        let now = self.settings().await?;
        Ok(opened(&now, &next))
    }

    /// Saves the settings; they apply the next time the gateway starts (the app or `serve`).
    /// A save that lets more callers in (`crate::changes`) is written only when `approved`
    /// covers each change it makes: the window sends back the list its question showed, an
    /// import that was approved whole passes `All`. Otherwise it is refused and nothing is saved.
    pub async fn update_settings(
        &self,
        settings: GatewaySettings,
        approved: &Approved,
    ) -> Result<GatewaySettings, AppError> {
        let settings = settings.validated().map_err(AppError::Validation)?;
        let value =
            serde_json::to_value(&settings).map_err(|e| AppError::Internal(e.to_string()))?;
        let (next, approved) = (settings.clone(), approved.clone());
        self.settings
            .blocking(move |table| {
                let effects = opened(&load(table)?, &next);
                if let Decision::Refuse(_) = decide(&Writer::User, &effects, &approved) {
                    return Err(AppError::Conflict(format!(
                        "Saving lets more callers reach the gateway ({}), which you have not \
                         approved: nothing was saved.",
                        effects.to_approve().join("; ")
                    )));
                }
                Ok(table.set_setting(KEY, &value)?)
            })
            .await?;
        Ok(settings)
    }
}

impl GatewayControl {
    /// After a start whose port another program held: tells the user on the desktop, and keeps
    /// the port the gateway moved to (a move opens nothing, so it takes the ordinary path).
    pub(crate) async fn after_squat(&self, notifications: &crate::notify::Notifications) {
        use switchyard_notify::{Kind, Notification, Urgency};
        let Some(squat) = self.squat.clone() else {
            return;
        };
        let summary = format!("Another program holds 127.0.0.1:{}", squat.port);
        let n = Notification::new(Kind::PortTaken, Urgency::Critical, summary, squat.message());
        notifications.send(n).await;
        let Some(port) = squat.moved_to.filter(|_| !self.port_fixed) else {
            return;
        };
        let kept = match self.settings().await {
            Ok(s) => {
                self.update_settings(GatewaySettings { port, ..s }, &Approved::Nothing)
                    .await
            }
            Err(e) => Err(e),
        };
        if let Err(e) = kept {
            tracing::warn!(error = %e, port, "the port the gateway moved to was not saved");
        }
    }
}

fn opened(now: &GatewaySettings, next: &GatewaySettings) -> Effects {
    Effects {
        exposure: exposure_changes(now, next),
        ..Effects::default()
    }
}
