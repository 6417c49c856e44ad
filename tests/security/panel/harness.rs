//! The panel security suite's plumbing: a real `switchyard-tray serve --ui` on a free loopback
//! port with its own data folder and keychain service, its CLI, a sign-in, a command through the
//! panel, and one raw HTTP request.

use reqwest::blocking::{Client, Response};
use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_switchyard-tray");

/// A data folder and keychain service of its own, for a `serve --ui` and its CLI.
pub struct Setup {
    pub data: tempfile::TempDir,
    service: String,
}

impl Default for Setup {
    fn default() -> Self {
        Setup::new()
    }
}

impl Setup {
    pub fn new() -> Setup {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Setup {
            data: tempfile::tempdir().unwrap(),
            service: format!("switchyard-panel-sec-{}-{n}", std::process::id()),
        }
    }

    /// `switchyard-tray ARGS…` on this data folder and keychain, not started.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(BIN);
        cmd.args(args)
            .env("SWITCHYARD_DATA_DIR", self.data.path())
            .env("SWITCHYARD_KEYRING_SERVICE", &self.service)
            .env("SWITCHYARD_NO_UPDATE_CHECK", "1")
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null());
        cmd
    }

    /// `switchyard-tray ARGS…`, which must succeed; its stdout.
    pub fn cli(&self, args: &[&str]) -> String {
        let out = self.command(args).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap().trim().to_string()
    }

    /// `switchyard-tray ARGS…` with `input` on its standard input, which must succeed.
    pub fn cli_stdin(&self, args: &[&str], input: &str) -> String {
        crate::stdin::run_with_input(&mut self.command(args), input)
            .trim()
            .to_string()
    }

    /// Imports a configuration file holding `toml` (its hosts approved).
    pub fn import(&self, toml: &str) {
        let file = self.data.path().join("import.toml");
        std::fs::write(&file, toml).unwrap();
        self.cli(&[
            "config",
            "import",
            file.to_str().unwrap(),
            "--approve-hosts",
        ]);
    }
}

/// `switchyard-tray serve --ui` on a free port, stopped when dropped.
pub struct Panel {
    pub addr: SocketAddr,
    /// What it printed before its data folder's line, that line included.
    pub printed: Vec<String>,
    setup: Setup,
    child: Child,
}

impl std::ops::Deref for Panel {
    type Target = Setup;
    fn deref(&self) -> &Setup {
        &self.setup
    }
}

impl Panel {
    pub fn start() -> Panel {
        Panel::start_with(Setup::new(), &[])
    }

    /// `serve --ui ARGS…` on `setup`'s data folder.
    pub fn start_with(setup: Setup, args: &[&str]) -> Panel {
        let mut child = setup
            .command(&[&["serve", "--ui"], args].concat())
            .env("SWITCHYARD_GATEWAY_PORT", "0")
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut printed = Vec::new();
        while let Some(Ok(line)) = lines.next() {
            let last = line.starts_with("  data:");
            printed.push(line);
            if last {
                break;
            }
        }
        let first = printed.first().expect("serve --ui printed nothing");
        let addr: SocketAddr = first
            .strip_prefix("Switchyard gateway listening on http://")
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or_else(|| panic!("unexpected first line: {first}"))
            .parse()
            .unwrap();
        // A gateway open to other machines listens on every interface: this machine calls it
        // on loopback.
        let addr = match addr.ip().is_unspecified() {
            true => SocketAddr::from(([127, 0, 0, 1], addr.port())),
            false => addr,
        };
        std::thread::spawn(move || lines.for_each(drop));
        Panel {
            addr,
            printed,
            setup,
            child,
        }
    }

    /// `token create ARGS…` from another process, once the serving one knows the token (it
    /// hears of tokens made elsewhere within its watch, a second).
    pub fn token(&self, args: &[&str]) -> String {
        let token = self.cli(&[&["token", "create"], args].concat());
        let started = Instant::now();
        loop {
            let status = Client::new()
                .get(self.url("/v1/models"))
                .bearer_auth(&token)
                .send()
                .unwrap()
                .status();
            if status != 401 {
                return token;
            }
            assert!(
                started.elapsed() < Duration::from_secs(5),
                "the token never became known"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The serving process's resident memory, in bytes (Linux).
    pub fn rss(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        let kb: u64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap();
        kb * 1024
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Signs in with `token`: the session cookie's and the CSRF cookie's values.
    pub fn sign_in(&self, token: &str) -> Result<(String, String), u16> {
        let resp = Client::new()
            .post(self.url("/panel/api/session"))
            .header("origin", self.origin())
            .json(&json!({ "token": token }))
            .send()
            .unwrap();
        if !resp.status().is_success() {
            return Err(resp.status().as_u16());
        }
        let cookie = |name: &str| {
            resp.headers()
                .get_all("set-cookie")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .find_map(|v| v.strip_prefix(&format!("{name}=")))
                .and_then(|v| v.split(';').next())
                .map(str::to_string)
                .unwrap()
        };
        Ok((cookie("switchyard_session"), cookie("switchyard_csrf")))
    }

    /// A command without arguments through the panel; `csrf` and `origin` as given.
    pub fn call(
        &self,
        session: &str,
        csrf: Option<&str>,
        origin: Option<&str>,
        cmd: &str,
    ) -> Response {
        self.call_with(session, csrf, origin, cmd, json!({}))
    }

    /// A command through the panel with the session's cookies; `csrf` and `origin` as given.
    pub fn call_with(
        &self,
        session: &str,
        csrf: Option<&str>,
        origin: Option<&str>,
        cmd: &str,
        args: Value,
    ) -> Response {
        let mut headers = HeaderMap::new();
        let cookie = format!("switchyard_session={session}");
        headers.insert("cookie", HeaderValue::from_str(&cookie).unwrap());
        if let Some(csrf) = csrf {
            headers.insert("x-switchyard-csrf", HeaderValue::from_str(csrf).unwrap());
        }
        if let Some(origin) = origin {
            headers.insert("origin", HeaderValue::from_str(origin).unwrap());
        }
        Client::new()
            .post(self.url(&format!("/panel/api/call/{cmd}")))
            .headers(headers)
            .json(&args)
            .send()
            .unwrap()
    }
}

impl Drop for Panel {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Setup {
    fn drop(&mut self) {
        let _ = Command::new("secret-tool")
            .args(["clear", "service", &self.service])
            .status();
    }
}

/// One raw HTTP/1.1 request (what a browser on a rebound name would send): the status.
pub fn raw_status(addr: SocketAddr, request: &str) -> u16 {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut head = [0u8; 12];
    s.read_exact(&mut head).unwrap();
    std::str::from_utf8(&head[9..12]).unwrap().parse().unwrap()
}

pub use switchyard_ipc::files::UPLOAD_MAX;
pub use switchyard_panel::{MAX_SESSIONS, SIGN_INS_AT_ONCE};
