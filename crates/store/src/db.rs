//! Opening the database: pragmas (WAL, foreign keys, busy timeout) and migrations keyed by
//! SQLite's `user_version`. A database from a newer Switchyard is refused, never downgraded.

use crate::migrations::MIGRATIONS;
use crate::StoreError;
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// A handle to the database. Cheap to clone; calls are blocking (use `spawn_blocking`).
/// Clones share one connection; [`Store::connection`] opens another on the same file.
#[derive(Clone)]
pub struct Store {
    conn: Arc<Mutex<Connection>>,
    /// The file, or `None` in memory.
    path: Option<Arc<PathBuf>>,
}

/// What a second connection is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Long reads (exports): never takes the write lock, sees one snapshot per statement.
    Read,
    /// A dedicated writer (the ledger), so it never waits behind the shared connection's users.
    Write,
}

impl Store {
    /// Opens (creating if needed) the database file and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let conn = Connection::open(path)?;
        // A newer build's database is refused before anything is written to it (switching the
        // journal mode rewrites the header): that build opens it as it left it.
        refuse_newer(&conn)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        // 32 MB of page cache (SQLite's default is 2 MB): the ledger's indexes and the rollups a
        // dashboard reads stay in memory as the file grows to hundreds of MB. Used as needed.
        conn.pragma_update(None, "cache_size", -32_000)?;
        let mut store = Self::init(conn)?;
        store.path = Some(Arc::new(path.to_path_buf()));
        Ok(store)
    }

    /// Another connection to the same file, for one long-running user, so a long read or a
    /// burst of writes never holds the shared connection's lock (WAL lets readers and one writer
    /// work side by side; writers take turns within the busy timeout). An in-memory database has
    /// one connection, which is shared.
    pub fn connection(&self, access: Access) -> Result<Store, StoreError> {
        let Some(path) = &self.path else {
            return Ok(self.clone());
        };
        let conn = match access {
            Access::Read => Connection::open_with_flags(
                path.as_path(),
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
                    | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?,
            Access::Write => {
                let c = Connection::open(path.as_path())?;
                c.pragma_update(None, "synchronous", "NORMAL")?;
                c.pragma_update(None, "foreign_keys", "ON")?;
                c
            }
        };
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        Ok(Store {
            conn: Arc::new(Mutex::new(conn)),
            path: Some(Arc::clone(path)),
        })
    }

    /// Copies the write-ahead log into the database file and truncates it (at shutdown, so the
    /// file on disk is complete by itself). Readers elsewhere may keep part of it; that is fine.
    pub fn checkpoint(&self) -> Result<(), StoreError> {
        self.with(|c| {
            let busy: i64 = c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))?;
            if busy != 0 {
                tracing::debug!("WAL checkpoint incomplete: another connection is reading");
            }
            Ok(())
        })
    }

    /// Opens an existing database read-only, without migrating (a status line or another reader
    /// next to the app). Refused when its schema is not this build's.
    pub fn open_read_only(path: &Path) -> Result<Store, StoreError> {
        let conn = Connection::open_with_flags(
            path,
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(std::time::Duration::from_millis(500))?;
        let found: u32 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let supported = u32::try_from(MIGRATIONS.len()).unwrap_or(u32::MAX);
        if found > supported {
            return Err(StoreError::TooNew { found, supported });
        }
        if found < supported {
            return Err(StoreError::Corrupt(format!(
                "schema {found} is older than this build's {supported}; open Switchyard once to update it"
            )));
        }
        Ok(Store {
            conn: Arc::new(Mutex::new(conn)),
            path: Some(Arc::new(path.to_path_buf())),
        })
    }

    /// A private in-memory database, for tests.
    pub fn open_in_memory() -> Result<Store, StoreError> {
        Self::init(Connection::open_in_memory()?)
    }

    fn init(mut conn: Connection) -> Result<Store, StoreError> {
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrate(&mut conn)?;
        Ok(Store {
            conn: Arc::new(Mutex::new(conn)),
            path: None,
        })
    }

    /// Runs `f` with the connection. Never call this from an async task directly.
    pub(crate) fn with<T>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut guard: MutexGuard<'_, Connection> =
            self.conn.lock().unwrap_or_else(PoisonError::into_inner);
        f(&mut guard)
    }

    /// The schema version in effect.
    pub fn schema_version(&self) -> Result<u32, StoreError> {
        self.with(|c| Ok(c.pragma_query_value(None, "user_version", |r| r.get(0))?))
    }

    /// The schema version this build migrates to.
    pub fn expected_schema_version() -> u32 {
        u32::try_from(MIGRATIONS.len()).unwrap_or(u32::MAX)
    }

    /// SQLite's `PRAGMA data_version`: changes when another connection (another process on the
    /// same file) commits, never for this handle's own writes. Cheap: no table is read.
    pub fn data_version(&self) -> Result<i64, StoreError> {
        self.with(|c| Ok(c.pragma_query_value(None, "data_version", |r| r.get(0))?))
    }

    /// SQLite's `PRAGMA integrity_check`: `"ok"`, or its first complaint.
    pub fn integrity_check(&self) -> Result<String, StoreError> {
        self.with(|c| Ok(c.query_row("PRAGMA integrity_check(1)", [], |r| r.get::<_, String>(0))?))
    }
}

/// [`StoreError::TooNew`] when the file's schema is past this build's; its `user_version`.
fn refuse_newer(conn: &Connection) -> Result<u32, StoreError> {
    let current: u32 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let target = u32::try_from(MIGRATIONS.len()).unwrap_or(u32::MAX);
    if current > target {
        return Err(StoreError::TooNew {
            found: current,
            supported: target,
        });
    }
    Ok(current)
}

fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let current = refuse_newer(conn)?;
    let target = u32::try_from(MIGRATIONS.len()).unwrap_or(u32::MAX);
    let tx = conn.transaction()?;
    for (i, step) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        tx.execute_batch(step)?;
        if i + 1 == crate::migrations::KEY_HOSTS_STEP {
            crate::key_hosts::approve_current_hosts(&tx)?;
        }
        tracing::info!(version = i + 1, "database migrated");
    }
    tx.pragma_update(None, "user_version", target)?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_apply_cleanly_and_set_user_version() {
        let store = Store::open_in_memory().unwrap();
        assert_eq!(store.schema_version().unwrap() as usize, MIGRATIONS.len());
    }

    #[test]
    fn reopening_a_file_keeps_data_and_wal_mode() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("switchyard.sqlite");
        Store::open(&path).unwrap();
        let store = Store::open(&path).expect("migrations are idempotent");
        let mode: String = store
            .with(|c| Ok(c.pragma_query_value(None, "journal_mode", |r| r.get(0))?))
            .unwrap();
        assert_eq!(mode, "wal");
    }

    #[test]
    fn data_version_moves_for_another_connections_commit_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("switchyard.sqlite");
        let (ours, theirs) = (Store::open(&path).unwrap(), Store::open(&path).unwrap());
        let start = ours.data_version().unwrap();
        ours.settings()
            .set_setting("a", &serde_json::json!(1))
            .unwrap();
        assert_eq!(
            ours.data_version().unwrap(),
            start,
            "own writes do not count"
        );
        theirs
            .settings()
            .set_setting("b", &serde_json::json!(2))
            .unwrap();
        assert_ne!(
            ours.data_version().unwrap(),
            start,
            "another process's commit is seen"
        );
    }

    #[test]
    fn a_database_from_a_newer_version_is_refused_and_left_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("newer.sqlite");
        {
            let c = Connection::open(&path).unwrap();
            c.execute_batch("CREATE TABLE future (x); INSERT INTO future VALUES (1);")
                .unwrap();
            c.pragma_update(None, "user_version", 99).unwrap();
        }
        let before = std::fs::read(&path).unwrap();
        let refused = Store::open(&path).err().unwrap();
        assert!(matches!(refused, StoreError::TooNew { found: 99, .. }));
        assert!(
            refused.to_string().contains("newer Switchyard"),
            "{refused}"
        );
        assert_eq!(std::fs::read(&path).unwrap(), before, "not a byte changed");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["newer.sqlite"], "no WAL or journal left beside it");
    }
}

#[cfg(test)]
mod connection_tests {
    use super::*;

    #[test]
    fn a_read_connection_reads_while_the_shared_one_is_held_and_cannot_write() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("s.sqlite")).unwrap();
        store
            .settings()
            .set_setting("a", &serde_json::json!(1))
            .unwrap();
        let reader = store.connection(Access::Read).unwrap();
        let held = store.conn.lock().unwrap();
        assert_eq!(
            reader.settings().get_setting("a").unwrap(),
            Some(serde_json::json!(1))
        );
        drop(held);
        assert!(reader
            .settings()
            .set_setting("b", &serde_json::json!(2))
            .is_err());
    }

    #[test]
    fn a_write_connection_commits_what_the_shared_one_then_sees_and_checkpoint_empties_the_wal() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.sqlite");
        let store = Store::open(&path).unwrap();
        let writer = store.connection(Access::Write).unwrap();
        writer
            .settings()
            .set_setting("w", &serde_json::json!("x"))
            .unwrap();
        assert_eq!(
            store.settings().get_setting("w").unwrap(),
            Some(serde_json::json!("x"))
        );
        store.checkpoint().unwrap();
        let wal = std::fs::metadata(dir.path().join("s.sqlite-wal")).map(|m| m.len());
        assert_eq!(wal.unwrap_or(0), 0, "the WAL is truncated");
    }

    #[test]
    fn in_memory_stores_share_their_one_connection() {
        let store = Store::open_in_memory().unwrap();
        let other = store.connection(Access::Write).unwrap();
        other
            .settings()
            .set_setting("m", &serde_json::json!(true))
            .unwrap();
        assert_eq!(
            store.settings().get_setting("m").unwrap(),
            Some(serde_json::json!(true))
        );
    }
}
