//! Builders and readers the unit tests of every format share.

use bytes::Bytes;
use serde_json::Value;

use crate::canonical::{ImageSource, Message, Part, Role, StopReason, StreamEvent};
use crate::sse::SseParser;

/// A tool-call part with its arguments as a JSON string.
pub(crate) fn call(id: &str, name: &str, args: &str) -> Part {
    Part::ToolCall {
        id: id.into(),
        name: name.into(),
        arguments_json: args.into(),
    }
}

/// A successful tool-result part.
pub(crate) fn result(call_id: &str, content: &str) -> Part {
    Part::ToolResult {
        call_id: call_id.into(),
        content: content.into(),
        is_error: false,
    }
}

/// A message.
pub(crate) fn msg(role: Role, content: Vec<Part>) -> Message {
    Message { role, content }
}

/// An inline (base64) image part.
pub(crate) fn base64_image(media_type: &str, data: &str) -> Part {
    Part::Image(ImageSource::Base64 {
        media_type: media_type.into(),
        data: data.into(),
    })
}

/// An image part by URL.
pub(crate) fn url_image(url: &str) -> Part {
    Part::Image(ImageSource::Url(url.into()))
}

/// A `Start` stream event.
pub(crate) fn start(id: &str, model: &str) -> StreamEvent {
    StreamEvent::Start {
        id: id.into(),
        model: model.into(),
    }
}

/// A text delta stream event.
pub(crate) fn text(t: &str) -> StreamEvent {
    StreamEvent::TextDelta { text: t.into() }
}

/// A `Stop` stream event.
pub(crate) fn stop(reason: StopReason) -> StreamEvent {
    StreamEvent::Stop { reason }
}

/// The event name (empty when none) and JSON data of every SSE frame in `frames`.
pub(crate) fn sse_json(frames: &[Bytes]) -> Vec<(String, Value)> {
    let mut parser = SseParser::new();
    frames
        .iter()
        .flat_map(|f| parser.feed(f))
        .map(|e| {
            (
                e.event.unwrap_or_default(),
                serde_json::from_str(&e.data).unwrap(),
            )
        })
        .collect()
}

/// Asserts, for each `(status, kind)`, that `error_body(status, "boom")` has `kind` at `pointer`
/// and the message at `/error/message`.
pub(crate) fn assert_error_kinds(
    error_body: impl Fn(u16, &str) -> Value,
    pointer: &str,
    cases: &[(u16, &str)],
) {
    for &(status, kind) in cases {
        let body = error_body(status, "boom");
        assert_eq!(
            body.pointer(pointer),
            Some(&Value::from(kind)),
            "status {status}"
        );
        assert_eq!(body["error"]["message"], "boom");
    }
}
