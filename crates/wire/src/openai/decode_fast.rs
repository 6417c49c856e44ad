//! The common OpenAI stream chunk — text deltas, a finish reason, usage — read straight into
//! borrowed fields, without a `serde_json::Value` tree per chunk. Anything else (tool calls, an
//! `error` member, a field of an unexpected type, a duplicate key) is left to the general
//! decoder, which gives the same events for what this reads.

use std::borrow::Cow;

use serde::de::{Deserializer, IgnoredAny};
use serde::Deserialize;
use serde_json::Value;

use crate::canonical::StreamEvent;
use crate::json::Obj;

use super::{stop_from_finish, usage_from};

/// Whether a member is there at all (`null` included).
#[derive(Default)]
struct Present(bool);

impl<'de> Deserialize<'de> for Present {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        IgnoredAny::deserialize(d).map(|_| Present(true))
    }
}

#[derive(Deserialize)]
struct Chunk<'a> {
    #[serde(borrow, default)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    model: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    choices: Option<Vec<Choice<'a>>>,
    #[serde(default)]
    usage: Option<Value>,
    #[serde(default)]
    error: Present,
}

#[derive(Deserialize)]
struct Choice<'a> {
    #[serde(borrow, default)]
    delta: Option<Delta<'a>>,
    #[serde(borrow, default)]
    finish_reason: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct Delta<'a> {
    #[serde(borrow, default)]
    content: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    refusal: Option<Cow<'a, str>>,
    #[serde(default)]
    tool_calls: Present,
}

/// The events of `data` (a trimmed JSON payload) if it is a common chunk, in the general
/// decoder's order; `None`, with nothing changed, for one the general decoder must read.
pub(super) fn decode(
    data: &str,
    started: &mut bool,
    stopped: &mut bool,
) -> Option<Vec<StreamEvent>> {
    let chunk: Chunk<'_> = serde_json::from_str(data).ok()?;
    let first = chunk.choices.as_ref().and_then(|c| c.first());
    let delta = first.and_then(|c| c.delta.as_ref());
    if chunk.error.0 || delta.is_some_and(|d| d.tool_calls.0) {
        return None;
    }
    let mut out = Vec::with_capacity(2);
    if !*started {
        *started = true;
        let owned = |s: &Option<Cow<'_, str>>| s.as_deref().unwrap_or_default().to_owned();
        out.push(StreamEvent::Start {
            id: owned(&chunk.id),
            model: owned(&chunk.model),
        });
    }
    if let Some(delta) = delta {
        for text in [&delta.content, &delta.refusal].into_iter().flatten() {
            if !text.is_empty() {
                out.push(StreamEvent::TextDelta {
                    text: text.clone().into_owned(),
                });
            }
        }
    }
    if let Some(reason) = first.and_then(|c| c.finish_reason.as_deref()) {
        if !*stopped {
            *stopped = true;
            out.push(StreamEvent::Stop {
                reason: stop_from_finish(reason),
            });
        }
    }
    if let Some(u) = chunk.usage.as_ref().and_then(|u| Obj::new(u, "usage").ok()) {
        out.push(StreamEvent::Usage(usage_from(&u)));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::super::StreamDecoder;

    /// Streams of chunks the fast path takes, leaves, or half-takes; the events must be those of
    /// the `Value` decoder, chunk for chunk.
    #[test]
    fn the_fast_path_gives_the_value_decoders_events() {
        let streams: &[&[&str]] = &[
            &[
                r#"{"id":"c1","model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}"#,
                r#"{"id":"c1","model":"m","choices":[{"index":0,"delta":{"content":"He\"llo\u00e9 "},"finish_reason":null}]}"#,
                r#"{"id":"c1","model":"m","choices":[{"index":0,"delta":{"refusal":"no"},"logprobs":null}]}"#,
                r#"{"id":"c1","model":"m","choices":[{"index":0,"delta":{},"finish_reason":"length"}]}"#,
                r#"{"id":"c1","model":"m","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#,
                r#"{"id":"c1","model":"m","choices":[],"usage":{"prompt_tokens":9,"completion_tokens":3,"prompt_tokens_details":{"cached_tokens":2}}}"#,
            ],
            &[
                r#"{"choices":[{"delta":{"content":"no id or model"}}],"usage":null}"#,
                r#"{"id":7,"choices":[{"delta":{"content":"a number id"}}]}"#,
                r#"{"choices":[{"delta":{"content":["not","text"]}}]}"#,
                r#"{"choices":[{"delta":{"tool_calls":[{"index":0,"id":"t1","function":{"name":"f","arguments":"{\"a\""}}]}}]}"#,
                r#"{"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":":1}"}}]},"finish_reason":"tool_calls"}]}"#,
                r#"{"error":null}"#,
                r#"{"error":{"message":"overloaded"}}"#,
                r#"{"usage":"not an object","choices":"not a list"}"#,
                r#"{"choices":[{"delta":{"content":"dup"}}],"choices":[]}"#,
                r#"[1,2]"#,
                r#"{"choices":[{"delta":{"content":"cut"#,
            ],
        ];
        for stream in streams {
            let (mut fast, mut reference) = (StreamDecoder::new(), StreamDecoder::new());
            for chunk in *stream {
                assert_eq!(fast.feed(chunk), reference.feed_value(chunk), "{chunk}");
                assert_eq!(fast.saw_end(), reference.saw_end(), "{chunk}");
            }
        }
    }
}
