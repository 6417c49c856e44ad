//! The team's space against hostile rows (issue 69): whoever holds the team database's
//! credentials can write any row of `synced_records`. A replica (a real core following space
//! `team`) takes only what the team's space carries — backends, routes, budgets — checked as
//! hostile input, and nothing with authority: no token of any scope, whatever row says so. Each
//! row it does not take is listed as a problem, and the pass goes on.

use super::start;
use super::synced_rows::{intruder, lists, token_body, token_value, token_works, write, Row};
use switchyard_team::testing::TempPostgres;
use switchyard_team::TeamDb;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_token_of_any_scope_written_into_the_team_space_is_adopted_by_a_replica() {
    let pg = TempPostgres::start();
    let db = TeamDb::connect(&pg.address()).await.unwrap();
    let sql = intruder(&pg).await;
    let replica = start().await;
    let scopes = ["panel", "admin", "gateway", "metrics"];
    for scope in scopes {
        let body = token_body(&token_value(scope), scope, false);
        let row = Row::new("team", "token", &format!("tok-{scope}"), 1, Some(body));
        write(&sql, &row).await.unwrap();
    }
    let pass = replica.app.sync().follow_team(&db).await.unwrap();
    for scope in scopes {
        assert!(
            !token_works(&replica, &token_value(scope)),
            "a {scope} token written into the team's space opens the replica: the team's space \
             carries no tokens"
        );
        assert!(
            lists(&pass, &format!("token “tok-{scope}”")),
            "the {scope} token row is listed as a problem: {:?}",
            pass.problems
        );
    }
    let here = replica.app.tokens().list().await.unwrap();
    assert!(
        here.iter().all(|t| t.name != "intruder-tool"),
        "no token row was made from the team's space: {here:?}"
    );
}

/// A backend record's body as Switchyard writes one (no keys).
fn backend(name: &str, base_url: &str) -> serde_json::Value {
    serde_json::json!({"name": name, "kind": "openai-compatible", "baseUrl": base_url,
                       "defaultModel": "m"})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_hostile_row_in_the_team_space_is_listed_and_the_pass_takes_only_what_it_carries() {
    use serde_json::json;
    let pg = TempPostgres::start();
    let db = TeamDb::connect(&pg.address()).await.unwrap();
    let sql = intruder(&pg).await;
    let replica = start().await;
    let own = replica
        .app
        .tokens()
        .create("own-tool".into())
        .await
        .unwrap();
    let own_value = own.token.expose().to_string();
    let demo_before = replica.find_backend(|b| b.row.name == "Demo").await.row;
    let huge = "x".repeat(300 * 1024);
    let long = "n".repeat(10_000);
    let rows = [
        // Every kind name this version knows that the team's space does not carry, and others.
        Row::new("team", "token", &own.row.id, 2, None),
        Row::new("team", "index", "index", 1, Some(json!({"records": []}))),
        Row::new(
            "team",
            "settings",
            "gateway",
            1,
            Some(json!({"allowNonLoopback": true})),
        ),
        Row::new("team", "key", "openai", 1, Some(json!({"value": "sk-x"}))),
        Row::new(
            "team",
            "BACKEND",
            "upper",
            1,
            Some(backend("upper", "http://127.0.0.1:9")),
        ),
        Row::new(
            "team",
            "backend ",
            "spaced",
            1,
            Some(backend("spaced", "http://127.0.0.1:9")),
        ),
        Row::new("team", "", "empty-kind", 1, Some(json!({}))),
        Row::new("team", "\u{1b}[31mred", "escape", 1, Some(json!({}))),
        Row::new("team", &long, "long-kind", 1, Some(json!({}))),
        // Records of carried kinds that are not what Switchyard writes.
        Row::new(
            "team",
            "backend",
            "keyed",
            1,
            Some({
                let mut b = backend("keyed", "http://127.0.0.1:9");
                b["keys"] = json!(["main"]);
                b
            }),
        ),
        Row::new(
            "team",
            "backend",
            "evil",
            1,
            Some(backend("Demo", "http://127.0.0.1:9")),
        ),
        Row::new(
            "team",
            "backend",
            "bell\u{7}",
            1,
            Some(backend("bell\u{7}", "http://127.0.0.1:9")),
        ),
        Row::new(
            "team",
            "backend",
            "rtl\u{202e}",
            1,
            Some(backend("rtl\u{202e}", "http://127.0.0.1:9")),
        ),
        Row::new(
            "team",
            "backend",
            &long,
            1,
            Some(backend(&long, "http://127.0.0.1:9")),
        ),
        Row::new(
            "team",
            "backend",
            "huge",
            1,
            Some(json!({"name": "huge", "pad": huge})),
        ),
        Row::new("team", "route", "array", 1, Some(json!([1, 2, 3]))),
        Row::new("team", "route", "text", 1, Some(json!("route"))),
        Row::new("team", "route", "null", 1, Some(json!(null))),
        Row::new(
            "team",
            "route",
            "deep",
            1,
            Some(json!({"name": "deep", "candidate": [[[[[[]]]]]]})),
        ),
        Row::new(
            "team",
            "budget",
            "negative",
            1,
            Some(json!({"name": "negative", "period": "day",
            "limitUsd": -5.0, "hardStop": true})),
        ),
        Row::new(
            "team",
            "budget",
            "extra",
            1,
            Some(json!({"name": "extra", "period": "day",
            "limitUsd": 5.0, "hardStop": true, "owner": "root"})),
        ),
        // One good record: the pass keeps going and takes it.
        Row::new(
            "team",
            "backend",
            "good",
            1,
            Some(backend("good", "http://127.0.0.1:9/v1")),
        ),
    ];
    for r in &rows {
        write(&sql, r).await.unwrap();
    }
    // NUL cannot be stored at all: PostgreSQL refuses it in a name and in a JSON body.
    let nul_name = Row::new(
        "team",
        "backend",
        "nul\u{0}",
        1,
        Some(backend("nul", "http://x")),
    );
    assert!(
        write(&sql, &nul_name).await.is_err(),
        "PostgreSQL stores no NUL in text"
    );
    let nul_body = Row::new(
        "team",
        "backend",
        "nul",
        1,
        Some(backend("nul\u{0}", "http://x")),
    );
    assert!(
        write(&sql, &nul_body).await.is_err(),
        "PostgreSQL stores no NUL in JSONB"
    );

    let pass = replica.app.sync().follow_team(&db).await.unwrap();
    assert_eq!(
        pass.pulled,
        ["backend “good”"],
        "only the one good record is taken: {pass:?}"
    );
    let expected = rows.len() - 1;
    assert_eq!(
        pass.problems.len(),
        expected,
        "each hostile row is listed once: {:#?}",
        pass.problems
    );
    for p in &pass.problems {
        assert!(
            !p.chars()
                .any(|c| c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c)),
            "a problem carries no control or direction character from the database: {p:?}"
        );
        assert!(
            p.chars().count() < 600,
            "a problem stays short: {} chars",
            p.len()
        );
    }
    assert!(
        token_works(&replica, &own_value),
        "a token tombstone in the team's space revoked this machine's own token"
    );
    let demo = replica.find_backend(|b| b.row.name == "Demo").await.row;
    assert_eq!(
        demo.base_url, demo_before.base_url,
        "a row named “evil” whose body is “Demo” replaced this machine's Demo"
    );
    let names = replica.backend_names().await;
    for n in ["upper", "spaced", "keyed", "evil", "huge"] {
        assert!(!names.iter().any(|b| b == n), "{n} was taken: {names:?}");
    }
    assert!(replica.app.routes().list().await.unwrap().is_empty());
    assert!(replica.app.costs().budgets().await.unwrap().is_empty());
    let status = replica.app.gateway_control().settings().await.unwrap();
    assert!(
        !status.allow_non_loopback,
        "a settings row changed the gateway"
    );
    // And again: nothing new, nothing lost, the same problems.
    let again = replica.app.sync().follow_team(&db).await.unwrap();
    assert!(again.pulled.is_empty(), "{again:?}");
    assert_eq!(again.problems.len(), expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_team_backend_moved_to_another_host_keeps_its_keys_where_they_were_approved() {
    let pg = TempPostgres::start();
    let db = TeamDb::connect(&pg.address()).await.unwrap();
    let sql = intruder(&pg).await;
    let replica = start().await;
    let shared = Row::new(
        "team",
        "backend",
        "shared",
        1,
        Some(backend("shared", "https://api.openai.com/v1")),
    );
    write(&sql, &shared).await.unwrap();
    assert_eq!(
        replica.app.sync().follow_team(&db).await.unwrap().pulled,
        ["backend “shared”"]
    );
    let b = replica.find_backend(|b| b.row.name == "shared").await;
    replica
        .add_key(&b, "k", "sk-team-key-0123456789abcdefghij")
        .await
        .unwrap();
    let moved = Row::new(
        "team",
        "backend",
        "shared",
        2,
        Some(backend("shared", "http://127.0.0.1:9/v1")),
    );
    write(&sql, &moved).await.unwrap();
    let pass = replica.app.sync().follow_team(&db).await.unwrap();
    assert!(pass.pulled.is_empty(), "{pass:?}");
    assert!(
        lists(&pass, "backend “shared”"),
        "the move is listed as a problem: {:?}",
        pass.problems
    );
    let now = replica.find_backend(|b| b.row.name == "shared").await;
    assert_eq!(
        now.row.base_url, "https://api.openai.com/v1",
        "the egress gate refuses a keyed backend moved by the team's records"
    );
}
