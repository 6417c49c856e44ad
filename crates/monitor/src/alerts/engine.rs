//! The alert engine: runs every enabled rule's condition and turns what fires into alert
//! lifecycles (open, dedupe, cooldown hold-down, resolve, quiet hours), as specified in the
//! parent module.
//! Invariants: at most one tracked alert per (rule, backend, key); a tracked alert is either
//! firing (`cleared_at: None`) or clearing since `cleared_at`; custom conditions survive
//! configuration changes; nothing here reads a clock.

use super::error::AlertError;
use super::rule::{AlertConfig, AlertRule};
use super::{Alert, AlertEvent, AlertEventKind, Condition, Firing, Moment, QuietHours};
use crate::sample::TargetId;
use crate::signal::Signal;
use std::collections::BTreeMap;

/// One rule (or custom condition) and its running state.
struct Slot {
    id: String,
    /// `None` for custom conditions added with [`AlertEngine::add_condition`].
    rule: Option<AlertRule>,
    condition: Box<dyn Condition>,
}

struct Tracked {
    alert: Alert,
    cleared_at: Option<i64>,
}

type AlertKey = (String, TargetId);

/// Evaluates rules and tracks alerts. Feed it every [`Signal`] and call
/// [`evaluate`](Self::evaluate) after each one and on a timer (cooldowns and windows run out
/// with time alone).
pub struct AlertEngine {
    cooldown_ms: i64,
    quiet_hours: Option<QuietHours>,
    slots: Vec<Slot>,
    tracked: BTreeMap<AlertKey, Tracked>,
}

impl AlertEngine {
    /// An engine with `config`'s rules, or why the configuration is invalid.
    pub fn new(config: AlertConfig) -> Result<Self, AlertError> {
        let mut engine = Self {
            cooldown_ms: 0,
            quiet_hours: None,
            slots: Vec::new(),
            tracked: BTreeMap::new(),
        };
        engine.set_config(config, Moment::utc(0))?;
        Ok(engine)
    }

    /// Replaces rules, cooldown and quiet hours. Unchanged rules keep their state; changed ones
    /// restart their condition (their open alerts stay tracked and resolve normally); removed or
    /// disabled ones resolve their alerts at `now`, without notifying.
    pub fn set_config(
        &mut self,
        config: AlertConfig,
        now: Moment,
    ) -> Result<Vec<AlertEvent>, AlertError> {
        config.validate_runnable()?;
        let custom_ids = self
            .slots
            .iter()
            .filter(|s| s.rule.is_none())
            .map(|s| &s.id);
        for id in custom_ids {
            if config.rules.iter().any(|r| &r.id == id) {
                return Err(AlertError::DuplicateRule(id.clone()));
            }
        }
        let mut old: Vec<Slot> = std::mem::take(&mut self.slots);
        let mut slots = Vec::new();
        for rule in config.rules.into_iter().filter(|r| r.enabled) {
            let kept = old.iter().position(|s| s.rule.as_ref() == Some(&rule));
            let slot = match kept {
                Some(i) => old.swap_remove(i),
                None => Slot {
                    id: rule.id.clone(),
                    condition: super::condition_of(&rule),
                    rule: Some(rule),
                },
            };
            slots.push(slot);
        }
        slots.extend(old.into_iter().filter(|s| s.rule.is_none()));
        let live: Vec<String> = slots.iter().map(|s| s.id.clone()).collect();
        self.slots = slots;
        self.cooldown_ms = i64::from(config.cooldown_secs) * 1000;
        self.quiet_hours = config.quiet_hours;
        Ok(self.resolve_where(now, |(rule, _)| !live.contains(rule)))
    }

    /// Adds a hand-written condition under `id` (evaluated after the configured rules).
    pub fn add_condition(
        &mut self,
        id: impl Into<String>,
        condition: Box<dyn Condition>,
    ) -> Result<(), AlertError> {
        let id = id.into();
        if self.slots.iter().any(|s| s.id == id) {
            return Err(AlertError::DuplicateRule(id));
        }
        self.slots.push(Slot {
            id,
            rule: None,
            condition,
        });
        Ok(())
    }

    /// Hands one signal to every condition.
    pub fn observe(&mut self, signal: &Signal) {
        for slot in &mut self.slots {
            slot.condition.observe(signal);
        }
    }

    /// `observe` then `evaluate`.
    pub fn ingest(&mut self, signal: &Signal, now: Moment) -> Vec<AlertEvent> {
        self.observe(signal);
        self.evaluate(now)
    }

    /// Opens, merges, clears and resolves alerts as of `now`.
    pub fn evaluate(&mut self, now: Moment) -> Vec<AlertEvent> {
        let notify = !self.quiet_at(now);
        let mut events = Vec::new();
        for slot in &mut self.slots {
            let firing: BTreeMap<TargetId, Firing> = slot
                .condition
                .firing(now.unix_ms)
                .into_iter()
                .map(|f| (f.target.clone(), f))
                .collect();
            for (target, f) in firing.iter() {
                let key = (slot.id.clone(), target.clone());
                if let Some(t) = self.tracked.get_mut(&key) {
                    // Dedupe; a re-fire while clearing is merged into the same alert.
                    if t.cleared_at.take().is_some() {
                        t.alert.flaps += 1;
                    }
                    continue;
                }
                let alert = open(&slot.id, f, now.unix_ms);
                events.push(event(AlertEventKind::Opened, &alert, notify));
                self.tracked.insert(
                    key,
                    Tracked {
                        alert,
                        cleared_at: None,
                    },
                );
            }
            let quiet: Vec<AlertKey> = self
                .tracked
                .keys()
                .filter(|(rule, target)| *rule == slot.id && !firing.contains_key(target))
                .cloned()
                .collect();
            for key in quiet {
                let Some(t) = self.tracked.get_mut(&key) else {
                    continue;
                };
                let cleared_at = *t.cleared_at.get_or_insert(now.unix_ms);
                if now.unix_ms - cleared_at >= self.cooldown_ms {
                    if let Some(mut t) = self.tracked.remove(&key) {
                        t.alert.resolved_at_unix_ms = Some(cleared_at);
                        events.push(event(AlertEventKind::Resolved, &t.alert, notify));
                    }
                }
            }
        }
        events
    }

    /// Forgets a deleted backend: conditions drop its state and its alerts resolve at `now`,
    /// without notifying.
    pub fn forget_backend(&mut self, backend_id: &str, now: Moment) -> Vec<AlertEvent> {
        for slot in &mut self.slots {
            slot.condition.forget(backend_id);
        }
        self.resolve_where(now, |(_, target)| target.backend_id == backend_id)
    }

    /// Alerts currently open (firing or clearing), by rule then target.
    pub fn open_alerts(&self) -> Vec<Alert> {
        self.tracked.values().map(|t| t.alert.clone()).collect()
    }

    /// Whether `now` falls in the configured quiet hours.
    pub fn quiet_at(&self, now: Moment) -> bool {
        self.quiet_hours
            .is_some_and(|q| q.contains(now.local_minute_of_day()))
    }

    /// Resolves (silently, at `now`) every tracked alert whose key matches.
    fn resolve_where(
        &mut self,
        now: Moment,
        matches: impl Fn(&AlertKey) -> bool,
    ) -> Vec<AlertEvent> {
        let keys: Vec<AlertKey> = self
            .tracked
            .keys()
            .filter(|k| matches(k))
            .cloned()
            .collect();
        keys.into_iter()
            .filter_map(|k| self.tracked.remove(&k))
            .map(|mut t| {
                t.alert.resolved_at_unix_ms = Some(t.cleared_at.unwrap_or(now.unix_ms));
                event(AlertEventKind::Resolved, &t.alert, false)
            })
            .collect()
    }
}

fn open(rule: &str, f: &Firing, at: i64) -> Alert {
    Alert {
        id: format!("{rule}:{}:{at}", f.target),
        rule: rule.to_string(),
        backend_id: f.target.backend_id.clone(),
        key_id: f.target.key_id.clone(),
        opened_at_unix_ms: at,
        resolved_at_unix_ms: None,
        summary: f.summary.clone(),
        detail: f.detail.clone(),
        flaps: 0,
    }
}

fn event(kind: AlertEventKind, alert: &Alert, notify: bool) -> AlertEvent {
    AlertEvent {
        kind,
        alert: alert.clone(),
        notify,
    }
}
