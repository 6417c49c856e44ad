//! Where an import pass puts what it finds: records, plan windows, and each file's cursor.

use crate::{PlanWindow, Record, Tool};
use serde::{Deserialize, Serialize};

/// Where a file (or opencode's database) was read up to, and what its parser knew there.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Cursor {
    pub path: String,
    pub tool: Option<Tool>,
    /// The byte after the last complete line read (opencode: the last `time_updated`).
    pub offset: u64,
    pub size: u64,
    pub mtime_ms: i64,
    pub file_id: u64,
    /// The parser's state as JSON (Codex's model and folder, Gemini's session).
    pub state: String,
}

/// Where what a pass finds goes. Records are upserted by key; a cursor is given after its
/// file's records, so a pass that stops halfway reads the rest again (upserts are idempotent).
/// A batch is lent mutably so a sink in between can change it in place (each record's project
/// made its repository's root) without copying it.
pub trait Sink {
    fn records(&mut self, batch: &mut [Record]) -> Result<(), String>;
    fn windows(&mut self, windows: &[PlanWindow]) -> Result<(), String>;
    fn cursor(&mut self, cursor: &Cursor) -> Result<(), String>;
}
