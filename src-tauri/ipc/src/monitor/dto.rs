//! IPC shapes for the Overview, Health and Alerts pages. Alert rules travel flat (one object per
//! rule with the fields its kind uses) and convert through the monitor's own serde shape, so a
//! rule kind the UI does not know is refused with a typed validation error.

use serde::{Deserialize, Serialize};
use specta::Type;
use switchyard_app::HealthStatus;
use switchyard_app::{AlertView, BackendHealthView, HealthBucket};

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct BackendHealthCard {
    pub backend_id: String,
    pub name: String,
    pub status: HealthStatus,
    pub reasons: Vec<String>,
    pub uptime24h: Option<f64>,
    pub uptime7d: Option<f64>,
    pub uptime30d: Option<f64>,
    pub p50_ms: Option<u32>,
    pub p95_ms: Option<u32>,
    pub p99_ms: Option<u32>,
    /// Percent, e.g. 99.9.
    pub sla_target: f64,
    /// The 30-day uptime is below the target.
    pub sla_breached: bool,
    pub requests_today: u32,
    pub errors_today: u32,
}

fn ms(v: Option<u64>) -> Option<u32> {
    v.map(|x| u32::try_from(x).unwrap_or(u32::MAX))
}

impl From<BackendHealthView> for BackendHealthCard {
    fn from(v: BackendHealthView) -> Self {
        BackendHealthCard {
            backend_id: v.backend_id,
            name: v.name,
            status: v.status,
            reasons: v.reasons,
            uptime24h: v.uptime_24h,
            uptime7d: v.uptime_7d,
            uptime30d: v.uptime_30d,
            p50_ms: ms(v.p50_ms),
            p95_ms: ms(v.p95_ms),
            p99_ms: ms(v.p99_ms),
            sla_target: v.sla_target,
            sla_breached: v.sla_breached,
            requests_today: u32::try_from(v.requests_today).unwrap_or(u32::MAX),
            errors_today: u32::try_from(v.errors_today).unwrap_or(u32::MAX),
        }
    }
}

/// One bar of a history chart.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct HealthPoint {
    /// Bucket start, Unix milliseconds.
    pub start_ms: f64,
    pub probes: u32,
    pub failures: u32,
    pub uptime: Option<f64>,
    pub p50_ms: Option<u32>,
    pub p95_ms: Option<u32>,
    pub p99_ms: Option<u32>,
}

impl From<HealthBucket> for HealthPoint {
    fn from(b: HealthBucket) -> Self {
        HealthPoint {
            start_ms: b.start_ms as f64,
            probes: b.probes,
            failures: b.failures,
            uptime: b.uptime,
            p50_ms: ms(b.p50_ms),
            p95_ms: ms(b.p95_ms),
            p99_ms: ms(b.p99_ms),
        }
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub enum Range {
    Day,
    Week,
    Month,
}

mirror_enum!(Range => switchyard_app::HealthRange { Day, Week, Month });

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AlertItem {
    pub id: String,
    /// The rule id, e.g. `backendDown`.
    pub rule: String,
    pub backend_id: Option<String>,
    pub backend_name: Option<String>,
    pub key_id: Option<String>,
    pub opened_at: String,
    pub resolved_at: Option<String>,
    pub summary: String,
    pub detail: String,
    /// A notification was sent (false in quiet hours).
    pub notified: bool,
}

impl From<AlertView> for AlertItem {
    fn from(a: AlertView) -> Self {
        AlertItem {
            id: a.row.id,
            rule: a.row.rule,
            backend_id: a.row.backend_id,
            backend_name: a.backend_name,
            key_id: a.row.key_id,
            opened_at: a.row.opened_at,
            resolved_at: a.row.resolved_at,
            summary: a.row.summary,
            detail: a.row.detail,
            notified: a.row.notified,
        }
    }
}

/// One alert rule. `kind` is `backendDown` (uses `failures`), `circuitOpened`, `errorRate`
/// (`percent`, `windowSecs`, `minSamples`, `source`), `latencyP95` (`thresholdMs`, `windowSecs`,
/// `minSamples`, `source`), `keyInvalid` or `rateLimitedFor` (`minutes`).
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AlertRuleForm {
    pub id: String,
    pub enabled: bool,
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failures: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_secs: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_samples: Option<u32>,
    /// `requests` or `probes`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold_ms: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minutes: Option<u32>,
    /// `metric` rules (added by later features, e.g. cache hit rate): carried through as is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric: Option<String>,
    /// `mean`, `min`, `max`, `sum` or `last`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aggregate: Option<String>,
    /// `above` or `below`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compare: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<f64>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct QuietHoursForm {
    /// First quiet minute after local midnight (0–1439).
    pub start: u16,
    /// First minute no longer quiet (0–1439); may be before `start` (spans midnight).
    pub end: u16,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct AlertSettings {
    pub rules: Vec<AlertRuleForm>,
    /// Hold-down before a cleared alert resolves (default 300 s).
    pub cooldown_secs: u32,
    pub quiet_hours: Option<QuietHoursForm>,
}

impl AlertSettings {
    /// Through the monitor's own JSON shape, so both sides agree on every field.
    pub fn from_config(c: &switchyard_app::AlertConfig) -> Result<Self, String> {
        let v = serde_json::to_value(c).map_err(|e| e.to_string())?;
        serde_json::from_value(v).map_err(|e| e.to_string())
    }

    pub fn into_config(self) -> Result<switchyard_app::AlertConfig, String> {
        let v = serde_json::to_value(&self).map_err(|e| e.to_string())?;
        serde_json::from_value(v).map_err(|e| format!("Invalid alert rule: {e}"))
    }
}
