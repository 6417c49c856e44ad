//! The `checks` table: the latest key test per backend (key_id '') and per key.

use crate::tables::ChecksTable;

use crate::StoreError;
use rusqlite::{params, Row};
use switchyard_domain::CheckOutcome;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckRow {
    pub backend_id: String,
    /// `None` for a keyless backend check (Ollama, Demo).
    pub key_id: Option<String>,
    pub outcome: CheckOutcome,
    pub latency_ms: Option<u32>,
    pub http_status: Option<u16>,
    pub message: String,
    pub checked_at: String,
}

fn from_row(row: &Row<'_>) -> rusqlite::Result<CheckRow> {
    let key_id: String = row.get(1)?;
    let outcome: String = row.get(2)?;
    Ok(CheckRow {
        backend_id: row.get(0)?,
        key_id: (!key_id.is_empty()).then_some(key_id),
        outcome: CheckOutcome::parse(&outcome).unwrap_or(CheckOutcome::Unexpected),
        latency_ms: row.get(3)?,
        http_status: row.get(4)?,
        message: row.get(5)?,
        checked_at: row.get(6)?,
    })
}

impl ChecksTable {
    /// Records the latest check, replacing the previous one for the same backend/key.
    pub fn record_check(&self, check: &CheckRow) -> Result<(), StoreError> {
        self.db.with(|c| {
            c.execute(
                "INSERT OR REPLACE INTO checks (backend_id, key_id, outcome, latency_ms, http_status, message, checked_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    check.backend_id,
                    check.key_id.as_deref().unwrap_or(""),
                    check.outcome.as_str(),
                    check.latency_ms,
                    check.http_status,
                    check.message,
                    check.checked_at
                ],
            )?;
            Ok(())
        })
    }

    /// Forgets every check of a backend (after its endpoint changed).
    pub fn clear_checks(&self, backend_id: &str) -> Result<(), StoreError> {
        self.db.with(|c| {
            c.execute("DELETE FROM checks WHERE backend_id = ?1", [backend_id])?;
            Ok(())
        })
    }

    pub fn list_checks(&self) -> Result<Vec<CheckRow>, StoreError> {
        self.db.with(|c| {
            let mut stmt = c.prepare(
                "SELECT backend_id, key_id, outcome, latency_ms, http_status, message, checked_at FROM checks",
            )?;
            let rows = stmt.query_map([], from_row)?.collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
    }
}
