//! Gateway tokens: stored hashed, revocable, scoped.

use super::*;

/// A database at `path` built by the migrations before the first one containing `marker`, with
/// `seed` run at that step, then opened by the store (which runs the rest).
fn open_seeded_before(path: &std::path::Path, marker: &str, seed: &str) -> Store {
    let step = crate::migrations::MIGRATIONS
        .iter()
        .position(|m| m.contains(marker))
        .unwrap_or_else(|| panic!("no migration contains {marker:?}"));
    {
        let mut c = rusqlite::Connection::open(path).unwrap();
        let tx = c.transaction().unwrap();
        for m in &crate::migrations::MIGRATIONS[..step] {
            tx.execute_batch(m).unwrap();
        }
        tx.execute_batch(seed).unwrap();
        tx.pragma_update(None, "user_version", step as u32).unwrap();
        tx.commit().unwrap();
    }
    Store::open(path).unwrap()
}

/// Every stored token's id and scope, as the store lists them.
fn token_scopes(s: &Store) -> Vec<(String, switchyard_domain::TokenScope)> {
    s.tokens()
        .list_tokens()
        .unwrap()
        .into_iter()
        .map(|t| (t.id, t.scope))
        .collect()
}

#[test]
fn tokens_are_stored_hashed_revocable_and_names_reusable_after_revoke() {
    let s = Store::open_in_memory().unwrap();
    let t = s
        .tokens()
        .insert_token("t1", "cursor", "aa11", "sy-1234")
        .unwrap();
    assert_eq!((t.name.as_str(), t.revoked_at.as_deref()), ("cursor", None));
    assert!(s
        .tokens()
        .insert_token("t2", "Cursor", "bb22", "sy-5678")
        .unwrap_err()
        .is_unique_violation());
    let revoked = s
        .tokens()
        .revoke_token("cursor")
        .unwrap()
        .expect("revoked by name");
    assert!(revoked.revoked_at.is_some());
    assert!(
        s.tokens().revoke_token("cursor").unwrap().is_none(),
        "already revoked"
    );
    s.tokens()
        .insert_token("t3", "cursor", "cc33", "sy-9abc")
        .expect("the name is free again");
    s.tokens()
        .touch_tokens(&[("t3".into(), "2026-01-01T00:00:00Z".into())])
        .unwrap();
    let list = s.tokens().list_tokens().unwrap();
    assert_eq!(list[0].id, "t3", "active tokens first");
    assert_eq!(
        list[0].last_used_at.as_deref(),
        Some("2026-01-01T00:00:00Z")
    );
}

#[test]
fn scrape_tokens_keep_their_scope_and_tokens_from_before_scopes_stay_full_tokens() {
    use switchyard_domain::TokenScope;
    let dir = tempfile::tempdir().unwrap();
    let s = open_seeded_before(
        &dir.path().join("before-scopes.sqlite"),
        "tokens ADD COLUMN scope",
        "INSERT INTO tokens (id, name, hash, prefix, created_at)
         VALUES ('old', 'cursor', 'aa11', 'sy-1234', '2026-01-01T00:00:00Z');",
    );
    let scrape = s
        .tokens()
        .insert_scoped_token("new", "prometheus", "bb22", "sy-5678", TokenScope::Metrics)
        .unwrap();
    assert_eq!(scrape.scope, TokenScope::Metrics, "stored as asked");
    let scopes = token_scopes(&s);
    assert!(
        scopes.contains(&("old".into(), TokenScope::Gateway)),
        "a token made before scopes existed keeps working everywhere: {scopes:?}"
    );
    assert!(
        scopes.contains(&("new".into(), TokenScope::Metrics)),
        "{scopes:?}"
    );
}

#[test]
fn connected_tools_tokens_are_narrowed_to_generation_and_the_users_own_tokens_are_not() {
    use switchyard_domain::TokenScope;
    let dir = tempfile::tempdir().unwrap();
    // Claude Code connected with its own token, the status line without one, Codex with a
    // team token; "ci" and "prometheus" the user made.
    let s = open_seeded_before(
        &dir.path().join("before-generate.sqlite"),
        "SET scope = 'generate'",
        "INSERT INTO tokens (id, name, hash, prefix, created_at) VALUES
           ('conn', 'claude-code', 'aa11', 'sy-1111', '2026-01-01T00:00:00Z'),
           ('ci', 'ci', 'bb22', 'sy-2222', '2026-01-01T00:00:00Z');
         INSERT INTO tokens (id, name, hash, prefix, created_at, scope) VALUES
           ('prom', 'prometheus', 'cc33', 'sy-3333', '2026-01-01T00:00:00Z', 'metrics');
         INSERT INTO tool_connections (id, state, token_id, model, files, updated_at) VALUES
           ('claude-code', 'connected', 'conn', NULL, '[]', '2026-01-01T00:00:00Z'),
           ('claude-code:statusline', 'connected', NULL, NULL, '[]', '2026-01-01T00:00:00Z'),
           ('codex', 'connected', 'team:ci', NULL, '[]', '2026-01-01T00:00:00Z');",
    );
    let scope_of = |id: &str| {
        s.tokens()
            .list_tokens()
            .unwrap()
            .into_iter()
            .find(|t| t.id == id)
            .map(|t| t.scope)
    };
    assert_eq!(
        scope_of("conn"),
        Some(TokenScope::Generate),
        "the token in Claude Code's files, which a squatter on its port could capture, \
         no longer reads /metrics or /mcp"
    );
    assert_eq!(
        scope_of("ci"),
        Some(TokenScope::Gateway),
        "a token the user made keeps its documented scope (a team token's row id is not it)"
    );
    assert_eq!(scope_of("prom"), Some(TokenScope::Metrics));
}

#[test]
fn a_token_narrows_to_generation_and_never_widens() {
    use switchyard_domain::TokenScope;
    let s = Store::open_in_memory().unwrap();
    let t = s.tokens();
    t.insert_token("full", "cursor", "aa11", "sy-1111").unwrap();
    t.insert_scoped_token("prom", "prometheus", "bb22", "sy-2222", TokenScope::Metrics)
        .unwrap();
    t.narrow_to_generate("full").unwrap();
    t.narrow_to_generate("prom").unwrap();
    let scopes = token_scopes(&s);
    assert!(
        scopes.contains(&("full".into(), TokenScope::Generate)),
        "{scopes:?}"
    );
    assert!(
        scopes.contains(&("prom".into(), TokenScope::Metrics)),
        "a scrape token reads /metrics only: generation would widen it: {scopes:?}"
    );
}
