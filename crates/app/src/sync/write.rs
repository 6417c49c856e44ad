//! Writing a space's records. The team's space: one guarded write per record. A sealed space:
//! each record sealed and written with the space's index in one transaction
//! (`TeamDb::put_indexed`), at a version above every one of it this machine has seen, so the
//! index always names the newest and a record the database lost or rolled back is written above
//! its past; when another machine wrote the index meanwhile, it is read again, joined, and the
//! write retried.

use super::index::{self, Index};
use super::local::Key;
use super::read::{verified, Sealing};
use super::seal::Sealed;
use crate::AppError;
use serde_json::Value;
use switchyard_team::{IndexedPut, IndexedWrite, Put, SyncedWrite, TeamDb};

/// How often a write retries when the index moved under it.
const TRIES: usize = 4;

/// Writes `body` (`None`: a delete) over version `read` of `key`: sealed and with the index when
/// `sealing` is given; `floor`, the version this machine last agreed with.
pub(super) async fn put(
    db: &TeamDb,
    space: &str,
    key: &Key,
    (read, floor): (i64, i64),
    body: Option<&Value>,
    by: &str,
    sealing: Option<&mut Sealing>,
) -> Result<Put, AppError> {
    let kind = key.0.as_str();
    let Some(s) = sealing else {
        let write = record_write(space, key, read, body, by, None);
        return Ok(db.put_synced(&write).await?);
    };
    let version = read.max(floor).max(s.index.newest(kind, &key.1)) + 1;
    let mac = s.key.seal(&Sealed {
        space,
        kind,
        name: &key.1,
        version,
        body,
    })?;
    for _ in 0..TRIES {
        let mut next = s.index.clone();
        next.note(kind, &key.1, version, body);
        let index_body = next.to_body();
        let index_mac = seal_index(space, s, &index_body)?;
        let write = IndexedWrite {
            record: record_write(space, key, read, body, by, Some(&mac)),
            version,
            index: index_write(space, s.row, &index_body, by, &index_mac),
        };
        match db.put_indexed(&write).await? {
            IndexedPut::Written { version } => {
                s.row += 1;
                s.stored = Some(next.clone());
                s.index = next;
                return Ok(Put::Written { version });
            }
            IndexedPut::RecordMoved { current } => return Ok(Put::Conflict { current }),
            IndexedPut::IndexMoved => reread(db, space, s).await?,
        }
    }
    Err(busy())
}

/// Writes the index this machine holds when the database's says less (a space indexed for the
/// first time, records taken from before the index, an index removed or rolled back).
pub(super) async fn index(
    db: &TeamDb,
    space: &str,
    by: &str,
    s: &mut Sealing,
) -> Result<(), AppError> {
    for _ in 0..TRIES {
        if s.stored.as_ref() == Some(&s.index) || (s.index.is_empty() && s.stored.is_none()) {
            return Ok(());
        }
        let body = s.index.to_body();
        let mac = seal_index(space, s, &body)?;
        let write = index_write(space, s.row, &body, by, &mac);
        match db.put_synced(&write).await? {
            Put::Written { version } => {
                s.row = version;
                s.stored = Some(s.index.clone());
                return Ok(());
            }
            Put::Conflict { .. } => reread(db, space, s).await?,
        }
    }
    Err(busy())
}

/// The write of `body` over version `read` of record `key`, with its seal when the space is
/// sealed.
fn record_write<'a>(
    space: &'a str,
    key: &'a Key,
    read: i64,
    body: Option<&'a Value>,
    by: &'a str,
    mac: Option<&'a str>,
) -> SyncedWrite<'a> {
    SyncedWrite {
        space,
        kind: key.0.as_str(),
        name: &key.1,
        read,
        body,
        by,
        mac,
    }
}

/// The seal of `body` as the space's index at the version its next write takes (over `s.row`).
fn seal_index(space: &str, s: &Sealing, body: &Value) -> Result<String, AppError> {
    Ok(s.key.seal(&Sealed {
        space,
        kind: index::KIND,
        name: index::NAME,
        version: s.row + 1,
        body: Some(body),
    })?)
}

/// The write of `body` as the space's index over version `read` of its row, sealed with `mac`.
fn index_write<'a>(
    space: &'a str,
    read: i64,
    body: &'a Value,
    by: &'a str,
    mac: &'a str,
) -> SyncedWrite<'a> {
    SyncedWrite {
        space,
        kind: index::KIND,
        name: index::NAME,
        read,
        body: Some(body),
        by,
        mac: Some(mac),
    }
}

/// Reads the index row again: its version, and what it names when it verifies (joined in).
async fn reread(db: &TeamDb, space: &str, s: &mut Sealing) -> Result<(), AppError> {
    let row = db
        .synced_records(space, &[index::KIND])
        .await?
        .into_iter()
        .find(|r| r.name == index::NAME);
    s.row = row.as_ref().map_or(0, |r| r.version);
    s.stored = row.as_ref().and_then(|r| verified(&s.key, space, r));
    if let Some(stored) = &s.stored {
        s.index.join(stored);
    }
    Ok(())
}

fn busy() -> AppError {
    AppError::Conflict(
        "the space's index kept changing while this machine wrote: the next pass tries again"
            .into(),
    )
}

/// Notes in `index` every record a pass took as the newest.
pub(super) fn note_taken<'a>(
    index: &mut Index,
    taken: impl IntoIterator<Item = &'a switchyard_team::SyncedRecord>,
) {
    for r in taken {
        index.note(&r.kind, &r.name, r.version, r.body.as_ref());
    }
}
