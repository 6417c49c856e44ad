//! My machines and a connected tool's token (issue 70): a token `connect` made
//! (`TokenScope::Generate`) follows to the user's other machines as what it is, never as a full
//! tool's token there; and a full copy another machine already holds narrows when the machine that
//! made it narrowed it (its store's step for connected tools' tokens), never the other way.

use super::synced_rows::join;
use super::{start, Harness};
use switchyard_app::TokenScope;
use switchyard_team::testing::TempPostgres;

/// The scope of `h`'s active token named `name`.
async fn scope_of(h: &Harness, name: &str) -> Option<TokenScope> {
    let tokens = h.app.tokens().list().await.unwrap();
    tokens
        .into_iter()
        .find(|t| t.name == name && t.revoked_at.is_none())
        .map(|t| t.scope)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connected_tools_token_follows_as_generation_only_and_narrows_a_full_copy() {
    let pg = TempPostgres::start();
    let (laptop, desk) = (start().await, start().await);
    let tokens = laptop.app.tokens();
    let codex = tokens
        .create_scoped("codex".into(), TokenScope::Generate)
        .await
        .unwrap();
    // Made before connected tools' tokens generated only: a full copy travels first.
    let aider = tokens.create("aider".into()).await.unwrap();
    join(&laptop, &pg, None).await;
    join(&desk, &pg, Some(&laptop)).await;

    assert_eq!(
        scope_of(&desk, "codex").await,
        Some(TokenScope::Generate),
        "a connected tool's token is never a full one on another machine"
    );
    let at_desk = desk.app.tokens().index();
    assert!(
        at_desk.verify(codex.token.expose()).is_some(),
        "it works there"
    );
    assert_eq!(scope_of(&desk, "aider").await, Some(TokenScope::Gateway));

    // The laptop's store narrows its connected tool's token (as its migration step does).
    let store = switchyard_store::Store::open(&laptop.app.paths().db_file).unwrap();
    assert!(store.tokens().narrow_to_generate(&aider.row.id).unwrap());
    let pushed = laptop.app.sync().run().await.unwrap();
    assert!(pushed.conflicts.is_empty(), "{pushed:?}");
    let pulled = desk.app.sync().run().await.unwrap();
    assert!(
        pulled.conflicts.is_empty() && pulled.problems.is_empty(),
        "{pulled:?}"
    );
    assert_eq!(
        scope_of(&desk, "aider").await,
        Some(TokenScope::Generate),
        "the copy narrows with the original: {pulled:?}"
    );
    let caller = at_desk
        .verify(aider.token.expose())
        .expect("it still works there");
    assert_eq!(
        caller.scope,
        TokenScope::Generate,
        "and the gateway knows it"
    );
    let again = desk.app.sync().run().await.unwrap();
    assert!(
        again.pushed.is_empty() && again.pulled.is_empty(),
        "both machines agree now: {again:?}"
    );
}
