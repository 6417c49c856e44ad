//! Throw-away PostgreSQL and Redis for tests: each in its own temporary folder, on a free port of
//! 127.0.0.1, started by the test and stopped when dropped. Never the machine's own services.
//! PostgreSQL refuses to run as root, so under root its files belong to the `postgres` user
//! (which Debian's package creates) and its programs run as that user.
//!
//! Panics with what is missing when the programs are not installed (`./dev` installs them).

#![allow(clippy::expect_used)]

use crate::{Given, ServerAddress};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

mod passwords;

/// A server address as a test gives it: on the command line.
pub fn address(url: &str) -> ServerAddress {
    ServerAddress::given(url, Given::Flag)
}

/// A free TCP port on 127.0.0.1 (free a moment ago).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("no free port on 127.0.0.1")
}

fn running_as_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// Where PostgreSQL's server programs are: Debian keeps them out of `PATH`.
fn pg_bin() -> PathBuf {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|d| d.flatten().map(|e| e.path().join("bin")).collect())
        .unwrap_or_default();
    versions.retain(|p| p.join("initdb").exists());
    versions.sort();
    versions
        .pop()
        .expect("PostgreSQL is not installed (apt-get install postgresql)")
}

/// A PostgreSQL server of its own.
pub struct TempPostgres {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
    root: bool,
    /// Serves only TLS connections, with a certificate of a CA made for it.
    tls: bool,
}

impl TempPostgres {
    /// Initialises a cluster and starts it; its superuser is `postgres`, without a password.
    pub fn start() -> TempPostgres {
        Self::start_with(false)
    }

    /// As [`TempPostgres::start`], but it accepts TLS connections only (`hostssl`), with a
    /// certificate for 127.0.0.1 signed by a CA of its own ([`TempPostgres::ca_file`]).
    pub fn start_tls() -> TempPostgres {
        Self::start_with(true)
    }

    fn start_with(tls: bool) -> TempPostgres {
        let dir = tempfile::Builder::new()
            .prefix("switchyard-pg-")
            .tempdir()
            .expect("a temporary folder");
        let mut pg = TempPostgres {
            bin: pg_bin(),
            port: free_port(),
            root: running_as_root(),
            dir,
            tls,
        };
        if pg.root {
            run(Command::new("chown")
                .arg("postgres:postgres")
                .arg(pg.dir.path()));
        }
        let data = pg.data();
        run(pg.command("initdb").arg("-D").arg(&data).args([
            "-U",
            "postgres",
            "--auth=trust",
            "--no-sync",
            "-E",
            "UTF8",
            "--locale=C",
        ]));
        if tls {
            pg.make_certificates();
        }
        // The free port can be taken by another test between picking and binding it: then the
        // server stops at once, saying so in its log, and starts again on another port.
        for _ in 0..3 {
            match pg.try_start_server() {
                Ok(()) => return pg,
                Err(e) if e.contains("Address already in use") => pg.port = free_port(),
                Err(e) => panic!("{e}"),
            }
        }
        panic!("PostgreSQL found no free port in three tries");
    }

    /// The PEM file of the CA that signed a TLS server's certificate.
    pub fn ca_file(&self) -> PathBuf {
        self.dir.path().join("ca.crt")
    }

    /// A CA and a server certificate for 127.0.0.1 (openssl), and `hostssl` only in pg_hba.conf.
    fn make_certificates(&self) {
        let d = self.dir.path();
        let data = self.data();
        std::fs::write(
            d.join("server.ext"),
            "subjectAltName=IP:127.0.0.1,DNS:localhost\n",
        )
        .expect("server.ext");
        let openssl = |args: &[&str]| run(Command::new("openssl").current_dir(d).args(args));
        openssl(&[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.crt",
            "-days",
            "2",
            "-subj",
            "/CN=switchyard test CA",
        ]);
        openssl(&[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=127.0.0.1",
        ]);
        openssl(&[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.crt",
            "-days",
            "2",
            "-extfile",
            "server.ext",
        ]);
        for f in ["server.crt", "server.key"] {
            std::fs::copy(d.join(f), data.join(f)).expect("a certificate file");
        }
        let hba = data.join("pg_hba.conf");
        let text = std::fs::read_to_string(&hba).expect("pg_hba.conf");
        let only_tls: String = text
            .lines()
            .map(|l| match l.strip_prefix("host ") {
                Some(rest) => format!("hostssl {rest}\n"),
                None => format!("{l}\n"),
            })
            .collect();
        std::fs::write(&hba, only_tls).expect("pg_hba.conf");
        if self.root {
            run(Command::new("chown")
                .arg("-R")
                .arg("postgres:postgres")
                .arg(&data));
        }
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            data.join("server.key"),
            std::fs::Permissions::from_mode(0o600),
        )
        .expect("server.key's mode");
    }

    /// `postgres://postgres@127.0.0.1:<port>/postgres`.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// [`TempPostgres::url`] as a test gives it: on the command line.
    pub fn address(&self) -> ServerAddress {
        address(&self.url())
    }

    /// Stops the server at once (as a crash would: no shutdown checkpoint).
    pub fn stop(&self) {
        run(self.command("pg_ctl").arg("-D").arg(self.data()).args([
            "-m",
            "immediate",
            "-w",
            "stop",
        ]));
    }

    /// The server's main process (its children serve the connections), while it runs.
    pub fn pid(&self) -> Option<u32> {
        let text = std::fs::read_to_string(self.data().join("postmaster.pid")).ok()?;
        text.lines().next()?.trim().parse().ok()
    }

    /// Starts it again on the same port, with the same data.
    pub fn restart(&self) {
        self.start_server();
    }

    fn start_server(&self) {
        if let Err(e) = self.try_start_server() {
            panic!("{e}");
        }
    }

    /// Starts the server and waits for it; the failure says why, with the server's log.
    fn try_start_server(&self) -> Result<(), String> {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off{}",
            self.port,
            self.dir.path().display(),
            if self.tls { " -c ssl=on" } else { "" }
        );
        let log = self.dir.path().join("server.log");
        let out = self
            .command("pg_ctl")
            .arg("-D")
            .arg(self.data())
            .arg("-l")
            .arg(&log)
            .args(["-w", "-t", "60", "-o", &options, "start"])
            .output()
            .expect("pg_ctl to run");
        if out.status.success() {
            return Ok(());
        }
        Err(format!(
            "pg_ctl start failed: {}{}\nserver log:\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr),
            std::fs::read_to_string(&log).unwrap_or_default()
        ))
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// A server program, as `postgres` when this runs as root, in the server's own folder (a
    /// test's working folder may be closed to `postgres`).
    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        let mut c = if self.root {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(path);
            c
        } else {
            Command::new(path)
        };
        c.current_dir(self.dir.path());
        c
    }
}

impl Drop for TempPostgres {
    fn drop(&mut self) {
        let _ = self
            .command("pg_ctl")
            .arg("-D")
            .arg(self.data())
            .args(["-m", "immediate", "-w", "stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

/// A Redis server of its own (no persistence).
pub struct TempRedis {
    dir: tempfile::TempDir,
    port: u16,
    child: Mutex<Option<Child>>,
    /// Its configuration file, first on its command line (`requirepass`: see `passwords`).
    conf: Option<PathBuf>,
}

impl TempRedis {
    pub fn start() -> TempRedis {
        Self::start_in(passwords::redis_dir(), None)
    }

    /// `redis://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// [`TempRedis::url`] as a test gives it: on the command line.
    pub fn address(&self) -> ServerAddress {
        address(&self.url())
    }

    /// Kills the server (as a crash would).
    pub fn stop(&self) {
        self.resume();
        if let Some(mut child) = self.child.lock().expect("the child").take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Freezes the server (SIGSTOP): it keeps its data and its connections but answers nothing,
    /// as a stalled host would.
    pub fn pause(&self) {
        self.signal("-STOP");
    }

    /// Lets a paused server go on (SIGCONT).
    pub fn resume(&self) {
        self.signal("-CONT");
    }

    fn signal(&self, which: &str) {
        if let Some(child) = self.child.lock().expect("the child").as_ref() {
            run(Command::new("kill").arg(which).arg(child.id().to_string()));
        }
    }

    /// Starts it (again) on the same port, empty.
    pub fn restart(&self) {
        self.stop();
        let child = Command::new("redis-server")
            .args(&self.conf)
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .arg("--dir")
            .arg(self.dir.path())
            .args(["--save", "", "--appendonly", "no", "--daemonize", "no"])
            .arg("--logfile")
            .arg(self.dir.path().join("redis.log"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server is not installed (apt-get install redis-server)");
        *self.child.lock().expect("the child") = Some(child);
        wait_for_port(self.port, self.dir.path());
    }
}

impl Drop for TempRedis {
    fn drop(&mut self) {
        self.stop();
    }
}

fn wait_for_port(port: u16, dir: &Path) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "redis-server did not listen on {port} (see {})",
            dir.display()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn run(command: &mut Command) {
    let out = command.output().expect("a program to run");
    assert!(
        out.status.success(),
        "{command:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
