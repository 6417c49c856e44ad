//! A person's sealed space against replays (issue 69): someone with the database's credentials
//! and an old copy of a row — genuinely sealed, by the user's own machine — writes it back. A
//! revocation is permanent: no replayed, older or re-inserted row brings a revoked token back on
//! any machine, joined before or after; a machine that joins takes a record only when the
//! space's sealed index names it as the newest.

use super::synced_rows::{
    intruder, join, join_space, lists, older_seal, remove, row, rows, space_key, token_body,
    token_value, token_works, write, Row,
};
use super::{draft, start, Harness};
use switchyard_app::sync::{Keep, Kind};
use switchyard_app::NewToken;
use switchyard_domain::BackendKind;
use switchyard_team::testing::TempPostgres;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_token_stays_revoked_on_a_machine_that_joins_after_its_old_sealed_row_is_written_back(
) {
    let pg = TempPostgres::start();
    let sql = intruder(&pg).await;
    let laptop = start().await;
    let codex = laptop.app.tokens().create("codex".into()).await.unwrap();
    let value = codex.token.expose().to_string();
    join(&laptop, &pg, None).await;
    let old = row(&sql, "ana", "token", &codex.row.id).await;
    assert!(old.mac.is_some(), "the laptop sealed the token's row");

    laptop.app.tokens().revoke("codex".into()).await.unwrap();
    let revoked = laptop.app.sync().run().await.unwrap();
    assert!(revoked.problems.is_empty(), "{revoked:?}");
    assert!(row(&sql, "ana", "token", &codex.row.id).await.version > old.version);

    // The intruder writes the old, genuinely sealed row back.
    write(&sql, &old).await.unwrap();

    let desk = start().await;
    let joined = join(&desk, &pg, Some(&laptop)).await;
    assert!(
        !token_works(&desk, &value),
        "a machine joining after the replay takes the token as active: revocation must be \
         permanent"
    );
    assert!(
        lists(&joined, &format!("token “{}”", codex.row.id)),
        "the replayed row is listed as a problem on the joining machine: {:?}",
        joined.problems
    );
    let again = laptop.app.sync().run().await.unwrap();
    assert!(
        !token_works(&laptop, &value),
        "the machine that revoked it keeps it revoked"
    );
    assert!(
        lists(&again, &format!("token “{}”", codex.row.id)),
        "the machine that knew the newer version lists the older one as a problem: {:?}",
        again.problems
    );
}

async fn add_groq(h: &Harness) {
    h.add(
        draft(BackendKind::Groq, "groq", "https://api.groq.com/openai/v1"),
        None,
    )
    .await;
}

async fn model_of(h: &Harness, name: &str) -> Option<String> {
    let all = h.app.backends().list().await.unwrap();
    all.into_iter()
        .find(|b| b.row.name == name)
        .map(|b| b.row.default_model)
}

async fn set_model(h: &Harness, name: &str, model: &str) {
    let b = h.find_backend(|b| b.row.name == name).await;
    let mut d = draft(BackendKind::Groq, name, &b.row.base_url);
    d.default_model = model.into();
    h.update(&b.row.id, d).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_older_row_written_back_is_taken_by_no_machine_joined_before_or_after() {
    let pg = TempPostgres::start();
    let sql = intruder(&pg).await;
    let (laptop, desk) = (start().await, start().await);
    add_groq(&laptop).await;
    join(&laptop, &pg, None).await;
    join(&desk, &pg, Some(&laptop)).await;
    let old = row(&sql, "ana", "backend", "groq").await;
    set_model(&laptop, "groq", "llama-new").await;
    laptop.app.sync().run().await.unwrap();
    assert_eq!(
        desk.app.sync().run().await.unwrap().pulled,
        ["backend “groq”"]
    );

    write(&sql, &old).await.unwrap();
    for h in [&laptop, &desk] {
        let pass = h.app.sync().run().await.unwrap();
        assert!(lists(&pass, "backend “groq”"), "{:?}", pass.problems);
        assert!(pass.pulled.is_empty() && pass.pushed.is_empty(), "{pass:?}");
        assert_eq!(
            model_of(h, "groq").await.as_deref(),
            Some("llama-new"),
            "a machine that had the newer copy keeps it"
        );
    }
    let late = start().await;
    let joined = join(&late, &pg, Some(&laptop)).await;
    assert!(lists(&joined, "backend “groq”"), "{:?}", joined.problems);
    assert_eq!(
        model_of(&late, "groq").await,
        None,
        "the old copy was taken"
    );

    // The user puts their copy back over it: written above every version the index names.
    laptop
        .app
        .sync()
        .resolve(Kind::Backend, "groq".into(), Keep::Mine)
        .await
        .unwrap();
    let healed = late.app.sync().run().await.unwrap();
    assert_eq!(healed.pulled, ["backend “groq”"], "{healed:?}");
    assert_eq!(model_of(&late, "groq").await.as_deref(), Some("llama-new"));
}

/// A throw-away team database, an intruder's connection to it, and a laptop with backend "groq"
/// and token "codex" that made the space there.
async fn laptop_with_groq_and_codex() -> (TempPostgres, tokio_postgres::Client, Harness, NewToken) {
    let pg = TempPostgres::start();
    let sql = intruder(&pg).await;
    let laptop = start().await;
    add_groq(&laptop).await;
    let codex = laptop.app.tokens().create("codex".into()).await.unwrap();
    join(&laptop, &pg, None).await;
    (pg, sql, laptop, codex)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_row_written_back_after_its_tombstone_brings_nothing_back() {
    let (pg, sql, laptop, codex) = laptop_with_groq_and_codex().await;
    let (old_groq, old_token) = (
        row(&sql, "ana", "backend", "groq").await,
        row(&sql, "ana", "token", &codex.row.id).await,
    );
    let groq = laptop.find_backend(|b| b.row.name == "groq").await;
    laptop.app.backends().delete(groq.row.id).await.unwrap();
    laptop.app.tokens().revoke("codex".into()).await.unwrap();
    laptop.app.sync().run().await.unwrap();
    assert!(
        row(&sql, "ana", "backend", "groq").await.body.is_none(),
        "a tombstone"
    );

    // The rows are deleted outright, then the old ones inserted again.
    remove(&sql, "ana", "backend", "groq").await;
    remove(&sql, "ana", "token", &codex.row.id).await;
    write(&sql, &old_groq).await.unwrap();
    write(&sql, &old_token).await.unwrap();
    let pass = laptop.app.sync().run().await.unwrap();
    assert!(
        lists(&pass, "backend “groq”") && lists(&pass, &format!("token “{}”", codex.row.id)),
        "{:?}",
        pass.problems
    );
    assert_eq!(
        model_of(&laptop, "groq").await,
        None,
        "the deleted backend came back"
    );
    let late = start().await;
    join(&late, &pg, Some(&laptop)).await;
    assert_eq!(
        model_of(&late, "groq").await,
        None,
        "the deleted backend was taken"
    );
    assert!(
        !token_works(&late, codex.token.expose()),
        "the revoked token was taken as active"
    );
    assert!(!token_works(&laptop, codex.token.expose()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_index_removed_a_replayed_row_is_taken_by_no_machine() {
    let (pg, sql, laptop, codex) = laptop_with_groq_and_codex().await;
    let old = row(&sql, "ana", "token", &codex.row.id).await;
    laptop.app.tokens().revoke("codex".into()).await.unwrap();
    laptop.app.sync().run().await.unwrap();

    remove(&sql, "ana", "index", "index").await;
    write(&sql, &old).await.unwrap();
    let late = start().await;
    let joined = join(&late, &pg, Some(&laptop)).await;
    assert!(
        joined.pulled.is_empty(),
        "nothing is taken without the index: {joined:?}"
    );
    assert!(lists(&joined, "index"), "{:?}", joined.problems);
    assert!(!token_works(&late, codex.token.expose()));

    // The laptop remembers the index it saw and writes it back; the replayed row stays refused.
    let pass = laptop.app.sync().run().await.unwrap();
    assert!(
        lists(&pass, &format!("token “{}”", codex.row.id)),
        "{:?}",
        pass.problems
    );
    let again = late.app.sync().run().await.unwrap();
    assert!(
        again.pulled.contains(&"backend “groq”".to_string()),
        "{again:?}"
    );
    assert!(
        lists(&again, &format!("token “{}”", codex.row.id)),
        "{:?}",
        again.problems
    );
    assert!(
        !token_works(&late, codex.token.expose()),
        "revocation is permanent"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_old_index_written_back_with_its_old_rows_revives_nothing() {
    let (pg, sql, laptop, codex) = laptop_with_groq_and_codex().await;
    let then = rows(&sql, "ana").await;
    laptop.app.tokens().revoke("codex".into()).await.unwrap();
    set_model(&laptop, "groq", "llama-new").await;
    laptop.app.sync().run().await.unwrap();

    // The index and the token's row as they were, the rest as it is now.
    for r in then
        .iter()
        .filter(|r| r.kind == "index" || r.kind == "token")
    {
        write(&sql, r).await.unwrap();
    }
    laptop.app.sync().run().await.unwrap();
    assert!(
        !token_works(&laptop, codex.token.expose()),
        "the laptop saw newer"
    );
    let late = start().await;
    let joined = join(&late, &pg, Some(&laptop)).await;
    assert!(
        !token_works(&late, codex.token.expose()),
        "a machine joining while the index is older than the space's rows takes the old token: \
         {joined:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_sealed_by_an_earlier_version_are_taken_and_indexed_but_never_a_non_tool_token() {
    let pg = TempPostgres::start();
    switchyard_team::TeamDb::connect(&pg.address())
        .await
        .unwrap();
    let sql = intruder(&pg).await;
    let key = format!("syk-{}", "5a".repeat(32));
    let groq = serde_json::json!({"name": "groq", "kind": "groq",
        "baseUrl": "https://api.groq.com/openai/v1", "defaultModel": "llama"});
    let mut older = vec![Row::new("bo", "backend", "groq", 3, Some(groq))];
    for scope in ["gateway", "panel", "admin", "metrics"] {
        let body = token_body(&token_value(scope), scope, false);
        older.push(Row::new(
            "bo",
            "token",
            &format!("tok{scope}"),
            1,
            Some(body),
        ));
    }
    for r in &mut older {
        r.mac = Some(older_seal(&key, r));
        write(&sql, r).await.unwrap();
    }
    let laptop = start().await;
    let first = join_space(&laptop, &pg, "bo", Some(key.clone())).await;
    assert_eq!(
        model_of(&laptop, "groq").await.as_deref(),
        Some("llama"),
        "{first:?}"
    );
    assert!(
        token_works(&laptop, &token_value("gateway")),
        "an older version's tool token is taken"
    );
    for scope in ["panel", "admin", "metrics"] {
        assert!(
            !token_works(&laptop, &token_value(scope)),
            "a {scope} token was adopted"
        );
        assert!(
            lists(&first, &format!("token “tok{scope}”")),
            "{:?}",
            first.problems
        );
    }
    assert!(
        rows(&sql, "bo").await.iter().any(|r| r.kind == "index"),
        "the first machine of this version indexes the space"
    );
    let desk = start().await;
    let second = join_space(&desk, &pg, "bo", Some(space_key(&laptop).await)).await;
    assert_eq!(
        model_of(&desk, "groq").await.as_deref(),
        Some("llama"),
        "the indexed older record is taken by the next machine: {second:?}"
    );
    assert!(token_works(&desk, &token_value("gateway")));
    assert!(!token_works(&desk, &token_value("panel")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panel_or_scrape_token_stays_on_the_machine_that_made_it() {
    use switchyard_domain::TokenScope;
    let pg = TempPostgres::start();
    let sql = intruder(&pg).await;
    let laptop = start().await;
    let panel = laptop
        .app
        .tokens()
        .create_scoped("browser".into(), TokenScope::Panel)
        .await
        .unwrap();
    let scrape = laptop
        .app
        .tokens()
        .create_scoped("prom".into(), TokenScope::Metrics)
        .await
        .unwrap();
    join(&laptop, &pg, None).await;
    let stored = rows(&sql, "ana").await;
    for id in [&panel.row.id, &scrape.row.id] {
        assert!(
            stored.iter().all(|r| &r.name != id),
            "a non-tool token travelled"
        );
    }
    let desk = start().await;
    join(&desk, &pg, Some(&laptop)).await;
    assert!(!token_works(&desk, panel.token.expose()));
    assert!(!token_works(&desk, scrape.token.expose()));
    assert!(
        token_works(&laptop, panel.token.expose()),
        "it still works where it was made"
    );
}
