//! The drills' progress as the page sees it. A run report travels as `switchyard_report::Report`
//! itself (TS `RunReport`, the JSON of `docs/report-schema.json`), a live drill's plan as the
//! drills' own `LivePlan`, its progress as the core's `DrillProgress` (TS `DrillStep`).

pub use switchyard_app::DrillProgress as DrillStep;
