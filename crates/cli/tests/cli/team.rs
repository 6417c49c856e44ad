//! A team gateway (issue 44, first part): two real `switchyard-serve` replicas, each with its own
//! data folder, on one throw-away PostgreSQL and Redis. A team token made with `switchyard team
//! token create` works on both; revoked from the CLI, both refuse it within a second; each
//! machine's own tokens keep working beside the team's; every answered request is in the team's
//! ledger.

use super::say_hi;
use super::shutdown::{serve_with, sy_in};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command};
use std::time::{Duration, Instant};
use switchyard_team::testing::{free_port, TempPostgres, TempRedis};

pub(super) const SERVICE: &str = "switchyard-test-team";

/// A replica: `switchyard-serve serve --team … --redis …` on its own folder and port.
pub(super) struct Replica {
    child: Child,
    pub(super) addr: SocketAddr,
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub(super) fn replica(data: &Path, pg: &TempPostgres, redis: &TempRedis) -> Replica {
    let port = free_port();
    let (db, shared) = (pg.url(), redis.url());
    let child = serve_with(data, SERVICE, port, &["--team", &db, "--redis", &shared]);
    Replica {
        child,
        addr: ([127, 0, 0, 1], port).into(),
    }
}

/// `switchyard-serve team …` against the team's servers (given in the environment, as an
/// administrator's shell would).
pub(super) fn team(
    data: &Path,
    pg: &TempPostgres,
    redis: &TempRedis,
    args: &[&str],
) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_switchyard-serve"))
        .arg("team")
        .args(args)
        .env("SWITCHYARD_DATA_DIR", data)
        .env("SWITCHYARD_TEAM_DATABASE_URL", pg.url())
        .env("SWITCHYARD_TEAM_REDIS_URL", redis.url())
        .output()
        .unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).trim().to_string();
    (
        out.status.code().unwrap_or(-1),
        text(&out.stdout),
        text(&out.stderr),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_team_token_works_on_every_replica_and_its_revocation_reaches_them_all_within_a_second() {
    let (pg, redis) = (TempPostgres::start(), TempRedis::start());
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    let (code, value, err) = team(
        dirs[0].path(),
        &pg,
        &redis,
        &[
            "token",
            "create",
            "claude-code",
            "--owner",
            "ana@example.com",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        value.starts_with("sy-") && !err.contains(&value),
        "the value alone on stdout"
    );

    let replicas = [
        replica(dirs[0].path(), &pg, &redis),
        replica(dirs[1].path(), &pg, &redis),
    ];
    for r in &replicas {
        let answer = say_hi(r.addr, &value, "demo-chat").await;
        assert_eq!(answer.status(), 200, "{}", answer.text().await.unwrap());
    }
    // This machine's own tokens still work beside the team's.
    let local = sy_in(dirs[1].path(), SERVICE, &["token", "create", "own-tool"]);
    let local = String::from_utf8(local.stdout).unwrap().trim().to_string();
    assert_eq!(
        say_hi(replicas[1].addr, &local, "demo-chat").await.status(),
        200
    );

    let (_, listed, _) = team(dirs[0].path(), &pg, &redis, &["token", "list", "--json"]);
    let listed: serde_json::Value = serde_json::from_str(&listed).unwrap();
    assert_eq!(listed[0]["owner"], "ana@example.com");
    assert!(!listed.to_string().contains(&value[3..]), "never the value");
    let id = listed[0]["id"].as_str().unwrap().to_string();

    let (code, _, err) = team(dirs[0].path(), &pg, &redis, &["token", "revoke", &id]);
    assert_eq!(code, 0, "{err}");
    let revoked = Instant::now();
    for r in &replicas {
        loop {
            if say_hi(r.addr, &value, "demo-chat").await.status() == 401 {
                break;
            }
            assert!(
                revoked.elapsed() < Duration::from_secs(1),
                "still accepted on {} after a second",
                r.addr
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    assert_eq!(
        say_hi(replicas[1].addr, &local, "demo-chat").await.status(),
        200
    );

    // Every answered request is in the team's ledger too, from both replicas.
    let (db, conn) = tokio_postgres::connect(&pg.url(), tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    let sql = "SELECT count(*), count(DISTINCT replica),
                      count(*) FILTER (WHERE token_name = 'claude-code')
               FROM team_requests WHERE status = 200";
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let row = db.query_one(sql, &[]).await.unwrap();
        let seen: (i64, i64, i64) = (row.get(0), row.get(1), row.get(2));
        if seen == (4, 2, 2) {
            break;
        }
        assert!(Instant::now() < deadline, "the team ledger holds {seen:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // The team's spend by person: the team token's owner, and the replicas' own tokens.
    let (code, out, err) = team(
        dirs[0].path(),
        &pg,
        &redis,
        &["usage", "--by", "person", "--json"],
    );
    assert_eq!(code, 0, "{err}");
    let rows: serde_json::Value = serde_json::from_str(&out).unwrap();
    let requests = |group: &str| {
        rows.as_array()
            .unwrap()
            .iter()
            .find(|r| r["group"] == group)
            .map(|r| {
                (
                    r["requests"].as_i64().unwrap(),
                    r["costUsd"].as_f64().unwrap(),
                )
            })
    };
    assert_eq!(requests("ana@example.com").map(|r| r.0), Some(2), "{out}");
    assert_eq!(
        requests("(a replica's own token)").map(|r| r.0),
        Some(2),
        "{out}"
    );
    let (code, table, err) = team(dirs[1].path(), &pg, &redis, &["usage", "--by", "replica"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        table.lines().count(),
        4,
        "a header, two replicas, the total:\n{table}"
    );
    assert!(
        table.lines().last().unwrap().starts_with("total"),
        "{table}"
    );
}

#[tokio::test]
async fn without_a_reachable_team_database_serve_and_team_say_so_and_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("postgres://ana@127.0.0.1:{}/team", free_port());
    let out = Command::new(env!("CARGO_BIN_EXE_switchyard-serve"))
        .args(["serve", "--port", &free_port().to_string(), "--team", &url])
        .env("SWITCHYARD_DATA_DIR", dir.path())
        .env("SWITCHYARD_KEYRING_SERVICE", SERVICE)
        .env("SWITCHYARD_TEAM_DATABASE_PASSWORD", "hunter2-secret")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("the team database cannot be reached"), "{err}");
    assert!(!err.contains("hunter2"), "{err}");
    let none = sy_in(dir.path(), SERVICE, &["team", "token", "list"]);
    let err = String::from_utf8_lossy(&none.stderr);
    assert_eq!(none.status.code(), Some(1));
    assert!(err.contains("no team database"), "{err}");
}

/// Gives the Demo backend of the data folder `data` a limit of `rpm` requests a minute, through
/// `config export` / `config import`, as an administrator would.
fn limit_demo(data: &Path, rpm: u32) {
    limit_demo_with(data, &format!("requestsPerMinute = {rpm}"));
}

/// As [`limit_demo`], with `line` (`tokensPerMinute = 100`) in the Demo backend's table.
pub(super) fn limit_demo_with(data: &Path, line: &str) {
    let exported = sy_in(data, SERVICE, &["config", "export"]);
    assert_eq!(exported.status.code(), Some(0));
    let text = String::from_utf8(exported.stdout).unwrap();
    let limited = text.replacen(
        "name = \"Demo\"\n",
        &format!("name = \"Demo\"\n{line}\n"),
        1,
    );
    assert_ne!(limited, text, "the export names the Demo backend: {text}");
    let file = data.join("limited.toml");
    std::fs::write(&file, limited).unwrap();
    let imported = sy_in(data, SERVICE, &["config", "import", file.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&imported.stderr);
    assert_eq!(imported.status.code(), Some(0), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backend_limit_of_6_a_minute_holds_for_two_replicas_together_not_6_each() {
    let (pg, redis) = (TempPostgres::start(), TempRedis::start());
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    for d in &dirs {
        limit_demo(d.path(), 6);
    }
    let (code, value, err) = team(
        dirs[0].path(),
        &pg,
        &redis,
        &["token", "create", "load", "--owner", "bo"],
    );
    assert_eq!(code, 0, "{err}");
    let replicas = [
        replica(dirs[0].path(), &pg, &redis),
        replica(dirs[1].path(), &pg, &redis),
    ];
    let mut answered = 0;
    for i in 0..12 {
        let r = &replicas[i % 2];
        if say_hi(r.addr, &value, "demo-chat").await.status() == 200 {
            answered += 1;
        }
    }
    assert_eq!(answered, 6, "6 a minute for the team, not 6 per replica");
}
