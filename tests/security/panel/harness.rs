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

/// `switchyard-tray serve --ui` on a free loopback port, stopped when dropped.
pub struct Panel {
    pub addr: SocketAddr,
    pub data: tempfile::TempDir,
    service: String,
    child: Child,
}

impl Panel {
    pub fn start() -> Panel {
        let data = tempfile::tempdir().unwrap();
        let service = format!("switchyard-panel-sec-{}", std::process::id());
        let mut child = Command::new(BIN)
            .args(["serve", "--ui"])
            .env("SWITCHYARD_DATA_DIR", data.path())
            .env("SWITCHYARD_KEYRING_SERVICE", &service)
            .env("SWITCHYARD_GATEWAY_PORT", "0")
            .env("SWITCHYARD_NO_UPDATE_CHECK", "1")
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = lines.next().expect("serve --ui printed nothing").unwrap();
        let addr = first
            .strip_prefix("Switchyard gateway listening on http://")
            .unwrap_or_else(|| panic!("unexpected first line: {first}"))
            .parse()
            .unwrap();
        std::thread::spawn(move || lines.for_each(drop));
        Panel {
            addr,
            data,
            service,
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

    /// `switchyard-tray ARGS…` on the same data folder and keychain; its stdout.
    pub fn cli(&self, args: &[&str]) -> String {
        let out = Command::new(BIN)
            .args(args)
            .env("SWITCHYARD_DATA_DIR", self.data.path())
            .env("SWITCHYARD_KEYRING_SERVICE", &self.service)
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap().trim().to_string()
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
