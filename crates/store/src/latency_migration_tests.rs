//! Migration 8's SQL backfill buckets latencies exactly as the Rust rollup does (the edges are
//! written twice: in `EDGES_MS` and in the migration).

use super::tests::{histogram_rows, req};
use super::*;
use crate::hour_of;
use crate::migrations::MIGRATIONS;
use crate::Store;

const HOUR: i64 = 3_600_000;

/// Latencies worth checking the SQL bucketing on: every ms up to 5 s, each edge and its
/// neighbours, and far beyond the last edge.
fn probe_latencies() -> Vec<u32> {
    let mut v: Vec<u32> = (0..=5000).collect();
    for &e in &EDGES_MS {
        v.extend([e.saturating_sub(1), e, e + 1]);
    }
    v.extend([1_000_000, 86_400_000, u32::MAX]);
    v.sort_unstable();
    v.dedup();
    v
}

#[test]
fn upgrading_fills_the_histogram_with_the_same_buckets_as_rust() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v7.sqlite");
    let latencies = probe_latencies();
    {
        let mut c = rusqlite::Connection::open(&path).unwrap();
        for m in &MIGRATIONS[..7] {
            c.execute_batch(m).unwrap();
        }
        c.pragma_update(None, "user_version", 7).unwrap();
        let tx = c.transaction().unwrap();
        let mut ins = tx
            .prepare(
                "INSERT INTO requests (id, started_at, inbound, requested_model, backend, model,
                   status, attempts, latency_ms, streamed)
                 VALUES (?1, ?2, 'openai', 'm', ?3, 'm', ?4, 1, ?5, 0)",
            )
            .unwrap();
        // One backend per latency, so each row's bucket can be read back on its own.
        for (i, ms) in latencies.iter().enumerate() {
            let b = format!("b{ms}");
            ins.execute(rusqlite::params![
                i.to_string(),
                "2026-11-20T10:15:00.5Z",
                b,
                200,
                ms
            ])
            .unwrap();
        }
        for (id, status, at) in [
            ("e1", 503, "2026-11-20T10:00:00Z"),
            ("e2", 0, "2026-11-20T10:00:00Z"),
            ("bad", 200, "yesterday"),
        ] {
            ins.execute(rusqlite::params![id, at, "b0", status, 90_000])
                .unwrap();
        }
        ins.execute(rusqlite::params![
            "nb",
            "2026-11-20T11:59:59Z",
            None::<String>,
            200,
            7
        ])
        .unwrap();
        drop(ins);
        tx.commit().unwrap();
    }
    let s = Store::open(&path).unwrap();
    let rows = histogram_rows(&s);
    assert_eq!(
        rows.len(),
        latencies.len() + 1,
        "one row per answered request with a time"
    );
    let hour = hour_of("2026-11-20T10:00:00Z").unwrap();
    for (hour_ms, backend, bucket, count) in &rows {
        if backend.is_empty() {
            assert_eq!(
                (*hour_ms, *bucket, *count),
                (hour + HOUR, 11, 1),
                "7 ms, no backend: ''"
            );
            continue;
        }
        let ms: u32 = backend[1..].parse().unwrap();
        assert_eq!(
            (*hour_ms, *bucket as usize, *count),
            (hour, bucket_of(ms), 1),
            "{ms} ms: the migration's SQL must bucket as Rust does"
        );
    }
    // The rollup written by new batches agrees with the backfill.
    let fresh = Store::open_in_memory().unwrap();
    let again: Vec<RequestRecord> = latencies
        .iter()
        .enumerate()
        .map(|(i, &ms)| {
            req(
                i,
                "2026-11-20T10:15:00.5Z",
                Some(&format!("b{ms}")),
                200,
                ms,
            )
        })
        .collect();
    fresh.ledger().insert_requests(&again).unwrap();
    let backfilled: Vec<_> = rows.into_iter().filter(|r| !r.1.is_empty()).collect();
    assert_eq!(histogram_rows(&fresh), backfilled);
}
