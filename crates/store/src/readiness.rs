//! Readiness runs: the whole scorecard kept as JSON, so the page can compare a run with the
//! previous one.

use crate::tables::ReadinessTable;
use crate::StoreError;
use rusqlite::{params, OptionalExtension, Row};

/// One readiness run as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadinessRow {
    pub id: String,
    pub started_at: String,
    /// `ready`, `degraded` or `blocked`.
    pub verdict: String,
    /// Overall score, 0–10.
    pub score: f64,
    /// The whole scorecard as JSON.
    pub report: String,
}

fn run(row: &Row<'_>) -> rusqlite::Result<ReadinessRow> {
    Ok(ReadinessRow {
        id: row.get(0)?,
        started_at: row.get(1)?,
        verdict: row.get(2)?,
        score: row.get(3)?,
        report: row.get(4)?,
    })
}

impl ReadinessTable {
    pub fn insert(&self, r: &ReadinessRow) -> Result<(), StoreError> {
        self.db.with(|c| {
            c.execute(
                "INSERT INTO readiness_runs (id, started_at, verdict, score, report) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![r.id, r.started_at, r.verdict, r.score, r.report],
            )?;
            Ok(())
        })
    }

    /// The newest runs, newest first.
    pub fn newest(&self, limit: u32) -> Result<Vec<ReadinessRow>, StoreError> {
        self.db.with(|c| {
            let mut st = c.prepare_cached(
                "SELECT id, started_at, verdict, score, report FROM readiness_runs
                 ORDER BY started_at DESC LIMIT ?1",
            )?;
            let rows = st.query_map([limit], run)?.collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
    }

    /// The run with this id, if it is kept.
    pub fn get(&self, id: &str) -> Result<Option<ReadinessRow>, StoreError> {
        self.db.with(|c| {
            Ok(c.query_row(
                "SELECT id, started_at, verdict, score, report FROM readiness_runs WHERE id = ?1",
                [id],
                run,
            )
            .optional()?)
        })
    }
}
