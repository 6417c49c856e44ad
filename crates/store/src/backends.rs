//! The `backends` table: one row per configured provider, ordered by `position`.

use crate::tables::BackendsTable;

use crate::{now, StoreError};
use rusqlite::{params, OptionalExtension, Row};
use switchyard_domain::{BackendDraft, BackendKind};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackendRow {
    pub id: String,
    pub name: String,
    pub kind: BackendKind,
    pub base_url: String,
    pub default_model: String,
    pub enabled: bool,
    pub position: u32,
    pub created_at: String,
    pub updated_at: String,
    pub limits: BackendLimits,
    pub monitor: MonitorSettings,
}

/// How the health monitor treats a backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type), serde(rename = "Monitor"))]
pub struct MonitorSettings {
    /// Seconds between zero-cost probes (10–3600; default 30).
    pub probe_interval_s: u32,
    /// Uptime target in basis points: 9990 = 99.90 % (the default).
    pub sla_target_bp: u32,
    /// Readiness: a required backend failing blocks; an optional one degrades.
    pub required: bool,
    /// Probe with a one-token completion instead of the free model list (costs tokens).
    pub deep_probe: bool,
}

impl Default for MonitorSettings {
    fn default() -> Self {
        MonitorSettings {
            probe_interval_s: 30,
            sla_target_bp: 9990,
            required: false,
            deep_probe: false,
        }
    }
}

/// How much traffic the gateway sends a backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type), serde(rename = "Limits"))]
pub struct BackendLimits {
    /// Requests at once (default 50).
    pub max_in_flight: u32,
    /// Requests per minute; `None` = no limit.
    pub rpm: Option<u32>,
    /// Tokens per minute; `None` = no limit.
    pub tpm: Option<u32>,
}

impl Default for BackendLimits {
    fn default() -> Self {
        BackendLimits {
            max_in_flight: 50,
            rpm: None,
            tpm: None,
        }
    }
}

const COLUMNS: &str = "id, name, kind, base_url, default_model, enabled, position, created_at, \
     updated_at, max_in_flight, rpm, tpm, probe_interval_s, sla_target_bp, required, deep_probe";

fn from_row(row: &Row<'_>) -> rusqlite::Result<BackendRow> {
    let kind: String = row.get(2)?;
    Ok(BackendRow {
        id: row.get(0)?,
        name: row.get(1)?,
        kind: BackendKind::parse(&kind).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                2,
                rusqlite::types::Type::Text,
                format!("unknown backend kind {kind:?}").into(),
            )
        })?,
        base_url: row.get(3)?,
        default_model: row.get(4)?,
        enabled: row.get(5)?,
        position: row.get(6)?,
        created_at: row.get(7)?,
        updated_at: row.get(8)?,
        limits: BackendLimits {
            max_in_flight: row.get(9)?,
            rpm: row.get(10)?,
            tpm: row.get(11)?,
        },
        monitor: MonitorSettings {
            probe_interval_s: row.get(12)?,
            sla_target_bp: row.get(13)?,
            required: row.get(14)?,
            deep_probe: row.get(15)?,
        },
    })
}

impl BackendsTable {
    /// Every backend's name, by id (for text that names backends a record keeps by id).
    pub fn backend_names(&self) -> Result<std::collections::HashMap<String, String>, StoreError> {
        self.db.with(|c| {
            let mut stmt = c.prepare("SELECT id, name FROM backends")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    pub fn list_backends(&self) -> Result<Vec<BackendRow>, StoreError> {
        self.db.with(|c| {
            let mut stmt = c.prepare(&format!(
                "SELECT {COLUMNS} FROM backends ORDER BY position, name"
            ))?;
            let rows = stmt
                .query_map([], from_row)?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
    }

    /// Sets a backend's traffic limits. False when there is no such backend.
    pub fn set_backend_limits(&self, id: &str, l: BackendLimits) -> Result<bool, StoreError> {
        self.db.with(|c| {
            let n = c.execute(
                "UPDATE backends SET max_in_flight = ?2, rpm = ?3, tpm = ?4, updated_at = ?5 WHERE id = ?1",
                params![id, l.max_in_flight, l.rpm, l.tpm, now()],
            )?;
            Ok(n > 0)
        })
    }

    /// Sets a backend's monitoring settings. False when there is no such backend.
    pub fn set_backend_monitor(&self, id: &str, m: MonitorSettings) -> Result<bool, StoreError> {
        self.db.with(|c| {
            let n = c.execute(
                "UPDATE backends SET probe_interval_s = ?2, sla_target_bp = ?3, required = ?4, deep_probe = ?5, updated_at = ?6 WHERE id = ?1",
                params![id, m.probe_interval_s, m.sla_target_bp, m.required, m.deep_probe, now()],
            )?;
            Ok(n > 0)
        })
    }

    pub fn get_backend(&self, id: &str) -> Result<Option<BackendRow>, StoreError> {
        self.db.with(|c| {
            let sql = format!("SELECT {COLUMNS} FROM backends WHERE id = ?1");
            Ok(c.query_row(&sql, [id], from_row).optional()?)
        })
    }

    /// Adds a backend at the end of the list.
    pub fn insert_backend(
        &self,
        id: &str,
        draft: &BackendDraft,
        enabled: bool,
    ) -> Result<BackendRow, StoreError> {
        let ts = now();
        self.db.with(|c| {
            c.execute(
                "INSERT INTO backends (id, name, kind, base_url, default_model, enabled, position, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, (SELECT COALESCE(MAX(position), -1) + 1 FROM backends), ?7, ?7)",
                params![id, draft.name, draft.kind.as_str(), draft.base_url, draft.default_model, enabled, ts],
            )?;
            Ok(())
        })?;
        self.get_backend(id)?
            .ok_or_else(|| StoreError::Corrupt("inserted backend vanished".into()))
    }

    /// Inserts a backend and, when given as `(id, label, hint)`, its first key's row in one
    /// transaction: a reader (another process's watch) never sees the backend without its key.
    pub fn insert_backend_with_key(
        &self,
        id: &str,
        draft: &BackendDraft,
        enabled: bool,
        key: Option<(&str, &str, &str)>,
    ) -> Result<BackendRow, StoreError> {
        let ts = now();
        self.db.with(|c| {
            let tx = c.transaction()?;
            tx.execute(
                "INSERT INTO backends (id, name, kind, base_url, default_model, enabled, position, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, (SELECT COALESCE(MAX(position), -1) + 1 FROM backends), ?7, ?7)",
                params![id, draft.name, draft.kind.as_str(), draft.base_url, draft.default_model, enabled, ts],
            )?;
            if let Some((key_id, label, hint)) = key {
                tx.execute(
                    "INSERT INTO backend_keys (id, backend_id, label, hint, position, created_at)
                     VALUES (?1, ?2, ?3, ?4, 0, ?5)",
                    params![key_id, id, label, hint, ts],
                )?;
                crate::key_hosts::approve_backend_origin(&tx, id, Some(key_id))?;
            }
            tx.commit()?;
            Ok(())
        })?;
        self.get_backend(id)?
            .ok_or_else(|| StoreError::Corrupt("inserted backend vanished".into()))
    }

    /// Replaces the editable fields. `None` when there is no such backend.
    pub fn update_backend(
        &self,
        id: &str,
        draft: &BackendDraft,
    ) -> Result<Option<BackendRow>, StoreError> {
        let changed = self.db.with(|c| {
            Ok(c.execute(
                "UPDATE backends SET name = ?2, kind = ?3, base_url = ?4, default_model = ?5, updated_at = ?6
                 WHERE id = ?1",
                params![id, draft.name, draft.kind.as_str(), draft.base_url, draft.default_model, now()],
            )?)
        })?;
        if changed == 0 {
            return Ok(None);
        }
        self.get_backend(id)
    }

    /// `false` when there is no such backend.
    pub fn set_backend_enabled(&self, id: &str, enabled: bool) -> Result<bool, StoreError> {
        self.db.with(|c| {
            Ok(c.execute(
                "UPDATE backends SET enabled = ?2, updated_at = ?3 WHERE id = ?1",
                params![id, enabled, now()],
            )? > 0)
        })
    }

    /// Deletes the backend with its key rows and checks. `false` when there was none.
    pub fn delete_backend(&self, id: &str) -> Result<bool, StoreError> {
        self.db
            .with(|c| Ok(c.execute("DELETE FROM backends WHERE id = ?1", [id])? > 0))
    }

    /// Sets positions to the order of `ids` (which the caller checked is a permutation).
    pub fn reorder_backends(&self, ids: &[String]) -> Result<(), StoreError> {
        self.db.with(|c| {
            let tx = c.transaction()?;
            for (pos, id) in (0u32..).zip(ids) {
                tx.execute(
                    "UPDATE backends SET position = ?2 WHERE id = ?1",
                    params![id, pos],
                )?;
            }
            tx.commit()?;
            Ok(())
        })
    }
}
