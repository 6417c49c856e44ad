//! The monitor's one consumer task: probe samples and gateway signals into the board and the
//! alert engine; transitions and alerts out as events, stored alerts and notifications; samples
//! batched into SQLite; a 15 s tick for time-based changes; hourly rollups and pruning.
//!
//! Every signal is observed as it arrives (the board's status changes at once), but the alert
//! rules are evaluated at most every [`EVALUATE_EVERY`]: an evaluation walks each rule's whole
//! window, so evaluating after every request made a busy gateway pay O(window) per request.
//! Signals already queued are taken in one batch, and the task rests [`COALESCE`] between
//! batches so that senders rarely have to wake it; an alert opens at most 110 ms later.

use super::Health;
use super::{lock, now_ms, rfc3339};
use crate::blocking::OffThread;
use crate::DomainEvent;
use std::time::Duration;
use switchyard_monitor::{
    rollup_samples, AlertEvent, AlertEventKind, Bucket, Moment, Outcome, ProbeSample, Signal,
    Status,
};
use switchyard_notify::{Kind, Notification, Urgency};
use switchyard_runtime::Supervisor;
use switchyard_store::{AlertRow, HourRow, SampleRow};
use tokio::sync::mpsc;
use tokio::time::Instant;

const TICK: Duration = Duration::from_secs(15);
/// The alert rules are evaluated at most this often while signals keep arriving.
const EVALUATE_EVERY: Duration = Duration::from_millis(100);
/// Signals taken from the queue in one go before the loop looks at its other branches.
const BATCH: usize = 1024;
/// After a batch the task waits this long before taking the next, so the gateway's signals
/// queue up and a busy gateway wakes it about a hundred times a second, not once per request.
const COALESCE: Duration = Duration::from_millis(10);
const HOUR_MS: i64 = 3_600_000;
/// Raw samples are kept this long; hourly rollups 35 days.
const SAMPLES_KEPT_MS: i64 = 48 * HOUR_MS;
const HOURS_KEPT_MS: i64 = 35 * 24 * HOUR_MS;

/// Now, with the local UTC offset (quiet hours are local time).
pub(crate) fn moment() -> Moment {
    Moment {
        unix_ms: now_ms(),
        utc_offset_minutes: local_offset_secs() / 60,
    }
}

/// Local time minus UTC in seconds (chrono reads the zone database; safe with threads).
pub(crate) fn local_offset_secs() -> i32 {
    use chrono::Offset;
    chrono::Local::now().offset().fix().local_minus_utc()
}

pub(super) fn spawn(
    app: Health,
    mut samples: mpsc::Receiver<ProbeSample>,
    mut passive: mpsc::UnboundedReceiver<Signal>,
    tasks: &Supervisor,
) {
    tasks.spawn_with("monitor consumer", move |cancel| async move {
        let mut tick = tokio::time::interval(TICK);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        let mut pending: Vec<SampleRow> = Vec::new();
        let mut last_rollup_hour = 0;
        let mut evaluated: Option<Instant> = None;
        // Set while signals were observed and the rules not yet evaluated on them.
        let mut due: Option<Instant> = None;
        loop {
            let signal = tokio::select! {
                _ = cancel.cancelled() => break,
                s = samples.recv() => match s {
                    Some(s) => {
                        pending.push(row(&s));
                        Signal::Probe(s)
                    }
                    None => break,
                },
                Some(p) = passive.recv() => p,
                _ = tokio::time::sleep_until(due.unwrap_or_else(Instant::now)), if due.is_some() => {
                    due = None;
                    evaluated = Some(Instant::now());
                    evaluate(&app).await;
                    continue;
                }
                _ = tick.tick() => {
                    flush(&app, &mut pending).await;
                    on_tick(&app).await;
                    evaluated = Some(Instant::now());
                    due = None;
                    let hour = now_ms() / HOUR_MS;
                    if hour != last_rollup_hour {
                        last_rollup_hour = hour;
                        hourly(&app).await;
                    }
                    continue;
                }
            };
            observe(&app, &signal);
            for _ in 1..BATCH {
                match passive.try_recv() {
                    Ok(p) => observe(&app, &p),
                    Err(_) => break,
                }
            }
            if let Some(at) = evaluated.filter(|at| at.elapsed() < EVALUATE_EVERY) {
                due.get_or_insert(at + EVALUATE_EVERY);
            } else {
                due = None;
                evaluated = Some(Instant::now());
                evaluate(&app).await;
            }
            // A round of probes is in once the queue is empty: store it, so uptime and
            // latency on screen follow at once (then tell the UI).
            if !pending.is_empty() && (samples.is_empty() || pending.len() >= 64) {
                flush(&app, &mut pending).await;
                app.emit(DomainEvent::HealthChanged);
            }
            tokio::select! {
                _ = cancel.cancelled() => break,
                _ = tokio::time::sleep(COALESCE) => {}
            }
        }
        flush(&app, &mut pending).await;
    });
}

fn row(s: &ProbeSample) -> SampleRow {
    SampleRow {
        backend_id: s.target.backend_id.clone(),
        key_id: s.target.key_id.clone(),
        at_ms: s.at_unix_ms,
        outcome: s.outcome.as_str().to_string(),
        latency_ms: s.latency_ms,
        http_status: s.http_status,
    }
}

/// Hands one signal to the board and the alert engine (which evaluates later).
pub(super) fn observe(app: &Health, signal: &Signal) {
    let Some(m) = app.monitor() else { return };
    let transition = lock(&m.board).observe(signal);
    lock(&m.engine).observe(signal);
    if let Some(t) = transition {
        tracing::info!(backend = %t.backend_id, from = ?t.from, to = ?t.to, reasons = ?t.reasons, "backend health changed");
        app.emit(DomainEvent::HealthChanged);
    }
}

/// Runs the alert rules on what was observed.
async fn evaluate(app: &Health) {
    let Some(m) = app.monitor() else { return };
    let events = lock(&m.engine).evaluate(moment());
    record_alerts(app, events).await;
}

async fn on_tick(app: &Health) {
    let Some(m) = app.monitor() else { return };
    let now = moment();
    let transitions = lock(&m.board).tick(now.unix_ms);
    let events = lock(&m.engine).evaluate(now);
    if !transitions.is_empty() {
        app.emit(DomainEvent::HealthChanged);
    }
    record_alerts(app, events).await;
}

/// Stores alert events, notifies for those that should, and tells the UI.
pub(crate) async fn record_alerts(app: &Health, events: Vec<AlertEvent>) {
    if events.is_empty() {
        return;
    }
    // The engine speaks in ids; people read names and key labels. Whole subjects first
    // (`limit:key:<id>`), so a key's id inside one is not replaced by its label alone.
    let mut names = app.other_names().await;
    names.extend(app.backend_names().await);
    names.extend(app.key_labels().await);
    let readable = |text: &str| {
        names.iter().fold(text.to_string(), |t, (id, name)| {
            t.replace(id.as_str(), name)
        })
    };
    for e in events {
        let a = &e.alert;
        let (summary, detail) = (readable(&a.summary), readable(&a.detail));
        let at = |ms: i64| rfc3339(ms);
        let row = AlertRow {
            id: a.id.clone(),
            rule: a.rule.clone(),
            backend_id: Some(a.backend_id.clone()),
            key_id: a.key_id.clone(),
            opened_at: at(a.opened_at_unix_ms),
            resolved_at: a.resolved_at_unix_ms.map(at),
            summary: summary.clone(),
            detail: detail.clone(),
            notified: e.notify,
        };
        if let Err(err) = app
            .shared
            .blocking(move |inner| Ok(inner.alerts.save_alert(&row)?))
            .await
        {
            tracing::warn!(error = %err, "could not store an alert");
        }
        if e.notify {
            let n = match e.kind {
                AlertEventKind::Opened => {
                    Notification::new(Kind::AlertOpened, Urgency::Critical, summary, detail)
                }
                AlertEventKind::Resolved => Notification::new(
                    Kind::AlertResolved,
                    Urgency::Low,
                    format!("Recovered: {summary}"),
                    "The alert has cleared.".to_string(),
                ),
            };
            app.post_to_webhook(&a.rule, &n).await;
            app.notifications().send(n).await;
        }
    }
    app.emit(DomainEvent::AlertsChanged);
}

async fn flush(app: &Health, pending: &mut Vec<SampleRow>) {
    if pending.is_empty() {
        return;
    }
    let batch = std::mem::take(pending);
    if let Err(e) = app
        .shared
        .blocking(move |inner| Ok(inner.health.insert_samples(&batch)?))
        .await
    {
        tracing::warn!(error = %e, "could not store probe samples");
    }
}

/// Rolls the last two full hours of every backend into `health_hours`, then prunes.
async fn hourly(app: &Health) {
    let now = now_ms();
    let this_hour = Bucket::Hour.start_of(now);
    let result = app
        .shared
        .blocking(move |inner| {
            for b in inner.backends.list_backends()? {
                let rows = inner
                    .health
                    .samples(&b.id, this_hour - 2 * HOUR_MS, this_hour)?;
                let samples: Vec<ProbeSample> = rows.iter().filter_map(sample_of).collect();
                let Ok(rollups) = rollup_samples(&samples, Bucket::Hour) else {
                    continue;
                };
                for r in rollups {
                    inner.health.upsert_hour(&HourRow {
                        backend_id: b.id.clone(),
                        hour_ms: r.bucket_start_unix_ms,
                        probes: r.probes,
                        failures: r.failures,
                        latency_hist: r.histogram,
                    })?;
                }
            }
            Ok(inner
                .health
                .prune_health(now - SAMPLES_KEPT_MS, now - HOURS_KEPT_MS)?)
        })
        .await;
    if let Err(e) = result {
        tracing::warn!(error = %e, "could not roll up health history");
    }
}

/// A stored sample as the monitor's type (for rollups).
pub(crate) fn sample_of(r: &SampleRow) -> Option<ProbeSample> {
    Some(ProbeSample {
        target: switchyard_monitor::TargetId {
            backend_id: r.backend_id.clone(),
            key_id: r.key_id.clone(),
        },
        at: tokio::time::Instant::now(),
        at_unix_ms: r.at_ms,
        outcome: Outcome::parse(&r.outcome)?,
        latency_ms: r.latency_ms,
        http_status: r.http_status,
        message: String::new(),
    })
}

/// The worst status over the backends (for the tray).
pub(crate) fn overall(statuses: impl Iterator<Item = Status>) -> Status {
    statuses.fold(Status::Unknown, |acc, s| match (acc, s) {
        (Status::Down, _) | (_, Status::Down) => Status::Down,
        (Status::Degraded, _) | (_, Status::Degraded) => Status::Degraded,
        (Status::Healthy, _) | (_, Status::Healthy) => Status::Healthy,
        _ => Status::Unknown,
    })
}
