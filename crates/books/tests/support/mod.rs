//! A scripted provider on 127.0.0.1 (axum) that records every request it is sent.
#![allow(dead_code, reason = "each test binary uses part of it")]

use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use switchyard_gateway::Cleared;
use switchyard_secrets::SecretString;

/// The admin key the tests clear; no error text may ever contain its middle.
pub const KEY: &str = "sk-admin-CANARYbooks0123456789abcdefXYZ";
pub const CANARY: &str = "CANARYbooks0123456789";

/// One request the mock was sent.
#[derive(Debug, Clone)]
pub struct Seen {
    pub path: String,
    pub query: String,
    pub headers: HeaderMap,
}

impl Seen {
    /// Every value of query parameter `name`, decoded.
    pub fn params(&self, name: &str) -> Vec<String> {
        self.query
            .split('&')
            .filter_map(|pair| pair.split_once('=').or(Some((pair, ""))))
            .filter(|(k, _)| decode(k) == name)
            .map(|(_, v)| decode(v))
            .collect()
    }

    pub fn param(&self, name: &str) -> Option<String> {
        self.params(name).into_iter().next()
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                out.push(u8::from_str_radix(hex, 16).unwrap());
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap()
}

/// What the mock answers.
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
}

pub fn json(value: serde_json::Value) -> Reply {
    Reply {
        status: 200,
        headers: vec![("content-type", "application/json".into())],
        body: value.to_string(),
    }
}

pub fn status(code: u16, body: &str) -> Reply {
    Reply {
        status: code,
        headers: vec![("content-type", "application/json".into())],
        body: body.to_string(),
    }
}

pub fn too_many(retry_after: &str) -> Reply {
    let mut r = status(
        429,
        r#"{"error":{"message":"Rate limit reached","type":"rate_limit_error"}}"#,
    );
    r.headers.push(("retry-after", retry_after.to_string()));
    r
}

/// The script: the request, and how many earlier requests had the same path.
type Script = dyn Fn(&Seen, usize) -> Reply + Send + Sync;

#[derive(Clone)]
struct Shared {
    script: Arc<Script>,
    seen: Arc<Mutex<Vec<Seen>>>,
}

pub struct Mock {
    /// `http://127.0.0.1:PORT`
    pub origin: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Mock {
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    /// The requests to paths ending in `suffix`.
    pub fn hits(&self, suffix: &str) -> Vec<Seen> {
        self.seen()
            .into_iter()
            .filter(|s| s.path.ends_with(suffix))
            .collect()
    }

    /// The test key, cleared for this mock's origin.
    pub fn cleared(&self) -> Cleared {
        let url = format!("{}/", self.origin);
        Cleared::check(
            SecretString::new(KEY.to_string()),
            std::slice::from_ref(&self.origin),
            &url,
        )
        .unwrap()
    }
}

/// The test key, cleared for another origin (a provider's real host).
pub fn cleared_for(origin: &str) -> Cleared {
    Cleared::check(
        SecretString::new(KEY.to_string()),
        &[origin.to_string()],
        origin,
    )
    .unwrap()
}

async fn answer(State(shared): State<Shared>, uri: Uri, headers: HeaderMap) -> Response {
    let seen = Seen {
        path: uri.path().to_string(),
        query: uri.query().unwrap_or("").to_string(),
        headers,
    };
    let earlier = {
        let mut all = shared.seen.lock().unwrap();
        let n = all.iter().filter(|s| s.path == seen.path).count();
        all.push(seen.clone());
        n
    };
    let reply = (shared.script)(&seen, earlier);
    let mut response = (StatusCode::from_u16(reply.status).unwrap(), reply.body).into_response();
    for (name, value) in reply.headers {
        response.headers_mut().insert(name, value.parse().unwrap());
    }
    response
}

pub async fn serve(script: impl Fn(&Seen, usize) -> Reply + Send + Sync + 'static) -> Mock {
    let seen = Arc::new(Mutex::new(vec![]));
    let shared = Shared {
        script: Arc::new(script),
        seen: seen.clone(),
    };
    let app = Router::new().fallback(answer).with_state(shared);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    Mock {
        origin: format!("http://{addr}"),
        seen,
    }
}

/// A client as the app's check client: no proxy for loopback, no redirects.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// No error text quotes the key.
pub fn assert_no_key(text: &str) {
    assert!(!text.contains(CANARY), "the key leaked: {text}");
}
