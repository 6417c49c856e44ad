//! The team's passwords as another account on the same machine sees them (issue 70, fault 3),
//! for real: a throw-away system account (`sy-nb-team`) lists every process (`ps`), reads the
//! replicas' command lines and tries their environments and password files, while replicas run
//! each documented way — password files, the environment, the keychain after `team login`. It
//! must see the replicas (so the look is not blind) and neither password. Needs root to make the
//! account; `team_passwords` holds the same checks of `/proc/<pid>/cmdline` as this account.

use super::team_locked::{private_file, serve, sy, Locked};
use std::process::Command;

/// The throw-away second account.
const NEIGHBOUR: &str = "sy-nb-team";

/// Runs `args` as the neighbour: (exit code, stdout).
fn as_neighbour(args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new("runuser")
        .args(["-u", NEIGHBOUR, "--"])
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).replace('\0', " "),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs root: acts as a second account (./dev test runs ignored tests)"]
async fn another_account_reads_no_team_password_in_the_process_table_or_the_replicas_files() {
    let made = Command::new("useradd")
        .args([
            "--system",
            "--no-create-home",
            "--shell",
            "/usr/sbin/nologin",
            NEIGHBOUR,
        ])
        .output()
        .unwrap();
    // 9: the account is there already (an earlier run).
    assert!(
        matches!(made.status.code(), Some(0 | 9)),
        "useradd: {made:?}"
    );
    let team = Locked::start();
    let dir = tempfile::tempdir().unwrap();
    let service = &format!("switchyard-test-pw-neighbour-{}", std::process::id());
    let db_file = private_file(dir.path(), "db.password", &team.db_password);
    let redis_file = private_file(dir.path(), "redis.password", &team.redis_password);
    let (db_file, redis_file) = (db_file.to_str().unwrap(), redis_file.to_str().unwrap());
    let urls = ["--team", &team.db_url, "--redis", &team.redis_url];

    let files = [
        &urls[..],
        &[
            "--team-password-file",
            db_file,
            "--redis-password-file",
            redis_file,
        ],
    ]
    .concat();
    let by_files = serve(&dir.path().join("files"), service, &files, &[]).unwrap();
    let by_env = serve(&dir.path().join("env"), service, &[], &team.env()).unwrap();
    let both = format!("{}\n{}\n", team.db_password, team.redis_password);
    let login = [&["team", "login"], &urls[..]].concat();
    let logged_in = sy(&dir.path().join("keychain"), service, &login, &[], &both);
    assert_eq!(logged_in.status.code(), Some(0), "{logged_in:?}");
    let by_keychain = serve(&dir.path().join("keychain"), service, &urls, &[]).unwrap();

    let (_, table) = as_neighbour(&["ps", "-eww", "-o", "args"]);
    let (_, with_env) = as_neighbour(&["ps", "axeww", "-o", "args"]);
    for replica in [&by_files, &by_env, &by_keychain] {
        let pid = replica.child.id().to_string();
        assert!(
            table.contains(&format!("--port {}", replica.addr.port())),
            "the neighbour sees the replica in the process table (else this test proves nothing):\n{table}"
        );
        let (code, line) = as_neighbour(&["cat", &format!("/proc/{pid}/cmdline")]);
        assert_eq!(code, Some(0), "a command line is every account's to read");
        let (code, _) = as_neighbour(&["cat", &format!("/proc/{pid}/environ")]);
        assert_ne!(
            code,
            Some(0),
            "a process's environment is its own account's"
        );
        for secret in team.secrets() {
            assert!(
                !line.contains(secret),
                "the neighbour read a password: {line}"
            );
        }
    }
    for secret in team.secrets() {
        assert!(
            !table.contains(secret),
            "a password in the process table:\n{table}"
        );
        assert!(
            !with_env.contains(secret),
            "a password in an environment ps showed"
        );
    }
    for file in [db_file, redis_file] {
        let (code, _) = as_neighbour(&["cat", file]);
        assert_ne!(code, Some(0), "the password files are this account's alone");
    }
    let logout = [&["team", "logout"], &urls[..]].concat();
    sy(&dir.path().join("keychain"), service, &logout, &[], "");
}
