//! Readiness scoring: checks grouped into components, each component scored 0–10 and marked
//! operational / degraded / down, and an overall verdict with the blockers and their fixes.
//!
//! Rules:
//! - A component's score is 10 × (weight of passed checks) / (weight of all counted checks), with
//!   critical checks weighing 3 and normal ones 1; informational checks are shown but not counted.
//!   A component with no counted checks scores 10.
//! - A component is **down** when a critical check failed, **degraded** when only normal checks
//!   failed, else **operational**.
//! - The verdict is **blocked** when a component that must work is down (every component except
//!   optional backends and notifications); **degraded** when anything else is not operational;
//!   else **ready**. Blockers list each failed critical check of a must-work component, with its
//!   fix.
//! - The overall score is the mean of the component scores, to one decimal.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum Verdict {
    Ready,
    Degraded,
    Blocked,
}

impl Verdict {
    /// Exit code of `switchyard check`: 0 ready, 1 degraded, 2 blocked.
    pub fn exit_code(self) -> u8 {
        match self {
            Verdict::Ready => 0,
            Verdict::Degraded => 1,
            Verdict::Blocked => 2,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Ready => "ready",
            Verdict::Degraded => "degraded",
            Verdict::Blocked => "blocked",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename = "ComponentState")]
#[serde(rename_all = "camelCase")]
pub enum ComponentStatus {
    Operational,
    Degraded,
    Down,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum Importance {
    /// Failing makes the component down.
    Critical,
    /// Failing degrades the component.
    Normal,
    /// Shown, never counted.
    Info,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub enum ComponentKind {
    Keychain,
    Database,
    Backend,
    Gateway,
    Notifications,
    Configuration,
}

/// One check's result, e.g. "key valid" with "valid, 182 ms".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename = "ReadinessCheck")]
#[serde(rename_all = "camelCase")]
pub struct CheckResult {
    pub id: String,
    pub label: String,
    pub passed: bool,
    pub importance: Importance,
    pub detail: String,
    /// How to fix it, when it failed.
    pub fix: Option<String>,
}

impl CheckResult {
    pub fn pass(id: &str, label: &str, importance: Importance, detail: impl Into<String>) -> Self {
        CheckResult {
            id: id.into(),
            label: label.into(),
            passed: true,
            importance,
            detail: detail.into(),
            fix: None,
        }
    }

    pub fn fail(
        id: &str,
        label: &str,
        importance: Importance,
        detail: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        CheckResult {
            id: id.into(),
            label: label.into(),
            passed: false,
            importance,
            detail: detail.into(),
            fix: Some(fix.into()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename = "ReadinessComponent")]
#[serde(rename_all = "camelCase")]
pub struct Component {
    /// `keychain`, `database`, `gateway`, `notifications`, `configuration` or `backend:<id>`.
    pub id: String,
    pub name: String,
    pub kind: ComponentKind,
    /// Must work for the verdict to be better than blocked.
    pub required: bool,
    pub checks: Vec<CheckResult>,
    pub status: ComponentStatus,
    /// 0–10.
    pub score: f64,
}

impl Component {
    /// A component from its checks, with status and score per the module rules.
    pub fn new(
        id: impl Into<String>,
        name: impl Into<String>,
        kind: ComponentKind,
        required: bool,
        checks: Vec<CheckResult>,
    ) -> Self {
        let weight = |c: &CheckResult| match c.importance {
            Importance::Critical => 3.0,
            Importance::Normal => 1.0,
            Importance::Info => 0.0,
        };
        // Folded from +0.0: an empty float `sum()` is -0.0, which prints as "-0.0".
        let total = checks.iter().map(weight).fold(0.0_f64, |a, w| a + w);
        let passed = checks
            .iter()
            .filter(|c| c.passed)
            .map(weight)
            .fold(0.0_f64, |a, w| a + w);
        let score = if total == 0.0 {
            10.0
        } else {
            (10.0 * passed / total * 10.0).round() / 10.0
        };
        let failed = |i: Importance| checks.iter().any(|c| !c.passed && c.importance == i);
        let status = if failed(Importance::Critical) {
            ComponentStatus::Down
        } else if failed(Importance::Normal) {
            ComponentStatus::Degraded
        } else {
            ComponentStatus::Operational
        };
        Component {
            id: id.into(),
            name: name.into(),
            kind,
            required,
            checks,
            status,
            score,
        }
    }
}

/// Something that blocks readiness, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename = "ReadinessBlocker")]
#[serde(rename_all = "camelCase")]
pub struct Blocker {
    pub component: String,
    pub message: String,
    pub fix: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Scorecard {
    pub components: Vec<Component>,
    /// 0–10, one decimal.
    pub score: f64,
    pub verdict: Verdict,
    pub blockers: Vec<Blocker>,
}

/// The verdict, overall score and blockers for `components` (see the module rules).
pub fn scorecard(components: Vec<Component>) -> Scorecard {
    let score = if components.is_empty() {
        0.0
    } else {
        let sum: f64 = components.iter().map(|c| c.score).sum();
        (sum / components.len() as f64 * 10.0).round() / 10.0
    };
    let blockers: Vec<Blocker> = components
        .iter()
        .filter(|c| c.required && c.status == ComponentStatus::Down)
        .flat_map(|c| {
            c.checks
                .iter()
                .filter(|k| !k.passed && k.importance == Importance::Critical)
                .map(|k| Blocker {
                    component: c.name.clone(),
                    message: format!("{}: {}", k.label, k.detail),
                    fix: k.fix.clone(),
                })
        })
        .collect();
    let verdict = if !blockers.is_empty() {
        Verdict::Blocked
    } else if components
        .iter()
        .any(|c| c.status != ComponentStatus::Operational)
    {
        Verdict::Degraded
    } else {
        Verdict::Ready
    };
    Scorecard {
        components,
        score,
        verdict,
        blockers,
    }
}

#[cfg(test)]
#[path = "readiness_tests.rs"]
mod tests;
