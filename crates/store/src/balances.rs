//! Each key's credits as its provider last said (OpenRouter's key info, read by every key test
//! and monitor probe), with the time read.

use crate::tables::BalancesTable;

use crate::StoreError;
use rusqlite::params;

/// One key's credits, USD.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BalanceRow {
    pub key_id: String,
    pub backend_id: String,
    /// `None`: no limit on the key.
    pub limit_usd: Option<f64>,
    pub used_usd: f64,
    pub remaining_usd: Option<f64>,
    /// Unix milliseconds.
    pub read_at_ms: i64,
}

impl BalancesTable {
    pub fn save_balance(&self, b: &BalanceRow) -> Result<(), StoreError> {
        self.db.with(|c| {
            c.execute(
                "INSERT INTO balances (key_id, backend_id, limit_usd, used_usd, remaining_usd, read_at_ms)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (key_id) DO UPDATE SET backend_id = excluded.backend_id,
                   limit_usd = excluded.limit_usd, used_usd = excluded.used_usd,
                   remaining_usd = excluded.remaining_usd, read_at_ms = excluded.read_at_ms",
                params![b.key_id, b.backend_id, b.limit_usd, b.used_usd, b.remaining_usd, b.read_at_ms],
            )?;
            Ok(())
        })
    }

    /// Every key's last known credits (keys deleted since are left out).
    pub fn balances(&self) -> Result<Vec<BalanceRow>, StoreError> {
        self.db.with(|c| {
            let mut s = c.prepare(
                "SELECT b.key_id, b.backend_id, b.limit_usd, b.used_usd, b.remaining_usd, b.read_at_ms
                 FROM balances b JOIN backend_keys k ON k.id = b.key_id ORDER BY b.read_at_ms DESC",
            )?;
            let rows = s.query_map([], |r| {
                Ok(BalanceRow {
                    key_id: r.get(0)?,
                    backend_id: r.get(1)?,
                    limit_usd: r.get(2)?,
                    used_usd: r.get(3)?,
                    remaining_usd: r.get(4)?,
                    read_at_ms: r.get(5)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }
}
