//! No team password on a command line (issue 70, fault 3). Every account on a machine reads
//! every process's command line (`ps`, `/proc/<pid>/cmdline`); the documented
//! `serve --team postgres://user:password@…` gave the team database to all of them. Against a
//! throw-away PostgreSQL whose role needs a password and a Redis with `requirepass`, each
//! documented way of giving the passwords — files, the environment, the keychain after
//! `switchyard team login`, the configuration file's `[team]` with the environment's
//! passwords — starts a replica that shares through both, and its command line, data folder
//! and logs hold neither password. A password in a `--team`/`--redis` argument is refused
//! before anything starts, without echoing it.

use super::files_containing;
use super::team_locked::{
    cmdline, metrics_token, private_file, serve, shares_through_redis, sy, Locked, Replica,
};
use std::path::Path;
use switchyard_team::testing::free_port;

/// What must hold of a replica started without a password on its command line: it serves, it
/// shares through the password-protected Redis, and neither password is in its command line or
/// anywhere in its data folder (database, logs).
async fn holds_no_password(how: &str, replica: &Replica, data: &Path, team: &Locked, token: &str) {
    let line = cmdline(replica.child.id());
    assert!(
        line.contains("serve"),
        "{how}: the replica's own command line: {line}"
    );
    for secret in team.secrets() {
        assert!(
            !line.contains(secret),
            "{how}: every account on the machine reads a command line: {line}"
        );
        assert!(
            files_containing(data, secret).is_empty(),
            "{how}: no password in a file of the data folder: {:?}",
            files_containing(data, secret)
        );
    }
    assert!(
        shares_through_redis(replica.addr, token).await,
        "{how}: the replica logged in to the password-protected Redis"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_given_password_files_connects_to_both_servers_and_its_command_line_holds_no_password(
) {
    let team = Locked::start();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let db_file = private_file(dir.path(), "db.password", &team.db_password);
    let redis_file = private_file(dir.path(), "redis.password", &team.redis_password);
    let token = metrics_token(&data, "switchyard-test-pw-files", &team.env());
    let args = [
        "--team",
        &team.db_url,
        "--team-password-file",
        db_file.to_str().unwrap(),
        "--redis",
        &team.redis_url,
        "--redis-password-file",
        redis_file.to_str().unwrap(),
    ];
    let replica = serve(&data, "switchyard-test-pw-files", &args, &[])
        .unwrap_or_else(|e| panic!("the password files open both servers: {e}"));
    holds_no_password("password files", &replica, &data, &team, &token).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_environments_passwords_alone_open_both_servers_for_the_variables_and_the_config_files_team(
) {
    let team = Locked::start();
    let dir = tempfile::tempdir().unwrap();
    let service = "switchyard-test-pw-env";
    let data = dir.path().join("env");
    let token = metrics_token(&data, service, &team.env());
    let replica = serve(&data, service, &[], &team.env())
        .unwrap_or_else(|e| panic!("the environment's passwords alone open the servers: {e}"));
    holds_no_password("environment", &replica, &data, &team, &token).await;
    drop(replica);

    // The configuration file's [team] names the servers, without passwords; the environment
    // gives only the passwords.
    let file_data = dir.path().join("file");
    let toml = format!(
        "version = 1\n[team]\ndatabase = \"{}\"\nredis = \"{}\"\n",
        team.db_url, team.redis_url
    );
    let conf = private_file(dir.path(), "replica.toml", &toml);
    let imported = sy(
        &file_data,
        service,
        &[
            "config",
            "import",
            conf.to_str().unwrap(),
            "--approve-hosts",
        ],
        &[],
        "",
    );
    let err = String::from_utf8_lossy(&imported.stderr);
    assert_eq!(imported.status.code(), Some(0), "{err}");
    let passwords_only: Vec<_> = team
        .env()
        .into_iter()
        .filter(|(k, _)| k.ends_with("_PASSWORD"))
        .collect();
    let replica = serve(&file_data, service, &[], &passwords_only)
        .unwrap_or_else(|e| panic!("the file's servers with the environment's passwords: {e}"));
    holds_no_password("config file", &replica, &file_data, &team, &token).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn team_login_keeps_both_passwords_in_the_keychain_and_serve_uses_them_with_bare_urls() {
    let team = Locked::start();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let service = &format!("switchyard-test-pw-login-{}", std::process::id());
    let urls = ["--team", &team.db_url, "--redis", &team.redis_url];
    let login = |stdin: &str| {
        sy(
            &data,
            service,
            &[&["team", "login"], &urls[..]].concat(),
            &[],
            stdin,
        )
    };

    let wrong = login("not the password\n\n");
    let err = String::from_utf8_lossy(&wrong.stderr);
    assert_eq!(
        wrong.status.code(),
        Some(1),
        "a wrong password is refused: {err}"
    );
    assert!(
        serve(&data, service, &urls, &[]).is_err(),
        "nothing was kept from a refused login"
    );

    let both = format!("{}\n{}\n", team.db_password, team.redis_password);
    let ok = login(&both);
    let (out, err) = (
        String::from_utf8_lossy(&ok.stdout),
        String::from_utf8_lossy(&ok.stderr),
    );
    assert_eq!(ok.status.code(), Some(0), "{out}{err}");
    for secret in team.secrets() {
        assert!(!out.contains(secret) && !err.contains(secret), "{out}{err}");
    }

    // The team commands use the keychain too: no password anywhere but there.
    let token = metrics_token(
        &data,
        service,
        &[("SWITCHYARD_TEAM_DATABASE_URL", team.db_url.clone())],
    );
    let replica = serve(&data, service, &urls, &[])
        .unwrap_or_else(|e| panic!("the keychain's passwords open both servers: {e}"));
    holds_no_password("keychain", &replica, &data, &team, &token).await;
    drop(replica);

    let out = sy(
        &data,
        service,
        &[&["team", "logout"], &urls[..]].concat(),
        &[],
        "",
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        serve(&data, service, &urls, &[]).is_err(),
        "after logout the keychain holds no password for the team database"
    );
}

#[tokio::test]
async fn a_password_in_a_team_or_redis_argument_is_refused_before_anything_starts_never_echoed() {
    let team = Locked::start();
    let dir = tempfile::tempdir().unwrap();
    let secret = "hunter2-in-argv";
    let in_url = team
        .db_url
        .replace("switchyard@", &format!("switchyard:{secret}@"));
    let in_query = format!("{}?password={secret}", team.db_url);
    let key_value = format!(
        "host=127.0.0.1 port={} user=switchyard password={secret} dbname=switchyard",
        team.db_url
            .rsplit(':')
            .next()
            .unwrap()
            .split('/')
            .next()
            .unwrap()
    );
    let redis_in_url = team
        .redis_url
        .replace("redis://", &format!("redis://:{secret}@"));
    let cases: Vec<(&str, Vec<&str>)> = vec![
        ("serve --team URL", vec!["serve", "--team", &in_url]),
        (
            "serve --team URL?password=",
            vec!["serve", "--team", &in_query],
        ),
        (
            "serve --team key=value",
            vec!["serve", "--team", &key_value],
        ),
        (
            "serve --redis URL",
            vec!["serve", "--team", &team.db_url, "--redis", &redis_in_url],
        ),
        (
            "team --team URL token list",
            vec!["team", "--team", &in_url, "token", "list"],
        ),
        (
            "team token list --redis URL",
            vec![
                "team",
                "token",
                "list",
                "--team",
                &team.db_url,
                "--redis",
                &redis_in_url,
            ],
        ),
        (
            "team login --team URL",
            vec!["team", "login", "--team", &in_url],
        ),
    ];
    for (how, args) in cases {
        let data = dir.path().join(how.replace(' ', "_"));
        let port = free_port().to_string();
        let mut words = args.clone();
        if words[0] == "serve" {
            words.extend(["--port", &port]);
        }
        let out = sy(&data, "switchyard-test-pw-refused", &words, &[], "x\n");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{how}: refused as a usage error: {err}"
        );
        assert!(
            !err.contains(secret),
            "{how}: the password is not echoed: {err}"
        );
        let server = if how.contains("--redis") {
            "redis"
        } else {
            "team"
        };
        for way in [
            format!("--{server}-password-file"),
            format!(
                "SWITCHYARD_TEAM_{}_PASSWORD",
                if server == "team" {
                    "DATABASE"
                } else {
                    "REDIS"
                }
            ),
            "switchyard team login".to_string(),
        ] {
            assert!(err.contains(&way), "{how}: the refusal names {way}: {err}");
        }
        assert!(
            !data.exists(),
            "{how}: nothing was opened, not even the data folder"
        );
        assert!(
            std::net::TcpStream::connect(("127.0.0.1", port.parse::<u16>().unwrap())).is_err(),
            "{how}: no gateway started"
        );
    }
    assert!(
        !team.schema_exists().await,
        "no command reached the team database with the password it was given in an argument"
    );
}

#[tokio::test]
async fn a_password_file_every_account_can_read_is_refused_naming_the_file_not_its_content() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let file = private_file(dir.path(), "db.password", "open-to-all-secret");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let url = format!("postgres://switchyard@127.0.0.1:{}/switchyard", free_port());
    let args = [
        "--team",
        &url,
        "--team-password-file",
        file.to_str().unwrap(),
    ];
    let e = match serve(
        &dir.path().join("data"),
        "switchyard-test-pw-mode",
        &args,
        &[],
    ) {
        Ok(_) => panic!("a password file others can read is refused"),
        Err(e) => e,
    };
    assert!(!e.contains("open-to-all-secret"), "{e}");
    assert!(
        e.contains(file.to_str().unwrap()) && e.contains("chmod 600"),
        "names the file and the fix: {e}"
    );
}

#[tokio::test]
async fn a_database_that_asks_for_a_password_none_was_given_for_names_the_ways_to_give_one() {
    let team = Locked::start();
    let dir = tempfile::tempdir().unwrap();
    let args = ["--team", &team.db_url];
    let e = match serve(
        &dir.path().join("data"),
        "switchyard-test-pw-none",
        &args,
        &[],
    ) {
        Ok(_) => panic!("the role needs its password"),
        Err(e) => e,
    };
    for way in [
        "--team-password-file",
        "SWITCHYARD_TEAM_DATABASE_PASSWORD",
        "switchyard team login",
    ] {
        assert!(
            e.contains(way),
            "the failure says how to give the password ({way}): {e}"
        );
    }
}
