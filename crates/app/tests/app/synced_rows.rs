//! Rows of `synced_records` as an attacker writes them: straight into the table with the
//! database's credentials (no Switchyard code in the way), and what a space's machines do with
//! them. Shared by the synced-records suites (`synced_records.rs`, `synced_replay.rs`) and
//! `synced_scope.rs`.

use super::Harness;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use switchyard_app::sync::SyncReport;
use switchyard_app_testing::machines::space;
use switchyard_team::testing::TempPostgres;

/// A connection of its own to the test's database, as an intruder with its credentials has.
pub async fn intruder(pg: &TempPostgres) -> tokio_postgres::Client {
    let (client, conn) = tokio_postgres::connect(&pg.url(), tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    client
}

/// One row of `synced_records` exactly as it is stored.
#[derive(Debug, Clone)]
pub struct Row {
    pub space: String,
    pub kind: String,
    pub name: String,
    pub version: i64,
    pub body: Option<Value>,
    pub mac: Option<String>,
}

impl Row {
    pub fn new(space: &str, kind: &str, name: &str, version: i64, body: Option<Value>) -> Row {
        Row {
            space: space.into(),
            kind: kind.into(),
            name: name.into(),
            version,
            body,
            mac: None,
        }
    }
}

/// Writes `row` over whatever the table holds under its space, kind and name (one INSERT … ON
/// CONFLICT DO UPDATE: version, body and seal as given). `Err`: PostgreSQL refused it.
pub async fn write(db: &tokio_postgres::Client, row: &Row) -> Result<(), tokio_postgres::Error> {
    let body = row.body.as_ref().map(tokio_postgres::types::Json);
    db.execute(
        "INSERT INTO synced_records (space, kind, name, version, body, updated_by, mac)
         VALUES ($1, $2, $3, $4, $5, 'intruder', $6)
         ON CONFLICT (space, kind, name) DO UPDATE
         SET version = excluded.version, body = excluded.body, mac = excluded.mac,
             updated_by = excluded.updated_by",
        &[
            &row.space,
            &row.kind,
            &row.name,
            &row.version,
            &body,
            &row.mac,
        ],
    )
    .await
    .map(drop)
}

/// Deletes the row (the table forgets it; no tombstone).
pub async fn remove(db: &tokio_postgres::Client, space: &str, kind: &str, name: &str) {
    db.execute(
        "DELETE FROM synced_records WHERE space = $1 AND kind = $2 AND name = $3",
        &[&space, &kind, &name],
    )
    .await
    .unwrap();
}

/// Every row of `space` as stored (any kind), to copy and write back later.
pub async fn rows(db: &tokio_postgres::Client, space: &str) -> Vec<Row> {
    db.query(
        "SELECT kind, name, version, body, mac FROM synced_records WHERE space = $1
         ORDER BY kind, name",
        &[&space],
    )
    .await
    .unwrap()
    .iter()
    .map(|r| Row {
        space: space.into(),
        kind: r.get(0),
        name: r.get(1),
        version: r.get(2),
        body: r
            .get::<_, Option<tokio_postgres::types::Json<Value>>>(3)
            .map(|j| j.0),
        mac: r.get(4),
    })
    .collect()
}

/// The stored row of `kind` and `name` in `space`.
pub async fn row(db: &tokio_postgres::Client, space: &str, kind: &str, name: &str) -> Row {
    rows(db, space)
        .await
        .into_iter()
        .find(|r| r.kind == kind && r.name == name)
        .unwrap_or_else(|| panic!("no {kind} “{name}” in space {space}"))
}

/// A token value of the gateway's shape, distinct per `tag`.
pub fn token_value(tag: &str) -> String {
    let hex: String = Sha256::digest(tag.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("sy-{}", &hex[..64])
}

/// A token record's body for `value` as Switchyard writes one, with `scope`.
pub fn token_body(value: &str, scope: &str, revoked: bool) -> Value {
    let hash: String = Sha256::digest(value.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    json!({"name": "intruder-tool", "hash": hash, "prefix": &value[..9], "scope": scope,
           "revoked": revoked})
}

/// Whether `value` opens `h`'s gateway (the index the gateway checks; a miss re-reads the
/// store).
pub fn token_works(h: &Harness, value: &str) -> bool {
    h.app.tokens().index().verify(value).is_some()
}

/// Turns My machines on for `h` in space "ana"; with `from`, the space's key copied from that
/// machine. The first pass's report.
pub async fn join(h: &Harness, pg: &TempPostgres, from: Option<&Harness>) -> SyncReport {
    h.join_machines(&pg.url(), space("ana"), from).await
}

/// Whether `report` lists a problem naming `what` (`token “id”`).
pub fn lists(report: &SyncReport, what: &str) -> bool {
    report.problems.iter().any(|p| p.contains(what))
}

/// The seal an earlier version (before the space's index, `switchyard-sync-seal-v1`) put on a
/// row, made with `key`: HMAC-SHA256 over the scheme, space, kind, name, version and body, each
/// length-prefixed (crates/team/src/synced/seal.rs).
pub fn older_seal(key: &str, row: &Row) -> String {
    use hmac::{Hmac, Mac};
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key.as_bytes()).unwrap();
    let body = row.body.as_ref().map(Value::to_string);
    let version = row.version.to_string();
    let parts: [&[u8]; 6] = [
        b"switchyard-sync-seal-v1",
        row.space.as_bytes(),
        row.kind.as_bytes(),
        row.name.as_bytes(),
        version.as_bytes(),
        body.as_deref().unwrap_or("\u{0}tombstone").as_bytes(),
    ];
    for p in parts {
        mac.update(&(p.len() as u64).to_be_bytes());
        mac.update(p);
    }
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Turns My machines on for `h` in space `name`, with the space key `key` when given (the first
/// machine draws one otherwise). The first pass's report.
pub async fn join_space(
    h: &Harness,
    pg: &TempPostgres,
    name: &str,
    key: Option<String>,
) -> SyncReport {
    h.join_machines_with_key(&pg.url(), space(name), key.map(Into::into))
        .await
}

/// The space key `h` holds, as the user copies it.
pub async fn space_key(h: &Harness) -> String {
    h.app
        .sync()
        .reveal_space_key()
        .await
        .unwrap()
        .expose()
        .to_string()
}
