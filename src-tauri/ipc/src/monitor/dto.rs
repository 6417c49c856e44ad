//! IPC shapes for the Alerts page (health cards and charts travel as the core's own views).
//! Alert rules travel flat (one object per rule with the fields its kind uses) and convert
//! through the monitor's own serde shape, so a rule kind the UI does not know is refused with a
//! typed validation error.

use serde::{Deserialize, Serialize};
use specta::Type;

/// One alert rule. `kind` is `backendDown` (uses `failures`), `circuitOpened`, `errorRate`
/// (`percent`, `windowSecs`, `minSamples`, `source`), `latencyP95` (`thresholdMs`, `windowSecs`,
/// `minSamples`, `source`), `keyInvalid`, `rateLimitedFor` (`minutes`) or `metric` (`threshold`).
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
    /// A `metric` rule's metric, aggregate and comparison: kept as they are; `threshold` is edited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric: Option<String>,
    /// `mean`, `min`, `max`, `sum` or `last`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aggregate: Option<String>,
    /// `above`, `below` or `atLeast`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compare: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<f64>,
    /// The rule in words (name, help, a metric's threshold input), from the core; not read back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<switchyard_app::RuleText>,
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
        let mut form: Self = serde_json::from_value(v).map_err(|e| e.to_string())?;
        for (r, rule) in form.rules.iter_mut().zip(&c.rules) {
            r.text = Some(rule.text());
        }
        Ok(form)
    }

    pub fn into_config(mut self) -> Result<switchyard_app::AlertConfig, String> {
        self.rules.iter_mut().for_each(|r| r.text = None);
        let v = serde_json::to_value(&self).map_err(|e| e.to_string())?;
        serde_json::from_value(v).map_err(|e| format!("Invalid alert rule: {e}"))
    }
}
