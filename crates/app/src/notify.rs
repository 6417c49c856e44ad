//! Desktop notifications for the app: alerts opening and resolving, readiness verdicts, and the
//! "Send test notification" button. A failure to notify is logged and remembered for the Settings
//! page, never fatal.

use crate::events::EventSink;
use crate::{AppError, DomainEvent};
use std::sync::{Arc, Mutex, PoisonError};
use switchyard_notify::{DesktopNotifier, Notification, Notifier, NotifyError, RecordingNotifier};

/// Where notifications go: the desktop, or a recorder (tests).
pub enum Channel {
    Desktop(DesktopNotifier),
    Recording(Arc<RecordingNotifier>),
}

/// The last failure, for Settings.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename = "NotificationProblem")]
pub struct NotifyFailure {
    pub at: String,
    pub message: String,
    pub hint: String,
}

/// The Notifications feature. Cheap to clone.
#[derive(Clone)]
pub struct Notifications {
    channel: Arc<Channel>,
    last_failure: Arc<Mutex<Option<NotifyFailure>>>,
    events: EventSink,
}

impl Notifications {
    /// Needs where notifications go and the event sink (`NotificationsChanged` when delivery
    /// fails or recovers).
    pub(crate) fn new(channel: Channel, events: EventSink) -> Self {
        Notifications {
            channel: Arc::new(channel),
            last_failure: Arc::new(Mutex::new(None)),
            events,
        }
    }

    fn notifier(&self) -> &dyn Notifier {
        match self.channel.as_ref() {
            Channel::Desktop(d) => d,
            Channel::Recording(r) => r.as_ref(),
        }
    }

    /// Sends a notification; a failure is logged and remembered, never returned.
    pub async fn send(&self, n: Notification) {
        let result = self.notifier().send(&n).await;
        let mut last = self
            .last_failure
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        match result {
            Ok(()) => {
                if last.take().is_some() {
                    self.events.emit(DomainEvent::NotificationsChanged);
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, summary = %n.summary, "could not deliver a notification");
                *last = Some(failure(&e));
                self.events.emit(DomainEvent::NotificationsChanged);
            }
        }
    }

    /// The "Send test notification" button: unlike [`Notifications::send`], says why it failed.
    pub async fn send_test(&self) -> Result<(), AppError> {
        let result = self.notifier().send(&Notification::test()).await;
        *self
            .last_failure
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = result.as_ref().err().map(failure);
        self.events.emit(DomainEvent::NotificationsChanged);
        result.map_err(|e| AppError::Notifications {
            message: e.to_string(),
            hint: e.hint().map(str::to_string),
        })
    }

    /// The notification server's name and version, or why notifications cannot be delivered.
    pub async fn service(&self) -> Result<String, NotifyFailure> {
        match self.channel.as_ref() {
            Channel::Desktop(d) => match d.server_info().await {
                Ok(s) => Ok(format!("{} {}", s.name, s.version).trim().to_string()),
                Err(e) => Err(failure(&e)),
            },
            Channel::Recording(_) => Ok("test recorder".into()),
        }
    }

    /// The last delivery failure since the last success, for Settings.
    pub fn last_failure(&self) -> Option<NotifyFailure> {
        self.last_failure
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
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
