//! `Fanout`: one notification to several channels at once, with a result per channel.
//!
//! Invariant: channels are independent — all are tried concurrently, one failing or hanging
//! does not stop the others (each channel bounds its own time), and the report keeps the order
//! in which channels were added.

use std::sync::Arc;

use futures_util::future::{join_all, BoxFuture};

use crate::{Notification, Notifier, NotifyError};

/// The outcome of one channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelResult {
    /// The label given to [`Fanout::with`], e.g. "desktop" or "slack".
    pub channel: String,
    pub result: Result<(), NotifyError>,
}

/// Several labelled notifiers behind one.
#[derive(Clone, Default)]
pub struct Fanout {
    channels: Vec<(String, Arc<dyn Notifier>)>,
}

impl std::fmt::Debug for Fanout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.channels.iter().map(|(label, _)| label))
            .finish()
    }
}

impl Fanout {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a channel under `label`.
    pub fn with(mut self, label: impl Into<String>, notifier: Arc<dyn Notifier>) -> Self {
        self.channels.push((label.into(), notifier));
        self
    }

    pub fn is_empty(&self) -> bool {
        self.channels.is_empty()
    }

    pub fn len(&self) -> usize {
        self.channels.len()
    }

    /// Sends to every channel concurrently and reports each outcome.
    pub async fn send_all(&self, n: &Notification) -> Vec<ChannelResult> {
        let sends = self.channels.iter().map(|(label, notifier)| async move {
            ChannelResult {
                channel: label.clone(),
                result: notifier.send(n).await,
            }
        });
        join_all(sends).await
    }
}

impl Notifier for Fanout {
    /// `Ok` when every channel delivered (or there are none); otherwise
    /// [`NotifyError::ChannelsFailed`] naming the failed ones.
    fn send<'a>(&'a self, n: &'a Notification) -> BoxFuture<'a, Result<(), NotifyError>> {
        Box::pin(async move {
            let results = self.send_all(n).await;
            let total = results.len();
            let failures: Vec<_> = results
                .into_iter()
                .filter_map(|r| r.result.err().map(|e| (r.channel, e)))
                .collect();
            if failures.is_empty() {
                Ok(())
            } else {
                Err(NotifyError::ChannelsFailed { failures, total })
            }
        })
    }
}
