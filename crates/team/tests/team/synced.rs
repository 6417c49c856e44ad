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
