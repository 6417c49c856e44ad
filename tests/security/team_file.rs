//! Issue 53, finding 1: a configuration file's `[team]` section names the servers a replica
//! serves from, and the team database's password (`SWITCHYARD_TEAM_DATABASE_PASSWORD`) follows
//! that address. So an imported file that names team servers is a change the user approves,
//! like a key sent to a new host: refused and listed without `--approve-hosts`, and until then
//! `serve` sends the password nowhere. A fake PostgreSQL that asks for a cleartext password
//! stands in for the file's server and records what it is sent.

use crate::harness::BIN;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const PASSWORD: &str = "pg-CANARYpassw0rdTEAM53";

/// A server on 127.0.0.1 that speaks PostgreSQL's start-up far enough to be sent a password.
struct FakePostgres {
    addr: SocketAddr,
    passwords: Arc<Mutex<Vec<String>>>,
}

fn read_message(conn: &mut TcpStream) -> Option<Vec<u8>> {
    let mut len = [0u8; 4];
    conn.read_exact(&mut len).ok()?;
    let len = usize::try_from(u32::from_be_bytes(len))
        .ok()?
        .checked_sub(4)?;
    let mut body = vec![0u8; len.min(1 << 16)];
    conn.read_exact(&mut body).ok()?;
    Some(body)
}

fn asked_for_password(mut conn: TcpStream) -> Option<String> {
    conn.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let mut first = read_message(&mut conn)?;
    if first.get(..4) == Some(&[0x04, 0xd2, 0x16, 0x2f]) {
        // SSLRequest: no TLS here, then the real start-up message.
        conn.write_all(b"N").ok()?;
        first = read_message(&mut conn)?;
    }
    drop(first);
    // AuthenticationCleartextPassword.
    conn.write_all(&[b'R', 0, 0, 0, 8, 0, 0, 0, 3]).ok()?;
    let mut tag = [0u8; 1];
    conn.read_exact(&mut tag).ok()?;
    let body = read_message(&mut conn)?;
    Some(
        String::from_utf8_lossy(&body)
            .trim_end_matches('\0')
            .to_string(),
    )
}

impl FakePostgres {
    fn start() -> FakePostgres {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let passwords = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&passwords);
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                let seen = Arc::clone(&seen);
                std::thread::spawn(move || {
                    if let Some(p) = asked_for_password(conn) {
                        seen.lock().unwrap().push(p);
                    }
                });
            }
        });
        FakePostgres { addr, passwords }
    }

    fn got_password(&self) -> bool {
        self.passwords.lock().unwrap().iter().any(|p| p == PASSWORD)
    }
}

fn sy(data: &std::path::Path, service: &str, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("SWITCHYARD_DATA_DIR", data)
        .env("SWITCHYARD_KEYRING_SERVICE", service)
        .env("RUST_LOG", "warn")
        .env_remove("SWITCHYARD_TEAM_DATABASE_URL")
        .env_remove("SWITCHYARD_TEAM_REDIS_URL")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// `serve` with the team database's password in its environment, as a replica's operator
/// starts it: the first line it prints (the address it listens on), or its error output when
/// it exits first.
fn serve_with_password(data: &std::path::Path, service: &str) -> String {
    let mut child = Command::new(BIN)
        .arg("serve")
        .env("SWITCHYARD_DATA_DIR", data)
        .env("SWITCHYARD_KEYRING_SERVICE", service)
        .env("SWITCHYARD_GATEWAY_PORT", "0")
        .env("SWITCHYARD_TEAM_DATABASE_PASSWORD", PASSWORD)
        .env_remove("SWITCHYARD_TEAM_DATABASE_URL")
        .env_remove("SWITCHYARD_TEAM_REDIS_URL")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    let _ = BufReader::new(child.stdout.take().unwrap()).read_line(&mut first);
    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    format!("{first}{}", String::from_utf8_lossy(&out.stderr))
}

#[test]
fn a_files_team_servers_are_approved_before_the_database_password_goes_there() {
    let pg = FakePostgres::start();
    let data = tempfile::tempdir().unwrap();
    let service = format!("switchyard-security-{}", uuid::Uuid::new_v4().simple());
    let file = data.path().join("teammate.toml");
    let database = format!("postgres://ana@{}/switchyard", pg.addr);
    std::fs::write(
        &file,
        format!(
            "version = 1\n[team]\ndatabase = \"{database}\"\nredis = \"redis://127.0.0.1:1\"\n"
        ),
    )
    .unwrap();

    let asked = sy(
        data.path(),
        &service,
        &["config", "import", file.to_str().unwrap()],
    );
    let err = String::from_utf8_lossy(&asked.stderr);
    assert_eq!(
        asked.status.code(),
        Some(1),
        "a file naming team servers is refused without the user's approval: {err}"
    );
    assert!(
        err.contains(&format!("team.database: none → {database}"))
            && err.contains("team.redis: none → redis://127.0.0.1:1")
            && err.contains("--approve-hosts"),
        "the refusal lists both servers and the way to approve them: {err}"
    );
    let exported = sy(data.path(), &service, &["config", "export"]);
    assert!(
        !String::from_utf8_lossy(&exported.stdout).contains("[team]"),
        "nothing of the refused file was kept"
    );
    let first = serve_with_password(data.path(), &service);
    assert!(
        first.starts_with("Switchyard gateway listening on"),
        "serve runs alone: {first}"
    );
    assert!(
        !pg.got_password(),
        "the password was sent to a database the user never approved"
    );

    // The user's approval is what sends it there.
    let approved = sy(
        data.path(),
        &service,
        &[
            "config",
            "import",
            "--approve-hosts",
            file.to_str().unwrap(),
        ],
    );
    assert!(
        approved.status.success(),
        "{}",
        String::from_utf8_lossy(&approved.stderr)
    );
    let out = serve_with_password(data.path(), &service);
    assert!(
        pg.got_password(),
        "an approved team database is where the password goes: {out}"
    );
    assert!(
        !out.contains(PASSWORD),
        "the password is in no error message: {out}"
    );
}
