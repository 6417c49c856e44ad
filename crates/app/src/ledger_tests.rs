use super::*;
use switchyard_store::Access;

fn record(id: usize) -> RequestRecord {
    RequestRecord {
        id: format!("r{id}"),
        started_at: "2026-05-01T09:30:12.345Z".into(),
        token_name: Some("codex".into()),
        inbound: "openai".into(),
        requested_model: "demo-chat".into(),
        backend: Some("Demo".into()),
        model: Some("demo-chat".into()),
        status: 200,
        attempts: 1,
        latency_ms: 5,
        input_tokens: 10,
        output_tokens: 2,
        ..Default::default()
    }
}

/// Renames the ledger's table from another connection, so inserts fail with "no such table".
fn break_table(dir: &tempfile::TempDir, broken: bool) {
    let c = rusqlite::Connection::open(dir.path().join("ledger.sqlite")).unwrap();
    let sql = if broken {
        "ALTER TABLE requests RENAME TO requests_away"
    } else {
        "ALTER TABLE requests_away RENAME TO requests"
    };
    c.execute_batch(sql).unwrap();
}

fn file_store() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("ledger.sqlite")).unwrap();
    (dir, store)
}

#[test]
fn stop_writes_everything_queued_before_it_and_counts_later_records_as_lost() {
    let (_dir, store) = file_store();
    let writer = LedgerWriter::spawn(store.connection(Access::Write).unwrap(), |_| {}).unwrap();
    let sink = writer.sink();
    for i in 0..5_000 {
        sink.record(record(i), None);
    }
    writer.stop();
    assert_eq!(store.ledger().request_count().unwrap(), 5_000);
    assert_eq!((sink.depth(), sink.lost()), (0, 0));
    sink.record(record(9_999), None);
    assert_eq!(
        sink.lost(),
        1,
        "after stop a record is counted, not silently dropped"
    );
    writer.stop(); // a second stop returns at once
}

#[test]
fn a_burst_far_beyond_one_batch_is_queued_not_dropped() {
    let (_dir, store) = file_store();
    let writer = LedgerWriter::spawn(store.connection(Access::Write).unwrap(), |_| {}).unwrap();
    let sink = writer.sink();
    // The shared connection is busy the whole time: the writer has its own.
    let reader = store.clone();
    let hold = std::thread::spawn(move || {
        for _ in 0..50 {
            let _ = reader.ledger().request_count();
        }
    });
    for i in 0..100_000 {
        sink.record(record(i), None);
    }
    sink.flush();
    hold.join().unwrap();
    assert_eq!(store.ledger().request_count().unwrap(), 100_000);
    assert_eq!((sink.depth(), sink.lost()), (0, 0));
    writer.stop();
}

#[test]
fn a_batch_that_fails_to_write_is_kept_and_retried_until_the_database_works_again() {
    let (dir, store) = file_store();
    let writer = LedgerWriter::spawn(store.connection(Access::Write).unwrap(), |_| {}).unwrap();
    let sink = writer.sink();
    // Break the ledger's table from another connection: inserts fail with "no such table".
    break_table(&dir, true);
    for i in 0..10 {
        sink.record(record(i), None);
    }
    sink.flush(); // returns after the first failed try
    assert_eq!(sink.depth(), 10, "still queued");
    break_table(&dir, false);
    let deadline = Instant::now() + Duration::from_secs(10);
    while sink.depth() > 0 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(store.ledger().request_count().unwrap(), 10);
    assert_eq!(sink.lost(), 0);
    writer.stop();
}

#[test]
fn a_batch_still_failing_at_stop_is_counted_as_lost() {
    let (dir, store) = file_store();
    let writer = LedgerWriter::spawn(store.connection(Access::Write).unwrap(), |_| {}).unwrap();
    let sink = writer.sink();
    break_table(&dir, true);
    for i in 0..3 {
        sink.record(record(i), None);
    }
    writer.stop();
    assert_eq!((sink.depth(), sink.lost()), (0, 3));
}
