//! The report model: what ran, on what, when, the verdict, and one suite per component or drill
//! with its cases (checks) and measured numbers.

use serde::{Deserialize, Serialize};

/// The schema identifier every report carries (`docs/report-schema.json`).
pub const SCHEMA: &str = "switchyard-report/1";

/// What produced the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type), serde(rename = "ReportKind"))]
#[serde(rename_all = "camelCase")]
pub enum ReportKind {
    Readiness,
    Drill,
}

impl ReportKind {
    pub fn title(self) -> &'static str {
        match self {
            ReportKind::Readiness => "Switchyard readiness",
            ReportKind::Drill => "Switchyard drills",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ReportKind::Readiness => "readiness",
            ReportKind::Drill => "drill",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type), serde(rename = "RunReport"))]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// Always [`SCHEMA`].
    pub schema: String,
    pub kind: ReportKind,
    pub id: String,
    /// RFC 3339.
    pub started_at: String,
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub duration_ms: u64,
    /// `ready`, `degraded` or `blocked` for readiness; `passed` or `failed` for drills.
    pub verdict: String,
    /// 0–10 for readiness; null for drills.
    pub score: Option<f64>,
    /// The exit code of the command that produced it (0 ready/passed, 1 degraded, 2 blocked/failed).
    pub exit_code: u8,
    pub app_version: String,
    pub machine: Machine,
    pub suites: Vec<Suite>,
    pub blockers: Vec<Blocker>,
    pub previous: Option<Previous>,
    /// The configuration the run was made on, without secrets (absent in older reports and in
    /// readiness reports).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub configuration: Option<Configuration>,
}

impl Report {
    /// Number of counted cases (informational ones excluded) and of those that failed.
    pub fn counts(&self) -> (usize, usize) {
        self.suites.iter().fold((0, 0), |(n, f), s| {
            let (sn, sf) = s.counts();
            (n + sn, f + sf)
        })
    }
}

/// Where the run happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename = "ReportMachine")]
#[serde(rename_all = "camelCase")]
pub struct Machine {
    pub os: String,
    pub arch: String,
    pub hostname: String,
}

impl Machine {
    /// This machine.
    pub fn current() -> Machine {
        let hostname = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .map(|h| h.trim().to_string())
            .unwrap_or_default();
        Machine {
            os: std::env::consts::OS.into(),
            arch: std::env::consts::ARCH.into(),
            hostname,
        }
    }
}

/// One component (readiness) or drill.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename = "ReportSuite")]
#[serde(rename_all = "camelCase")]
pub struct Suite {
    pub id: String,
    pub name: String,
    /// `keychain`, `backend`, … for readiness; the drill's name for drills.
    pub kind: String,
    /// Must pass for a good verdict.
    pub required: bool,
    /// `operational`, `degraded` or `down`; `passed` or `failed` for drills.
    pub status: String,
    /// 0–10, when the suite is scored.
    pub score: Option<f64>,
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub duration_ms: Option<u64>,
    pub cases: Vec<Case>,
    pub measurements: Vec<Measurement>,
    /// What happened when, as state bands (breaker states, failover); absent in older reports.
    #[serde(default)]
    pub timelines: Vec<Timeline>,
}

impl Suite {
    /// Counted cases and failed counted cases (informational ones are neither).
    pub fn counts(&self) -> (usize, usize) {
        let counted = self.cases.iter().filter(|c| c.importance != "info");
        let (n, f) = counted.fold((0, 0), |(n, f), c| (n + 1, f + usize::from(!c.passed)));
        (n, f)
    }
}

/// One check, or one criterion of a drill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type), serde(rename = "ReportCase"))]
#[serde(rename_all = "camelCase")]
pub struct Case {
    pub id: String,
    pub name: String,
    pub passed: bool,
    /// `critical`, `normal` or `info` (shown, never counted).
    pub importance: String,
    pub detail: String,
    pub fix: Option<String>,
    #[cfg_attr(feature = "specta", specta(type = Option<f64>))]
    pub duration_ms: Option<u64>,
}

/// A measured number, with its target when there is one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename = "ReportMeasurement")]
#[serde(rename_all = "camelCase")]
pub struct Measurement {
    pub name: String,
    pub value: f64,
    pub unit: String,
    pub target: Option<String>,
}

/// A sequence of states over time, e.g. a breaker's `closed → open → half-open → closed`: each
/// event starts a state that lasts until the next event, the last one until `endMs`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename = "ReportTimeline")]
#[serde(rename_all = "camelCase")]
pub struct Timeline {
    pub name: String,
    /// Milliseconds from the timeline's start to its end.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub end_ms: u64,
    pub events: Vec<TimelineEvent>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename = "ReportTimelineEvent")]
#[serde(rename_all = "camelCase")]
pub struct TimelineEvent {
    /// Milliseconds from the timeline's start.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub at_ms: u64,
    /// The state that begins here ("open", "Beta serving").
    pub state: String,
    /// How it reads: `ok`, `warn`, `bad` or `info`.
    pub tone: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename = "ReportBlocker")]
#[serde(rename_all = "camelCase")]
pub struct Blocker {
    pub suite: String,
    pub message: String,
    pub fix: Option<String>,
}

/// What a run was made on: backends, routes and settings. Never a key: key counts and labels only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename = "ReportConfiguration")]
#[serde(rename_all = "camelCase")]
pub struct Configuration {
    pub backends: Vec<ConfigBackend>,
    pub routes: Vec<ConfigRoute>,
    /// Named settings the run depends on, e.g. ("Failures to open a breaker", "3").
    pub settings: Vec<ConfigSetting>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename = "ReportBackend")]
#[serde(rename_all = "camelCase")]
pub struct ConfigBackend {
    pub name: String,
    pub kind: String,
    /// Scheme, host, port and path only (no user, password or query).
    pub endpoint: String,
    pub default_model: String,
    pub keys: u32,
    pub enabled: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename = "ReportRoute")]
#[serde(rename_all = "camelCase")]
pub struct ConfigRoute {
    pub name: String,
    pub strategy: String,
    /// "Backend / model", with "×weight" for weighted routes.
    pub candidates: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename = "ReportSetting")]
#[serde(rename_all = "camelCase")]
pub struct ConfigSetting {
    pub name: String,
    pub value: String,
}

/// The run before, for comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename = "ReportPrevious")]
#[serde(rename_all = "camelCase")]
pub struct Previous {
    pub id: String,
    pub started_at: String,
    pub verdict: String,
    pub score: Option<f64>,
}
