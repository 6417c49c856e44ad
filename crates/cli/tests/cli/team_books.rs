//! The providers' books on a team (issue 75): a real `switchyard-serve` replica on throw-away
//! PostgreSQL and Redis serves two people's team tokens on an OpenAI backend whose provider (the
//! mock, in books mode) also bills the team's key for a request sent around the gateway.
//! `switchyard reconcile` beside the team reads the team's ledger: spend by person beside the
//! bill, and the request around the gateway as unrouted.

use super::say_hi;
use super::shutdown::sy_in;
use super::team::{replica, team, SERVICE};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;
use switchyard_mock::{MockConfig, MockServer};
use switchyard_team::testing::{TempPostgres, TempRedis};

const MAIN: &str = "sk-proj-team0000000000000000000000000000000000001111";
const ADMIN: &str = "sk-admin-team00000000000000000000000000000000009999";

/// `switchyard-serve ARGS` in `data` with `stdin` as its one line of input.
fn with_stdin(data: &Path, args: &[&str], stdin: &str) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_switchyard-serve"))
        .args(args)
        .env("SWITCHYARD_DATA_DIR", data)
        .env("SWITCHYARD_KEYRING_SERVICE", SERVICE)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{stdin}").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `switchyard-serve reconcile --json` beside the team (its servers in the environment).
fn reconcile(data: &Path, pg: &TempPostgres, redis: &TempRedis) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_switchyard-serve"))
        .args(["reconcile", "--since", "1d", "--json"])
        .env("SWITCHYARD_DATA_DIR", data)
        .env("SWITCHYARD_KEYRING_SERVICE", SERVICE)
        .env("SWITCHYARD_TEAM_DATABASE_URL", pg.url())
        .env("SWITCHYARD_TEAM_REDIS_URL", redis.url())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!text.contains(MAIN) && !text.contains(ADMIN), "never a key");
    serde_json::from_str(&text).unwrap()
}

fn sum(people: &serde_json::Value, who: &str, field: &str) -> f64 {
    people
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["person"] == who)
        .map(|p| p["ledger"][field].as_f64().unwrap_or(0.0))
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_team_sees_spend_by_person_beside_the_providers_bill_and_what_went_around_it() {
    let (pg, redis) = (TempPostgres::start(), TempRedis::start());
    let data = tempfile::tempdir().unwrap();
    let mut cfg = MockConfig::instant();
    cfg.admin_key = Some(ADMIN.into());
    let mock = MockServer::start(cfg).await.unwrap();
    let base = format!("{}/v1", mock.base_url());
    let add = sy_in(
        data.path(),
        SERVICE,
        &[
            "backend",
            "add",
            "OpenAI",
            "--kind",
            "openai",
            "--base-url",
            &base,
            "--model",
            "gpt-4o-mini",
        ],
    );
    assert!(
        add.status.success(),
        "{}",
        String::from_utf8_lossy(&add.stderr)
    );
    with_stdin(
        data.path(),
        &["key", "add", "OpenAI", "--label", "team"],
        MAIN,
    );
    with_stdin(data.path(), &["key", "add", "OpenAI", "--admin"], ADMIN);
    let listed = sy_in(data.path(), SERVICE, &["key", "list"]);
    let listed = String::from_utf8_lossy(&listed.stdout).to_string();
    assert!(
        listed.contains("OpenAI\tadmin\tsk-admin-…9999\tadmin (usage reports only)"),
        "{listed}"
    );
    assert!(listed.contains("OpenAI\tteam\tsk-proj-…1111\n"), "{listed}");
    assert!(!listed.contains(ADMIN) && !listed.contains(MAIN));
    let mut tokens = vec![];
    for who in ["ana@example.com", "bo@example.com"] {
        let (code, value, err) = team(
            data.path(),
            &pg,
            &redis,
            &["token", "create", "claude-code", "--owner", who],
        );
        assert_eq!(code, 0, "{err}");
        tokens.push(value);
    }

    let r = replica(data.path(), &pg, &redis);
    for token in [&tokens[0], &tokens[0], &tokens[1]] {
        let answer = say_hi(r.addr, token, "OpenAI/gpt-4o-mini").await;
        assert_eq!(answer.status(), 200, "{}", answer.text().await.unwrap());
    }
    // Around the gateway, with the team's key.
    let around = reqwest::Client::new()
        .post(format!("{base}/chat/completions"))
        .bearer_auth(MAIN)
        .json(&serde_json::json!({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(around.status(), 200);

    // The team's ledger is written in batches.
    let mut report = serde_json::Value::Null;
    for _ in 0..100 {
        report = reconcile(data.path(), &pg, &redis);
        let people = &report[0]["people"];
        if sum(people, "ana@example.com", "requests") + sum(people, "bo@example.com", "requests")
            >= 3.0
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let books = &report[0];
    assert_eq!(books["stale"], serde_json::Value::Null, "{books}");
    assert_eq!(
        sum(&books["people"], "ana@example.com", "requests"),
        2.0,
        "{books}"
    );
    assert_eq!(
        sum(&books["people"], "bo@example.com", "requests"),
        1.0,
        "{books}"
    );
    let days = books["days"].as_array().unwrap();
    let total = |side: &str| -> f64 {
        days.iter()
            .map(|d| d[side]["requests"].as_f64().unwrap_or(0.0))
            .sum()
    };
    assert_eq!((total("ledger"), total("provider")), (3.0, 4.0), "{books}");
    let unrouted = books["unrouted"].as_array().unwrap();
    assert_eq!(unrouted.len(), 1, "{books}");
    assert_eq!(unrouted[0]["keyLabel"], "team");

    let removed = sy_in(
        data.path(),
        SERVICE,
        &["key", "remove", "OpenAI", "admin", "--admin"],
    );
    assert!(
        removed.status.success(),
        "{}",
        String::from_utf8_lossy(&removed.stderr)
    );
    let listed = sy_in(data.path(), SERVICE, &["key", "list"]);
    assert!(!String::from_utf8_lossy(&listed.stdout).contains("admin (usage reports only)"));
}
