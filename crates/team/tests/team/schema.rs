use switchyard_team::testing::{address, TempPostgres};
use switchyard_team::{TeamDb, TeamError, SCHEMA_VERSION};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_starting_together_migrate_the_schema_exactly_once() {
    let pg = TempPostgres::start();
    let url = pg.url();
    let starts: Vec<_> = (0..4)
        .map(|_| {
            let url = url.clone();
            tokio::spawn(async move { TeamDb::connect(&address(&url)).await })
        })
        .collect();
    for start in starts {
        let db = start.await.unwrap().expect("every replica connects");
        assert_eq!(db.schema_version().await.unwrap(), SCHEMA_VERSION);
    }
    // A later start finds nothing to do, and the tables hold what they held.
    let db = TeamDb::connect(&address(&url)).await.unwrap();
    db.create_token("codex", "ana@example.com", Default::default())
        .await
        .unwrap();
    let again = TeamDb::connect(&address(&url)).await.unwrap();
    assert_eq!(again.tokens().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_database_from_a_newer_switchyard_is_refused_by_name_not_guessed_at() {
    let pg = TempPostgres::start();
    let db = TeamDb::connect(&pg.address()).await.unwrap();
    drop(db);
    let client = super::sql(&pg).await;
    client
        .execute("UPDATE switchyard_schema SET version = 99", &[])
        .await
        .unwrap();
    match TeamDb::connect(&pg.address()).await {
        Err(TeamError::SchemaTooNew { found: 99, known }) => assert_eq!(known, SCHEMA_VERSION),
        Err(e) => panic!("expected SchemaTooNew, got {e}"),
        Ok(_) => panic!("expected SchemaTooNew, got a connection"),
    }
}

#[tokio::test]
async fn an_unreachable_database_is_a_clear_error_that_never_repeats_the_password() {
    let url = format!(
        "postgres://ana:hunter2-secret@127.0.0.1:{}/team",
        switchyard_team::testing::free_port()
    );
    let e = TeamDb::connect(&address(&url))
        .await
        .err()
        .expect("nothing listens there");
    let text = e.to_string();
    assert!(matches!(e, TeamError::Unreachable(_)), "{text}");
    assert!(!text.contains("hunter2"), "{text}");
    let bad = TeamDb::connect(&address("mysql://nope"))
        .await
        .err()
        .unwrap();
    assert!(matches!(bad, TeamError::Invalid(_)), "{bad}");
}
