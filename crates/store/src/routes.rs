//! The `routes` table: user-defined model names (`fast`, `cheap`, `best`) that map to a list of
//! candidates and a strategy. Strategy and candidates are stored as JSON; their types live in
//! the app, so this table never needs a migration when a strategy gains a field.

use crate::tables::RoutesTable;

use crate::{now, StoreError};
use rusqlite::{params, Row};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteRow {
    pub id: String,
    pub name: String,
    pub strategy: String,
    pub candidates: String,
    /// The route's cache policy as JSON; empty for the default.
    pub cache: String,
    pub created_at: String,
    pub updated_at: String,
}

fn from_row(row: &Row<'_>) -> rusqlite::Result<RouteRow> {
    Ok(RouteRow {
        id: row.get(0)?,
        name: row.get(1)?,
        strategy: row.get(2)?,
        candidates: row.get(3)?,
        cache: row.get(6)?,
        created_at: row.get(4)?,
        updated_at: row.get(5)?,
    })
}

impl RoutesTable {
    pub fn list_routes(&self) -> Result<Vec<RouteRow>, StoreError> {
        self.db.with(|c| {
            let mut stmt = c.prepare(
                "SELECT id, name, strategy, candidates, created_at, updated_at, cache FROM routes ORDER BY name",
            )?;
            let rows = stmt.query_map([], from_row)?.collect::<Result<Vec<_>, _>>()?;
            Ok(rows)
        })
    }

    /// Inserts or replaces a route by id.
    pub fn save_route(
        &self,
        id: &str,
        name: &str,
        strategy: &str,
        candidates: &str,
        cache: &str,
    ) -> Result<(), StoreError> {
        let ts = now();
        self.db.with(|c| {
            c.execute(
                "INSERT INTO routes (id, name, strategy, candidates, created_at, updated_at, cache)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)
                 ON CONFLICT (id) DO UPDATE SET name = excluded.name, strategy = excluded.strategy,
                   candidates = excluded.candidates, updated_at = excluded.updated_at,
                   cache = excluded.cache",
                params![id, name, strategy, candidates, ts, cache],
            )?;
            Ok(())
        })
    }

    pub fn delete_route(&self, id: &str) -> Result<bool, StoreError> {
        self.db
            .with(|c| Ok(c.execute("DELETE FROM routes WHERE id = ?1", [id])? > 0))
    }
}
