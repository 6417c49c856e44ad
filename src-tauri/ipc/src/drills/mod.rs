//! IPC of the drills: run (with progress events), cancel, history, and the report shapes (a
//! typed mirror of `switchyard_report::Report`, so the bindings cover it).

pub mod commands;
pub mod dto;
