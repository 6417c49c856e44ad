//! A user's database survives every version: a database as a released Switchyard left it
//! (`tests/fixtures/schema-N.sql`, made by the real `switchyard-serve`: a route, budgets, a
//! token, requests through the gateway) opened by this build migrates forward with every row
//! kept: the same rows in every table it had, the same ledger totals, the same routes, tokens
//! and settings. A release that changes the schema adds its own fixture here.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]

use rusqlite::Connection;
use std::collections::BTreeMap;
use std::path::Path;
use switchyard_store::Store;

/// Every table's row count, the ledger's totals, and the rows a user made by hand.
#[derive(Debug, PartialEq)]
struct Snapshot {
    counts: BTreeMap<String, i64>,
    ledger: (i64, i64, i64, f64),
    kept: Vec<String>,
}

fn snapshot(path: &Path, tables: Option<&BTreeMap<String, i64>>) -> Snapshot {
    let c = Connection::open(path).unwrap();
    let names: Vec<String> = match tables {
        Some(t) => t.keys().cloned().collect(),
        None => {
            let mut q = c
                .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
                .unwrap();
            q.query_map([], |r| r.get(0))
                .unwrap()
                .map(Result::unwrap)
                .collect()
        }
    };
    let counts = names
        .into_iter()
        .map(|t| {
            let n = c
                .query_row(&format!("SELECT COUNT(*) FROM \"{t}\""), [], |r| r.get(0))
                .unwrap();
            (t, n)
        })
        .collect();
    let ledger = c
        .query_row(
            "SELECT COUNT(*), SUM(input_tokens), SUM(output_tokens), TOTAL(cost_usd) FROM requests",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    let mut kept = Vec::new();
    for sql in [
        "SELECT 'route ' || name FROM routes ORDER BY name",
        "SELECT 'token ' || name || ' ' || hash FROM tokens ORDER BY name",
        "SELECT 'setting ' || key || ' ' || value FROM settings ORDER BY key",
        "SELECT 'request ' || id || ' ' || status || ' ' || input_tokens FROM requests ORDER BY id",
    ] {
        let mut q = c.prepare(sql).unwrap();
        kept.extend(q.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap));
    }
    Snapshot {
        counts,
        ledger,
        kept,
    }
}

#[test]
fn every_released_database_migrates_forward_with_every_row_kept() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut seen = 0;
    for entry in std::fs::read_dir(&fixtures).unwrap() {
        let sql_path = entry.unwrap().path();
        if sql_path.extension().is_none_or(|e| e != "sql") {
            continue;
        }
        seen += 1;
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("switchyard.sqlite");
        let sql = std::fs::read_to_string(&sql_path).unwrap();
        Connection::open(&db).unwrap().execute_batch(&sql).unwrap();
        let before = snapshot(&db, None);
        assert!(
            before.ledger.0 > 0,
            "{}: a fixture with requests",
            sql_path.display()
        );
        let store = Store::open(&db).unwrap();
        assert_eq!(
            store.schema_version().unwrap(),
            Store::expected_schema_version(),
            "{}: migrated to this build's schema",
            sql_path.display()
        );
        drop(store);
        let after = snapshot(&db, Some(&before.counts));
        assert_eq!(after, before, "{}: every row kept", sql_path.display());
    }
    assert!(seen > 0, "no fixtures in {}", fixtures.display());
}
