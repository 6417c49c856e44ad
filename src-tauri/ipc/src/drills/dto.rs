//! The drills' progress as the page sees it. A run report travels as `switchyard_report::Report`
//! itself (TS `RunReport`, the JSON of `docs/report-schema.json`), a live drill's plan as the
//! drills' own `LivePlan`.

use serde::{Deserialize, Serialize};
use specta::Type;
use switchyard_app::DrillProgress;

/// `done` of `total` drills finished; `current` is running.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct DrillStep {
    pub run_id: String,
    pub done: u32,
    pub total: u32,
    pub current: Option<String>,
}

impl From<DrillProgress> for DrillStep {
    fn from(p: DrillProgress) -> Self {
        DrillStep {
            run_id: p.run_id,
            done: u32::try_from(p.done).unwrap_or(u32::MAX),
            total: u32::try_from(p.total).unwrap_or(u32::MAX),
            current: p.current,
        }
    }
}
