//! The cache key: a SHA-256 over a normalized view of a canonical [`ChatRequest`].
//!
//! Hashed, in this order, each field tagged and length-prefixed (so no two different requests
//! can feed the hasher the same bytes): a version label, the resolved route, the model, the
//! system text, every message with every part, `max_tokens`, `temperature`, `top_p`, the stop
//! sequences, the tools **in order** (order can change what the model does), `tool_choice`,
//! `parallel_tool_calls`, the reasoning effort and budget, the output format, and the
//! [`OutputExtras`] — output-affecting parameters the canonical model drops (OpenAI `seed`,
//! `logprobs`, …; Anthropic `top_k`, `thinking`, …; Gemini `topK`, `seed`, …).
//!
//! Invariants:
//! - `stream` and `user` (and any other transport metadata) never reach the hasher, so the same
//!   question asked as a stream or not, by any user, hits the same entry.
//! - The key depends only on canonical content, so Chat Completions, Messages, Responses and
//!   Gemini bodies that parse to the same [`ChatRequest`] give the same key.
//! - JSON values (tool schemas, extras) are hashed with object keys sorted, so key order in the
//!   client's JSON never matters; `-0.0` is hashed as `0.0`.

use serde_json::Value;

pub use crate::extras::{is_cacheable, OutputExtras};
use sha2::{Digest, Sha256};
use std::fmt;
use switchyard_wire::{
    ChatRequest, Effort, FileSource, ImageSource, OutputFormat, Part, Role, ToolChoice,
};

/// Bumped whenever the hashed view changes, so old disk rows simply stop matching.
const KEY_VERSION: &[u8] = b"switchyard-cache-key/v2";

/// A 32-byte SHA-256 request fingerprint.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CacheKey(pub [u8; 32]);

impl CacheKey {
    /// The key of `req` answered through `route` (the resolved route or model name), with the
    /// output-affecting `extras` the canonical model does not carry.
    pub fn derive(route: &str, req: &ChatRequest, extras: &OutputExtras) -> CacheKey {
        let mut f = Feeder(Sha256::new());
        f.bytes(KEY_VERSION);
        f.str(route);
        f.str(&req.model);
        f.opt_str(req.system.as_deref());
        f.len(req.messages.len());
        for m in &req.messages {
            f.tag(match m.role {
                Role::User => 1,
                Role::Assistant => 2,
                Role::Tool => 3,
                Role::System => 4,
            });
            f.len(m.content.len());
            for part in &m.content {
                f.part(part);
            }
        }
        match req.max_tokens {
            Some(n) => {
                f.tag(1);
                f.0.update(n.to_le_bytes());
            }
            None => f.tag(0),
        }
        f.opt_f64(req.temperature);
        f.opt_f64(req.top_p);
        f.len(req.stop.len());
        for s in &req.stop {
            f.str(s);
        }
        f.len(req.tools.len());
        for t in &req.tools {
            f.str(&t.name);
            f.opt_str(t.description.as_deref());
            f.json(&t.parameters);
            f.tag(u8::from(t.custom));
        }
        match &req.tool_choice {
            None => f.tag(0),
            Some(ToolChoice::Auto) => f.tag(1),
            Some(ToolChoice::None) => f.tag(2),
            Some(ToolChoice::Required) => f.tag(3),
            Some(ToolChoice::Named(name)) => {
                f.tag(4);
                f.str(name);
            }
        }
        f.opt_bool(req.parallel_tool_calls);
        match &req.reasoning {
            None => f.tag(0),
            Some(r) => {
                f.tag(1);
                f.tag(effort_tag(r.effort));
                match r.budget_tokens {
                    Some(b) => {
                        f.tag(1);
                        f.0.update(b.to_le_bytes());
                    }
                    None => f.tag(0),
                }
            }
        }
        match &req.format {
            None => f.tag(0),
            Some(OutputFormat::Json) => f.tag(1),
            Some(OutputFormat::JsonSchema {
                name,
                schema,
                strict,
            }) => {
                f.tag(2);
                f.str(name);
                f.json(schema);
                f.tag(u8::from(*strict));
            }
        }
        f.len(extras.0.len());
        for (k, v) in &extras.0 {
            f.str(k);
            f.json(v);
        }
        CacheKey(f.0.finalize().into())
    }

    /// Lower-case hex, for logs and the UI (a key reveals nothing about the request).
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }
}

impl fmt::Debug for CacheKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CacheKey({})", &self.to_hex()[..16])
    }
}

fn effort_tag(e: Effort) -> u8 {
    match e {
        Effort::None => 0,
        Effort::Minimal => 1,
        Effort::Low => 2,
        Effort::Medium => 3,
        Effort::High => 4,
        Effort::Max => 5,
    }
}

/// Feeds tagged, length-prefixed fields into the hasher.
struct Feeder(Sha256);

impl Feeder {
    fn tag(&mut self, t: u8) {
        self.0.update([t]);
    }

    fn len(&mut self, n: usize) {
        self.0.update((n as u64).to_le_bytes());
    }

    fn bytes(&mut self, b: &[u8]) {
        self.len(b.len());
        self.0.update(b);
    }

    fn str(&mut self, s: &str) {
        self.bytes(s.as_bytes());
    }

    fn opt_str(&mut self, s: Option<&str>) {
        match s {
            Some(s) => {
                self.tag(1);
                self.str(s);
            }
            None => self.tag(0),
        }
    }

    fn opt_bool(&mut self, b: Option<bool>) {
        self.tag(match b {
            None => 0,
            Some(false) => 1,
            Some(true) => 2,
        });
    }

    fn opt_f64(&mut self, x: Option<f64>) {
        match x {
            Some(x) => {
                self.tag(1);
                let x = if x == 0.0 { 0.0 } else { x };
                self.0.update(x.to_bits().to_le_bytes());
            }
            None => self.tag(0),
        }
    }

    fn part(&mut self, part: &Part) {
        match part {
            Part::Text(t) => {
                self.tag(1);
                self.str(t);
            }
            Part::Image(ImageSource::Base64 { media_type, data }) => {
                self.tag(2);
                self.str(media_type);
                self.str(data);
            }
            Part::Image(ImageSource::Url(url)) => {
                self.tag(3);
                self.str(url);
            }
            Part::ToolCall {
                id,
                name,
                arguments_json,
            } => {
                self.tag(4);
                self.str(id);
                self.str(name);
                self.str(arguments_json);
            }
            Part::ToolResult {
                call_id,
                content,
                is_error,
            } => {
                self.tag(5);
                self.str(call_id);
                self.str(content);
                self.tag(u8::from(*is_error));
            }
            Part::File(file) => {
                self.tag(6);
                self.opt_str(file.filename.as_deref());
                match &file.source {
                    FileSource::Base64 { media_type, data } => {
                        self.tag(1);
                        self.str(media_type);
                        self.str(data);
                    }
                    FileSource::Url(url) => {
                        self.tag(2);
                        self.str(url);
                    }
                    FileSource::Text(text) => {
                        self.tag(3);
                        self.str(text);
                    }
                    FileSource::Id(id) => {
                        self.tag(4);
                        self.str(id);
                    }
                }
            }
            Part::Audio { format, data } => {
                self.tag(7);
                self.str(format);
                self.str(data);
            }
        }
    }

    /// A JSON value with object keys sorted.
    fn json(&mut self, v: &Value) {
        match v {
            Value::Null => self.tag(0),
            Value::Bool(b) => {
                self.tag(1);
                self.tag(u8::from(*b));
            }
            Value::Number(n) => {
                self.tag(2);
                self.str(&n.to_string());
            }
            Value::String(s) => {
                self.tag(3);
                self.str(s);
            }
            Value::Array(items) => {
                self.tag(4);
                self.len(items.len());
                for item in items {
                    self.json(item);
                }
            }
            Value::Object(map) => {
                self.tag(5);
                self.len(map.len());
                let mut entries: Vec<_> = map.iter().collect();
                entries.sort_by(|a, b| a.0.cmp(b.0));
                for (k, v) in entries {
                    self.str(k);
                    self.json(v);
                }
            }
        }
    }
}

#[cfg(test)]
#[path = "key_tests.rs"]
mod tests;
