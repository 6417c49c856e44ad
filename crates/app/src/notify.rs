//! Desktop notifications for the app: alerts opening and resolving, readiness verdicts, and the
//! "Send test notification" button. A failure to notify is logged and remembered for the Settings
//! page, never fatal.

use crate::{AppError, DomainEvent, Switchyard};
use std::sync::{Arc, Mutex, PoisonError};
use switchyard_notify::{DesktopNotifier, Notification, Notifier, NotifyError, RecordingNotifier};

/// Where notifications go: the desktop, or a recorder (tests).
pub enum Channel {
    Desktop(DesktopNotifier),
    Recording(Arc<RecordingNotifier>),
}

/// The last failure, for Settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotifyFailure {
    pub at: String,
    pub message: String,
    pub hint: String,
}

pub struct Notifications {
    channel: Channel,
    last_failure: Mutex<Option<NotifyFailure>>,
}

impl Notifications {
    pub fn new(channel: Channel) -> Self {
        Notifications {
            channel,
            last_failure: Mutex::new(None),
        }
    }

    fn notifier(&self) -> &dyn Notifier {
        match &self.channel {
            Channel::Desktop(d) => d,
            Channel::Recording(r) => r.as_ref(),
        }
    }
}

fn failure(e: &NotifyError) -> NotifyFailure {
    NotifyFailure {
        at: switchyard_store::now(),
        message: e.to_string(),
        hint: e
            .hint()
            .unwrap_or("Check the notification settings of your desktop.")
            .to_string(),
    }
}

impl Switchyard {
    /// Sends a notification; a failure is logged and remembered, never returned.
    pub async fn notify(&self, n: Notification) {
        let result = self.inner.notifications.notifier().send(&n).await;
        let mut last = self
            .inner
            .notifications
            .last_failure
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        match result {
            Ok(()) => {
                if last.take().is_some() {
                    self.emit(DomainEvent::NotificationsChanged);
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, summary = %n.summary, "could not deliver a notification");
                *last = Some(failure(&e));
                self.emit(DomainEvent::NotificationsChanged);
            }
        }
    }

    /// The "Send test notification" button: unlike [`Switchyard::notify`], says why it failed.
    pub async fn send_test_notification(&self) -> Result<(), AppError> {
        let result = self
            .inner
            .notifications
            .notifier()
            .send(&Notification::test())
            .await;
        let mut last = self
            .inner
            .notifications
            .last_failure
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        *last = result.as_ref().err().map(failure);
        drop(last);
        self.emit(DomainEvent::NotificationsChanged);
        result.map_err(|e| AppError::Notifications {
            message: e.to_string(),
            hint: e.hint().map(str::to_string),
        })
    }

    /// The notification server's name and version, or why notifications cannot be delivered.
    pub async fn notification_service(&self) -> Result<String, NotifyFailure> {
        match &self.inner.notifications.channel {
            Channel::Desktop(d) => match d.server_info().await {
                Ok(s) => Ok(format!("{} {}", s.name, s.version).trim().to_string()),
                Err(e) => Err(failure(&e)),
            },
            Channel::Recording(_) => Ok("test recorder".into()),
        }
    }

    /// The last delivery failure since the last success, for Settings.
    pub fn last_notification_failure(&self) -> Option<NotifyFailure> {
        self.inner
            .notifications
            .last_failure
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}
