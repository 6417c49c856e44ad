use serde_json::json;
use switchyard_team::testing::TempPostgres;
use switchyard_team::{Put, SyncedWrite, TeamDb};

#[tokio::test]
async fn a_write_from_a_stale_version_is_a_conflict_and_changes_nothing() {
    let pg = TempPostgres::start();
    let db = TeamDb::connect(&pg.address()).await.unwrap();
    let put = |read, body: Option<serde_json::Value>, by: &'static str| {
        let db = db.clone();
        async move {
            let mac = format!("seal-{read}");
            let w = SyncedWrite {
                space: "ana",
                kind: "backend",
                name: "openai",
                read,
                body: body.as_ref(),
                by,
                mac: Some(&mac),
            };
            db.put_synced(&w).await.unwrap()
        }
    };
    assert_eq!(
        put(0, Some(json!({"url": "a"})), "laptop").await,
        Put::Written { version: 1 }
    );
    // The workstation read nothing: its "new" record is a conflict with the laptop's.
    match put(0, Some(json!({"url": "b"})), "desk").await {
        Put::Conflict { current: Some(c) } => {
            assert_eq!((c.version, c.updated_by.as_str()), (1, "laptop"));
            assert_eq!(c.body, Some(json!({"url": "a"})));
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(
        put(1, Some(json!({"url": "c"})), "desk").await,
        Put::Written { version: 2 }
    );
    // The laptop still holds version 1: refused, version 2 stays.
    assert!(matches!(put(1, None, "laptop").await, Put::Conflict { .. }));
    assert_eq!(put(2, None, "laptop").await, Put::Written { version: 3 });
    let records = db.synced_records("ana", &["backend"]).await.unwrap();
    assert_eq!(records.len(), 1, "a deleted record stays as a tombstone");
    assert_eq!((records[0].version, records[0].body.clone()), (3, None));
    assert_eq!(
        records[0].mac.as_deref(),
        Some("seal-2"),
        "the seal of the version written is kept with it"
    );
    // Spaces and kinds are apart.
    assert!(db
        .synced_records("bo", &["backend"])
        .await
        .unwrap()
        .is_empty());
    assert!(db
        .synced_records("ana", &["route"])
        .await
        .unwrap()
        .is_empty());
    assert!(db.synced_records("", &["route"]).await.is_err());
}

/// A write of `name` in space "ana" over `read`, as a test writes one.
fn write<'a>(
    kind: &'a str,
    name: &'a str,
    read: i64,
    body: &'a serde_json::Value,
) -> SyncedWrite<'a> {
    SyncedWrite {
        space: "ana",
        kind,
        name,
        read,
        body: Some(body),
        by: "laptop",
        mac: Some("seal"),
    }
}

#[tokio::test]
async fn a_record_and_the_index_are_written_together_or_not_at_all() {
    use switchyard_team::{IndexedPut, IndexedWrite};
    let pg = TempPostgres::start();
    let db = TeamDb::connect(&pg.address()).await.unwrap();
    let (a, b, index) = (
        json!({"url": "a"}),
        json!({"url": "b"}),
        json!({"records": []}),
    );
    let first = IndexedWrite {
        record: write("backend", "openai", 0, &a),
        version: 5,
        index: write("index", "index", 0, &index),
    };
    assert_eq!(
        db.put_indexed(&first).await.unwrap(),
        IndexedPut::Written { version: 5 },
        "the writer chooses the record's version (above every one it has seen)"
    );
    // The index moved meanwhile (another machine wrote it): the record is not written either.
    let stale_index = IndexedWrite {
        record: write("backend", "openai", 5, &b),
        version: 6,
        index: write("index", "index", 0, &index),
    };
    assert_eq!(
        db.put_indexed(&stale_index).await.unwrap(),
        IndexedPut::IndexMoved
    );
    let rows = db.synced_space("ana").await.unwrap();
    let openai = rows.iter().find(|r| r.kind == "backend").unwrap();
    assert_eq!(
        (openai.version, openai.body.clone()),
        (5, Some(a.clone())),
        "a record written without its index was rolled back"
    );
    // The record moved: nothing is written, the index stays at its version.
    let stale_record = IndexedWrite {
        record: write("backend", "openai", 4, &b),
        version: 6,
        index: write("index", "index", 1, &index),
    };
    assert!(matches!(
        db.put_indexed(&stale_record).await.unwrap(),
        IndexedPut::RecordMoved { current: Some(_) }
    ));
    let index_row = db.synced_records("ana", &["index"]).await.unwrap();
    assert_eq!(index_row[0].version, 1, "the index was not written alone");
    let backwards = IndexedWrite {
        record: write("backend", "openai", 5, &b),
        version: 5,
        index: write("index", "index", 1, &index),
    };
    assert!(
        db.put_indexed(&backwards).await.is_err(),
        "a version not above the one read is refused"
    );
}

#[tokio::test]
async fn rows_written_around_switchyard_are_read_bounded_and_marked() {
    let pg = TempPostgres::start();
    let db = TeamDb::connect(&pg.address()).await.unwrap();
    let raw = super::sql(&pg).await;
    let long = "n".repeat(100_000);
    raw.execute(
        "INSERT INTO synced_records (space, kind, name, version, body, updated_by, mac)
         VALUES ('ana', $1, $1, 1, NULL, $1, $1)",
        &[&long],
    )
    .await
    .unwrap();
    let rows = db.synced_space("ana").await.unwrap();
    let r = &rows[0];
    assert!(r.oversize, "a row longer than Switchyard writes is marked");
    assert!(
        r.kind.len() <= 40 && r.name.chars().count() == 101 && r.updated_by.len() <= 100,
        "and read cut: {} {} {}",
        r.kind.len(),
        r.name.len(),
        r.updated_by.len()
    );
    assert!(
        r.name.ends_with('…'),
        "a cut name is no name Switchyard writes"
    );
}
