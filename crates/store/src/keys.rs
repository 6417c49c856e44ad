//! The `backend_keys` table: labelled keys per backend. Holds a masked hint, never the key.

use crate::{now, Store, StoreError};
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
}

const COLUMNS: &str = "id, backend_id, label, hint, position, created_at";

fn from_row(row: &Row<'_>) -> rusqlite::Result<KeyRow> {
    Ok(KeyRow {
        id: row.get(0)?,
        backend_id: row.get(1)?,
        label: row.get(2)?,
        hint: row.get(3)?,
        position: row.get(4)?,
        created_at: row.get(5)?,
    })
}

impl Store {
    /// All keys of all backends, in display order.
    pub fn list_keys(&self) -> Result<Vec<KeyRow>, StoreError> {
        self.with(|c| {
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
        self.with(|c| {
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
        self.with(|c| {
            let sql = format!("SELECT {COLUMNS} FROM backend_keys WHERE id = ?1");
            Ok(c.query_row(&sql, [id], from_row).optional()?)
        })
    }

    /// Adds a key row at the end of its backend's list.
    pub fn insert_key(
        &self,
        id: &str,
        backend_id: &str,
        label: &str,
        hint: &str,
    ) -> Result<KeyRow, StoreError> {
        self.with(|c| {
            c.execute(
                "INSERT INTO backend_keys (id, backend_id, label, hint, position, created_at)
                 VALUES (?1, ?2, ?3, ?4,
                   (SELECT COALESCE(MAX(position), -1) + 1 FROM backend_keys WHERE backend_id = ?2), ?5)",
                params![id, backend_id, label, hint, now()],
            )?;
            Ok(())
        })?;
        self.get_key(id)?
            .ok_or_else(|| StoreError::Corrupt("inserted key vanished".into()))
    }

    /// `false` when there was no such key.
    pub fn delete_key(&self, id: &str) -> Result<bool, StoreError> {
        self.with(|c| {
            let tx = c.transaction()?;
            tx.execute("DELETE FROM checks WHERE key_id = ?1", [id])?;
            let n = tx.execute("DELETE FROM backend_keys WHERE id = ?1", [id])?;
            tx.commit()?;
            Ok(n > 0)
        })
    }
}
