//! Owns the request record ([`crate::MockConfig::record`]): every request the server receives,
//! on any path and whatever its answer, appends one JSON line to a file as it arrives —
//! `{"method","path","query","headers":{name: value},"body_bytes","body"?}` with the header values
//! verbatim, so a test can search them for a secret that must never reach this server. Writing
//! never changes an answer: a failed write is reported once on stderr and the request served.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;
use serde_json::{json, Map, Value};

/// Bodies up to this size (and valid UTF-8) are recorded in full.
pub(crate) const BODY_LIMIT: usize = 256 * 1024;

/// The most of a body read to record and pass on (the gateway sends at most 10 MiB).
const READ_LIMIT: usize = 64 << 20;

/// The open record file.
#[derive(Debug)]
pub(crate) struct Recorder {
    path: PathBuf,
    file: Mutex<File>,
    /// Set once a write failed and was reported.
    failed: AtomicBool,
}

impl Recorder {
    /// Opens (creating it if needed) `path` for appending.
    pub(crate) fn open(path: &Path) -> std::io::Result<Recorder> {
        let file = OpenOptions::new().create(true).append(true).open(path)?;
        Ok(Recorder {
            path: path.to_path_buf(),
            file: Mutex::new(file),
            failed: AtomicBool::new(false),
        })
    }

    /// Appends one line and flushes it; a failure is reported on stderr the first time only.
    fn append(&self, line: &str) {
        let result = {
            let mut file = self.file.lock().unwrap_or_else(PoisonError::into_inner);
            file.write_all(line.as_bytes()).and_then(|()| file.flush())
        };
        if let Err(err) = result {
            if !self.failed.swap(true, Ordering::Relaxed) {
                eprintln!(
                    "switchyard-mock: cannot record requests to {}: {err}",
                    self.path.display()
                );
            }
        }
    }
}

/// Header values by name (lowercase), verbatim; a repeated header's values joined with ", ".
fn headers_json(headers: &HeaderMap) -> Value {
    let mut map = Map::new();
    for name in headers.keys() {
        let values: Vec<String> = headers
            .get_all(name)
            .iter()
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
            .collect();
        map.insert(name.as_str().to_owned(), Value::String(values.join(", ")));
    }
    Value::Object(map)
}

/// One record line (with its newline) for a request with this head and `body`.
fn line(parts: &axum::http::request::Parts, body: &[u8]) -> String {
    let mut entry = json!({
        "method": parts.method.as_str(),
        "path": parts.uri.path(),
        "query": parts.uri.query(),
        "headers": headers_json(&parts.headers),
        "body_bytes": body.len(),
    });
    if body.len() <= BODY_LIMIT {
        if let (Ok(text), Some(object)) = (std::str::from_utf8(body), entry.as_object_mut()) {
            object.insert("body".into(), Value::String(text.to_owned()));
        }
    }
    let mut text = entry.to_string();
    text.push('\n');
    text
}

/// Records the request (reading its body whole), then serves it with the same body.
pub(crate) async fn layer(
    State(recorder): State<Arc<Recorder>>,
    req: Request,
    next: Next,
) -> Response {
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, READ_LIMIT).await {
        Ok(bytes) => bytes,
        Err(err) => {
            // The client broke off mid-body, or sent more than the record reads: record what is
            // known and serve an empty body.
            tracing::debug!("mock could not read a request body: {err}");
            Bytes::new()
        }
    };
    recorder.append(&line(&parts, &bytes));
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn a_line_has_the_head_verbatim_and_a_text_body() {
        let req = axum::http::Request::builder()
            .method("POST")
            .uri("/v1/messages?beta=true")
            .header("authorization", "Bearer sk-ant-oat01-SECRET")
            .header("anthropic-beta", "a")
            .header("anthropic-beta", "b")
            .body(())
            .unwrap();
        let (parts, ()) = req.into_parts();
        let text = line(&parts, br#"{"x":1}"#);
        assert!(text.ends_with('\n'));
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["method"], "POST");
        assert_eq!(v["path"], "/v1/messages");
        assert_eq!(v["query"], "beta=true");
        assert_eq!(v["headers"]["authorization"], "Bearer sk-ant-oat01-SECRET");
        assert_eq!(v["headers"]["anthropic-beta"], "a, b");
        assert_eq!(v["body_bytes"], 7);
        assert_eq!(v["body"], r#"{"x":1}"#);
    }

    #[test]
    fn binary_and_large_bodies_are_only_measured() {
        let (parts, ()) = axum::http::Request::new(()).into_parts();
        let v: Value = serde_json::from_str(&line(&parts, &[0xff, 0xfe])).unwrap();
        assert_eq!(v["body_bytes"], 2);
        assert!(v.get("body").is_none());
        assert_eq!(v["query"], Value::Null);
        let big = vec![b'a'; BODY_LIMIT + 1];
        let v: Value = serde_json::from_str(&line(&parts, &big)).unwrap();
        assert_eq!(v["body_bytes"], BODY_LIMIT + 1);
        assert!(v.get("body").is_none());
    }

    #[test]
    fn a_failed_write_is_reported_once_and_does_not_panic() {
        let mut h = HeaderMap::new();
        h.insert("x", HeaderValue::from_static("y"));
        assert_eq!(headers_json(&h), json!({"x": "y"}));
        // /dev/full accepts the open and refuses every write.
        let Ok(recorder) = Recorder::open(Path::new("/dev/full")) else {
            return;
        };
        recorder.append("one\n");
        recorder.append("two\n");
        assert!(recorder.failed.load(Ordering::Relaxed));
    }
}
