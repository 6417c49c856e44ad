//! The providers' books in the background: each backend's books read when its last read, good
//! or failed, is a day old (looked at hourly, so a machine that sleeps catches up when it
//! wakes), so at most once a day per provider; and after every read, each of the user's keys'
//! unrouted tokens handed to the alert rules (`unroutedUsage`: desktop notification, webhook).

use crate::{Reconcile, Span};
use std::time::Duration;
use switchyard_app::{Health, Switchyard};
use switchyard_domain::reconcile::Reconciliation;
use switchyard_monitor::{MetricPoint, Signal, UNROUTED_METRIC};

/// How often the follower looks whether a read is due.
const LOOK_EVERY: Duration = Duration::from_secs(3600);
/// How old the last read (good or not) may be before the next.
const READ_EVERY_MS: i64 = 24 * 3600 * 1000;
/// The days each background read covers (today is partial at every provider).
const DAYS: u16 = 7;
/// The days the alert looks at: yesterday and today.
const ALERT_DAYS: usize = 2;

impl Reconcile {
    /// Reads the books that are due and feeds the alert rules, until the core stops. Runs in
    /// the process that serves the user's gateway (the tray's core, `serve`).
    pub async fn follow(app: Switchyard) {
        let books = match Reconcile::new(&app) {
            Ok(b) => b,
            Err(e) => return tracing::warn!(error = %e, "the providers' books are not followed"),
        };
        // Let the core settle before the first look.
        tokio::time::sleep(Duration::from_secs(60)).await;
        loop {
            books.read_due().await;
            tokio::time::sleep(LOOK_EVERY).await;
        }
    }

    /// Reads every backend whose books are due (never read, or last tried a day ago); each
    /// read feeds the alert rules from the books as they then stand.
    pub async fn read_due(&self) {
        let now_ms = time::OffsetDateTime::now_utc().unix_timestamp() * 1000;
        let due = match self.due(now_ms).await {
            Ok(due) => due,
            Err(e) => return tracing::warn!(error = %e, "could not look at the providers' books"),
        };
        if due.is_empty() {
            return;
        }
        let span = Span::last_days(DAYS, time::OffsetDateTime::now_utc());
        for backend in due {
            if let Err(e) = self.read(span, Some(backend)).await {
                tracing::warn!(error = %e, "the providers' books could not be read");
            }
        }
    }

    /// The ids of the backends with books to read (an admin key; OpenRouter: a key) whose
    /// books were never read or last tried a day ago or more.
    async fn due(&self, now_ms: i64) -> Result<Vec<String>, crate::ReconcileError> {
        self.blocking(move |me| {
            let reads = me.books.reads()?;
            let mut with_books: Vec<String> = me
                .books
                .admin_keys()?
                .into_iter()
                .map(|k| k.backend_id)
                .collect();
            for b in me.backends.list_backends()? {
                let own = b.kind == switchyard_domain::BackendKind::OpenRouter;
                if own && !me.keys.keys_of(&b.id)?.is_empty() {
                    with_books.push(b.id);
                }
            }
            with_books.sort();
            let mut ids: Vec<String> = with_books
                .into_iter()
                .filter(|id| {
                    reads
                        .iter()
                        .find(|r| r.backend_id == *id)
                        .is_none_or(|r| now_ms - r.tried_at_ms >= READ_EVERY_MS)
                })
                .collect();
            ids.dedup();
            Ok(ids)
        })
        .await
    }
}

/// Hands the monitor, for each of the user's keys each report names, its unrouted tokens over
/// the last [`ALERT_DAYS`] days of the report (0 when none: a firing alert then resolves).
pub fn feed(health: &Health, report: &[Reconciliation], now_ms: i64) {
    for r in report {
        let recent: Vec<&str> = r
            .days
            .iter()
            .rev()
            .take(ALERT_DAYS)
            .map(|d| d.day.as_str())
            .collect();
        let mut keys: Vec<&str> = r.keys.iter().filter_map(|k| k.key_id.as_deref()).collect();
        keys.extend(r.unrouted.iter().map(|u| u.key_id.as_str()));
        keys.sort_unstable();
        keys.dedup();
        for key in keys {
            let tokens: u64 = r
                .unrouted
                .iter()
                .filter(|u| u.key_id == key && recent.contains(&u.day.as_str()))
                .map(|u| u.tokens.total())
                .sum();
            health.observe(&Signal::Metric(MetricPoint {
                name: UNROUTED_METRIC.into(),
                backend_id: r.backend_id.clone(),
                key_id: Some(key.to_string()),
                at_unix_ms: now_ms,
                value: tokens as f64,
            }));
        }
    }
}
