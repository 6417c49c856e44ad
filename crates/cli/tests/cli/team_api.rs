//! The team's administration API on a real replica (`switchyard-serve serve --team … --redis …`):
//! only an admin token opens it; the overview names the replica, its backends and a person's
//! spend (and `switchyard requests` reads the team's ledger with the team's database set); a tool's token made through it belongs to the admin's owner (or the person it names: the
//! authorization table's decision) and works at once; it revokes a tool's token for the team (within a second), never another admin's; bad input is a 400 with a reason.

use super::shutdown::sy_in;
use super::team::{replica, team, Replica, SERVICE};
use super::{json_of, say_hi};
use std::time::{Duration, Instant};
use switchyard_team::testing::{TempPostgres, TempRedis};

const API: &str = "/switchyard/team/v1";

fn create(dir: &std::path::Path, pg: &TempPostgres, redis: &TempRedis, args: &[&str]) -> String {
    let mut all = vec!["token", "create"];
    all.extend_from_slice(args);
    let (code, value, err) = team(dir, pg, redis, &all);
    assert_eq!(code, 0, "{err}");
    value
}

/// `switchyard-serve ARGS…` on `dir` with the team's database in the environment (an
/// administrator's shell).
fn serve_cmd(dir: &std::path::Path, pg: &TempPostgres, args: &[&str]) -> std::process::Command {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_switchyard-serve"));
    c.args(args)
        .env("SWITCHYARD_DATA_DIR", dir)
        .env("SWITCHYARD_KEYRING_SERVICE", SERVICE)
        .env("SWITCHYARD_TEAM_DATABASE_URL", pg.url());
    c
}

/// `switchyard-serve requests ARGS…` with the team's database in the environment.
fn requests(dir: &std::path::Path, pg: &TempPostgres, args: &[&str]) -> serde_json::Value {
    let out = serve_cmd(dir, pg, &[&["requests"], args].concat())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The replica's overview as `admin` reads it.
async fn overview(r: &Replica, admin: &str) -> serde_json::Value {
    json_of(call(r, reqwest::Method::GET, "/overview", admin)).await
}

fn call(r: &Replica, method: reqwest::Method, path: &str, token: &str) -> reqwest::RequestBuilder {
    reqwest::Client::new()
        .request(method, format!("http://{}{API}{path}", r.addr))
        .bearer_auth(token)
}

/// A throw-away team database and Redis, a data folder, and an admin token made on them.
fn team_with_admin() -> (TempPostgres, TempRedis, tempfile::TempDir, String) {
    let (pg, redis) = (TempPostgres::start(), TempRedis::start());
    let dir = tempfile::tempdir().unwrap();
    let admin = create(
        dir.path(),
        &pg,
        &redis,
        &["desk", "--owner", "ana@example.com", "--admin"],
    );
    (pg, redis, dir, admin)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_an_admin_token_opens_the_team_api_and_it_manages_tools_tokens_never_admins() {
    use reqwest::Method;
    let (pg, redis, dir, admin) = team_with_admin();
    let bo = create(
        dir.path(),
        &pg,
        &redis,
        &["aider", "--owner", "bo@example.com"],
    );
    let r = replica(dir.path(), &pg, &redis);
    assert_eq!(say_hi(r.addr, &bo, "demo-chat").await.status(), 200);

    // A tool's token is refused by the guard, an admin token answered.
    let refused = call(&r, Method::GET, "/overview", &bo)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    let deadline = Instant::now() + Duration::from_secs(10);
    let overview = loop {
        let o = overview(&r, &admin).await;
        // The ledger is written in batches off the request path.
        if o["people"].as_array().is_some_and(|p| !p.is_empty()) || Instant::now() > deadline {
            break o;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(overview["redisUp"], true);
    assert!(overview["replica"].as_str().is_some_and(|s| !s.is_empty()));
    assert!(overview["backends"]
        .as_array()
        .unwrap()
        .iter()
        .any(|b| b["name"] == "Demo"));
    assert_eq!(overview["people"][0]["person"], "bo@example.com");
    assert_eq!(overview["people"][0]["requests"], 1);
    // The same request on today's bar of the spend per day (UTC).
    let days = overview["days"].as_array().unwrap();
    assert_eq!(days.len(), 1, "{days:?}");
    assert_eq!(days[0]["requests"], 1);
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    assert_eq!(days[0]["person"], today);
    // `switchyard requests` reads the team's ledger with the team's database in the environment:
    // Bo's request with its person and replica; `--local` reads this machine's ledger.
    let team_rows = requests(dir.path(), &pg, &["--json"]);
    assert_eq!(team_rows[0]["person"], "bo@example.com");
    assert_eq!(team_rows[0]["replica"], overview["replica"]);
    assert_eq!(team_rows[0]["requestedModel"], "demo-chat");
    let local = requests(dir.path(), &pg, &["--json", "--local"]);
    assert!(
        local[0].get("person").is_none(),
        "this machine's rows: {local}"
    );

    // A tool's token for Ana, usable at once.
    let bad = call(&r, Method::POST, "/tokens", &admin)
        .body("{")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
    let issued: serde_json::Value = json_of(
        call(&r, Method::POST, "/tokens", &admin).json(&serde_json::json!({"name": "codex"})),
    )
    .await;
    assert_eq!(issued["owner"], "ana@example.com");
    let token = issued["token"].as_str().unwrap();
    assert_eq!(say_hi(r.addr, token, "demo-chat").await.status(), 200);

    // The authorization table decides whose tokens an admin makes and revokes (one constant the
    // team console reads too): a tool's token for any person of the team; never an admin token.
    assert_eq!(
        switchyard_domain::authz::TEAM_TOKENS_FOR,
        switchyard_domain::authz::Verdict::Allowed(switchyard_domain::authz::Sees::All)
    );
    let for_bo: serde_json::Value = json_of(
        call(&r, Method::POST, "/tokens", &admin)
            .json(&serde_json::json!({"name": "codex", "owner": "bo@example.com"})),
    )
    .await;
    assert_eq!(for_bo["owner"], "bo@example.com");
    let for_bo_id = for_bo["id"].as_str().unwrap();
    let revoked_bo = call(&r, Method::DELETE, &format!("/tokens/{for_bo_id}"), &admin)
        .send()
        .await
        .unwrap();
    assert_eq!(
        revoked_bo.status(),
        204,
        "a person's tool token is the team admin's to revoke"
    );
    let cy_admin = create(
        dir.path(),
        &pg,
        &redis,
        &["cy-desk", "--owner", "cy@example.com", "--admin"],
    );
    let (_, listed, _) = team(dir.path(), &pg, &redis, &["token", "list", "--json"]);
    let listed: serde_json::Value = serde_json::from_str(&listed).unwrap();
    let cy_id = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["owner"] == "cy@example.com")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let other_admin = call(&r, Method::DELETE, &format!("/tokens/{cy_id}"), &admin)
        .send()
        .await
        .unwrap();
    assert_eq!(
        other_admin.status(),
        403,
        "an admin token never revokes another admin's: only the replica's operator or the CLI"
    );
    let cy_sees = call(&r, Method::GET, "/overview", &cy_admin)
        .send()
        .await
        .unwrap();
    assert_eq!(cy_sees.status(), 200, "Cy's admin token stays");
    assert_eq!(
        say_hi(r.addr, &bo, "demo-chat").await.status(),
        200,
        "Bo's own token stays"
    );
    let id = issued["id"].as_str().unwrap();
    let gone = call(&r, Method::DELETE, &format!("/tokens/{id}"), &admin)
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), 204);
    // The replicas hear it through Redis (this one too), within a second.
    let revoked = Instant::now();
    while say_hi(r.addr, token, "demo-chat").await.status() != 401 {
        assert!(
            revoked.elapsed() < Duration::from_secs(1),
            "still accepted after 1 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The open alerts' rules in the replica's overview.
async fn open_alerts(r: &Replica, admin: &str) -> Vec<String> {
    overview(r, admin).await["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["rule"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_stopped_opens_the_replicas_team_redis_alert_and_its_return_resolves_it() {
    let (pg, redis, dir, admin) = team_with_admin();
    // An alert resolves once it has been clear for the cooldown (5 min by default): none here.
    let export = sy_in(dir.path(), SERVICE, &["config", "export"]);
    let config = String::from_utf8(export.stdout).unwrap();
    assert!(config.contains("cooldownSecs = 300"), "{config}");
    let file = dir.path().join("alerts.toml");
    std::fs::write(
        &file,
        config.replace("cooldownSecs = 300", "cooldownSecs = 0"),
    )
    .unwrap();
    let imported = sy_in(
        dir.path(),
        SERVICE,
        &["config", "import", file.to_str().unwrap()],
    );
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    let r = replica(dir.path(), &pg, &redis);
    // The rules see the state every 10 s and are evaluated every 15 s.
    let within = |secs| Instant::now() + Duration::from_secs(secs);
    let up = within(10);
    loop {
        let o = overview(&r, &admin).await;
        if o["redisUp"] == true {
            break;
        }
        assert!(
            Instant::now() < up,
            "the replica never shared through Redis"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    redis.stop();
    let deadline = within(45);
    while !open_alerts(&r, &admin)
        .await
        .contains(&"teamRedisDown".to_string())
    {
        assert!(
            Instant::now() < deadline,
            "no teamRedisDown alert 45 s after Redis stopped"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    redis.restart();
    let deadline = within(45);
    while open_alerts(&r, &admin)
        .await
        .contains(&"teamRedisDown".to_string())
    {
        assert!(
            Instant::now() < deadline,
            "the alert stayed open 45 s after Redis came back"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// `switchyard-serve check --json` with the team's servers in the environment: the report's
/// "team" suite.
fn team_suite(dir: &std::path::Path, pg: &TempPostgres, redis: &TempRedis) -> serde_json::Value {
    let out = serve_cmd(dir, pg, &["check", "--json"])
        .env("SWITCHYARD_TEAM_REDIS_URL", redis.url())
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    report["suites"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "team")
        .cloned()
        .unwrap_or_else(|| panic!("no team suite in {report}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn switchyard_check_with_a_team_database_checks_its_database_redis_and_ledger() {
    let (pg, redis) = (TempPostgres::start(), TempRedis::start());
    let dir = tempfile::tempdir().unwrap();
    let team = team_suite(dir.path(), &pg, &redis);
    assert_eq!(team["status"], "operational", "{team}");
    assert_eq!(team["required"], false, "a replica serves through it");
    let ids: Vec<&str> = team["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["team.database", "team.redis", "team.ledger"]);
    redis.stop();
    let team = team_suite(dir.path(), &pg, &redis);
    assert_eq!(team["status"], "degraded", "{team}");
    let failed: Vec<&str> = team["cases"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["passed"] == false)
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(failed, ["team.redis"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tokens_per_minute_limit_holds_for_two_replicas_together_not_per_replica() {
    let (pg, redis) = (TempPostgres::start(), TempRedis::start());
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    // The Demo backend answers "hi" with the same usage each time (measured below).
    let limit: u32 = 1_000;
    for d in &dirs {
        super::team::limit_demo_with(d.path(), &format!("tokensPerMinute = {limit}"));
    }
    let token = create(dirs[0].path(), &pg, &redis, &["load", "--owner", "bo"]);
    let replicas = [
        replica(dirs[0].path(), &pg, &redis),
        replica(dirs[1].path(), &pg, &redis),
    ];
    let (mut answered, mut per_answer) = (0u64, 0u64);
    for i in 0..400 {
        let answer = say_hi(replicas[i % 2].addr, &token, "demo-chat").await;
        if answer.status() != 200 {
            break;
        }
        let body: serde_json::Value = answer.json().await.unwrap();
        per_answer = body["usage"]["total_tokens"].as_u64().unwrap();
        answered += 1;
        // The other replica hears of these tokens in the background: give it a moment.
        tokio::time::sleep(Duration::from_millis(40)).await;
    }
    assert!(per_answer > 0);
    // A request is let in while fewer than the limit were used: ⌈limit / per answer⌉ of them for
    // the two replicas together (per replica it would be twice that).
    assert_eq!(
        answered,
        u64::from(limit).div_ceil(per_answer),
        "{per_answer} tokens an answer"
    );
}
