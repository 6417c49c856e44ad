//! One desktop notification when a tool's plan window is used up and its overflow starts
//! serving, and one when the plan serves again (issue 74). The gateway tells each change once
//! (`Observer::plan_window`, as `DomainEvent::PlanWindow`); this turns them into notifications,
//! in the process serving the user's gateway (the tray, `serve`), beside the lists that follow
//! the routes.

use super::service::Tools;
use switchyard_app::{DomainEvent, Switchyard};
use switchyard_domain::Vendor;
use switchyard_notify::{Kind, Notification, Urgency};
use tokio::sync::broadcast::error::RecvError;

/// The notification for a change of `vendor`'s plan window.
pub fn notice(vendor: Vendor, used_up_until: Option<u64>) -> Notification {
    let plan = vendor.plan_label();
    match used_up_until {
        Some(reset) => {
            let ms = i64::try_from(reset)
                .unwrap_or(i64::MAX / 1000)
                .saturating_mul(1000);
            Notification::new(
                Kind::Plan,
                Urgency::Normal,
                format!("{plan} window used up: your overflow serves now"),
                format!(
                    "Requests go on through the overflow until the plan resets ({} UTC); what they cost is on the Costs page.",
                    switchyard_store::rfc3339(ms)
                ),
            )
        }
        None => Notification::new(
            Kind::Plan,
            Urgency::Low,
            format!("{plan} is back"),
            "The plan's window has reset: requests go to the plan again.".to_string(),
        ),
    }
}

impl Tools {
    /// Sends a notification for each change of a plan's window, until the core stops.
    pub async fn follow_plans(app: Switchyard) {
        let mut events = app.subscribe();
        loop {
            match events.recv().await {
                Ok(DomainEvent::PlanWindow {
                    vendor,
                    used_up_until,
                }) => {
                    app.notifications()
                        .send(notice(vendor, used_up_until))
                        .await
                }
                Ok(_) | Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => return,
            }
        }
    }
}
