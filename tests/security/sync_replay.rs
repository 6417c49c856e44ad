//! Issue 69, faults 2 and 3, against the real binaries: what someone holding the database's
//! credentials (and nothing else) can make a machine trust. A token record written into the
//! team's space (which is not sealed) is adopted by no machine, of any scope; and a revoked
//! token's old row — genuinely sealed by the user's own machine — written back does not revive
//! the token on a machine that joins My machines afterwards: its gateway refuses it.

use crate::harness::{client, Serve};
use crate::holding::Folder;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use switchyard_team::testing::TempPostgres;
use switchyard_team::TeamDb;

/// The intruder's own connection to the database.
async fn intruder(pg: &TempPostgres) -> tokio_postgres::Client {
    let (client, conn) = tokio_postgres::connect(&pg.url(), tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    client
}

/// (version, body, seal) of a stored row.
type Stored = (i64, Option<Value>, Option<String>);

async fn stored(db: &tokio_postgres::Client, space: &str, kind: &str, name: &str) -> Stored {
    let r = db
        .query_one(
            "SELECT version, body, mac FROM synced_records
             WHERE space = $1 AND kind = $2 AND name = $3",
            &[&space, &kind, &name],
        )
        .await
        .unwrap();
    let body: Option<tokio_postgres::types::Json<Value>> = r.get(1);
    (r.get(0), body.map(|j| j.0), r.get(2))
}

/// Writes a row as stored, over whatever is there.
async fn write_back(db: &tokio_postgres::Client, space: &str, kind: &str, name: &str, s: &Stored) {
    let body = s.1.as_ref().map(tokio_postgres::types::Json);
    db.execute(
        "INSERT INTO synced_records (space, kind, name, version, body, updated_by, mac)
         VALUES ($1, $2, $3, $4, $5, 'intruder', $6)
         ON CONFLICT (space, kind, name) DO UPDATE
         SET version = excluded.version, body = excluded.body, mac = excluded.mac",
        &[&space, &kind, &name, &s.0, &body, &s.2],
    )
    .await
    .unwrap();
}

fn hash(value: &str) -> String {
    Sha256::digest(value.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `GET /v1/models` on a gateway serving `data` with `token`: the status.
fn gateway_answers(data: tempfile::TempDir, token: &str) -> u16 {
    let serve = Serve::start_in(data);
    client()
        .get(serve.url("/v1/models"))
        .bearer_auth(token)
        .send()
        .unwrap()
        .status()
        .as_u16()
}

#[test]
fn a_token_row_written_into_the_team_space_opens_no_machine_that_takes_the_teams_records() {
    let pg = TempPostgres::start();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let values: Vec<(&str, String)> = ["panel", "admin", "gateway", "metrics"]
        .into_iter()
        .map(|s| (s, format!("sy-{}", hash(s))))
        .collect();
    rt.block_on(async {
        TeamDb::connect(&pg.address()).await.unwrap();
        let sql = intruder(&pg).await;
        for (scope, value) in &values {
            let body = json!({"name": format!("team-{scope}"), "hash": hash(value),
                              "prefix": &value[..9], "scope": scope, "revoked": false});
            write_back(
                &sql,
                "team",
                "token",
                &format!("tok-{scope}"),
                &(1, Some(body), None),
            )
            .await;
        }
    });
    let replica = Folder::new();
    // `key add` with the team's variables first takes the team's records, as a replica does
    // (the key itself is refused: there is no such backend).
    let url = pg.url();
    let took = replica.run(
        &["key", "add", "nothing-here", "--label", "k"],
        "sk-unused-0123456789abcdefghij",
        &[("SWITCHYARD_TEAM_DATABASE_URL", std::path::Path::new(&url))],
    );
    let said = String::from_utf8_lossy(&took.stderr);
    let tokens: Vec<Value> =
        serde_json::from_str(&replica.ok(&["token", "list", "--json"], "", &[])).unwrap();
    assert!(
        tokens
            .iter()
            .all(|t| !t["name"].as_str().unwrap_or("").starts_with("team-")),
        "a token from the team's space was adopted: {tokens:?} ({said})"
    );
    for (scope, value) in &values {
        let data = tempfile::tempdir().unwrap();
        copy_data(replica.data.path(), data.path());
        assert_eq!(
            gateway_answers(data, value),
            401,
            "a {scope} token written into the team's space opens the gateway"
        );
    }
}

/// A copy of a data folder (its SQLite files), for another process to serve.
fn copy_data(from: &std::path::Path, to: &std::path::Path) {
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

#[test]
fn a_revoked_tokens_old_sealed_row_written_back_does_not_open_a_machine_that_joins_later() {
    let pg = TempPostgres::start();
    let laptop = Folder::new();
    let value = laptop
        .ok(&["token", "create", "codex"], "", &[])
        .lines()
        .next()
        .unwrap()
        .trim()
        .to_string();
    let on = laptop.ok(
        &["sync", "setup", "--space", "ana"],
        &format!("{}\n", pg.url()),
        &[],
    );
    let key = on
        .lines()
        .find_map(|l| l.strip_prefix("space key: "))
        .unwrap_or_else(|| panic!("the first machine prints the space key: {on}"))
        .to_string();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sql = rt.block_on(intruder(&pg));
    // The token's record is named by its id: the one token row of the space.
    let id: String = rt
        .block_on(sql.query_one(
            "SELECT name FROM synced_records WHERE space = 'ana' AND kind = 'token'",
            &[],
        ))
        .unwrap()
        .get(0);
    let old = rt.block_on(stored(&sql, "ana", "token", &id));
    laptop.ok(&["token", "revoke", "codex"], "", &[]);
    laptop.ok(&["sync", "now"], "", &[]);
    rt.block_on(write_back(&sql, "ana", "token", &id, &old));

    let late = Folder::new();
    let joined = late.run(
        &["sync", "setup", "--space", "ana"],
        &format!("{}\n{key}\n", pg.url()),
        &[],
    );
    let said = String::from_utf8_lossy(&joined.stdout);
    assert!(
        said.contains(&format!("not taken: token “{id}”")),
        "the joining machine lists the replayed row as a problem: {said}"
    );
    assert_eq!(
        gateway_answers(late.data, &value),
        401,
        "the revoked token opens the gateway of a machine that joined after the replay"
    );
}
