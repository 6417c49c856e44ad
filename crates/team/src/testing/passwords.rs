//! Throw-away servers that ask for a password (issue 70): a PostgreSQL role that must log in
//! with one (scram-sha-256, first in `pg_hba.conf`) and a Redis with `requirepass`. The
//! passwords reach the servers through psql's stdin and a configuration file only the test's
//! account can read, never through a command line: a test that reads every process's command
//! line (as another account on the machine would) must find no password but the one it looks
//! for in Switchyard's.

use super::{free_port, run, TempPostgres, TempRedis};
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Stdio};
use std::sync::Mutex;

impl TempPostgres {
    /// Makes role `role` (letters, digits and `_` only), which logs in over TCP only with
    /// `password`, owner of a database of the same name (so it can create the team's schema),
    /// and returns its URL without the password: `postgres://ROLE@127.0.0.1:PORT/ROLE`.
    pub fn password_role(&self, role: &str, password: &str) -> String {
        assert!(
            role.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
            "a plain role name"
        );
        let quoted = password.replace('\'', "''");
        let sql = format!(
            "CREATE ROLE {role} LOGIN PASSWORD '{quoted}';\nCREATE DATABASE {role} OWNER {role};\n"
        );
        let mut psql = self
            .command("psql")
            .args(["-h", "127.0.0.1", "-p", &self.port.to_string()])
            .args([
                "-U",
                "postgres",
                "-d",
                "postgres",
                "-v",
                "ON_ERROR_STOP=1",
                "-q",
                "-f",
                "-",
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("psql to run");
        psql.stdin
            .take()
            .expect("psql's stdin")
            .write_all(sql.as_bytes())
            .expect("the role's SQL");
        let out = psql.wait_with_output().expect("psql to finish");
        assert!(
            out.status.success(),
            "psql failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // First match wins: this role, over TCP, only with its password; the rest stays trust.
        let hba = self.data().join("pg_hba.conf");
        let text = std::fs::read_to_string(&hba).expect("pg_hba.conf");
        let line = format!("host all {role} 127.0.0.1/32 scram-sha-256\n");
        std::fs::write(&hba, format!("{line}{text}")).expect("pg_hba.conf");
        run(self
            .command("pg_ctl")
            .arg("-D")
            .arg(self.data())
            .arg("reload"));
        format!("postgres://{role}@127.0.0.1:{}/{role}", self.port)
    }
}

impl TempRedis {
    /// A Redis that answers only after `AUTH password` (`requirepass`, from a file of mode
    /// 0600). Its URL ([`TempRedis::url`]) holds no password.
    pub fn start_with_password(password: &str) -> TempRedis {
        let dir = redis_dir();
        let conf = dir.path().join("redis.conf");
        std::fs::write(&conf, "").expect("redis.conf");
        std::fs::set_permissions(&conf, std::fs::Permissions::from_mode(0o600))
            .expect("redis.conf's mode");
        let quoted = password.replace('\\', "\\\\").replace('"', "\\\"");
        std::fs::write(&conf, format!("requirepass \"{quoted}\"\n")).expect("redis.conf");
        Self::start_in(dir, Some(conf))
    }

    pub(super) fn start_in(dir: tempfile::TempDir, conf: Option<std::path::PathBuf>) -> TempRedis {
        let redis = TempRedis {
            dir,
            port: free_port(),
            child: Mutex::new(None),
            conf,
        };
        redis.restart();
        redis
    }

    /// Whether `password` opens this Redis (AUTH through redis-cli's stdin).
    pub fn accepts(&self, password: &str) -> bool {
        let mut cli = Command::new("redis-cli")
            .args(["-h", "127.0.0.1", "-p", &self.port.to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-cli to run");
        let _ = cli
            .stdin
            .take()
            .expect("redis-cli's stdin")
            .write_all(format!("AUTH \"{password}\"\nPING\n").as_bytes());
        let out = cli.wait_with_output().expect("redis-cli to finish");
        String::from_utf8_lossy(&out.stdout).contains("PONG")
    }
}

/// A Redis server's own temporary folder.
pub(super) fn redis_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("switchyard-redis-")
        .tempdir()
        .expect("a temporary folder")
}
