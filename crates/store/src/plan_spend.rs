//! What tools' plans carried in a range (issue 74), from the ledger's rows: the requests a plan
//! served with the tool's own sign-in (tokens counted, paid by the plan) and those its overflow
//! served when the plan's window was used up (their cost is the user's). Read from the rows,
//! not the hourly rollups (which do not keep why a backend served): a range older than the
//! ledger's retention shows what is left of it.

use crate::tables::LedgerTable;
use crate::usage::rfc3339_nanos;
use crate::StoreError;
use rusqlite::params;

/// A plan's share of the ledger in a range.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct PlanSpend {
    /// Requests a plan served (at $0: the plan pays).
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub plan_requests: u64,
    /// Their input and output tokens.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub plan_tokens: u64,
    /// Requests the overflow served while a plan's window was used up.
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub overflow_requests: u64,
    /// Their known cost.
    pub overflow_cost_usd: f64,
    /// Overflow requests without a known price (not in `overflow_cost_usd`).
    #[cfg_attr(feature = "specta", specta(type = f64))]
    pub overflow_unpriced: u64,
}

/// A `TOTAL()`: saturated, 0 for negatives and NaN (`as` saturates).
fn count_of(v: f64) -> u64 {
    v as u64
}

impl LedgerTable {
    /// The plans' share of the requests started in `[since_ms, until_ms)`: rows recorded with
    /// the key label `plan_label` (the gateway's for a plan's sign-in) and rows whose reason is
    /// `overflow_reason` (the gateway's for a plan's overflow).
    pub fn plan_spend(
        &self,
        since_ms: i64,
        until_ms: i64,
        plan_label: &str,
        overflow_reason: &str,
    ) -> Result<PlanSpend, StoreError> {
        if until_ms <= since_ms {
            return Ok(PlanSpend::default());
        }
        self.db.with(|c| {
            let sums = c
                .prepare_cached(
                    "SELECT TOTAL(key_label = ?3), TOTAL(CASE WHEN key_label = ?3
                        THEN input_tokens + output_tokens END),
                       TOTAL(reason = ?4), TOTAL(CASE WHEN reason = ?4 THEN cost_usd END),
                       TOTAL(reason = ?4 AND cost_usd IS NULL)
                     FROM requests
                     WHERE started_at >= ?1 AND started_at < ?2
                       AND (key_label = ?3 OR reason = ?4)",
                )?
                .query_row(
                    params![
                        rfc3339_nanos(since_ms),
                        rfc3339_nanos(until_ms),
                        plan_label,
                        overflow_reason
                    ],
                    |r| {
                        Ok(PlanSpend {
                            plan_requests: count_of(r.get(0)?),
                            plan_tokens: count_of(r.get(1)?),
                            overflow_requests: count_of(r.get(2)?),
                            overflow_cost_usd: r.get(3)?,
                            overflow_unpriced: count_of(r.get(4)?),
                        })
                    },
                )?;
            Ok(sums)
        })
    }
}
