//! The team's configuration from any machine: `switchyard backend|route …` with the team's
//! database in the environment writes the team's records, and every replica (a real
//! `switchyard-serve serve --team … --redis …` with its own data folder) takes them within a
//! second through Redis and serves with them. Keys never go to the team: `--key-stdin` is
//! refused, and `switchyard key add` on a machine that never synced finds the team's backend.
//! `switchyard token create` there makes a team token (whose: `--owner`).
//! With the database stopped, a change is refused with the reason and the replicas keep serving.

use super::say_hi;
use super::shutdown::{add_local_args, sy_in};
use super::team::{replica, team, SERVICE};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use switchyard_mock::{MockConfig, MockServer};
use switchyard_team::testing::{TempPostgres, TempRedis};

/// `switchyard-serve ARGS…` on `dir` in an administrator's shell (the team's variables set),
/// `stdin` piped in: exit code, stdout, stderr.
fn admin(
    dir: &Path,
    pg: &TempPostgres,
    redis: &TempRedis,
    args: &[&str],
    stdin: &str,
) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_switchyard-serve"))
        .args(args)
        .env("SWITCHYARD_DATA_DIR", dir)
        .env("SWITCHYARD_KEYRING_SERVICE", SERVICE)
        .env("SWITCHYARD_TEAM_DATABASE_URL", pg.url())
        .env("SWITCHYARD_TEAM_REDIS_URL", redis.url())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), stdin.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).trim().to_string();
    (
        out.status.code().unwrap_or(-1),
        text(&out.stdout),
        text(&out.stderr),
    )
}

/// The backends in `dir`'s own data folder (no team variables), as JSON.
fn local_backends(dir: &Path) -> Vec<serde_json::Value> {
    let out = sy_in(dir, SERVICE, &["backend", "list", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backend_added_from_an_admins_shell_is_served_by_every_replica_within_a_second() {
    let (pg, redis) = (TempPostgres::start(), TempRedis::start());
    let mock = MockServer::start(MockConfig::instant()).await.unwrap();
    let dirs: Vec<_> = (0..4).map(|_| tempfile::tempdir().unwrap()).collect();
    let (a_dir, b_dir, shell, fresh) = (
        dirs[0].path(),
        dirs[1].path(),
        dirs[2].path(),
        dirs[3].path(),
    );
    let (code, token, err) = team(
        shell,
        &pg,
        &redis,
        &["token", "create", "aider", "--owner", "ana@example.com"],
    );
    assert_eq!(code, 0, "{err}");
    let (a, b) = (replica(a_dir, &pg, &redis), replica(b_dir, &pg, &redis));

    // A key is never sent to the team: refused before anything is written.
    let upstream = format!("{}/v1", mock.base_url());
    let add = add_local_args(&upstream);
    let (code, _, err) = admin(
        shell,
        &pg,
        &redis,
        &[&add[..], &["--key-stdin"]].concat(),
        "sk-never-stored-0123456789abcdef",
    );
    assert_eq!(code, 1);
    assert!(err.contains("never stored in its database"), "{err}");

    let started = Instant::now();
    let (code, _, err) = admin(shell, &pg, &redis, &add, "");
    assert_eq!(code, 0, "{err}");
    let route = [
        "route",
        "add",
        "team-fast",
        "--candidate",
        "Local=mock-chat",
    ];
    let (code, _, err) = admin(shell, &pg, &redis, &route, "");
    assert_eq!(code, 0, "{err}");
    for r in [&a, &b] {
        loop {
            if say_hi(r.addr, &token, "team-fast").await.status() == 200 {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(3),
                "every replica serves the new route within a second or so"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    let took = started.elapsed();
    eprintln!("both replicas served the new route {took:?} after the first command started");
    // The admin's own machine is untouched; the replica holds it without a key.
    assert!(!local_backends(shell).iter().any(|b| b["name"] == "Local"));
    let on_a = local_backends(a_dir);
    let local = on_a.iter().find(|b| b["name"] == "Local").unwrap();
    assert_eq!(local["keyCount"], 0, "{local}");
    // The team's backends as the CLI lists them with the team's variables.
    let (code, listed, err) = admin(shell, &pg, &redis, &["backend", "list", "--json"], "");
    assert_eq!(code, 0, "{err}");
    assert!(listed.contains("\"Local\""), "{listed}");

    // A machine that never synced adds its key for the team's backend: taken first, then keyed.
    let (code, _, err) = admin(
        fresh,
        &pg,
        &redis,
        &["key", "add", "Local", "--label", "replica"],
        "sk-replica-key-0123456789abcdef",
    );
    assert_eq!(code, 0, "{err}");
    let keyed = local_backends(fresh);
    let local = keyed.iter().find(|b| b["name"] == "Local").unwrap();
    assert_eq!(local["keyCount"], 1, "{local}");

    // `token` with the team's variables makes the team's tokens: whose, said; then every
    // replica takes it.
    let (code, _, err) = admin(shell, &pg, &redis, &["token", "create", "codex"], "");
    assert_eq!(code, 1);
    assert!(err.contains("--owner PERSON"), "{err}");
    let (code, codex, err) = admin(
        shell,
        &pg,
        &redis,
        &["token", "create", "codex", "--owner", "bo@example.com"],
        "",
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(say_hi(b.addr, &codex, "team-fast").await.status(), 200);
    let (_, listed, _) = admin(shell, &pg, &redis, &["token", "list", "--json"], "");
    let listed: Vec<serde_json::Value> = serde_json::from_str(&listed).unwrap();
    assert!(
        listed
            .iter()
            .any(|t| t["name"] == "codex" && t["owner"] == "bo@example.com"),
        "{listed:?}"
    );

    // The team database away: a change is refused with the reason; the replicas keep serving.
    pg.stop();
    let (code, _, err) = admin(shell, &pg, &redis, &["backend", "disable", "Local"], "");
    assert_eq!(code, 1);
    assert!(
        err.contains("the team's configuration is not changed"),
        "{err}"
    );
    for r in [&a, &b] {
        assert_eq!(say_hi(r.addr, &token, "team-fast").await.status(), 200);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_set_up_by_the_configuration_files_team_section_serves_the_teams_tokens() {
    let (pg, redis) = (TempPostgres::start(), TempRedis::start());
    let (dir, shell) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let file = dir.path().join("replica.toml");
    // A password in the file is refused (and not repeated); nothing is written.
    std::fs::write(
        &file,
        "version = 1\n[team]\ndatabase = \"postgres://ana:hunter2@db.internal/switchyard\"\n",
    )
    .unwrap();
    let refused = sy_in(
        dir.path(),
        SERVICE,
        &["config", "import", file.to_str().unwrap()],
    );
    let err = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{err}");
    assert!(
        err.contains("team.database") && err.contains("SWITCHYARD_TEAM_DATABASE_PASSWORD"),
        "{err}"
    );
    assert!(!err.contains("hunter2"), "{err}");

    let text = format!(
        "version = 1\n[team]\ndatabase = \"{}\"\nredis = \"{}\"\n",
        pg.url(),
        redis.url()
    );
    std::fs::write(&file, text).unwrap();
    // The team's servers are a change of trust (the password follows the address): listed and
    // refused until the user approves them.
    let asked = sy_in(
        dir.path(),
        SERVICE,
        &["config", "import", file.to_str().unwrap()],
    );
    let err = String::from_utf8_lossy(&asked.stderr);
    assert_eq!(asked.status.code(), Some(1), "{err}");
    assert!(err.contains("team.database: none → postgres://"), "{err}");
    let imported = sy_in(
        dir.path(),
        SERVICE,
        &[
            "config",
            "import",
            "--approve-hosts",
            file.to_str().unwrap(),
        ],
    );
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    let exported = sy_in(dir.path(), SERVICE, &["config", "export"]);
    assert!(
        String::from_utf8_lossy(&exported.stdout).contains(&format!("database = \"{}\"", pg.url()))
    );

    // A plain `serve` (no flags, no team variables) is now a replica: the team's token works.
    let (code, token, err) = team(
        shell.path(),
        &pg,
        &redis,
        &["token", "create", "aider", "--owner", "bo"],
    );
    assert_eq!(code, 0, "{err}");
    let port = switchyard_team::testing::free_port();
    let mut child = super::shutdown::serve_with(dir.path(), SERVICE, port, &[]);
    let addr = ([127, 0, 0, 1], port).into();
    assert_eq!(say_hi(addr, &token, "demo-chat").await.status(), 200);
    let _ = child.kill();
    let _ = child.wait();
}

/// `backend show NAME --json` in `dir`'s own data folder.
fn local_backend(dir: &Path, name: &str) -> Option<serde_json::Value> {
    let out = sy_in(dir, SERVICE, &["backend", "show", name, "--json"]);
    out.status
        .success()
        .then(|| serde_json::from_slice(&out.stdout).unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backends_limits_set_from_an_admins_shell_reach_every_replica() {
    let (pg, redis) = (TempPostgres::start(), TempRedis::start());
    let dirs: Vec<_> = (0..2).map(|_| tempfile::tempdir().unwrap()).collect();
    let (a_dir, shell) = (dirs[0].path(), dirs[1].path());
    let _a = replica(a_dir, &pg, &redis);
    let limits = |b: &serde_json::Value| {
        (
            b["maxInFlight"].clone(),
            b["requestsPerMinute"].clone(),
            b["tokensPerMinute"].clone(),
        )
    };
    let reaches = |want: (serde_json::Value, serde_json::Value, serde_json::Value)| {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let seen = local_backend(a_dir, "Limited").map(|b| limits(&b));
            if seen.as_ref() == Some(&want) {
                return;
            }
            assert!(Instant::now() < deadline, "the replica has {seen:?}");
            std::thread::sleep(Duration::from_millis(100));
        }
    };

    let add: Vec<&str> = "backend add Limited --kind openai-compatible \
         --base-url http://127.0.0.1:9/v1 --model m --rpm 6 --tpm 5000"
        .split_whitespace()
        .collect();
    let (code, _, err) = admin(shell, &pg, &redis, &add, "");
    assert_eq!(code, 0, "{err}");
    reaches((50.into(), 6.into(), 5000.into()));

    // Out of range: refused with the dialog's message, nothing written.
    let edit = ["backend", "edit", "Limited"];
    let (code, _, err) = admin(
        shell,
        &pg,
        &redis,
        &[&edit[..], &["--tpm", "10"]].concat(),
        "",
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("Tokens per minute must be from 1,000"),
        "{err}"
    );

    let lift = [&edit[..], &["--no-rpm", "--max-in-flight", "4"]].concat();
    let (code, out, err) = admin(shell, &pg, &redis, &lift, "");
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("limits: 4 at once, no request limit, 5000 tokens/min"),
        "{out}"
    );
    reaches((4.into(), serde_json::Value::Null, 5000.into()));
}
