//! Health history: raw probe samples (kept for a couple of days) and hourly rollups per backend
//! (probes, failures and a serialised latency histogram, kept for weeks). Times are Unix
//! milliseconds so windows are plain integer ranges.

use crate::tables::HealthTable;

use crate::StoreError;
use rusqlite::{params, Row};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleRow {
    pub backend_id: String,
    /// `None` for a backend-level (keyless) probe.
    pub key_id: Option<String>,
    pub at_ms: i64,
    /// `ok`, `invalid`, `rateLimited`, `unreachable`, `timeout` or `providerError`.
    pub outcome: String,
    pub latency_ms: Option<u32>,
    pub http_status: Option<u16>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HourRow {
    pub backend_id: String,
    pub hour_ms: i64,
    pub probes: u32,
    pub failures: u32,
    /// Latency histogram, serialised by the monitor (opaque here).
    pub latency_hist: Vec<u8>,
}

fn sample(row: &Row<'_>) -> rusqlite::Result<SampleRow> {
    let key_id: String = row.get(1)?;
    Ok(SampleRow {
        backend_id: row.get(0)?,
        key_id: (!key_id.is_empty()).then_some(key_id),
        at_ms: row.get(2)?,
        outcome: row.get(3)?,
        latency_ms: row.get(4)?,
        http_status: row.get(5)?,
    })
}

fn hour(row: &Row<'_>) -> rusqlite::Result<HourRow> {
    Ok(HourRow {
        backend_id: row.get(0)?,
        hour_ms: row.get(1)?,
        probes: row.get(2)?,
        failures: row.get(3)?,
        latency_hist: row.get(4)?,
    })
}

impl HealthTable {
    /// Each enabled backend's name and latest probe outcome (`None`: never probed).
    pub fn latest_outcomes(&self) -> Result<Vec<(String, Option<String>)>, StoreError> {
        self.db.with(|c| {
            let mut stmt = c.prepare(
                "SELECT b.name, (SELECT outcome FROM probe_samples s WHERE s.backend_id = b.id
                                 ORDER BY s.at_ms DESC LIMIT 1)
                 FROM backends b WHERE b.enabled = 1 ORDER BY b.position",
            )?;
            let rows = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
    }

    /// Appends probe samples in one transaction.
    pub fn insert_samples(&self, samples: &[SampleRow]) -> Result<(), StoreError> {
        self.db.with(|c| {
            let tx = c.transaction()?;
            {
                let mut st = tx.prepare_cached(
                    "INSERT INTO probe_samples (backend_id, key_id, at_ms, outcome, latency_ms, http_status)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                )?;
                for s in samples {
                    st.execute(params![
                        s.backend_id,
                        s.key_id.as_deref().unwrap_or(""),
                        s.at_ms,
                        s.outcome,
                        s.latency_ms,
                        s.http_status
                    ])?;
                }
            }
            tx.commit()?;
            Ok(())
        })
    }

    /// Samples of one backend (all keys) in `[from_ms, to_ms)`, oldest first.
    pub fn samples(
        &self,
        backend_id: &str,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<Vec<SampleRow>, StoreError> {
        self.db.with(|c| {
            let mut st = c.prepare_cached(
                "SELECT backend_id, key_id, at_ms, outcome, latency_ms, http_status FROM probe_samples
                 WHERE backend_id = ?1 AND at_ms >= ?2 AND at_ms < ?3 ORDER BY at_ms",
            )?;
            let rows = st
                .query_map(params![backend_id, from_ms, to_ms], sample)?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
    }

    /// Inserts or replaces the rollup of one backend-hour.
    pub fn upsert_hour(&self, h: &HourRow) -> Result<(), StoreError> {
        self.db.with(|c| {
            c.execute(
                "INSERT OR REPLACE INTO health_hours (backend_id, hour_ms, probes, failures, latency_hist)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![h.backend_id, h.hour_ms, h.probes, h.failures, h.latency_hist],
            )?;
            Ok(())
        })
    }

    /// Hourly rollups of one backend with `hour_ms` in `[from_ms, to_ms)`, oldest first.
    pub fn hours(
        &self,
        backend_id: &str,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<Vec<HourRow>, StoreError> {
        self.db.with(|c| {
            let mut st = c.prepare_cached(
                "SELECT backend_id, hour_ms, probes, failures, latency_hist FROM health_hours
                 WHERE backend_id = ?1 AND hour_ms >= ?2 AND hour_ms < ?3 ORDER BY hour_ms",
            )?;
            let rows = st
                .query_map(params![backend_id, from_ms, to_ms], hour)?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
    }

    /// Deletes samples older than `samples_before_ms` and rollups older than
    /// `hours_before_ms`. Returns (samples, hours) deleted.
    pub fn prune_health(
        &self,
        samples_before_ms: i64,
        hours_before_ms: i64,
    ) -> Result<(usize, usize), StoreError> {
        self.db.with(|c| {
            let s = c.execute(
                "DELETE FROM probe_samples WHERE at_ms < ?1",
                [samples_before_ms],
            )?;
            let h = c.execute(
                "DELETE FROM health_hours WHERE hour_ms < ?1",
                [hours_before_ms],
            )?;
            Ok((s, h))
        })
    }
}
