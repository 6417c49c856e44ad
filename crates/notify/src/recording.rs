//! `RecordingNotifier`: a notifier for other crates' tests. It remembers every notification it
//! was asked to send and can be told to fail, so alerting code can be tested without a desktop
//! or network.

use std::sync::{Mutex, PoisonError};

use futures_util::future::BoxFuture;

use crate::{Notification, Notifier, NotifyError};

/// Records sends; fails with the scripted error when one is set (recording the attempt anyway).
///
/// ```
/// # use switchyard_notify::{Notification, Notifier, RecordingNotifier};
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let recorder = RecordingNotifier::new();
/// recorder.send(&Notification::test()).await.unwrap();
/// assert_eq!(recorder.sent(), vec![Notification::test()]);
/// # });
/// ```
#[derive(Debug, Default)]
pub struct RecordingNotifier {
    sent: Mutex<Vec<Notification>>,
    fail_with: Mutex<Option<NotifyError>>,
}

impl RecordingNotifier {
    pub fn new() -> Self {
        Self::default()
    }

    /// A recorder whose every send fails with `error`.
    pub fn failing(error: NotifyError) -> Self {
        let r = Self::default();
        r.set_failure(Some(error));
        r
    }

    /// Makes later sends fail with `error` (`None`: succeed again).
    pub fn set_failure(&self, error: Option<NotifyError>) {
        *self
            .fail_with
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = error;
    }

    /// Everything sent so far, oldest first (failed attempts included).
    pub fn sent(&self) -> Vec<Notification> {
        self.sent
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Forgets what was sent.
    pub fn clear(&self) {
        self.sent
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }
}

impl Notifier for RecordingNotifier {
    fn send<'a>(&'a self, n: &'a Notification) -> BoxFuture<'a, Result<(), NotifyError>> {
        self.sent
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(n.clone());
        let outcome = match &*self
            .fail_with
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
        {
            Some(e) => Err(e.clone()),
            None => Ok(()),
        };
        Box::pin(async move { outcome })
    }
}
