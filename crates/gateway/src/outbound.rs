//! The gateway's upstream calls. A plain-HTTP upstream on a loopback address (the Demo server,
//! Ollama, a local model server) is called through hyper's pooled client directly: that hop is
//! where the gateway's own cost shows, and reqwest's layers over the same client (its redirect
//! and retry policies, two more parses of the address, a boxed future) were about a ninth of a
//! serving thread's instructions per request (docs/BENCHMARKS.md, issue #19). Every other
//! upstream goes through reqwest ([`HttpClients`]): the system's proxy settings, TLS with the
//! platform's verifier. Both give the same [`Answer`].

use crate::http::HttpClients;
use axum::http::{header, HeaderMap, HeaderValue, Request, Uri};
use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use http_body_util::Full;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use url::Url;

/// An upstream's failure to answer (connect, send or read), with its causes as `source()`s.
pub type UpError = Box<dyn std::error::Error + Send + Sync>;

/// An upstream's answer: status, headers and a body read as it arrives.
pub type Answer = axum::http::Response<UpBody>;

/// What the gateway's requests carry that reqwest adds by itself.
pub const USER_AGENT: &str = concat!("switchyard/", env!("CARGO_PKG_VERSION"));

/// How long an idle upstream connection stays pooled.
pub const POOL_IDLE: Duration = Duration::from_secs(90);

/// An upstream address, parsed once per serving thread ([`parse_cached`]).
pub struct Address {
    url: Url,
    /// The same address for hyper, when it is plain HTTP on a loopback host.
    local: Option<Uri>,
}

impl Address {
    pub fn parse(address: &str) -> Result<Address, url::ParseError> {
        let url = Url::parse(address)?;
        let local = (url.scheme() == "http" && switchyard_domain::is_loopback_host(&url))
            .then(|| url.as_str().parse::<Uri>().ok())
            .flatten();
        Ok(Address { url, local })
    }
}

/// Upstream addresses this thread has parsed, so a request does not parse its backend's URL
/// again (hostname checks and IDNA included) nor copy it. Bounded: emptied when it holds too
/// many (a Gemini address names the model, so the keys are not only the configured backends).
const PARSED_MAX: usize = 256;

type Parsed = std::collections::HashMap<String, Arc<Address>, rustc_hash::FxBuildHasher>;

thread_local! {
    static PARSED: std::cell::RefCell<Parsed> = std::cell::RefCell::default();
}

/// `address` parsed, from this thread's cache when it was parsed before.
pub fn parse_cached(address: &str) -> Result<Arc<Address>, url::ParseError> {
    if let Some(a) = PARSED.with(|p| p.borrow().get(address).cloned()) {
        return Ok(a);
    }
    let parsed = Arc::new(Address::parse(address)?);
    PARSED.with(|p| {
        let mut p = p.borrow_mut();
        if p.len() >= PARSED_MAX {
            p.clear();
        }
        p.insert(address.to_owned(), Arc::clone(&parsed));
    });
    Ok(parsed)
}

type LocalClient = hyper_util::client::legacy::Client<HttpConnector, Full<Bytes>>;

/// One serving thread's outbound clients: the connections each pools are driven by that
/// thread's runtime.
pub struct Outbound {
    local: LocalClient,
    library: HttpClients,
}

impl Outbound {
    pub fn new(connect: Duration, library: HttpClients) -> Outbound {
        let mut http = HttpConnector::new();
        http.set_connect_timeout(Some(connect));
        http.set_nodelay(true);
        let local = hyper_util::client::legacy::Client::builder(TokioExecutor::new())
            .pool_idle_timeout(POOL_IDLE)
            .pool_timer(TokioTimer::new())
            .build(http);
        Outbound { local, library }
    }

    /// POSTs `body` to `to`. The future owns what it needs (a retry sends clones).
    pub fn post(
        &self,
        to: &Address,
        mut headers: HeaderMap,
        body: Bytes,
    ) -> impl Future<Output = Result<Answer, UpError>> + Send + 'static {
        use futures_util::future::Either;
        use futures_util::FutureExt;
        match &to.local {
            Some(uri) => {
                headers
                    .entry(header::USER_AGENT)
                    .or_insert(HeaderValue::from_static(USER_AGENT));
                headers
                    .entry(header::ACCEPT)
                    .or_insert(HeaderValue::from_static("*/*"));
                let mut req = Request::new(Full::new(body));
                *req.method_mut() = axum::http::Method::POST;
                *req.uri_mut() = uri.clone();
                *req.headers_mut() = headers;
                let answer = self.local.request(req);
                Either::Left(answer.map(|r| match r {
                    Ok(r) => Ok(r.map(UpBody::Local)),
                    Err(e) => Err(UpError::from(e)),
                }))
            }
            None => {
                let client = self.library.client(&to.url);
                let sent = client
                    .post(to.url.clone())
                    .headers(headers)
                    .body(body)
                    .send();
                Either::Right(sent.map(|r| match r {
                    Ok(r) => Ok(axum::http::Response::from(r).map(UpBody::Library)),
                    Err(e) => Err(UpError::from(e)),
                }))
            }
        }
    }
}

/// The body of an [`Answer`], from either client.
pub enum UpBody {
    Local(hyper::body::Incoming),
    Library(reqwest::Body),
}

impl Body for UpBody {
    type Data = Bytes;
    type Error = UpError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, UpError>>> {
        match self.get_mut() {
            UpBody::Local(b) => Pin::new(b).poll_frame(cx).map_err(UpError::from),
            UpBody::Library(b) => Pin::new(b).poll_frame(cx).map_err(UpError::from),
        }
    }

    fn is_end_stream(&self) -> bool {
        match self {
            UpBody::Local(b) => b.is_end_stream(),
            UpBody::Library(b) => b.is_end_stream(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            UpBody::Local(b) => b.size_hint(),
            UpBody::Library(b) => b.size_hint(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_http_on_loopback_is_called_directly() {
        for a in [
            "http://127.0.0.1:8080/v1/chat/completions",
            "http://localhost:11434/v1",
            "http://[::1]:1/x",
        ] {
            assert!(Address::parse(a).unwrap().local.is_some(), "{a}");
        }
        for a in [
            "https://127.0.0.1:8443/v1",
            "https://api.openai.com/v1",
            "http://example.com/v1",
        ] {
            assert!(Address::parse(a).unwrap().local.is_none(), "{a}");
        }
    }

    /// A server on 127.0.0.1 that answers every request with `{"ok":1}` and sends back the
    /// request head it read (lower-cased, without the `host` line's port).
    async fn recording_server() -> (std::net::SocketAddr, tokio::sync::mpsc::Receiver<String>) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = tokio::sync::mpsc::channel(8);
        tokio::spawn(async move {
            while let Ok((mut sock, _)) = listener.accept().await {
                let tx = tx.clone();
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 4096];
                    loop {
                        let n = sock.read(&mut chunk).await.unwrap();
                        assert!(n > 0, "the request ended early");
                        buf.extend_from_slice(&chunk[..n]);
                        let text = String::from_utf8_lossy(&buf).to_string();
                        let Some(end) = text.find("\r\n\r\n") else {
                            continue;
                        };
                        let len: usize = text[..end]
                            .lines()
                            .find_map(|l| {
                                l.to_ascii_lowercase()
                                    .strip_prefix("content-length: ")
                                    .map(|v| v.trim().parse().unwrap())
                            })
                            .unwrap_or(0);
                        if buf.len() < end + 4 + len {
                            continue;
                        }
                        tx.send(text.to_ascii_lowercase()).await.unwrap();
                        let body = r#"{"ok":1}"#;
                        let answer = format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}", body.len());
                        sock.write_all(answer.as_bytes()).await.unwrap();
                        buf.clear();
                    }
                });
            }
        });
        (addr, rx)
    }

    /// The two paths send the same request: hyper's client for a loopback address and reqwest
    /// for any other (here `::ffff:127.0.0.1`, an IPv4-mapped address that is not "loopback" to
    /// the check but reaches the same server).
    #[tokio::test]
    async fn both_clients_send_the_same_request_and_read_the_same_answer() {
        let (addr, mut heads) = recording_server().await;
        let library = HttpClients::build(|b| {
            b.no_proxy()
                .user_agent(USER_AGENT)
                .redirect(reqwest::redirect::Policy::none())
        })
        .unwrap();
        let out = Outbound::new(Duration::from_secs(5), library);
        let port = addr.port();
        let mut seen = Vec::new();
        for a in [
            format!("http://127.0.0.1:{port}/v1/chat/completions"),
            format!("http://[::ffff:127.0.0.1]:{port}/v1/chat/completions"),
        ] {
            let to = Address::parse(&a).unwrap();
            // The first through hyper-util, the second through reqwest.
            assert_eq!(to.local.is_some(), seen.is_empty(), "{a}");
            let mut h = HeaderMap::new();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            let answer = out
                .post(&to, h, Bytes::from_static(b"{\"q\":1}"))
                .await
                .unwrap();
            assert_eq!(answer.status(), 200);
            assert_eq!(answer.headers()["content-type"], "application/json");
            let body = crate::respond::read_all(answer).await.unwrap();
            assert_eq!(&body[..], br#"{"ok":1}"#);
            // Bounded: a panic in the server's connection task would otherwise leave this waiting.
            let head = tokio::time::timeout(Duration::from_secs(10), heads.recv())
                .await
                .expect("the server saw the request")
                .unwrap();
            let mut lines: Vec<String> = head
                .lines()
                .filter(|l| !l.is_empty() && !l.starts_with("host:") && !l.starts_with('{'))
                .map(str::to_owned)
                .collect();
            lines.sort();
            assert!(head.contains("\r\nhost: "), "{head}");
            assert!(head.ends_with("{\"q\":1}"), "{head}");
            seen.push(lines);
        }
        assert!(
            seen[0].contains(&"post /v1/chat/completions http/1.1".to_owned()),
            "{:?}",
            seen[0]
        );
        assert!(
            seen[0].contains(&format!("user-agent: {}", USER_AGENT.to_ascii_lowercase())),
            "{:?}",
            seen[0]
        );
        assert!(
            seen[0].contains(&"content-length: 7".to_owned()),
            "{:?}",
            seen[0]
        );
        assert_eq!(seen[0], seen[1]);
    }

    #[tokio::test]
    async fn an_unreachable_upstream_is_an_error_with_its_cause() {
        let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = free.local_addr().unwrap().port();
        drop(free);
        let library = HttpClients::build(|b| b.no_proxy()).unwrap();
        let out = Outbound::new(Duration::from_secs(5), library);
        let to = Address::parse(&format!("http://127.0.0.1:{port}/v1")).unwrap();
        let e = out
            .post(&to, HeaderMap::new(), Bytes::new())
            .await
            .err()
            .unwrap();
        assert!(
            crate::root_cause(&*e).contains("refused"),
            "{}",
            crate::root_cause(&*e)
        );
    }
}
