//! Configuration records that follow between machines: backends, routes, budgets and tokens
//! of a *space* (`team` for a team's replicas, a person's own name for their machines). A
//! record is its JSON body under a kind and a name, with a version that grows with every
//! change. Every write names the version it read ([`TeamDb::put_synced`]): a machine whose
//! copy is older than the database's gets [`Put::Conflict`], never a silent overwrite. A
//! deleted record stays as a tombstone (no body) so machines that missed the delete learn of it.

use crate::{TeamDb, TeamError};
use serde_json::Value;
use tokio_postgres::types::Json;

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
    /// The database holds a body over the size a write may have (written around this crate):
    /// it was not read (`body` is `None`) and must not be taken, nor read as a delete.
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

/// A body over [`MAX_BODY_BYTES`] stays in the database: the row says so instead.
const COLUMNS: &str = "kind, name, version, \
                       CASE WHEN octet_length(body::text) > 262144 THEN NULL ELSE body END, \
                       updated_by, (extract(epoch from updated_at) * 1000)::bigint, mac, \
                       coalesce(octet_length(body::text) > 262144, false)";

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
            return Err(TeamError::Invalid(format!(
                "The space “{space}” holds more than {MAX_SPACE_RECORDS} records: it was not read. \
                 A person's machines write tens; remove what does not belong there."
            )));
        }
        Ok(rows.iter().map(record).collect())
    }

    /// Writes `w.body` (`None`: deletes) as the next version of a record, if the database's
    /// version is still `w.read` (0: the writer saw no such record), with the writer's seal.
    pub async fn put_synced(&self, w: &SyncedWrite<'_>) -> Result<Put, TeamError> {
        let SyncedWrite {
            space,
            kind,
            name,
            read,
            body,
            by,
            mac,
        } = *w;
        valid_space(space)?;
        if let Some(b) = body {
            if b.to_string().len() > MAX_BODY_BYTES {
                return Err(TeamError::Invalid(format!(
                    "{kind} “{name}” is over 256 KiB and is not synced."
                )));
            }
        }
        let body = body.map(Json);
        let client = self.client().await?;
        let written = if read == 0 {
            client
                .query_opt(
                    "INSERT INTO synced_records (space, kind, name, version, body, updated_by, mac)
                     VALUES ($1, $2, $3, 1, $4, $5, $6)
                     ON CONFLICT (space, kind, name) DO NOTHING RETURNING version",
                    &[&space, &kind, &name, &body, &by, &mac],
                )
                .await?
        } else {
            client
                .query_opt(
                    "UPDATE synced_records
                     SET version = version + 1, body = $5, updated_by = $6, mac = $7,
                         updated_at = now()
                     WHERE space = $1 AND kind = $2 AND name = $3 AND version = $4
                     RETURNING version",
                    &[&space, &kind, &name, &read, &body, &by, &mac],
                )
                .await?
        };
        if let Some(row) = written {
            return Ok(Put::Written {
                version: row.get(0),
            });
        }
        let current = client
            .query_opt(
                &format!(
                    "SELECT {COLUMNS} FROM synced_records
                     WHERE space = $1 AND kind = $2 AND name = $3"
                ),
                &[&space, &kind, &name],
            )
            .await?;
        Ok(Put::Conflict {
            current: current.as_ref().map(record),
        })
    }
}
