//! Alerts: opened and resolved, never deleted by the engine.

use crate::tables::AlertsTable;

use crate::StoreError;
use rusqlite::{params, Row};

/// An alert as stored: `rule` is the rule's id (`backendDown`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AlertRow {
    pub id: String,
    pub rule: String,
    pub backend_id: Option<String>,
    pub key_id: Option<String>,
    pub opened_at: String,
    pub resolved_at: Option<String>,
    pub summary: String,
    pub detail: String,
    /// A notification was sent (false in quiet hours).
    pub notified: bool,
}

const ALERT_COLUMNS: &str =
    "id, rule, backend_id, key_id, opened_at, resolved_at, summary, detail, notified";

fn alert(row: &Row<'_>) -> rusqlite::Result<AlertRow> {
    Ok(AlertRow {
        id: row.get(0)?,
        rule: row.get(1)?,
        backend_id: row.get(2)?,
        key_id: row.get(3)?,
        opened_at: row.get(4)?,
        resolved_at: row.get(5)?,
        summary: row.get(6)?,
        detail: row.get(7)?,
        notified: row.get(8)?,
    })
}

impl AlertsTable {
    /// Inserts an alert or updates it by id (its resolution). `notified` stays true once any
    /// notification went out for the alert (a resolution in quiet hours does not erase it).
    pub fn save_alert(&self, a: &AlertRow) -> Result<(), StoreError> {
        self.db.with(|c| {
            c.execute(
                &format!(
                    "INSERT INTO alerts ({ALERT_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                     ON CONFLICT (id) DO UPDATE SET resolved_at = excluded.resolved_at,
                       summary = excluded.summary, detail = excluded.detail,
                       notified = MAX(alerts.notified, excluded.notified)"
                ),
                params![
                    a.id,
                    a.rule,
                    a.backend_id,
                    a.key_id,
                    a.opened_at,
                    a.resolved_at,
                    a.summary,
                    a.detail,
                    a.notified
                ],
            )?;
            Ok(())
        })
    }

    /// Open alerts first (newest first), then the newest resolved ones, `limit` in all.
    pub fn list_alerts(&self, limit: u32) -> Result<Vec<AlertRow>, StoreError> {
        self.db.with(|c| {
            let mut st = c.prepare_cached(&format!(
                "SELECT {ALERT_COLUMNS} FROM alerts
                 ORDER BY resolved_at IS NOT NULL, opened_at DESC LIMIT ?1"
            ))?;
            let rows = st
                .query_map([limit], alert)?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
    }
}
