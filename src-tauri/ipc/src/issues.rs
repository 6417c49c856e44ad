//! Input problems as the UI gets them: each `switchyard_domain::Issue` names its form field, its
//! code, which entry of a list field, a sentence and an optional one-click fix (the core's own
//! types, their UI types derived behind its `specta` feature); a [`ValidationReport`] adds
//! whether an error blocks saving.

use serde::{Deserialize, Serialize};
use specta::Type;
use switchyard_domain::validate::{Issue, Validation};

/// Every problem with a draft. `ok` is false when an error blocks saving.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct ValidationReport {
    pub ok: bool,
    pub issues: Vec<Issue>,
}

impl From<Validation> for ValidationReport {
    fn from(v: Validation) -> Self {
        ValidationReport {
            ok: v.is_ok(),
            issues: v.issues,
        }
    }
}
