//! A `switchyard-serve` child process and raw-socket helpers.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub const BIN: &str = env!("CARGO_BIN_EXE_switchyard-serve");

/// A running headless gateway on a free loopback port, stopped (SIGKILL) when dropped.
pub struct Serve {
    pub addr: SocketAddr,
    pub data: tempfile::TempDir,
    service: String,
    child: Child,
}

impl Serve {
    pub fn start() -> Serve {
        Serve::start_in(tempfile::tempdir().unwrap())
    }

    /// Serves from an existing data folder.
    pub fn start_in(data: tempfile::TempDir) -> Serve {
        Serve::start_with(data, "warn", Stdio::inherit())
    }

    /// Serves from `data` with the log filter `log` (`RUST_LOG`) and its stderr to `stderr`.
    pub fn start_with(data: tempfile::TempDir, log: &str, stderr: Stdio) -> Serve {
        let service = format!("switchyard-security-{}", uuid::Uuid::new_v4().simple());
        let mut child = Command::new(BIN)
            .arg("serve")
            .env("SWITCHYARD_DATA_DIR", data.path())
            .env("SWITCHYARD_KEYRING_SERVICE", &service)
            .env("SWITCHYARD_GATEWAY_PORT", "0")
            .env("RUST_LOG", log)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = lines.next().expect("serve printed nothing").unwrap();
        let addr = first
            .strip_prefix("Switchyard gateway listening on http://")
            .unwrap_or_else(|| panic!("unexpected first line: {first}"))
            .parse()
            .unwrap();
        // Keep draining stdout so the child never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Serve {
            addr,
            data,
            service,
            child,
        }
    }

    /// The keyring service name its keys are kept under (the CLI beside it uses the same).
    pub fn service(&self) -> &str {
        &self.service
    }

    /// Runs `switchyard-serve ARGS…` as another process on the same data folder and keychain,
    /// whatever its exit code.
    pub fn cli_output(&self, args: &[&str]) -> std::process::Output {
        Command::new(BIN)
            .args(args)
            .env("SWITCHYARD_DATA_DIR", self.data.path())
            .env("SWITCHYARD_KEYRING_SERVICE", &self.service)
            .env("RUST_LOG", "warn")
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }

    /// Runs `switchyard-serve ARGS…` as another process on the same data folder and keychain;
    /// its stdout, once it succeeded.
    pub fn cli(&self, args: &[&str]) -> String {
        let out = self.cli_output(args);
        assert!(
            out.status.success(),
            "switchyard-serve {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// A new token, created by another process.
    pub fn token(&self, name: &str) -> String {
        self.cli(&["token", "create", name]).trim().to_string()
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The raw bytes of `request` sent on a fresh connection, and everything read back until
    /// the gateway closes it or 5 s pass.
    pub fn raw(&self, request: &[u8]) -> String {
        let mut tcp = TcpStream::connect(self.addr).unwrap();
        tcp.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        tcp.write_all(request).unwrap();
        let mut got = Vec::new();
        let _ = tcp.read_to_end(&mut got);
        String::from_utf8_lossy(&got).into_owned()
    }
}

impl Serve {
    /// Stops the gateway the way a user does (SIGTERM) and waits for it to exit; hands back
    /// the data folder.
    pub fn stop(mut self) -> tempfile::TempDir {
        let pid = self.child.id().to_string();
        let status = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        assert!(status.success());
        let exit = self.child.wait().unwrap();
        assert!(exit.success(), "serve exited with {exit}");
        let data = tempfile::tempdir().unwrap();
        std::mem::replace(&mut self.data, data)
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `switchyard-serve` on `data`, keychain `service` and HOME `home`, logging warnings, with no
/// gateway port or XDG config folder from the test's shell and nothing on stdin; the caller adds
/// the arguments.
#[cfg(unix)]
pub fn home_command(data: &std::path::Path, home: &std::path::Path, service: &str) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env("SWITCHYARD_DATA_DIR", data)
        .env("SWITCHYARD_KEYRING_SERVICE", service)
        .env("HOME", home)
        .env("RUST_LOG", "warn")
        .env_remove("SWITCHYARD_GATEWAY_PORT")
        .env_remove("XDG_CONFIG_HOME")
        .stdin(Stdio::null());
    cmd
}

/// The status code of a raw HTTP/1.x answer (0 when there was none).
pub fn status_of(answer: &str) -> u16 {
    answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

/// A tiny HTTP server on 127.0.0.1 that counts the connections it gets: proof that nothing was
/// sent to an address named in a request.
pub struct Canary {
    pub addr: SocketAddr,
    hits: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl Canary {
    pub fn start() -> Canary {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let hits = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let count = std::sync::Arc::clone(&hits);
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let mut conn = conn;
                let _ = conn.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok");
            }
        });
        Canary { addr, hits }
    }

    pub fn hits(&self) -> usize {
        self.hits.load(std::sync::atomic::Ordering::SeqCst)
    }
}

pub fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

impl Serve {
    /// Runs `switchyard-serve ARGS…` with `input` on its standard input.
    pub fn cli_with_input(&self, args: &[&str], input: &str) -> String {
        let mut cmd = Command::new(BIN);
        cmd.args(args)
            .env("SWITCHYARD_DATA_DIR", self.data.path())
            .env("SWITCHYARD_KEYRING_SERVICE", &self.service)
            .env("RUST_LOG", "warn");
        crate::stdin::run_with_input(&mut cmd, input)
    }

    /// Peak resident memory of the serving process so far (VmHWM), in KiB.
    pub fn peak_rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap()
    }
}

/// What a test upstream read of a request: whether it was a GET, and the API key it carried
/// (`Authorization: Bearer` or `x-api-key`). The body is read and dropped.
pub struct Asked {
    pub get: bool,
    pub key: String,
}

pub fn read_request(conn: &TcpStream) -> Asked {
    let mut reader = BufReader::new(conn.try_clone().unwrap());
    let (mut line, mut length) = (String::new(), 0usize);
    let mut asked = Asked {
        get: false,
        key: String::new(),
    };
    while reader.read_line(&mut line).unwrap_or(0) > 0 && line != "\r\n" {
        let lower = line.to_ascii_lowercase();
        asked.get |= lower.starts_with("get ");
        if let Some(v) = lower.strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
        for name in ["authorization: bearer ", "x-api-key: "] {
            if lower.starts_with(name) {
                asked.key = line[name.len()..].trim().to_string();
            }
        }
        line.clear();
    }
    let mut body = vec![0u8; length];
    let _ = reader.read_exact(&mut body);
    asked
}

/// An upstream on 127.0.0.1: `answer` serves each POST on its own thread; a GET (the monitor's
/// model list) gets an empty list.
pub fn upstream(answer: impl Fn(TcpStream, Asked) + Send + Sync + Copy + 'static) -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for conn in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let asked = read_request(&conn);
                if asked.get {
                    reply(
                        conn,
                        200,
                        "application/json",
                        r#"{"object":"list","data":[]}"#,
                    );
                } else {
                    answer(conn, asked);
                }
            });
        }
    });
    addr
}

fn reply(mut conn: TcpStream, status: u16, kind: &str, text: &str) {
    let _ = write!(
        conn,
        "HTTP/1.1 {status} X\r\ncontent-type: {kind}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{text}",
        text.len()
    );
}

/// An OpenAI-shaped upstream that answers every POST with an event stream of `bytes` bytes and
/// no newline.
pub fn flood_upstream(bytes: usize) -> SocketAddr {
    upstream(move |mut conn, _| {
        let _ = conn.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\ndata: ");
        let chunk = vec![b'x'; 64 << 10];
        let mut sent = 0;
        while sent < bytes && conn.write_all(&chunk).is_ok() {
            sent += chunk.len();
        }
    })
}

/// What [`echo_upstream`] does with the key it was sent.
#[derive(Clone, Copy)]
pub enum Echo {
    /// 400 with the key in the error message.
    Error,
    /// 200 event stream whose error event quotes the key.
    StreamError,
    /// 200 with the key in the answer's text.
    Answer,
}

/// An upstream on 127.0.0.1 that quotes back the API key it receives, the way some
/// OpenAI-compatible servers and proxies do.
pub fn echo_upstream(echo: Echo) -> SocketAddr {
    upstream(move |conn, Asked { key, .. }| {
        match echo {
        Echo::Error => reply(
            conn,
            400,
            "application/json",
            &format!(r#"{{"type":"error","error":{{"type":"invalid_request_error","message":"bad request for key {key}"}}}}"#),
        ),
        Echo::StreamError => reply(
            conn,
            200,
            "text/event-stream",
            &format!("data: {{\"error\":{{\"message\":\"quota exceeded for {key}\",\"type\":\"server_error\"}}}}\n\n"),
        ),
        Echo::Answer => reply(
            conn,
            200,
            "application/json",
            &format!(r#"{{"id":"x","object":"chat.completion","created":1,"model":"m","choices":[{{"index":0,"message":{{"role":"assistant","content":"your key is {key}"}},"finish_reason":"stop"}}],"usage":{{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}}}"#),
        ),
    }
    })
}

/// An OpenAI-shaped upstream that streams one chat chunk a second for `secs` seconds, then
/// `[DONE]`.
pub fn slow_stream_upstream(secs: u64) -> SocketAddr {
    upstream(move |mut conn, _| {
        let _ = conn.write_all(
            b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n",
        );
        for i in 0..secs {
            let chunk = format!("data: {{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"t{i} \"}},\"finish_reason\":null}}]}}\n\n");
            if conn.write_all(chunk.as_bytes()).is_err() {
                return;
            }
            std::thread::sleep(Duration::from_secs(1));
        }
        let _ = conn.write_all(b"data: [DONE]\n\n");
    })
}

impl Serve {
    /// Posts `body` to /v1/chat/completions until the gateway knows its model (a backend added
    /// by another process arrives within a second), giving up after 5 s; the last answer.
    pub fn post_until_routed(
        &self,
        http: &reqwest::blocking::Client,
        token: &str,
        body: &serde_json::Value,
    ) -> reqwest::blocking::Response {
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        loop {
            let resp = http
                .post(self.url("/v1/chat/completions"))
                .bearer_auth(token)
                .json(body)
                .send()
                .unwrap();
            if resp.status() != 404 || std::time::Instant::now() > deadline {
                return resp;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}
