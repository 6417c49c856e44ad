//! The team ledger's durable outbox: what this replica answered and has not yet written to
//! PostgreSQL, in a SQLite file in its data folder ([`OUTBOX_FILE`]). The ledger's pump commits
//! each batch it takes off the request path here first, then sends the oldest rows to PostgreSQL
//! and deletes them once they are in. A replica killed while PostgreSQL is away therefore loses
//! nothing committed here: its next start sends what is left, and a row sent twice is stored
//! once (the request's id is the team ledger's key). A lost disk loses what was still here.
//!
//! Each row keeps the name of the replica that answered it, so a row sent by the next process
//! (or by `switchyard check` on the same folder) is still that replica's in the team ledger.
//!
//! A row PostgreSQL refuses for its own data (not for being away) moves to the `set_aside`
//! table of the same file, with the database's reason, so it never holds up the rows behind
//! it and is never dropped unseen: the count is on `/metrics` and the Team page, the rows in
//! the file (up to [`SET_ASIDE_MAX`]; past it, further refused rows are counted as lost).
//! Every string is bound through [`switchyard_domain::storable`].

use crate::TeamError;
use rusqlite::{params, Connection};
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};
use switchyard_domain::storable::{self, Storable};
use switchyard_domain::RequestRecord;

/// The outbox's file in a replica's data folder.
pub const OUTBOX_FILE: &str = "team-outbox.sqlite";
/// Rows an outbox holds at the most (a record is about 1 KB): past it, new records are dropped
/// and counted as lost rather than filling the disk while PostgreSQL is away.
pub const OUTBOX_MAX: usize = 1_000_000;

/// Refused rows the outbox keeps at the most: a stream of them cannot fill the disk.
pub const SET_ASIDE_MAX: usize = 100_000;

/// The longest record a row may hold (a request's record is a few KiB): a longer one is
/// damage, not read into memory.
const RECORD_MAX_BYTES: i64 = 1 << 20;

/// One answered request on its way to the team ledger.
pub(crate) struct Row {
    pub record: RequestRecord,
    pub token_id: Option<String>,
}

/// A row read back from the outbox, in the order it was committed.
pub(crate) struct Unsent {
    pub seq: i64,
    pub replica: String,
    pub row: Row,
}

/// Cheap to clone; every method blocks (run it off the async threads).
#[derive(Clone)]
pub(crate) struct Outbox {
    conn: Arc<Mutex<Connection>>,
    /// Whether it outlives the process (a file), for what stopping reports.
    pub durable: bool,
}

fn local(e: rusqlite::Error) -> TeamError {
    TeamError::Outbox(e.to_string())
}

impl Outbox {
    /// The outbox at `path`, created when missing.
    pub fn open(path: &Path) -> Result<Outbox, TeamError> {
        let conn = Connection::open(path).map_err(local)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(local)?;
        // NORMAL in WAL mode: a committed row survives the process being killed (not a power
        // cut of the last instants, which is the disk's to keep).
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(local)?;
        Outbox::with(conn, true)
    }

    /// An outbox that lives as long as the process (tests; a data folder it cannot write).
    pub fn in_memory() -> Result<Outbox, TeamError> {
        Outbox::with(Connection::open_in_memory().map_err(local)?, false)
    }

    fn with(conn: Connection, durable: bool) -> Result<Outbox, TeamError> {
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(local)?;
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS outbox (
                 seq INTEGER PRIMARY KEY AUTOINCREMENT,
                 replica TEXT NOT NULL,
                 token_id TEXT,
                 record TEXT NOT NULL
             );
             CREATE TABLE IF NOT EXISTS set_aside (
                 seq INTEGER PRIMARY KEY,
                 replica TEXT NOT NULL,
                 token_id TEXT,
                 record TEXT NOT NULL,
                 reason TEXT NOT NULL,
                 set_aside_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
             )",
        )
        .map_err(local)?;
        Ok(Outbox {
            conn: Arc::new(Mutex::new(conn)),
            durable,
        })
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Rows waiting to be sent.
    pub fn len(&self) -> Result<usize, TeamError> {
        let n: i64 = self
            .conn()
            .query_row("SELECT count(*) FROM outbox", [], |r| r.get(0))
            .map_err(local)?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    /// At least as many rows as are waiting, read from the key's ends (no scan: `count(*)` of a
    /// large outbox would cost each batch a walk of the table).
    fn span(&self) -> Result<usize, TeamError> {
        let n: i64 = self
            .conn()
            .query_row(
                "SELECT coalesce(max(seq) - min(seq) + 1, 0) FROM outbox",
                [],
                |r| r.get(0),
            )
            .map_err(local)?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    /// Commits `rows` as `replica`'s, in one transaction, as many as [`OUTBOX_MAX`] leaves room
    /// for; returns how many it had no room for.
    pub fn append(&self, replica: &str, rows: &[Row]) -> Result<usize, TeamError> {
        let room = OUTBOX_MAX.saturating_sub(self.span()?);
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(local)?;
        {
            let mut insert = tx
                .prepare_cached(
                    "INSERT INTO outbox (replica, token_id, record) VALUES (?1, ?2, ?3)",
                )
                .map_err(local)?;
            let replica = storable::text(replica);
            for row in rows.iter().take(room) {
                let record = serde_json::to_string(&*Storable::of(&row.record))
                    .map_err(|e| TeamError::Outbox(e.to_string()))?;
                let token_id = row.token_id.as_deref().map(storable::text);
                insert
                    .execute(params![replica, token_id, record])
                    .map_err(local)?;
            }
        }
        tx.commit().map_err(local)?;
        Ok(rows.len().saturating_sub(room))
    }

    /// The `n` oldest rows. A row that no longer parses (a damaged file), or whose record is
    /// over [`RECORD_MAX_BYTES`] (not read into memory), is dropped, with the count of such rows
    /// returned beside them.
    pub fn oldest(&self, n: usize) -> Result<(Vec<Unsent>, usize), TeamError> {
        let conn = self.conn();
        let mut select = conn
            .prepare_cached(
                "SELECT seq, replica, token_id,
                    CASE WHEN length(CAST(record AS BLOB)) <= ?2 THEN record END
                 FROM outbox ORDER BY seq LIMIT ?1",
            )
            .map_err(local)?;
        let raw = select
            .query_map(
                [i64::try_from(n).unwrap_or(i64::MAX), RECORD_MAX_BYTES],
                |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, Option<String>>(2)?,
                        r.get::<_, Option<String>>(3)?,
                    ))
                },
            )
            .map_err(local)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(local)?;
        let mut out = Vec::with_capacity(raw.len());
        let mut damaged = Vec::new();
        for (seq, replica, token_id, record) in raw {
            match serde_json::from_str::<RequestRecord>(record.as_deref().unwrap_or("")) {
                Ok(record) => out.push(Unsent {
                    seq,
                    replica,
                    row: Row { record, token_id },
                }),
                Err(_) => damaged.push(seq),
            }
        }
        for seq in &damaged {
            conn.execute("DELETE FROM outbox WHERE seq = ?1", [seq])
                .map_err(local)?;
        }
        Ok((out, damaged.len()))
    }

    /// Rows set aside: refused by the team database for their data.
    pub fn set_aside_len(&self) -> Result<usize, TeamError> {
        let n: i64 = self
            .conn()
            .query_row("SELECT count(*) FROM set_aside", [], |r| r.get(0))
            .map_err(local)?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    /// In one transaction: moves each `refused` row (its seq and the database's reason) to
    /// `set_aside`, as many as [`SET_ASIDE_MAX`] leaves room for, and deletes every row up to
    /// and including `through` (the rest of the batch is in the team ledger). Returns how many
    /// it set aside; the others had no room.
    pub fn set_aside(&self, refused: &[(i64, String)], through: i64) -> Result<usize, TeamError> {
        let mut conn = self.conn();
        let tx = conn.transaction().map_err(local)?;
        let held: i64 = tx
            .query_row("SELECT count(*) FROM set_aside", [], |r| r.get(0))
            .map_err(local)?;
        let room = SET_ASIDE_MAX.saturating_sub(usize::try_from(held).unwrap_or(0));
        let mut kept = 0;
        for (seq, reason) in refused.iter().take(room) {
            kept += tx
                .execute(
                    "INSERT OR IGNORE INTO set_aside (seq, replica, token_id, record, reason)
                     SELECT seq, replica, token_id, record, ?2 FROM outbox WHERE seq = ?1",
                    params![seq, storable::text(reason)],
                )
                .map_err(local)?;
        }
        tx.execute("DELETE FROM outbox WHERE seq <= ?1", [through])
            .map_err(local)?;
        tx.commit().map_err(local)?;
        Ok(kept)
    }

    /// Deletes every row up to and including `seq` (they are in the team ledger now).
    pub fn remove_through(&self, seq: i64) -> Result<(), TeamError> {
        self.conn()
            .execute("DELETE FROM outbox WHERE seq <= ?1", [seq])
            .map_err(local)?;
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    fn row(id: &str) -> Row {
        Row {
            record: RequestRecord {
                id: id.into(),
                ..Default::default()
            },
            token_id: Some("t1".into()),
        }
    }

    #[test]
    fn rows_come_back_in_order_with_their_replica_and_survive_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(OUTBOX_FILE);
        let outbox = Outbox::open(&path).unwrap();
        assert_eq!(outbox.append("a:1", &[row("r1"), row("r2")]).unwrap(), 0);
        assert_eq!(outbox.append("a:1", &[row("r3")]).unwrap(), 0);
        drop(outbox);
        let outbox = Outbox::open(&path).unwrap();
        let (rows, damaged) = outbox.oldest(2).unwrap();
        assert_eq!(damaged, 0);
        let ids: Vec<&str> = rows.iter().map(|u| u.row.record.id.as_str()).collect();
        assert_eq!(ids, ["r1", "r2"]);
        assert_eq!(rows[0].replica, "a:1");
        assert_eq!(rows[0].row.token_id.as_deref(), Some("t1"));
        outbox.remove_through(rows[1].seq).unwrap();
        assert_eq!(outbox.len().unwrap(), 1);
        assert_eq!(outbox.oldest(10).unwrap().0[0].row.record.id, "r3");
    }

    #[test]
    fn a_row_that_no_longer_parses_is_dropped_and_counted() {
        let outbox = Outbox::in_memory().unwrap();
        outbox.append("a", &[row("r1"), row("r2")]).unwrap();
        let first = outbox.oldest(1).unwrap().0[0].seq;
        outbox
            .conn()
            .execute("UPDATE outbox SET record = '{' WHERE seq = ?1", [first])
            .unwrap();
        let (rows, damaged) = outbox.oldest(10).unwrap();
        assert_eq!((rows.len(), damaged), (1, 1));
        assert_eq!(outbox.len().unwrap(), 1);
        assert_eq!(rows[0].row.record.id, "r2");
    }

    #[test]
    fn a_row_over_the_size_bound_is_dropped_unread() {
        let outbox = Outbox::in_memory().unwrap();
        outbox.append("a", &[row("r1"), row("r2")]).unwrap();
        let first = outbox.oldest(1).unwrap().0[0].seq;
        outbox
            .conn()
            .execute(
                "UPDATE outbox SET record = json_set(record, '$.id', hex(zeroblob(?2)))
                 WHERE seq = ?1",
                [first, 1 << 20],
            )
            .unwrap();
        let (rows, damaged) = outbox.oldest(10).unwrap();
        assert_eq!((rows.len(), damaged), (1, 1));
        assert_eq!(rows[0].row.record.id, "r2");
    }

    #[test]
    fn refused_rows_move_aside_with_their_reason_the_rest_go_and_a_full_table_takes_no_more() {
        let outbox = Outbox::in_memory().unwrap();
        outbox
            .append("a", &[row("r1"), row("r2"), row("r3")])
            .unwrap();
        let seqs: Vec<i64> = outbox.oldest(3).unwrap().0.iter().map(|u| u.seq).collect();
        let refused = [(seqs[1], "22007: not a time".to_string())];
        assert_eq!(outbox.set_aside(&refused, seqs[2]).unwrap(), 1);
        assert_eq!(
            (outbox.len().unwrap(), outbox.set_aside_len().unwrap()),
            (0, 1),
            "the batch left the outbox, its refused row kept aside"
        );
        let (id, reason): (String, String) = outbox
            .conn()
            .query_row(
                "SELECT json_extract(record, '$.id'), reason FROM set_aside",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!((id.as_str(), reason.as_str()), ("r2", "22007: not a time"));

        // Full: a further refused row is not kept (the caller counts it as lost).
        outbox
            .conn()
            .execute(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?1)
                 INSERT INTO set_aside (seq, replica, record, reason)
                 SELECT -i, 'a', '{}', 'x' FROM n",
                [i64::try_from(SET_ASIDE_MAX).unwrap() - 1],
            )
            .unwrap();
        outbox.append("a", &[row("r4")]).unwrap();
        let seq = outbox.oldest(1).unwrap().0[0].seq;
        let refused = [(seq, "22007".to_string())];
        assert_eq!(outbox.set_aside(&refused, seq).unwrap(), 0, "no room");
        assert_eq!(outbox.set_aside_len().unwrap(), SET_ASIDE_MAX);
        assert_eq!(outbox.len().unwrap(), 0, "the row still leaves the outbox");
    }
}
