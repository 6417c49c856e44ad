//! Where this data folder's gateway is, proven rather than guessed. A loopback port is shared by
//! every account on the machine, so "something answers at 127.0.0.1:4141" says nothing about
//! whose it is. Each running gateway makes a random key ([`Identity`]) and writes its port and
//! key into the data folder ([`publish`]: `gateway.json`, 0600 inside the 0700 folder, so only
//! this user reads it); at [`IDENTITY_PATH`] it answers a caller's nonce with an HMAC under that
//! key. Whoever reads the record (the CLI, `check`, the next start) asks the port and believes
//! it only when the proof matches: a neighbour holding the port has no key, and the key never
//! leaves the folder (the answer reveals nothing that would let a later squatter answer).
//!
//! Invariants: nothing here guesses a port; a record that does not prove itself is no gateway;
//! what a squatter answers is read within [`ASK_DEADLINE`] and [`MAX_ANSWER`] bytes.

mod holder;

pub use holder::{holder, Holder};

use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::path::Path;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Where a gateway answers a proof of identity: to anyone, with no token (it reveals nothing).
pub const IDENTITY_PATH: &str = "/switchyard/identity";
/// The record in the data folder: the running gateway's port, process and key.
pub const RECORD_FILE: &str = "gateway.json";
/// How long one proof may take, connection included (a squatter that stalls is "not ours").
pub const ASK_DEADLINE: Duration = Duration::from_secs(2);
/// The most of an answer read (a squatter's endless answer is cut there).
const MAX_ANSWER: usize = 8 * 1024;
/// What the MAC covers besides the nonce, so the key proves nothing else.
const DOMAIN: &[u8] = b"switchyard gateway identity v1\n";

/// A running gateway's secret key. Never logged, never sent.
#[derive(Clone)]
pub struct Identity(zeroize::Zeroizing<[u8; 32]>);

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Identity(…)")
    }
}

impl Identity {
    /// A fresh key from the system's randomness (two v4 UUIDs, 244 random bits, hashed).
    pub fn random() -> Identity {
        use sha2::Digest;
        let mut h = Sha256::new();
        h.update(uuid::Uuid::new_v4().as_bytes());
        h.update(uuid::Uuid::new_v4().as_bytes());
        Identity(zeroize::Zeroizing::new(h.finalize().into()))
    }

    fn mac(&self) -> Hmac<Sha256> {
        // An HMAC takes a key of any length: this cannot fail.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0[..])
            .unwrap_or_else(|_| unreachable!("HMAC accepts every key length"));
        mac.update(DOMAIN);
        mac
    }

    /// The answer to `nonce`, as lower-case hex.
    pub fn prove(&self, nonce: &[u8; 32]) -> String {
        let mut mac = self.mac();
        mac.update(nonce);
        switchyard_domain::hex::encode(&mac.finalize().into_bytes())
    }

    /// Whether `proof` answers `nonce` under this key (in constant time).
    fn verifies(&self, nonce: &[u8; 32], proof: &str) -> bool {
        let Some(given) = switchyard_domain::hex::decode32(proof.trim()) else {
            return false;
        };
        let mut mac = self.mac();
        mac.update(nonce);
        mac.verify_slice(&given).is_ok()
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Record {
    pid: u32,
    port: u16,
    key: String,
}

/// Writes this process's gateway into the data folder `dir` (replacing any older record, whose
/// gateway is gone or is about to be). Only the owner can read the file.
pub fn publish(dir: &Path, port: u16, identity: &Identity) -> std::io::Result<()> {
    let record = Record {
        pid: std::process::id(),
        port,
        key: switchyard_domain::hex::encode(&identity.0[..]),
    };
    let text = serde_json::to_vec(&record).map_err(std::io::Error::other)?;
    let tmp = dir.join(format!("{RECORD_FILE}.{}.tmp", std::process::id()));
    write_private(&tmp, &text)?;
    std::fs::rename(&tmp, dir.join(RECORD_FILE))
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let _ = std::fs::remove_file(path);
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(bytes)
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    // The data folder itself is the user's only (its ACL); the file inherits it.
    std::fs::write(path, bytes)
}

/// The record in `dir`, if there is a readable one.
fn read(dir: &Path) -> Option<(u32, u16, Identity)> {
    let text = std::fs::read(dir.join(RECORD_FILE)).ok()?;
    let r: Record = serde_json::from_slice(&text).ok()?;
    let key = switchyard_domain::hex::decode32(&r.key)?;
    Some((r.pid, r.port, Identity(zeroize::Zeroizing::new(key))))
}

/// Who holds a loopback port, as far as this user can tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PortState {
    /// Nothing listens there.
    Free,
    /// This data folder's gateway, proven (the process that wrote the record).
    Ours { pid: u32 },
    /// Something else: another account's program, or a program of this user's that is not
    /// this data folder's gateway. What the system tells of it, where it can.
    Other(Option<Holder>),
}

/// Who holds 127.0.0.1:`port`, proven against the record in `dir`.
pub async fn examine(port: u16, dir: &Path) -> PortState {
    let addr = SocketAddr::V4(SocketAddrV4::new(Ipv4Addr::LOCALHOST, port));
    let conn = tokio::time::timeout(ASK_DEADLINE, tokio::net::TcpStream::connect(addr)).await;
    let stream = match conn {
        Ok(Ok(s)) => s,
        Ok(Err(e)) if e.kind() == std::io::ErrorKind::ConnectionRefused => return PortState::Free,
        // No answer in time: Windows retries a refused loopback connection for about two
        // seconds, so a port nobody holds can look like this. Binding it tells: a port that
        // takes connections and never finishes one is held, by something.
        _ if std::net::TcpListener::bind(addr).is_ok() => return PortState::Free,
        _ => return PortState::Other(holder(port)),
    };
    if let Some((pid, _, identity)) = read(dir) {
        let nonce = fresh_nonce();
        let answer = tokio::time::timeout(ASK_DEADLINE, ask(stream, port, &nonce)).await;
        if let Ok(Some(proof)) = answer {
            if identity.verifies(&nonce, &proof) {
                return PortState::Ours { pid };
            }
        }
    }
    PortState::Other(holder(port))
}

/// The port this data folder's running gateway holds, proven; `None` when no gateway of this
/// data folder runs (no record, or its port answers without the proof).
pub async fn find(dir: &Path) -> Option<u16> {
    let (_, port, _) = read(dir)?;
    matches!(examine(port, dir).await, PortState::Ours { .. }).then_some(port)
}

fn fresh_nonce() -> [u8; 32] {
    use sha2::Digest;
    let mut h = Sha256::new();
    h.update(uuid::Uuid::new_v4().as_bytes());
    h.update(uuid::Uuid::new_v4().as_bytes());
    h.finalize().into()
}

/// Sends the challenge on `stream` and returns the `proof` of a 200 answer.
async fn ask(mut stream: tokio::net::TcpStream, port: u16, nonce: &[u8; 32]) -> Option<String> {
    let request = format!(
        "GET {IDENTITY_PATH}?nonce={} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n",
        switchyard_domain::hex::encode(nonce)
    );
    stream.write_all(request.as_bytes()).await.ok()?;
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    while buf.len() < MAX_ANSWER {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(chunk.get(..n)?);
    }
    let text = String::from_utf8_lossy(&buf);
    let (head, body) = text.split_once("\r\n\r\n")?;
    if !head.starts_with("HTTP/1.1 200") {
        return None;
    }
    let v: serde_json::Value = serde_json::from_str(body.trim()).ok()?;
    Some(v.get("proof")?.as_str()?.to_string())
}

/// A port the gateway wanted that another program held when it started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Squat {
    /// The port the tools were pointed at.
    pub port: u16,
    /// What the system tells of the program holding it.
    pub holder: Option<Holder>,
    /// Where the gateway listens instead (`None`: the port was fixed, so it did not start).
    pub moved_to: Option<u16>,
}

/// Another program held the gateway's port when it started: what the user is told.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PortSquat {
    /// The port the tools were pointed at.
    pub port: u16,
    /// What the system tells of the program holding it (`account bob, uid 1001`).
    pub holder: Option<String>,
    /// Where the gateway listens instead; `None`: the port was fixed, so it did not start.
    pub moved_to: Option<u16>,
    /// The whole story in a sentence or two.
    pub message: String,
}

impl Squat {
    /// What the window, the tray and the CLI show of it.
    pub fn shown(&self) -> PortSquat {
        let Squat {
            port,
            holder,
            moved_to,
        } = self;
        PortSquat {
            message: self.message(),
            port: *port,
            holder: holder.as_ref().map(|h| h.to_string()),
            moved_to: *moved_to,
        }
    }

    /// What the user is told, in one sentence or two.
    pub fn message(&self) -> String {
        let who = match &self.holder {
            Some(h) => format!(" ({h})"),
            None => String::new(),
        };
        match self.moved_to {
            Some(to) => format!(
                "Another program{who} held 127.0.0.1:{}, the gateway's port. Switchyard moved its gateway to 127.0.0.1:{to} and points your connected tools there; anything else you pointed at port {} by hand is talking to that program.",
                self.port, self.port
            ),
            None => format!(
                "Another program{who} holds 127.0.0.1:{} — your tools are talking to it, not to Switchyard. Stop that program, or start Switchyard without a fixed port (--port, SWITCHYARD_GATEWAY_PORT) so it moves to a free one.",
                self.port
            ),
        }
    }
}

/// The address to start the gateway at, and what was wrong with the one wanted.
#[derive(Debug, Clone)]
pub struct Claim {
    pub bind: SocketAddr,
    pub squat: Option<Squat>,
}

/// Decides where the gateway listens: `wanted`, unless another program holds its port — then
/// a free port when the port is not `fixed` (the squat is reported either way). A port this data
/// folder's own gateway holds is left as it is (the start fails with "in use", truthfully).
pub async fn claim(wanted: SocketAddr, fixed: bool, dir: &Path) -> Claim {
    let unsquatted = Claim {
        bind: wanted,
        squat: None,
    };
    if wanted.port() == 0 {
        return unsquatted;
    }
    match std::net::TcpListener::bind(wanted) {
        Ok(free) => {
            drop(free);
            return unsquatted;
        }
        Err(e) if e.kind() != std::io::ErrorKind::AddrInUse => return unsquatted,
        Err(_) => {}
    }
    let holder = match examine(wanted.port(), dir).await {
        PortState::Other(h) => h,
        // Ours, or gone since: the start says what it finds.
        _ => return unsquatted,
    };
    let mut bind = wanted;
    if !fixed {
        bind.set_port(0);
    }
    Claim {
        bind,
        squat: Some(Squat {
            port: wanted.port(),
            holder,
            moved_to: None,
        }),
    }
}

/// Answers [`IDENTITY_PATH`]: `?nonce=<64 hex digits>` → `{"proof": "<64 hex digits>"}`.
pub(crate) async fn answer(
    axum::extract::State(state): axum::extract::State<std::sync::Arc<crate::GatewayState>>,
    uri: axum::http::Uri,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let nonce = uri
        .query()
        .and_then(|q| q.strip_prefix("nonce="))
        .and_then(switchyard_domain::hex::decode32);
    match nonce {
        Some(n) => {
            axum::Json(serde_json::json!({ "proof": state.identity.prove(&n) })).into_response()
        }
        None => (
            axum::http::StatusCode::BAD_REQUEST,
            "give ?nonce= and 64 hex digits",
        )
            .into_response(),
    }
}

#[cfg(test)]
mod tests;
