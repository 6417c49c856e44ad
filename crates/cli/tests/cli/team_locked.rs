//! A team whose servers ask for passwords (issue 70), and the replicas and commands the tests of
//! `team_passwords` and `team_neighbour` run against it: a throw-away PostgreSQL with a role that
//! must log in with its password and a Redis with `requirepass`, the passwords holding
//! characters a URL would have to escape.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};
use switchyard_team::testing::{free_port, TempPostgres, TempRedis};

/// The role the team database's password opens.
const ROLE: &str = "switchyard";

/// What the tests' replicas and commands must not inherit from the shell that runs the tests.
const TEAM_ENV: &[&str] = &[
    "SWITCHYARD_TEAM_DATABASE_URL",
    "SWITCHYARD_TEAM_DATABASE_PASSWORD",
    "SWITCHYARD_TEAM_REDIS_URL",
    "SWITCHYARD_TEAM_REDIS_PASSWORD",
];

/// A password-protected team: its servers, the URLs without passwords, and the passwords (with
/// characters a URL would have to escape).
pub(super) struct Locked {
    /// Held: the servers stop when it is dropped.
    _pg: TempPostgres,
    _redis: TempRedis,
    pub(super) db_url: String,
    pub(super) redis_url: String,
    pub(super) db_password: String,
    pub(super) redis_password: String,
}

impl Locked {
    pub(super) fn start() -> Locked {
        let tag = &uuid::Uuid::new_v4().simple().to_string()[..12];
        let db_password = format!("pg p@ss:{tag}/x");
        let redis_password = format!("rd p@ss:{tag}/y");
        let pg = TempPostgres::start();
        let db_url = pg.password_role(ROLE, &db_password);
        let redis = TempRedis::start_with_password(&redis_password);
        assert!(
            redis.accepts(&redis_password) && !redis.accepts("wrong"),
            "the test's Redis must need its password"
        );
        let redis_url = redis.url();
        Locked {
            _pg: pg,
            _redis: redis,
            db_url,
            redis_url,
            db_password,
            redis_password,
        }
    }

    /// Both URLs and both passwords in the environment (the documented environment form).
    pub(super) fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("SWITCHYARD_TEAM_DATABASE_URL", self.db_url.clone()),
            (
                "SWITCHYARD_TEAM_DATABASE_PASSWORD",
                self.db_password.clone(),
            ),
            ("SWITCHYARD_TEAM_REDIS_URL", self.redis_url.clone()),
            (
                "SWITCHYARD_TEAM_REDIS_PASSWORD",
                self.redis_password.clone(),
            ),
        ]
    }

    /// The text that must never show: either password.
    pub(super) fn secrets(&self) -> [&str; 2] {
        [&self.db_password, &self.redis_password]
    }

    /// Whether the team's schema was ever created in the role's database (a replica or a team
    /// command that connected creates it).
    pub(super) async fn schema_exists(&self) -> bool {
        let url = format!("{}?user=postgres", self.db_url.replace("switchyard@", ""));
        let (db, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(conn);
        let row = db
            .query_one("SELECT to_regclass('switchyard_schema') IS NOT NULL", &[])
            .await
            .unwrap();
        row.get(0)
    }
}

/// A file holding `text` that only this account can read.
pub(super) fn private_file(dir: &Path, name: &str, text: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = dir.join(name);
    std::fs::write(&path, "").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    std::fs::write(&path, format!("{text}\n")).unwrap();
    path
}

/// `switchyard-serve` on data folder `data` and keychain service `service`, with `env` and
/// nothing of the test shell's team variables; the caller adds the arguments.
fn serve_command(data: &Path, service: &str, env: &[(&str, String)]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_switchyard-serve"));
    c.env("SWITCHYARD_DATA_DIR", data)
        .env("SWITCHYARD_KEYRING_SERVICE", service);
    for name in TEAM_ENV {
        c.env_remove(name);
    }
    c.envs(env.iter().map(|(k, v)| (k, v)));
    c
}

/// `switchyard-serve ARGS` on data folder `data` and keychain service `service`, with `env` and
/// nothing of the test shell's team variables, `stdin` piped in.
pub(super) fn sy(
    data: &Path,
    service: &str,
    args: &[&str],
    env: &[(&str, String)],
    stdin: &str,
) -> Output {
    use std::io::Write;
    let mut child = serve_command(data, service, env)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    child.wait_with_output().unwrap()
}

/// A `switchyard-serve serve` of this test, killed when dropped.
pub(super) struct Replica {
    pub(super) child: Child,
    pub(super) addr: SocketAddr,
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `switchyard-serve serve --port P ARGS` and waits until it listens (it connects to the
/// team database first); `Err` with its stderr when it stops instead.
pub(super) fn serve(
    data: &Path,
    service: &str,
    args: &[&str],
    env: &[(&str, String)],
) -> Result<Replica, String> {
    let port = free_port();
    std::fs::create_dir_all(data).unwrap();
    let err_file = data.with_extension("stderr");
    let mut child = serve_command(data, service, env)
        .args(["serve", "--port", &port.to_string()])
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&err_file).unwrap())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let err = std::fs::read_to_string(&err_file).unwrap_or_default();
            return Err(format!("serve stopped ({status}): {err}"));
        }
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(Replica {
                child,
                addr: ([127, 0, 0, 1], port).into(),
            });
        }
        assert!(Instant::now() < deadline, "serve did not listen on {port}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The command line of process `pid`, as `ps` shows it to every account.
pub(super) fn cmdline(pid: u32) -> String {
    std::fs::read(format!("/proc/{pid}/cmdline"))
        .map(|b| String::from_utf8_lossy(&b).replace('\0', " "))
        .unwrap()
}

/// Waits (5 s at most) until the replica at `addr` says on `/metrics` that it shares through
/// Redis (`switchyard_team_redis_up … 1`): it logged in to the password-protected Redis.
pub(super) async fn shares_through_redis(addr: SocketAddr, metrics_token: &str) -> bool {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let text = super::scrape_metrics(addr, metrics_token).await;
        let up = text
            .lines()
            .any(|l| l.starts_with("switchyard_team_redis_up") && l.ends_with(" 1"));
        if up {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A metrics-only team token, made with `env`'s servers and passwords.
pub(super) fn metrics_token(data: &Path, service: &str, env: &[(&str, String)]) -> String {
    let args = [
        "team",
        "token",
        "create",
        "prom",
        "--owner",
        "ops",
        "--metrics-only",
    ];
    let out = sy(data, service, &args, env, "");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}
