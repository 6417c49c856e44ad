//! The building blocks of a drill's result: pass/fail criteria (report cases) and measured
//! numbers.

use switchyard_report::{Case, Measurement, Timeline, TimelineEvent};

/// A criterion; `importance` is `critical`, `normal` or `info` (shown, never counted).
pub(crate) fn case(
    id: &str,
    name: &str,
    passed: bool,
    importance: &str,
    detail: String,
    fix: Option<String>,
) -> Case {
    Case {
        id: id.into(),
        name: name.into(),
        passed,
        importance: importance.into(),
        detail,
        fix,
        duration_ms: None,
    }
}

/// A critical criterion whose fix, `fix`, is shown when it failed.
pub(crate) fn critical(id: &str, name: &str, passed: bool, detail: String, fix: &str) -> Case {
    case(
        id,
        name,
        passed,
        "critical",
        detail,
        (!passed).then(|| fix.to_string()),
    )
}

/// A note that counts neither way ("nothing to drill here").
pub(crate) fn info(id: &str, name: &str, detail: &str) -> Case {
    case(id, name, true, "info", detail.to_string(), None)
}

pub(crate) fn measurement(name: &str, value: f64, unit: &str, target: Option<&str>) -> Measurement {
    Measurement {
        name: name.into(),
        value,
        unit: unit.into(),
        target: target.map(str::to_string),
    }
}

/// What one drill found: its criteria, its numbers and its timelines.
#[derive(Default)]
pub(crate) struct Findings {
    pub cases: Vec<Case>,
    pub measurements: Vec<Measurement>,
    pub timelines: Vec<Timeline>,
}

impl From<(Vec<Case>, Vec<Measurement>)> for Findings {
    fn from((cases, measurements): (Vec<Case>, Vec<Measurement>)) -> Self {
        Findings {
            cases,
            measurements,
            timelines: Vec::new(),
        }
    }
}

/// A timeline of `(ms, state, tone)` changes, ending at `end_ms`.
pub(crate) fn timeline(name: &str, end_ms: u64, events: &[(u64, &str, &str)]) -> Timeline {
    Timeline {
        name: name.into(),
        end_ms,
        events: events
            .iter()
            .map(|(at_ms, state, tone)| TimelineEvent {
                at_ms: *at_ms,
                state: (*state).into(),
                tone: (*tone).into(),
            })
            .collect(),
    }
}
