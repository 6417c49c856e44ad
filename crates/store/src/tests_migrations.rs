//! Upgrading a real database file across the ledger's reshaping migrations (9: attempts without
//! rowid, 10: packed latency histograms), and the packed histogram's handling of bad rows.

use super::*;
use crate::latency::{pack, unpack};
use crate::migrations::MIGRATIONS;

const ALL: (i64, i64) = (0, i64::MAX);

/// `(request_id, n, backend, status)`.
type AttemptRow = (String, i64, String, Option<u16>);

/// A version-8 database with two requests, three attempts and their latency histogram rows.
fn version_8(path: &std::path::Path) {
    let mut c = rusqlite::Connection::open(path).unwrap();
    let tx = c.transaction().unwrap();
    for m in &MIGRATIONS[..7] {
        tx.execute_batch(m).unwrap();
    }
    tx.execute_batch(
        "INSERT INTO requests (id, started_at, inbound, requested_model, backend, model, status,
           attempts, latency_ms, streamed)
         VALUES ('a', '2026-11-20T10:15:00Z', 'openai', 'm', 'A', 'm', 200, 2, 100, 0),
                ('b', '2026-11-20T10:45:00Z', 'openai', 'm', 'A', 'm', 200, 1, 1000, 0);
         INSERT INTO attempts (request_id, n, backend, key_label, model, status, error_class,
           latency_ms)
         VALUES ('a', 1, 'B', 'main', 'm', 503, 'upstream_5xx', 40),
                ('a', 2, 'A', NULL, 'm', 200, NULL, 60),
                ('b', 1, 'A', NULL, 'm', 200, NULL, 1000);",
    )
    .unwrap();
    // Migration 8 backfills its histogram rows from these requests.
    tx.execute_batch(MIGRATIONS[7]).unwrap();
    tx.pragma_update(None, "user_version", 8).unwrap();
    tx.commit().unwrap();
}

#[test]
fn upgrading_keeps_attempts_and_packs_the_histogram() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v8.sqlite");
    version_8(&path);
    let s = Store::open(&path).unwrap();
    assert_eq!(s.schema_version().unwrap() as usize, MIGRATIONS.len());
    let (attempts, without_rowid): (Vec<AttemptRow>, i64) = s
        .with(|c| {
            let mut st = c.prepare(
                "SELECT request_id, n, backend, status FROM attempts ORDER BY request_id, n",
            )?;
            let rows = st
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                .collect::<Result<Vec<_>, _>>()?;
            let wr = c.query_row(
                "SELECT wr FROM pragma_table_list WHERE name = 'attempts'",
                [],
                |r| r.get(0),
            )?;
            Ok((rows, wr))
        })
        .unwrap();
    assert_eq!(
        attempts,
        [
            ("a".into(), 1, "B".into(), Some(503)),
            ("a".into(), 2, "A".into(), Some(200)),
            ("b".into(), 1, "A".into(), Some(200)),
        ]
    );
    assert_eq!(without_rowid, 1);
    // The backfilled histogram survived the repacking: two answered requests, 100 and 1000 ms.
    let p = s
        .ledger()
        .latency_percentiles(ALL.0, ALL.1, None, 0, None)
        .unwrap();
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].count, 2);
    assert!((90.0..=110.0).contains(&p[0].p50), "p50 {}", p[0].p50);
    // New requests merge into the repacked row of the same hour.
    let mut more = s
        .ledger()
        .recent_requests(&RequestFilter::default())
        .unwrap();
    more.truncate(1);
    more[0].id = "c".into();
    s.ledger().insert_requests(&more).unwrap();
    let p = s
        .ledger()
        .latency_percentiles(ALL.0, ALL.1, None, 0, None)
        .unwrap();
    assert_eq!(p[0].count, 3);
    // Foreign keys still hold on the rebuilt table: pruning takes the attempts along.
    assert_eq!(
        s.ledger().prune_requests("2026-11-21T00:00:00Z").unwrap(),
        3
    );
    let left: i64 = s
        .with(|c| Ok(c.query_row("SELECT COUNT(*) FROM attempts", [], |r| r.get(0))?))
        .unwrap();
    assert_eq!(left, 0);
}

#[test]
fn packed_histograms_round_trip_and_refuse_malformed_text() {
    let mut hist = [0u64; 78];
    hist[0] = 1;
    hist[40] = 12_345;
    hist[77] = u64::MAX;
    assert_eq!(pack(&hist), format!("0:1,40:12345,77:{}", u64::MAX));
    assert_eq!(unpack(&pack(&hist)), Some(hist));
    assert_eq!(unpack(""), Some([0; 78]));
    assert_eq!(
        unpack("40:2,40:3").map(|h| h[40]),
        Some(5),
        "repeats add up"
    );
    for bad in [
        "78:1",
        "x:1",
        "1:-1",
        "1",
        "1:2;3:4",
        "1:99999999999999999999",
    ] {
        assert_eq!(unpack(bad), None, "{bad}");
    }
}

#[test]
fn a_damaged_histogram_row_is_a_typed_error_to_read_and_is_replaced_by_the_next_write() {
    let s = Store::open_in_memory().unwrap();
    let mut r = s
        .ledger()
        .recent_requests(&RequestFilter::default())
        .unwrap();
    assert!(r.is_empty());
    s.with(|c| {
        c.execute(
            "INSERT INTO latency_hours (hour_ms, backend, counts) VALUES (?1, 'A', 'garbage')",
            [hour_of("2026-11-20T10:00:00Z").unwrap()],
        )?;
        Ok(())
    })
    .unwrap();
    assert!(matches!(
        s.ledger().latency_percentiles(ALL.0, ALL.1, None, 0, None),
        Err(StoreError::Corrupt(_))
    ));
    r.push(sample("d", "2026-11-20T10:30:00Z"));
    s.ledger()
        .insert_requests(&r)
        .expect("the ledger batch is not lost");
    let p = s
        .ledger()
        .latency_percentiles(ALL.0, ALL.1, None, 0, None)
        .unwrap();
    assert_eq!(p[0].count, 1);
    assert_eq!(
        s.ledger()
            .recent_requests(&RequestFilter::default())
            .unwrap()
            .len(),
        1
    );
}

fn sample(id: &str, at: &str) -> RequestRecord {
    RequestRecord {
        id: id.into(),
        started_at: at.into(),
        inbound: "openai".into(),
        requested_model: "m".into(),
        backend: Some("A".into()),
        model: Some("m".into()),
        status: 200,
        attempts: 1,
        latency_ms: 250,
        ..Default::default()
    }
}
