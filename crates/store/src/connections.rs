//! `tool_connections` (a coding tool pointed at the gateway: which files, which token, whether the
//! write finished) and `key_moves` (a key taken out of a plaintext file into the keychain). Only
//! paths, hashes, names and masked hints: the values a connection replaced and the moved keys'
//! original lines live in the keychain.

use crate::tables::ConnectionsTable;

use crate::{now, StoreError};
use rusqlite::{params, OptionalExtension, Row};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionRow {
    /// The tool id (`claude-code`), or `claude-code:statusline`.
    pub id: String,
    /// `pending` while files are being written (repaired at the next start), then `connected`.
    pub state: String,
    pub token_id: Option<String>,
    pub model: Option<String>,
    /// JSON written and read by the app (paths, hashes, whether each file existed).
    pub files: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyMoveRow {
    pub id: String,
    pub path: String,
    pub line: u32,
    pub variable: String,
    pub kind: String,
    pub masked: String,
    pub backend: String,
    pub key_label: String,
    /// JSON: the line edit (the original line with its value replaced by a placeholder).
    pub moved: String,
    pub moved_at: String,
    pub restored_at: Option<String>,
}

fn connection(r: &Row<'_>) -> rusqlite::Result<ConnectionRow> {
    Ok(ConnectionRow {
        id: r.get(0)?,
        state: r.get(1)?,
        token_id: r.get(2)?,
        model: r.get(3)?,
        files: r.get(4)?,
        updated_at: r.get(5)?,
    })
}

fn key_move(r: &Row<'_>) -> rusqlite::Result<KeyMoveRow> {
    Ok(KeyMoveRow {
        id: r.get(0)?,
        path: r.get(1)?,
        line: r.get(2)?,
        variable: r.get(3)?,
        kind: r.get(4)?,
        masked: r.get(5)?,
        backend: r.get(6)?,
        key_label: r.get(7)?,
        moved: r.get(8)?,
        moved_at: r.get(9)?,
        restored_at: r.get(10)?,
    })
}

const CONNECTION_COLUMNS: &str = "id, state, token_id, model, files, updated_at";
const MOVE_COLUMNS: &str =
    "id, path, line, variable, kind, masked, backend, key_label, moved, moved_at, restored_at";

impl ConnectionsTable {
    pub fn list_connections(&self) -> Result<Vec<ConnectionRow>, StoreError> {
        self.db.with(|c| {
            let sql = format!("SELECT {CONNECTION_COLUMNS} FROM tool_connections ORDER BY id");
            let mut stmt = c.prepare(&sql)?;
            let rows = stmt
                .query_map([], connection)?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
    }

    pub fn get_connection(&self, id: &str) -> Result<Option<ConnectionRow>, StoreError> {
        self.db.with(|c| {
            let sql = format!("SELECT {CONNECTION_COLUMNS} FROM tool_connections WHERE id = ?1");
            Ok(c.query_row(&sql, [id], connection).optional()?)
        })
    }

    /// Inserts or replaces the connection `row.id` (its `updated_at` is set to now).
    pub fn put_connection(&self, row: &ConnectionRow) -> Result<(), StoreError> {
        self.db.with(|c| {
            c.execute(
                "INSERT INTO tool_connections (id, state, token_id, model, files, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (id) DO UPDATE SET state = excluded.state,
                   token_id = excluded.token_id, model = excluded.model,
                   files = excluded.files, updated_at = excluded.updated_at",
                params![row.id, row.state, row.token_id, row.model, row.files, now()],
            )?;
            Ok(())
        })
    }

    pub fn delete_connection(&self, id: &str) -> Result<(), StoreError> {
        self.db.with(|c| {
            c.execute("DELETE FROM tool_connections WHERE id = ?1", [id])?;
            Ok(())
        })
    }

    /// Every key move, newest first (restored ones too, for the page's history).
    pub fn list_key_moves(&self) -> Result<Vec<KeyMoveRow>, StoreError> {
        self.db.with(|c| {
            let sql = format!("SELECT {MOVE_COLUMNS} FROM key_moves ORDER BY moved_at DESC, id");
            let mut stmt = c.prepare(&sql)?;
            let rows = stmt
                .query_map([], key_move)?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
    }

    pub fn insert_key_move(&self, row: &KeyMoveRow) -> Result<(), StoreError> {
        self.db.with(|c| {
            c.execute(
                &format!("INSERT INTO key_moves ({MOVE_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, NULL)"),
                params![
                    row.id, row.path, row.line, row.variable, row.kind, row.masked, row.backend,
                    row.key_label, row.moved, row.moved_at
                ],
            )?;
            Ok(())
        })
    }

    /// Marks a move undone; `false` when it was unknown or already restored.
    pub fn mark_key_move_restored(&self, id: &str) -> Result<bool, StoreError> {
        self.db.with(|c| {
            let n = c.execute(
                "UPDATE key_moves SET restored_at = ?2 WHERE id = ?1 AND restored_at IS NULL",
                params![id, now()],
            )?;
            Ok(n == 1)
        })
    }
}
