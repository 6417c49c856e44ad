//! Alerts: user-editable rules over probe samples and gateway signals that open and resolve
//! alerts, deduplicated, damped against flapping and quiet at night.
//!
//! How an alert lives (per rule × backend × key — the alert's *key*):
//!
//! * **Open.** When a rule's condition fires for a key that has no tracked alert, a new alert
//!   opens (`Opened`, id `"{rule}:{backend}[/{key}]:{opened_at_unix_ms}"`).
//! * **Dedupe.** While the alert is tracked, the condition firing again produces nothing.
//! * **Cooldown (hold-down before resolving).** When the condition stops firing at `t`, the
//!   alert is *clearing*: it stays open until `t + cooldown` (default 5 min). If the condition
//!   fires again before then, the re-open is merged into the same alert — same id, no event,
//!   `flaps += 1`. Only once it has stayed clear for the whole cooldown does it resolve
//!   (`Resolved`, emitted by the first evaluation at or after `t + cooldown`, with
//!   `resolved_at = t`, the moment it really cleared). A flapping backend therefore sends one
//!   "opened" and one "resolved", and never a "resolved" while it is still flapping. A condition
//!   that fires after the resolution opens a new alert (new id). A cooldown of 0 resolves on the
//!   first clear evaluation.
//! * **Quiet hours.** During [`QuietHours`] (local time, may span midnight) alerts still open,
//!   merge and resolve exactly as above, and events are still returned for storage, but with
//!   `notify: false`. Whether an event notifies depends only on the moment it is emitted.
//! * **Rules removed or disabled** resolve their alerts at once, without notifying.
//!
//! New alert kinds plug in through [`Condition`]: either the generic [`RuleKind::Metric`]
//! ("aggregate of a named metric over a window, compared with a threshold", fed by
//! [`Signal::Metric`](crate::Signal)), or a hand-written [`Condition`] registered with
//! [`AlertEngine::add_condition`].
//!
//! Invariants: pure — time arrives as a [`Moment`]; every alert key has at most one tracked
//! alert; events come out in rule order, then key order, so runs are reproducible.

mod catalog;
mod conditions;
mod engine;
mod error;
mod metrics;
mod quiet;
mod refusal;
mod rule;
mod windowed;

pub use catalog::{RuleText, ThresholdText};
pub use engine::AlertEngine;
pub use error::AlertError;
pub use quiet::{Moment, QuietHours};
pub use rule::{
    Aggregation, AlertConfig, AlertRule, Compare, MetricRule, RuleKind, Source, BALANCE_METRIC,
    BUDGET_METRIC, CACHE_HIT_METRIC, LIMIT_METRIC, TEAM_REDIS_METRIC, UNROUTED_METRIC,
};

use crate::sample::TargetId;
use crate::signal::Signal;
use conditions::{BackendDown, CircuitOpened, KeyInvalid, RateLimitedFor};
use serde::{Deserialize, Serialize};
use windowed::{ErrorRate, LatencyP95, MetricThreshold};

/// A rule's condition: fed every signal, asked which keys fire now. Implement it for new kinds.
pub trait Condition: Send {
    /// Takes one signal into account (ignore what does not concern the rule).
    fn observe(&mut self, signal: &Signal);
    /// The backends/keys the condition holds for at `now_unix_ms`, with what to tell the user.
    fn firing(&mut self, now_unix_ms: i64) -> Vec<Firing>;
    /// Drops everything about a deleted backend.
    fn forget(&mut self, _backend_id: &str) {}
}

/// One backend or key a condition holds for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Firing {
    /// The backend (and key) concerned.
    pub target: TargetId,
    /// One line for a notification title, e.g. "openai is down".
    pub summary: String,
    /// A sentence with the numbers, e.g. "4 probes in a row failed; last: unreachable".
    pub detail: String,
}

/// An alert, open or resolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Alert {
    /// Unique id: `"{rule}:{target}:{opened_at_unix_ms}"`.
    pub id: String,
    /// The rule's id.
    pub rule: String,
    /// The backend.
    pub backend_id: String,
    /// The key, for per-key alerts.
    pub key_id: Option<String>,
    /// When it opened, Unix ms.
    pub opened_at_unix_ms: i64,
    /// When its condition cleared for good, Unix ms.
    pub resolved_at_unix_ms: Option<i64>,
    /// One line, from the moment it opened.
    pub summary: String,
    /// A sentence with the numbers, from the moment it opened.
    pub detail: String,
    /// Re-opens merged into this alert during its cooldown.
    pub flaps: u32,
}

/// What happened to an alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum AlertEventKind {
    /// A new alert.
    Opened,
    /// An alert's condition stayed clear for the cooldown.
    Resolved,
}

/// An alert opened or resolved; store it, and show a notification if `notify`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AlertEvent {
    /// Opened or resolved.
    pub kind: AlertEventKind,
    /// The alert as it is now.
    pub alert: Alert,
    /// Whether to notify the user (false during quiet hours and for administrative resolves).
    pub notify: bool,
}

/// "openai" or "openai key “work”", for summaries.
pub(crate) fn target_label(target: &TargetId) -> String {
    match &target.key_id {
        Some(key) => format!("{} key “{}”", target.backend_id, key),
        None => target.backend_id.clone(),
    }
}

/// A fresh condition for `rule`: the rule says what to watch, the condition watches it.
fn condition_of(rule: &AlertRule) -> Box<dyn Condition> {
    let secs_ms = |s: u32| i64::from(s) * 1000;
    match &rule.kind {
        RuleKind::BackendDown { failures } => Box::new(BackendDown::new(*failures)),
        RuleKind::CircuitOpened => Box::new(CircuitOpened::default()),
        RuleKind::ErrorRate {
            percent,
            window_secs,
            min_samples,
            source,
        } => Box::new(ErrorRate::new(
            *percent,
            secs_ms(*window_secs),
            *min_samples,
            *source,
        )),
        RuleKind::LatencyP95 {
            threshold_ms,
            window_secs,
            min_samples,
            source,
        } => Box::new(LatencyP95::new(
            *threshold_ms,
            secs_ms(*window_secs),
            *min_samples,
            *source,
        )),
        RuleKind::KeyInvalid => Box::new(KeyInvalid::default()),
        RuleKind::RateLimitedFor { minutes } => Box::new(RateLimitedFor::new(*minutes)),
        RuleKind::Metric(m) => Box::new(MetricThreshold::new(m.clone())),
    }
}

#[cfg(test)]
#[path = "alerts_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "alerts_rules_tests.rs"]
mod rules_tests;

#[cfg(test)]
#[path = "alerts_config_tests.rs"]
mod config_tests;
