//! My machines: two desktops (each its own data folder and keychain) on one throw-away
//! PostgreSQL. What one makes follows to the other without its keys; what both changed is a
//! conflict that touches neither copy until the user keeps one; deletes and revocations follow;
//! only the chosen kinds travel.

use super::{draft, key, start, Harness};
use switchyard_app::sync::{Keep, Kind, SyncReport, SyncSettings};
use switchyard_app::{Budget, BudgetScope, Period, RouteCandidate, RouteDraft, Strategy};
use switchyard_app_testing::machines::space;
use switchyard_domain::BackendKind;
use switchyard_team::testing::TempPostgres;
use switchyard_team::TeamDb;

const CANARY: &str = "sk-canary-3b1f9d0c7e2a4f68b5d1c9e0a7f3b2d4";

fn ana() -> SyncSettings {
    space("ana")
}

/// Turns My machines on for `h`; with `from`, the space's key entered from that machine (as a
/// user copies it over); without, the first machine draws one.
async fn join_from(
    h: &Harness,
    pg: &TempPostgres,
    settings: SyncSettings,
    from: Option<&Harness>,
) -> SyncReport {
    h.join_machines(&pg.url(), settings, from).await
}

async fn join(h: &Harness, pg: &TempPostgres, settings: SyncSettings) -> SyncReport {
    join_from(h, pg, settings, None).await
}

async fn run(h: &Harness) -> SyncReport {
    h.app.sync().run().await.unwrap()
}

async fn default_model(h: &Harness, name: &str) -> String {
    h.find_backend(|b| b.row.name == name)
        .await
        .row
        .default_model
}

async fn set_model(h: &Harness, name: &str, model: &str) {
    let b = h.find_backend(|b| b.row.name == name).await;
    let mut d = draft(BackendKind::OpenAi, name, &b.row.base_url);
    d.default_model = model.into();
    h.update(&b.row.id, d).await.unwrap();
}

fn token_works(h: &Harness, value: &str) -> bool {
    h.app.tokens().index().verify(value).is_some()
}

/// Route "fast": one candidate, `model` on backend `backend_id`.
fn fast(backend_id: &str, model: &str) -> RouteDraft {
    RouteDraft {
        name: "fast".into(),
        strategy: Strategy::Priority,
        candidates: vec![RouteCandidate {
            backend_id: backend_id.into(),
            model: model.into(),
            weight: 1,
        }],
        cache: Default::default(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_machine_gets_the_first_ones_setup_without_its_keys() {
    let pg = TempPostgres::start();
    let (laptop, desk) = (start().await, start().await);
    let openai = laptop
        .add(
            draft(BackendKind::OpenAi, "openai", "https://api.openai.com/v1"),
            Some(key("main", CANARY)),
        )
        .await;
    let route = fast(&openai.row.id, "gpt-4o-mini");
    laptop.app.routes().save(None, route).await.unwrap();
    let budget = Budget {
        id: String::new(),
        name: "daily".into(),
        period: Period::Day,
        scope: BudgetScope::All,
        limit_usd: 3.0,
        hard_stop: true,
    };
    laptop.app.costs().set_budgets(vec![budget]).await.unwrap();
    let codex = laptop.app.tokens().create("codex".into()).await.unwrap();
    let codex_value = codex.token.expose().to_string();

    let up = join(&laptop, &pg, ana()).await;
    for what in [
        "backend “openai”",
        "route “fast”",
        "budget “daily”",
        "backend “Demo”",
    ] {
        assert!(
            up.pushed.iter().any(|p| p == what),
            "{what} in {:?}",
            up.pushed
        );
    }
    let down = join_from(&desk, &pg, ana(), Some(&laptop)).await;
    assert!(down.conflicts.is_empty(), "{:?}", down.conflicts);
    // The pull lists the token that can call this machine's gateway from now on (issue 53).
    let said = |p: &String| p.ends_with("(token codex (tool): can now call this gateway)");
    assert!(down.pulled.iter().any(said), "{:?}", down.pulled);
    let taken = desk.find_backend(|b| b.row.name == "openai").await;
    assert!(taken.keys.is_empty(), "keys never travel");
    assert_eq!(taken.row.base_url, "https://api.openai.com/v1");
    let routes = desk.app.routes().list().await.unwrap();
    assert_eq!(routes[0].name, "fast");
    assert_eq!(
        routes[0].candidates[0].backend_id, taken.row.id,
        "by name, to this machine's id"
    );
    assert_eq!(desk.app.costs().budgets().await.unwrap()[0].limit_usd, 3.0);
    assert!(
        token_works(&desk, &codex_value),
        "the token follows: the same value works"
    );
    // A second pass on either side finds nothing to do (what each holds is what they agreed).
    for h in [&laptop, &desk] {
        let again = run(h).await;
        assert!(
            again.pushed.is_empty() && again.pulled.is_empty(),
            "{again:?}"
        );
    }

    // Neither the key nor any label of it is in the database.
    let db = TeamDb::connect(&pg.address()).await.unwrap();
    let kinds: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
    let stored = serde_json::to_string(&db.synced_records("ana", &kinds).await.unwrap()).unwrap();
    assert!(
        !stored.contains(CANARY) && !stored.contains("\"main\""),
        "{stored}"
    );
    assert!(
        !stored.contains(&codex_value),
        "a token's value never travels"
    );

    // Both change the same backend: a conflict; neither copy is overwritten.
    set_model(&laptop, "openai", "gpt-a").await;
    set_model(&desk, "openai", "gpt-b").await;
    assert_eq!(run(&laptop).await.pushed, ["backend “openai”"]);
    let clash = run(&desk).await;
    assert_eq!(clash.conflicts.len(), 1, "{clash:?}");
    let c = &clash.conflicts[0];
    assert_eq!(
        (c.kind, c.name.as_str(), c.their_version),
        (Kind::Backend, "openai", 2)
    );
    assert_eq!(c.theirs.as_ref().unwrap()["defaultModel"], "gpt-a");
    assert_eq!(default_model(&desk, "openai").await, "gpt-b");
    run(&laptop).await;
    assert_eq!(
        default_model(&laptop, "openai").await,
        "gpt-a",
        "the other side keeps its copy too"
    );
    // The desk keeps its own: written over version 2; the laptop takes it.
    let kept = desk
        .app
        .sync()
        .resolve(Kind::Backend, "openai".into(), Keep::Mine)
        .await
        .unwrap();
    assert!(kept.conflicts.is_empty(), "{kept:?}");
    assert_eq!(run(&laptop).await.pulled, ["backend “openai”"]);
    assert_eq!(default_model(&laptop, "openai").await, "gpt-b");

    // A route pointed at another backend follows, and the pull says where it now goes.
    let demo = laptop.find_backend(|b| b.row.name == "Demo").await;
    let now = laptop.app.routes().list().await.unwrap().remove(0);
    let moved = fast(&demo.row.id, "demo-chat");
    laptop.app.routes().save(Some(now.id), moved).await.unwrap();
    run(&laptop).await;
    assert_eq!(
        run(&desk).await.pulled,
        ["route “fast” (route fast: now also sends requests to Demo)"]
    );

    // A delete and a revocation follow.
    let id = desk.app.routes().list().await.unwrap()[0].id.clone();
    desk.app.routes().delete(id).await.unwrap();
    laptop.app.tokens().revoke("codex".into()).await.unwrap();
    run(&desk).await;
    let both = run(&laptop).await;
    assert!(
        both.pulled.contains(&"route “fast”".to_string()),
        "{both:?}"
    );
    assert!(laptop.app.routes().list().await.unwrap().is_empty());
    run(&desk).await;
    assert!(
        !token_works(&desk, &codex_value),
        "revoked on every machine"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_chosen_kinds_travel_and_bad_settings_are_refused_keeping_nothing() {
    let pg = TempPostgres::start();
    let (laptop, desk) = (start().await, start().await);
    join(&laptop, &pg, ana()).await;
    let no_tokens = SyncSettings {
        tokens: false,
        ..ana()
    };
    join_from(&desk, &pg, no_tokens, Some(&laptop)).await;
    let t = laptop.app.tokens().create("aider".into()).await.unwrap();
    laptop
        .add(
            draft(BackendKind::Groq, "groq", "https://api.groq.com/openai/v1"),
            None,
        )
        .await;
    run(&laptop).await;
    let down = run(&desk).await;
    assert_eq!(down.pulled, ["backend “groq”"]);
    assert!(!token_works(&desk, t.token.expose()));

    // A space is needed, and an address that answers; a refusal keeps nothing.
    let fresh = start().await;
    let no_space = SyncSettings {
        space: " ".into(),
        ..ana()
    };
    let err = fresh
        .app
        .sync()
        .save(Some(pg.url().into()), None, no_space)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("Name the space"), "{err}");
    let team_space = SyncSettings {
        space: "Team".into(),
        ..ana()
    };
    let err = fresh
        .app
        .sync()
        .save(Some(pg.url().into()), None, team_space)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("replicas follow"), "{err}");
    let dead = "postgres://nobody@127.0.0.1:9/none".to_string();
    let err = fresh
        .app
        .sync()
        .save(Some(dead.into()), None, ana())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("cannot be reached"), "{err}");
    let status = fresh.app.sync().status().await.unwrap();
    assert!(
        !status.has_database && !status.settings.enabled,
        "{status:?}"
    );
    let err = fresh.app.sync().run().await.unwrap_err();
    assert!(err.to_string().contains("Syncing is off"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_line_turns_it_on_with_the_address_on_stdin_and_settles_a_conflict() {
    use super::cli::run_line;
    let pg = TempPostgres::start();
    let (laptop, desk) = (start().await, start().await);
    // An address that does not answer: refused, never echoed (it may hold a password).
    let dead = "postgres://ana:hunter2@127.0.0.1:9/none";
    let ran = run_line(&laptop.app, "sync setup --space ana", dead).await;
    assert_eq!(ran.code, 1, "{}", ran.out);
    assert!(
        ran.err.contains("cannot be reached") && !ran.err.contains("hunter2"),
        "{}",
        ran.err
    );
    assert_eq!(run_line(&laptop.app, "sync status", "").await.out, "off\n");

    let on = run_line(
        &laptop.app,
        "sync setup --space ana --only backend,route",
        &pg.url(),
    )
    .await;
    assert_eq!(on.code, 0, "{}", on.err);
    assert!(on.out.starts_with("syncing space “ana” as "), "{}", on.out);
    assert!(
        on.out.contains("(backend, route)") && on.out.contains("sent backend “Demo”"),
        "{}",
        on.out
    );
    let key = on
        .out
        .lines()
        .find_map(|l| l.strip_prefix("space key: "))
        .unwrap_or_else(|| panic!("the first machine prints the new space key: {}", on.out));
    let without = run_line(&desk.app, "sync setup --space ana", &pg.url()).await;
    assert_eq!(without.code, 1, "{}", without.out);
    assert!(
        without.err.contains("enter its space key"),
        "a space with records needs its key: {}",
        without.err
    );
    let shown = run_line(&laptop.app, "sync key", "").await;
    assert_eq!(shown.out.trim(), key, "`sync key` shows the same key again");
    assert_eq!(
        run_line(
            &desk.app,
            "sync setup --space ana",
            &format!("{}\n{key}\n", pg.url())
        )
        .await
        .code,
        0
    );

    // The same backend changed on both: `sync now` says so and exits 1; resolve keeps one.
    laptop
        .add(
            draft(BackendKind::Groq, "groq", "https://api.groq.com/openai/v1"),
            None,
        )
        .await;
    assert_eq!(run_line(&laptop.app, "sync now", "").await.code, 0);
    assert_eq!(
        run_line(&desk.app, "sync now", "").await.out,
        "took backend “groq”\n"
    );
    set_model(&laptop, "groq", "llama-a").await;
    set_model(&desk, "groq", "llama-b").await;
    assert_eq!(run_line(&laptop.app, "sync now", "").await.code, 0);
    let clash = run_line(&desk.app, "sync now", "").await;
    assert_eq!(clash.code, 1);
    assert!(
        clash
            .out
            .contains("conflict: backend “groq” changed here and on")
            && clash
                .out
                .contains("switchyard sync resolve backend \"groq\" --keep mine|theirs"),
        "{}",
        clash.out
    );
    let settled = run_line(&desk.app, "sync resolve backend groq --keep theirs", "").await;
    assert_eq!(settled.code, 0, "{}", settled.err);
    assert_eq!(default_model(&desk, "groq").await, "llama-a");
    let json: serde_json::Value =
        serde_json::from_str(&run_line(&desk.app, "sync status --json", "").await.out).unwrap();
    assert_eq!(json["last"]["report"]["conflicts"], serde_json::json!([]));
    assert_eq!(run_line(&desk.app, "sync off", "").await.out, "off\n");
    assert!(!desk.app.sync().status().await.unwrap().has_database);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_database_starts_from_nothing_known_so_every_record_goes_there() {
    let (first, second) = (TempPostgres::start(), TempPostgres::start());
    let laptop = start().await;
    assert!(join(&laptop, &first, ana())
        .await
        .pushed
        .contains(&"backend “Demo”".to_string()));
    // What was agreed with the first database says nothing about the second: all goes there.
    let moved = join(&laptop, &second, ana()).await;
    assert!(
        moved.pushed.contains(&"backend “Demo”".to_string()),
        "{moved:?}"
    );
    // And back: the first still agrees with what this machine holds.
    let back = join(&laptop, &first, ana()).await;
    assert!(
        back.pushed.is_empty() && back.conflicts.is_empty(),
        "{back:?}"
    );
}
