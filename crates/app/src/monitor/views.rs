//! What the Overview, Health and Alerts pages read: per-backend status with reasons, uptime over
//! 24 h / 7 d / 30 d, latency percentiles, SLA, today's requests; history buckets for charts;
//! stored alerts. Opening the app never waits on the network: all of this is local.
//! Counts and latencies are 64-bit here and a TypeScript `number` in the UI's types (exact far
//! beyond any real count).

use super::consume::sample_of;
use super::{lock, now_ms, Health};
use crate::blocking::OffThread;
use crate::AppError;
use switchyard_monitor::{Aggregate, Rollup, SlaTarget, Status};
use switchyard_store::{AlertRow, HourRow, SampleRow};

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename = "BackendHealthCard")]
pub struct BackendHealthView {
    pub backend_id: String,
    pub name: String,
    pub status: Status,
    pub reasons: Vec<String>,
    /// Percent of probes that succeeded; `None` without probes in the window.
    pub uptime_24h: Option<f64>,
    pub uptime_7d: Option<f64>,
    pub uptime_30d: Option<f64>,
    /// Over the last 24 h, successful probes only.
    #[cfg_attr(feature = "specta", specta(type = Option<u32>))]
    pub p50_ms: Option<u64>,
    #[cfg_attr(feature = "specta", specta(type = Option<u32>))]
    pub p95_ms: Option<u64>,
    #[cfg_attr(feature = "specta", specta(type = Option<u32>))]
    pub p99_ms: Option<u64>,
    /// The SLA target in percent and whether the 30-day uptime is below it.
    pub sla_target: f64,
    /// The 30-day uptime is below the target.
    pub sla_breached: bool,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub requests_today: u64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub errors_today: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type), serde(rename = "Range"))]
pub enum HealthRange {
    Day,
    Week,
    Month,
}

/// One bar of a history chart: an hour (24 h and 7 d) or a day (30 d).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename = "HealthPoint")]
pub struct HealthBucket {
    /// Bucket start, Unix milliseconds.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub start_ms: i64,
    pub probes: u32,
    pub failures: u32,
    pub uptime: Option<f64>,
    #[cfg_attr(feature = "specta", specta(type = Option<u32>))]
    pub p50_ms: Option<u64>,
    #[cfg_attr(feature = "specta", specta(type = Option<u32>))]
    pub p95_ms: Option<u64>,
    #[cfg_attr(feature = "specta", specta(type = Option<u32>))]
    pub p99_ms: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type), serde(rename = "AlertItem"))]
pub struct AlertView {
    #[serde(flatten)]
    pub row: AlertRow,
    pub backend_name: Option<String>,
}

fn stats_err(e: switchyard_monitor::StatsError) -> AppError {
    AppError::Internal(format!("health statistics: {e}"))
}

fn aggregate_samples(rows: &[SampleRow]) -> Result<Aggregate, AppError> {
    let mut agg = Aggregate::new().map_err(stats_err)?;
    for r in rows {
        if let Some(s) = sample_of(r) {
            agg.record(s.outcome, s.latency_ms);
        }
    }
    Ok(agg)
}

fn rollup_of(h: &HourRow) -> Rollup {
    Rollup {
        bucket_start_unix_ms: h.hour_ms,
        bucket: switchyard_monitor::Bucket::Hour,
        probes: h.probes,
        failures: h.failures,
        histogram: h.latency_hist.clone(),
    }
}

/// Hours from the rollup table, plus the current partial hours from raw samples.
fn merged(hours: &[HourRow], recent: &[SampleRow], from: i64) -> Result<Aggregate, AppError> {
    let mut total = Aggregate::new().map_err(stats_err)?;
    let last_rolled = hours
        .iter()
        .map(|h| h.hour_ms + HOUR_MS)
        .max()
        .unwrap_or(from);
    for h in hours {
        // A damaged rollup row is skipped, never fatal.
        if let Ok(a) = rollup_of(h).decode() {
            total.merge(&a).map_err(stats_err)?;
        }
    }
    let newer: Vec<SampleRow> = recent
        .iter()
        .filter(|s| s.at_ms >= last_rolled)
        .cloned()
        .collect();
    total
        .merge(&aggregate_samples(&newer)?)
        .map_err(stats_err)?;
    Ok(total)
}

impl Health {
    /// Every backend (enabled ones first in their order) with its health, from local data only.
    pub async fn overview(&self) -> Result<Vec<BackendHealthView>, AppError> {
        let now = now_ms();
        let midnight = local_midnight_rfc3339();
        let snapshots = self
            .monitor()
            .map(|m| lock(&m.board).snapshots())
            .unwrap_or_default();
        self.shared
            .blocking(move |inner| {
                let counts = inner.ledger.request_counts_since(&midnight)?;
                let mut out = Vec::new();
                for b in inner
                    .backends
                    .list_backends()?
                    .into_iter()
                    .filter(|b| b.enabled)
                {
                    let day = inner.health.samples(&b.id, now - DAY_MS, now + 1)?;
                    let hours = inner.health.hours(&b.id, now - 30 * DAY_MS, now)?;
                    let agg_day = aggregate_samples(&day)?;
                    let week: Vec<HourRow> = hours
                        .iter()
                        .filter(|h| h.hour_ms >= now - 7 * DAY_MS)
                        .cloned()
                        .collect();
                    let agg_week = merged(&week, &day, now - 7 * DAY_MS)?;
                    let agg_month = merged(&hours, &day, now - 30 * DAY_MS)?;
                    let p = agg_day.percentiles();
                    let target = SlaTarget::from_basis_points(b.monitor.sla_target_bp);
                    let sla = target.check(agg_month.uptime());
                    let snap = snapshots
                        .iter()
                        .find(|(id, _)| *id == b.id)
                        .map(|(_, s)| s.clone());
                    let (requests, errors) = counts
                        .iter()
                        .find(|(name, _, _)| *name == b.name)
                        .map_or((0, 0), |(_, n, e)| (*n, *e));
                    // Before the first probe of this run, show the last stored result at once.
                    let (status, reasons) = match (snap, day.last()) {
                        (Some(s), _) if s.status != Status::Unknown => (s.status, s.reasons),
                        (_, Some(last)) => (
                            if last.outcome == "ok" {
                                Status::Healthy
                            } else {
                                Status::Down
                            },
                            vec![format!("last known state ({}), refreshing", last.outcome)],
                        ),
                        (s, None) => (Status::Unknown, s.map(|s| s.reasons).unwrap_or_default()),
                    };
                    out.push(BackendHealthView {
                        status,
                        reasons,
                        uptime_24h: agg_day.uptime().percent(),
                        uptime_7d: agg_week.uptime().percent(),
                        uptime_30d: agg_month.uptime().percent(),
                        p50_ms: p.map(|p| p.p50_ms),
                        p95_ms: p.map(|p| p.p95_ms),
                        p99_ms: p.map(|p| p.p99_ms),
                        sla_target: target.0,
                        sla_breached: sla.is_some_and(|r| r.breached),
                        requests_today: requests,
                        errors_today: errors,
                        backend_id: b.id,
                        name: b.name,
                    });
                }
                Ok(out)
            })
            .await
    }

    /// Chart buckets for one backend: hourly for 24 h and 7 d, daily (local days) for 30 d.
    pub async fn history(
        &self,
        backend_id: String,
        range: HealthRange,
    ) -> Result<Vec<HealthBucket>, AppError> {
        let now = now_ms();
        let (span, width) = match range {
            HealthRange::Day => (DAY_MS, HOUR_MS),
            HealthRange::Week => (7 * DAY_MS, HOUR_MS),
            HealthRange::Month => (30 * DAY_MS, DAY_MS),
        };
        // Buckets start on local hours / local midnights (the user's day, not UTC's).
        let off = i64::from(super::consume::local_offset_secs()) * 1000;
        let first = (now - span + off).div_euclid(width) * width - off + width;
        self.shared
            .blocking(move |inner| {
                let samples = inner.health.samples(&backend_id, first, now + 1)?;
                let hours = inner.health.hours(&backend_id, first, now)?;
                let mut out = Vec::new();
                let mut start = first;
                while start <= now {
                    let end = start + width;
                    let in_hours: Vec<HourRow> = hours
                        .iter()
                        .filter(|h| h.hour_ms >= start && h.hour_ms < end)
                        .cloned()
                        .collect();
                    let in_samples: Vec<SampleRow> = samples
                        .iter()
                        .filter(|s| s.at_ms >= start && s.at_ms < end)
                        .cloned()
                        .collect();
                    let agg = merged(&in_hours, &in_samples, start)?;
                    let p = agg.percentiles();
                    let up = agg.uptime();
                    out.push(HealthBucket {
                        start_ms: start,
                        probes: u32::try_from(up.total).unwrap_or(u32::MAX),
                        failures: u32::try_from(up.failures()).unwrap_or(u32::MAX),
                        uptime: up.percent(),
                        p50_ms: p.map(|p| p.p50_ms),
                        p95_ms: p.map(|p| p.p95_ms),
                        p99_ms: p.map(|p| p.p99_ms),
                    });
                    start = end;
                }
                Ok(out)
            })
            .await
    }

    /// Open alerts first, then the newest resolved ones.
    pub async fn alerts(&self, limit: u32) -> Result<Vec<AlertView>, AppError> {
        let names = self.backend_names().await;
        let rows = self
            .shared
            .blocking(move |inner| Ok(inner.alerts.list_alerts(limit)?))
            .await?;
        Ok(rows
            .into_iter()
            .map(|row| AlertView {
                backend_name: row
                    .backend_id
                    .as_ref()
                    .and_then(|id| names.iter().find(|(i, _)| i == id))
                    .map(|(_, n)| n.clone()),
                row,
            })
            .collect())
    }

    /// (id, label) of every key.
    pub(crate) async fn key_labels(&self) -> Vec<(String, String)> {
        self.shared
            .blocking(|inner| {
                Ok(inner
                    .keys
                    .list_keys()?
                    .into_iter()
                    .map(|k| (k.id, k.label))
                    .collect())
            })
            .await
            .unwrap_or_default()
    }

    /// Names from the features that registered some (budgets) and the cache's.
    pub(crate) async fn other_names(&self) -> Vec<(String, String)> {
        let sources = lock(&self.shared.names).clone();
        self.shared
            .blocking(move |_| Ok(Health::extra_names(&sources)))
            .await
            .unwrap_or_default()
    }

    /// (id, name) of every backend.
    pub(crate) async fn backend_names(&self) -> Vec<(String, String)> {
        self.shared
            .blocking(|inner| {
                Ok(inner
                    .backends
                    .list_backends()?
                    .into_iter()
                    .map(|b| (b.id, b.name))
                    .collect())
            })
            .await
            .unwrap_or_default()
    }

    /// The worst backend status (healthy when none is known), for the tray.
    pub fn overall(&self) -> Status {
        let Some(m) = self.monitor() else {
            return Status::Unknown;
        };
        let snaps = lock(&m.board).snapshots();
        super::consume::overall(snaps.into_iter().map(|(_, s)| s.status))
    }
}

/// Local midnight as RFC 3339 UTC (the ledger's format), for "today".
fn local_midnight_rfc3339() -> String {
    let offset = time::UtcOffset::from_whole_seconds(super::consume::local_offset_secs())
        .unwrap_or(time::UtcOffset::UTC);
    let local = time::OffsetDateTime::now_utc().to_offset(offset);
    let midnight = local
        .replace_time(time::Time::MIDNIGHT)
        .to_offset(time::UtcOffset::UTC);
    midnight
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
