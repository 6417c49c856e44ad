//! The building blocks of a drill's result: pass/fail criteria (report cases) and measured
//! numbers.

use switchyard_report::{Case, Measurement};

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
