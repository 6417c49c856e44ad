//! The `backend_keys` table: labelled keys per backend. Holds a masked hint, never the key;
//! and `key_hosts`: the origins each key may be sent to. A key row is inserted together with
//! the approval of its backend's current origin, so no key exists without one.

use crate::key_hosts::{approve, approve_backend_origin};
use crate::tables::KeysTable;

use crate::{now, StoreError};
use rusqlite::{params, OptionalExtension, Row};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRow {
    pub id: String,
    pub backend_id: String,
    pub label: String,
    /// Masked form such as `sk-…abcd`.
    pub hint: String,
    pub position: u32,
    pub created_at: String,
    /// The origins (`scheme://host[:port]`) the user approved this key for, oldest first.
    pub hosts: Vec<String>,
}

const COLUMNS: &str = "id, backend_id, label, hint, position, created_at,
    (SELECT group_concat(origin, char(10)) FROM
       (SELECT origin FROM key_hosts h WHERE h.key_id = backend_keys.id ORDER BY approved_at, origin))";

fn from_row(row: &Row<'_>) -> rusqlite::Result<KeyRow> {
    Ok(KeyRow {
        id: row.get(0)?,
        backend_id: row.get(1)?,
        label: row.get(2)?,
        hint: row.get(3)?,
        position: row.get(4)?,
        created_at: row.get(5)?,
        hosts: row
            .get::<_, Option<String>>(6)?
            .map(|h| h.lines().map(str::to_string).collect())
            .unwrap_or_default(),
    })
}

impl KeysTable {
    /// All keys of all backends, in display order.
    pub fn list_keys(&self) -> Result<Vec<KeyRow>, StoreError> {
        self.db.with(|c| {
            let mut stmt = c.prepare(&format!(
                "SELECT {COLUMNS} FROM backend_keys ORDER BY backend_id, position"
            ))?;
            let rows = stmt
                .query_map([], from_row)?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
    }

    pub fn keys_of(&self, backend_id: &str) -> Result<Vec<KeyRow>, StoreError> {
        self.db.with(|c| {
            let sql = format!(
                "SELECT {COLUMNS} FROM backend_keys WHERE backend_id = ?1 ORDER BY position"
            );
            let mut stmt = c.prepare(&sql)?;
            let rows = stmt
                .query_map([backend_id], from_row)?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
    }

    pub fn get_key(&self, id: &str) -> Result<Option<KeyRow>, StoreError> {
        self.db.with(|c| {
            let sql = format!("SELECT {COLUMNS} FROM backend_keys WHERE id = ?1");
            Ok(c.query_row(&sql, [id], from_row).optional()?)
        })
    }

    /// Approves `origin` for every key of `backend_id` (the user's own edit of its base URL, or
    /// an import the user accepted). `false` when there is no such backend.
    pub fn approve_backend_host(&self, backend_id: &str, origin: &str) -> Result<bool, StoreError> {
        self.db.with(|c| {
            let tx = c.transaction()?;
            let exists = tx
                .query_row("SELECT 1 FROM backends WHERE id = ?1", [backend_id], |_| {
                    Ok(())
                })
                .optional()?
                .is_some();
            let mut stmt = tx.prepare("SELECT id FROM backend_keys WHERE backend_id = ?1")?;
            let ids = stmt
                .query_map([backend_id], |r| r.get::<_, String>(0))?
                .collect::<Result<Vec<_>, _>>()?;
            drop(stmt);
            for id in ids {
                approve(&tx, &id, origin)?;
            }
            tx.commit()?;
            Ok(exists)
        })
    }

    /// Adds a key row at the end of its backend's list, approved for the backend's current
    /// origin.
    pub fn insert_key(
        &self,
        id: &str,
        backend_id: &str,
        label: &str,
        hint: &str,
    ) -> Result<KeyRow, StoreError> {
        self.db.with(|c| {
            let tx = c.transaction()?;
            tx.execute(
                "INSERT INTO backend_keys (id, backend_id, label, hint, position, created_at)
                 VALUES (?1, ?2, ?3, ?4,
                   (SELECT COALESCE(MAX(position), -1) + 1 FROM backend_keys WHERE backend_id = ?2), ?5)",
                params![id, backend_id, label, hint, now()],
            )?;
            approve_backend_origin(&tx, backend_id, Some(id))?;
            tx.commit()?;
            Ok(())
        })?;
        self.get_key(id)?
            .ok_or_else(|| StoreError::Corrupt("inserted key vanished".into()))
    }

    /// `false` when there was no such key.
    pub fn delete_key(&self, id: &str) -> Result<bool, StoreError> {
        self.db.with(|c| {
            let tx = c.transaction()?;
            tx.execute("DELETE FROM checks WHERE key_id = ?1", [id])?;
            let n = tx.execute("DELETE FROM backend_keys WHERE id = ?1", [id])?;
            tx.commit()?;
            Ok(n > 0)
        })
    }
}
