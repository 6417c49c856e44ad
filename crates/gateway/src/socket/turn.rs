//! One `response.create` on a socket: read (an error event for what cannot be), answered at once
//! when it is a warm-up (`generate: false`), else sent down the HTTP path with the conversation
//! it continues and its events passed on as they come; its input and output kept for the next.

use super::history::Turn;
use super::sse::Events;
use super::{Close, Session};
use crate::generate::{handle, Call};
use crate::inbound::Op;
use crate::reply::Shape;
use axum::body::Body;
use axum::extract::ws::{Message, WebSocket};
use axum::http::{Request, StatusCode};
use futures_util::stream::SplitSink;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Map, Value};

type Sink = SplitSink<WebSocket, Message>;

/// What the session does after a turn.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Next {
    Continue,
    Close(Close),
}

/// Sends an error event (the shape OpenAI's Responses WebSocket uses): `status` as the HTTP
/// answer would have had it, the error object as its body.
pub(super) async fn refuse(
    tx: &mut Sink,
    status: u16,
    message: &str,
    code: Option<(&str, &str)>,
) -> Result<(), axum::Error> {
    let param = code.map(|(_, param)| param);
    let mut body = crate::reply::error_body(Shape::Responses, status, message, param);
    if let Some((code, _)) = code {
        body["error"]["code"] = json!(code);
    }
    send(
        tx,
        &json!({"type": "error", "status": status, "error": body["error"]}),
    )
    .await
}

async fn send(tx: &mut Sink, event: &Value) -> Result<(), axum::Error> {
    tx.send(Message::Text(event.to_string().into())).await
}

/// A `response.create` read: the body for the HTTP path, and what the history keeps of it.
struct Create {
    body: Map<String, Value>,
    input: Vec<Value>,
    generate: bool,
}

/// Why a message is not a `response.create` this socket can answer.
struct Unreadable {
    message: String,
    code: Option<(&'static str, &'static str)>,
}

impl Unreadable {
    fn new(message: impl Into<String>) -> Unreadable {
        Unreadable {
            message: message.into(),
            code: None,
        }
    }
}

fn read(text: &str, earlier: impl Fn(&str) -> Option<Vec<Value>>) -> Result<Create, Unreadable> {
    let Ok(Value::Object(mut body)) = serde_json::from_str::<Value>(text) else {
        return Err(Unreadable::new("Each message must be a JSON object."));
    };
    match body.remove("type") {
        Some(Value::String(t)) if t == "response.create" => {}
        _ => {
            let msg = "Only `response.create` messages are read on this socket (`type`).";
            return Err(Unreadable::new(msg));
        }
    }
    let generate = !matches!(body.remove("generate"), Some(Value::Bool(false)));
    let new_items = match body.remove("input") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items,
        Some(Value::String(text)) => vec![json!({"type": "message", "role": "user",
            "content": [{"type": "input_text", "text": text}]})],
        Some(_) => {
            return Err(Unreadable::new(
                "`input` must be a string or a list of items.",
            ))
        }
    };
    let mut input = match body.remove("previous_response_id") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(id)) => earlier(&id).ok_or_else(|| {
            let shown: String = id.chars().take(80).collect();
            Unreadable {
                message: format!("Previous response with id '{shown}' not found on this socket: send the whole input."),
                code: Some(("previous_response_not_found", "previous_response_id")),
            }
        })?,
        Some(_) => return Err(Unreadable::new("`previous_response_id` must be a string.")),
    };
    input.extend(new_items);
    Ok(Create {
        body,
        input,
        generate,
    })
}

/// What a turn's events said: the response's id, its output items, whether it completed.
#[derive(Default)]
struct Seen {
    id: Option<String>,
    output: Vec<Value>,
    completed: bool,
}

impl Seen {
    fn read(&mut self, data: &str) {
        let Ok(event) = serde_json::from_str::<Value>(data) else {
            return;
        };
        match event["type"].as_str() {
            Some("response.created") => {
                self.id = event["response"]["id"].as_str().map(str::to_string);
            }
            Some("response.output_item.done") => self.output.push(event["item"].clone()),
            Some("response.completed") => {
                self.completed = true;
                if let Some(id) = event["response"]["id"].as_str() {
                    self.id = Some(id.to_string());
                }
                // The whole output when the answer lists it (it is the same items).
                if let Some(items) = event["response"]["output"].as_array() {
                    if !items.is_empty() {
                        self.output = items.clone();
                    }
                }
            }
            _ => {}
        }
    }
}

/// The warm-up's events: a response created and completed, empty, at no cost.
fn warm_up(model: &Value) -> (String, [Value; 2]) {
    let id = format!("resp_{}", uuid::Uuid::new_v4().simple());
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let response = |status: &str| {
        json!({"id": id, "object": "response", "created_at": now, "status": status,
            "model": model, "output": [], "usage": {"input_tokens": 0, "output_tokens": 0,
            "total_tokens": 0, "input_tokens_details": {"cached_tokens": 0},
            "output_tokens_details": {"reasoning_tokens": 0}}})
    };
    let events = [
        json!({"type": "response.created", "sequence_number": 0, "response": response("in_progress")}),
        json!({"type": "response.completed", "sequence_number": 1, "response": response("completed")}),
    ];
    (id, events)
}

impl Session {
    /// Answers one message.
    pub(super) async fn turn(&mut self, text: &str, tx: &mut Sink) -> Result<Next, axum::Error> {
        let earlier = |id: &str| {
            self.history
                .get(id)
                .map(|t: &Turn| t.conversation().cloned().collect())
        };
        let create = match read(text, earlier) {
            Ok(create) => create,
            Err(e) => {
                refuse(tx, 400, &e.message, e.code).await?;
                return Ok(Next::Continue);
            }
        };
        let Create {
            mut body,
            input,
            generate,
        } = create;
        if !generate {
            let (id, events) = warm_up(body.get("model").unwrap_or(&Value::Null));
            for event in &events {
                send(tx, event).await?;
            }
            let bytes = serde_json::to_vec(&input).map_or(0, |b| b.len());
            self.history.keep(id, input, Vec::new(), bytes);
            return Ok(Next::Continue);
        }
        body.insert("input".into(), Value::Array(input));
        body.insert("stream".into(), Value::Bool(true));
        let mut root = Value::Object(body);
        let raw = root.to_string();
        let bytes = raw.len();
        // The input as sent, kept for the next turn once this one completes.
        let input = match root["input"].take() {
            Value::Array(items) => items,
            _ => Vec::new(),
        };
        let mut req = Request::post("/v1/responses").body(Body::from(raw));
        if let Ok(r) = &mut req {
            *r.headers_mut() = self.headers.clone();
        }
        let Ok(req) = req else {
            refuse(tx, 500, "The request could not be made.", None).await?;
            return Ok(Next::Continue);
        };
        let state = std::sync::Arc::clone(&self.state);
        let call = Call::Model(Op::Generate);
        let resp = handle(
            state,
            Shape::Responses,
            call,
            self.caller.clone(),
            req,
            None,
        )
        .await;
        let status = resp.status();
        let limit = self.state.config.body_limit;
        if status != StatusCode::OK {
            let body = axum::body::to_bytes(resp.into_body(), limit).await;
            let error = body
                .ok()
                .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
                .map_or(Value::Null, |v| v["error"].clone());
            let code = status.as_u16();
            send(
                tx,
                &json!({"type": "error", "status": code, "error": error}),
            )
            .await?;
            return Ok(if status.is_server_error() {
                Next::Close(Close::BackendFailed)
            } else {
                Next::Continue
            });
        }
        let mut events = Events::new(limit);
        let mut seen = Seen::default();
        let mut stream = resp.into_body().into_data_stream();
        while let Some(chunk) = stream.next().await {
            let Ok(chunk) = chunk else { break };
            let Ok(datas) = events.push(&chunk) else {
                break;
            };
            for data in datas {
                seen.read(&data);
                tx.send(Message::Text(data.into())).await?;
            }
        }
        if !seen.completed {
            return Ok(Next::Close(Close::BackendFailed));
        }
        if let Some(id) = seen.id.take() {
            self.history
                .keep(id, input, std::mem::take(&mut seen.output), bytes);
        }
        Ok(Next::Continue)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_continuation_gets_the_conversation_it_names_before_its_new_items() {
        let earlier = |id: &str| (id == "resp_1").then(|| vec![json!("a"), json!("b")]);
        let c = read(
            r#"{"type":"response.create","model":"m","previous_response_id":"resp_1","input":[{"x":1}],"generate":true}"#,
            earlier,
        )
        .ok()
        .unwrap();
        assert_eq!(c.input, [json!("a"), json!("b"), json!({"x": 1})]);
        assert!(c.generate && !c.body.contains_key("type") && c.body["model"] == "m");
        let warm = read(
            r#"{"type":"response.create","generate":false,"input":"hi"}"#,
            earlier,
        )
        .ok()
        .unwrap();
        assert!(!warm.generate);
        assert_eq!(warm.input[0]["content"][0]["text"], "hi");
    }

    #[test]
    fn what_cannot_be_answered_says_why() {
        let none = |_: &str| None;
        let unknown = read(
            r#"{"type":"response.create","previous_response_id":"resp_9"}"#,
            none,
        );
        let e = unknown.err().unwrap();
        assert_eq!(
            e.code,
            Some(("previous_response_not_found", "previous_response_id"))
        );
        for bad in [
            "[]",
            "{}",
            r#"{"type":"response.cancel"}"#,
            r#"{"type":"response.create","input":3}"#,
        ] {
            assert!(read(bad, none).is_err(), "{bad}");
        }
    }
}
