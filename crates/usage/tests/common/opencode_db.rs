//! opencode's and Kilo's SQLite databases rebuilt from rows a real run wrote (as `sqlite3 -json`
//! printed them; no database file is kept in the repository). Shared by the integration tests
//! (`compat_logs.rs`) and the readers' unit tests (`src/agents/tests.rs`), so it names nothing
//! of this crate.

use serde_json::Value;
use std::path::Path;

/// opencode's or Kilo's database at `db`, built from the rows `scripts/compat-logs.mjs` kept.
pub fn database(db: &Path, rows: &[u8]) {
    let rows: Value = serde_json::from_slice(rows).expect("rows JSON");
    let c = rusqlite::Connection::open(db).unwrap();
    c.execute_batch(
        "CREATE TABLE message (id TEXT PRIMARY KEY, session_id TEXT, time_created INTEGER, time_updated INTEGER, data TEXT);
         CREATE TABLE part (id TEXT PRIMARY KEY, message_id TEXT, session_id TEXT, time_created INTEGER, time_updated INTEGER, data TEXT);",
    )
    .unwrap();
    let s = |v: &Value, k: &str| v[k].as_str().map(str::to_string);
    let n = |v: &Value, k: &str| v[k].as_i64();
    for r in rows["message"].as_array().into_iter().flatten() {
        let p = rusqlite::params![
            s(r, "id"),
            s(r, "session_id"),
            n(r, "time_created"),
            n(r, "time_updated"),
            s(r, "data")
        ];
        c.execute("INSERT INTO message VALUES (?1, ?2, ?3, ?4, ?5)", p)
            .unwrap();
    }
    for r in rows["part"].as_array().into_iter().flatten() {
        let p = rusqlite::params![
            s(r, "id"),
            s(r, "message_id"),
            s(r, "session_id"),
            n(r, "time_created"),
            n(r, "time_updated"),
            s(r, "data")
        ];
        c.execute("INSERT INTO part VALUES (?1, ?2, ?3, ?4, ?5, ?6)", p)
            .unwrap();
    }
}
