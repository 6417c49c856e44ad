//! Drill runs: the whole report as JSON, newest first; the 50 newest are kept.

use crate::tables::DrillsTable;
#[cfg(test)]
use crate::Store;

use crate::StoreError;
use rusqlite::{params, OptionalExtension, Row};

/// Drill runs kept; older ones go when a new one is stored.
const KEEP: u32 = 50;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrillRow {
    pub id: String,
    pub started_at: String,
    /// `passed` or `failed`.
    pub verdict: String,
    /// The report as JSON.
    pub report: String,
}

fn row(r: &Row<'_>) -> rusqlite::Result<DrillRow> {
    Ok(DrillRow {
        id: r.get(0)?,
        started_at: r.get(1)?,
        verdict: r.get(2)?,
        report: r.get(3)?,
    })
}

impl DrillsTable {
    /// Stores a run and drops all but the newest [`KEEP`].
    pub fn insert_drill_run(&self, r: &DrillRow) -> Result<(), StoreError> {
        self.db.with(|c| {
            c.execute(
                "INSERT INTO drill_runs (id, started_at, verdict, report) VALUES (?1, ?2, ?3, ?4)",
                params![r.id, r.started_at, r.verdict, r.report],
            )?;
            c.execute(
                "DELETE FROM drill_runs WHERE id NOT IN
                 (SELECT id FROM drill_runs ORDER BY started_at DESC LIMIT ?1)",
                [KEEP],
            )?;
            Ok(())
        })
    }

    /// The newest drill runs, newest first.
    pub fn drill_runs(&self, limit: u32) -> Result<Vec<DrillRow>, StoreError> {
        self.db.with(|c| {
            let mut st = c.prepare_cached(
                "SELECT id, started_at, verdict, report FROM drill_runs
                 ORDER BY started_at DESC LIMIT ?1",
            )?;
            let rows = st.query_map([limit], row)?.collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
    }

    pub fn drill_run(&self, id: &str) -> Result<Option<DrillRow>, StoreError> {
        self.db.with(|c| {
            Ok(c.query_row(
                "SELECT id, started_at, verdict, report FROM drill_runs WHERE id = ?1",
                [id],
                row,
            )
            .optional()?)
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;

    #[test]
    fn drill_runs_are_kept_newest_first_and_capped() {
        let store = Store::open_in_memory().unwrap();
        for i in 0..(KEEP + 3) {
            store
                .drills()
                .insert_drill_run(&DrillRow {
                    id: format!("r{i}"),
                    started_at: format!("2026-11-23T05:{:02}:{:02}Z", i / 60, i % 60),
                    verdict: "passed".into(),
                    report: "{}".into(),
                })
                .unwrap();
        }
        let runs = store.drills().drill_runs(100).unwrap();
        assert_eq!(runs.len(), KEEP as usize);
        assert_eq!(runs[0].id, format!("r{}", KEEP + 2));
        assert!(
            store.drills().drill_run("r0").unwrap().is_none(),
            "the oldest went"
        );
        assert_eq!(
            store.drills().drill_run("r10").unwrap().unwrap().verdict,
            "passed"
        );
    }
}
