//! Configuration records that follow between machines: backends, routes, budgets and tokens
//! of a *space* (`team` for a team's replicas, a person's own name for their machines). A
//! record is its JSON body under a kind and a name, with a version that grows with every
//! change. Every write names the version it read ([`TeamDb::put_synced`]): a machine whose
//! copy is older than the database's gets [`Put::Conflict`], never a silent overwrite. A
//! deleted record stays as a tombstone (no body) so machines that missed the delete learn of it.

pub mod index;
pub mod plan;
pub mod seal;

use crate::{TeamDb, TeamError};
use serde_json::Value;
use tokio_postgres::types::Json;
use tokio_postgres::GenericClient;

/// Largest body a record may have (a route with many candidates is a few KiB).
const MAX_BODY_BYTES: usize = 256 * 1024;

/// The most records one read of a space returns. A person's machines hold tens; a space with
/// more was filled by something else, and is refused rather than read into memory.
pub const MAX_SPACE_RECORDS: usize = 10_000;

/// One record as the database holds it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncedRecord {
    pub kind: String,
    pub name: String,
    pub version: i64,
    /// `None`: deleted.
    pub body: Option<Value>,
    /// The machine that wrote this version.
    pub updated_by: String,
    pub updated_at_ms: i64,
    /// The writer's seal over this version (see migration 6); `None`: unsealed.
    pub mac: Option<String>,
    /// The database holds a body over the size a write may have, or a kind, name, writer or
    /// seal longer than any Switchyard writes (written around this crate): the body was not
    /// read (`None`), the others are cut, and the row must not be taken, nor read as a delete.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub oversize: bool,
}

/// What a guarded write did.
#[derive(Debug, Clone, PartialEq)]
pub enum Put {
    /// The record now has this version.
    Written { version: i64 },
    /// The database's copy is not the version the writer read; nothing was written.
    Conflict { current: Option<SyncedRecord> },
}

/// One guarded write of a record: the next version is `read + 1` (1 when `read` is 0).
#[derive(Debug, Clone, Copy)]
pub struct SyncedWrite<'a> {
    pub space: &'a str,
    pub kind: &'a str,
    pub name: &'a str,
    /// The version the writer read (0: none).
    pub read: i64,
    /// `None`: a delete (a tombstone stays).
    pub body: Option<&'a Value>,
    /// The writing machine's name.
    pub by: &'a str,
    /// The writer's seal over the new version, if the space is sealed.
    pub mac: Option<&'a str>,
}

/// A record of a sealed space written together with the space's index (`switchyard-app`'s
/// `sync::index`): the index names each record's newest version, so it must never say less
/// than the records do, nor more.
#[derive(Debug, Clone, Copy)]
pub struct IndexedWrite<'a> {
    /// The record; its new version is [`IndexedWrite::version`], not `read + 1`.
    pub record: SyncedWrite<'a>,
    /// The record's new version: above `record.read`, and above every version of it the writer
    /// has seen (so a record the database lost, or rolled back, is written above its past).
    pub version: i64,
    /// The index row (new version `index.read + 1`).
    pub index: SyncedWrite<'a>,
}

/// What a write with the index did.
#[derive(Debug, Clone, PartialEq)]
pub enum IndexedPut {
    /// Both written; the record now has this version.
    Written { version: i64 },
    /// The record is not at the version read: nothing was written.
    RecordMoved { current: Option<SyncedRecord> },
    /// The index changed meanwhile (another machine wrote): nothing was written; read the
    /// index again and retry.
    IndexMoved,
}

/// A body over [`MAX_BODY_BYTES`] stays in the database: the row says so instead. So do a
/// name, kind, writer or seal longer than any Switchyard writes (anyone with the database's
/// credentials can write any row): each is cut, the name to 100 characters and an ellipsis (a
/// name no record has, so the cut row stands for no record of this machine's).
const COLUMNS: &str = "left(kind, 40), \
                       CASE WHEN char_length(name) > 100 THEN left(name, 100) || '…' ELSE name END, \
                       version, \
                       CASE WHEN octet_length(body::text) > 262144 THEN NULL ELSE body END, \
                       left(updated_by, 100), (extract(epoch from updated_at) * 1000)::bigint, \
                       left(mac, 130), \
                       coalesce(octet_length(body::text) > 262144, false) \
                       OR char_length(kind) > 40 OR char_length(name) > 100 \
                       OR char_length(updated_by) > 100 OR coalesce(char_length(mac) > 130, false)";

fn record(row: &tokio_postgres::Row) -> SyncedRecord {
    let body: Option<Json<Value>> = row.get(3);
    SyncedRecord {
        kind: row.get(0),
        name: row.get(1),
        version: row.get(2),
        body: body.map(|Json(v)| v),
        updated_by: row.get(4),
        updated_at_ms: row.get(5),
        mac: row.get(6),
        oversize: row.get(7),
    }
}

fn valid_space(space: &str) -> Result<(), TeamError> {
    let ok =
        !space.is_empty() && space.chars().count() <= 100 && !space.chars().any(char::is_control);
    if ok {
        Ok(())
    } else {
        Err(TeamError::Invalid(
            "A sync space is a name of 1 to 100 printable characters.".into(),
        ))
    }
}

impl TeamDb {
    /// Every record of `space` of the given kinds, tombstones included.
    pub async fn synced_records(
        &self,
        space: &str,
        kinds: &[&str],
    ) -> Result<Vec<SyncedRecord>, TeamError> {
        valid_space(space)?;
        let kinds: Vec<String> = kinds.iter().map(|k| (*k).to_string()).collect();
        let client = self.client().await?;
        let rows = client
            .query(
                &format!(
                    "SELECT {COLUMNS} FROM synced_records
                     WHERE space = $1 AND kind = ANY($2) ORDER BY kind, name LIMIT $3"
                ),
                &[&space, &kinds, &(MAX_SPACE_RECORDS as i64 + 1)],
            )
            .await?;
        if rows.len() > MAX_SPACE_RECORDS {
            return Err(too_many(space));
        }
        Ok(rows.iter().map(record).collect())
    }

    /// Every row of `space`, of any kind (a pass lists a kind its space does not carry as a
    /// problem, so it reads them all), tombstones included; refused past
    /// [`MAX_SPACE_RECORDS`].
    pub async fn synced_space(&self, space: &str) -> Result<Vec<SyncedRecord>, TeamError> {
        valid_space(space)?;
        let client = self.client().await?;
        let rows = client
            .query(
                &format!(
                    "SELECT {COLUMNS} FROM synced_records
                     WHERE space = $1 ORDER BY kind, name LIMIT $2"
                ),
                &[&space, &(MAX_SPACE_RECORDS as i64 + 1)],
            )
            .await?;
        if rows.len() > MAX_SPACE_RECORDS {
            return Err(too_many(space));
        }
        Ok(rows.iter().map(record).collect())
    }

    /// Writes `w.body` (`None`: deletes) as the next version of a record, if the database's
    /// version is still `w.read` (0: the writer saw no such record), with the writer's seal.
    pub async fn put_synced(&self, w: &SyncedWrite<'_>) -> Result<Put, TeamError> {
        check(w)?;
        let client = self.client().await?;
        if let Some(version) = write_row(&**client, w, w.read + 1).await? {
            return Ok(Put::Written { version });
        }
        Ok(Put::Conflict {
            current: current(&**client, w).await?,
        })
    }

    /// Writes a record of a sealed space and the space's index in one transaction: both, or
    /// neither when either moved since the writer read it ([`IndexedWrite`]).
    pub async fn put_indexed(&self, w: &IndexedWrite<'_>) -> Result<IndexedPut, TeamError> {
        check(&w.record)?;
        check(&w.index)?;
        if w.version <= w.record.read {
            return Err(TeamError::Invalid(format!(
                "{} “{}”: a write's version must be above the one it read.",
                w.record.kind, w.record.name
            )));
        }
        let mut client = self.client().await?;
        let tx = client.transaction().await?;
        let Some(version) = write_row(&*tx, &w.record, w.version).await? else {
            let current = current(&*tx, &w.record).await?;
            return Ok(IndexedPut::RecordMoved { current });
        };
        if write_row(&*tx, &w.index, w.index.read + 1).await?.is_none() {
            // Dropping the transaction rolls the record's write back.
            return Ok(IndexedPut::IndexMoved);
        }
        tx.commit().await?;
        Ok(IndexedPut::Written { version })
    }
}

fn too_many(space: &str) -> TeamError {
    TeamError::Invalid(format!(
        "The space “{space}” holds more than {MAX_SPACE_RECORDS} records: it was not read. \
         A person's machines write tens; remove what does not belong there."
    ))
}

/// What every write checks before it reaches the database.
fn check(w: &SyncedWrite<'_>) -> Result<(), TeamError> {
    valid_space(w.space)?;
    if let Some(b) = w.body {
        if b.to_string().len() > MAX_BODY_BYTES {
            return Err(TeamError::Invalid(format!(
                "{} “{}” is over 256 KiB and is not synced.",
                w.kind, w.name
            )));
        }
    }
    Ok(())
}

/// Writes `w` as `version` over the database's `w.read` (0: none); `None` when the database
/// holds another version.
async fn write_row(
    client: &impl GenericClient,
    w: &SyncedWrite<'_>,
    version: i64,
) -> Result<Option<i64>, TeamError> {
    let SyncedWrite {
        space,
        kind,
        name,
        read,
        body,
        by,
        mac,
    } = *w;
    let body = body.map(Json);
    let row = if read == 0 {
        client
            .query_opt(
                "INSERT INTO synced_records (space, kind, name, version, body, updated_by, mac)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (space, kind, name) DO NOTHING RETURNING version",
                &[&space, &kind, &name, &version, &body, &by, &mac],
            )
            .await?
    } else {
        client
            .query_opt(
                "UPDATE synced_records
                 SET version = $8, body = $5, updated_by = $6, mac = $7, updated_at = now()
                 WHERE space = $1 AND kind = $2 AND name = $3 AND version = $4
                 RETURNING version",
                &[&space, &kind, &name, &read, &body, &by, &mac, &version],
            )
            .await?
    };
    Ok(row.map(|r| r.get(0)))
}

/// The database's copy of `w`'s record.
async fn current(
    client: &impl GenericClient,
    w: &SyncedWrite<'_>,
) -> Result<Option<SyncedRecord>, TeamError> {
    let row = client
        .query_opt(
            &format!(
                "SELECT {COLUMNS} FROM synced_records
                 WHERE space = $1 AND kind = $2 AND name = $3"
            ),
            &[&w.space, &w.kind, &w.name],
        )
        .await?;
    Ok(row.as_ref().map(record))
}
