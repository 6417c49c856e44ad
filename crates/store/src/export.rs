//! Reads for exports: every ledger row of a range (streamed to a callback, so a large export
//! never holds the ledger in memory) and the rollups per time bucket, backend and model.

use crate::tables::LedgerTable;

use crate::ledger::{from_row, COLUMNS};
use crate::usage::{sums, totals_at};
use crate::{RequestRecord, StoreError, UsageTotals};
use rusqlite::params;

/// One rollup row of an aggregate export.
#[derive(Debug, Clone, PartialEq)]
pub struct UsageRow {
    /// Bucket start, Unix ms.
    pub bucket_ms: i64,
    pub backend: String,
    pub model: String,
    pub totals: UsageTotals,
}

impl LedgerTable {
    /// Calls `f` with every request that started in `[since, until)` (RFC 3339, UTC), oldest
    /// first, without attempts. Returns how many there were.
    pub fn for_each_request(
        &self,
        since: &str,
        until: &str,
        mut f: impl FnMut(&RequestRecord) -> Result<(), StoreError>,
    ) -> Result<u64, StoreError> {
        self.db.with(|c| {
            let sql = format!(
                "SELECT {COLUMNS} FROM requests WHERE started_at >= ?1 AND started_at < ?2
                 ORDER BY started_at, id"
            );
            let mut st = c.prepare(&sql)?;
            let mut rows = st.query(params![since, until])?;
            let mut n = 0;
            while let Some(row) = rows.next()? {
                f(&from_row(row)?)?;
                n += 1;
            }
            Ok(n)
        })
    }

    /// The rollups in `[since_ms, until_ms)` per bucket (whole hours, aligned to `offset_ms`
    /// like [`Store::usage_series`]), backend and model, in that order.
    pub fn usage_rows(
        &self,
        since_ms: i64,
        until_ms: i64,
        bucket_ms: i64,
        offset_ms: i64,
    ) -> Result<Vec<UsageRow>, StoreError> {
        if bucket_ms <= 0 || bucket_ms % 3_600_000 != 0 {
            return Err(StoreError::Invalid("buckets must be whole hours".into()));
        }
        self.db.with(|c| {
            let sql = format!(
                "SELECT ((hour_ms + ?4) / ?3) * ?3 - ?4 AS bucket, backend, model, {} FROM usage_hours
                 WHERE hour_ms >= ?1 AND hour_ms < ?2
                 GROUP BY bucket, backend, model ORDER BY bucket, backend, model",
                sums()
            );
            let mut st = c.prepare_cached(&sql)?;
            let rows = st
                .query_map(params![since_ms, until_ms, bucket_ms, offset_ms], |r| {
                    Ok(UsageRow {
                        bucket_ms: r.get(0)?,
                        backend: r.get(1)?,
                        model: r.get(2)?,
                        totals: totals_at(r, 3)?,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
    }
}
