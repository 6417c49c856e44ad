//! The request entry every model endpoint shares, one code path for all shapes:
//! `/v1/chat/completions`, `/v1/messages`, `/v1/responses`, `/v1/responses/compact`,
//! `/v1/embeddings`, Gemini's `/v1beta/models/{model}:{method}`, and the counting endpoints
//! (handed to `count`).
//!
//! Order: the body is read (415 not JSON, 413 over the limit, 400 not a JSON object), the model
//! found (the body's `model`, or Gemini's URL) and checked (400 over 256 bytes or with a control
//! character: `reply::model_refused`, before anything is recorded), a Responses or Gemini body checked the way
//! translation reads it (a malformed item is a 400 naming its field before any backend is
//! asked; what only the provider itself could serve is left to the candidates), then
//! `resolve` → the response cache → `forward::run`.

use crate::deps::Caller;
use crate::inbound::{Inbound, Op};
use crate::log::RequestLog;
use crate::reply::{error, error_at, Refused, Shape};
use crate::resolve::resolve;
use crate::{caching, forward, GatewayState};
use axum::extract::{Path, Request, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Extension;
use bytes::Bytes;
use serde_json::Value;
use std::sync::Arc;
use switchyard_domain::ErrorClass;
use switchyard_wire::WireError;

/// What a route asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Call {
    /// A model answer (or embeddings, or compaction) through the attempt loop.
    Model(Op),
    /// A token count (`count`).
    Count,
}

macro_rules! route {
    ($name:ident, $shape:expr, $call:expr) => {
        pub async fn $name(
            State(state): State<Arc<GatewayState>>,
            Extension(caller): Extension<Caller>,
            req: Request,
        ) -> Response {
            handle(state, $shape, $call, caller, req, None).await
        }
    };
}

route!(chat_completions, Shape::OpenAi, Call::Model(Op::Generate));
route!(messages, Shape::Anthropic, Call::Model(Op::Generate));
route!(count_tokens, Shape::Anthropic, Call::Count);
route!(
    responses_create,
    Shape::Responses,
    Call::Model(Op::Generate)
);
route!(input_tokens, Shape::Responses, Call::Count);
route!(compact, Shape::Responses, Call::Model(Op::Compact));
route!(embeddings, Shape::OpenAi, Call::Model(Op::Embed));

/// `POST /v1beta/models/{model}:{method}` (also under `/v1/models/…` for clients set to the
/// `v1` API version): `generateContent`, `streamGenerateContent` (SSE with `alt=sse`, else a
/// JSON array of chunks) and `countTokens`.
pub async fn gemini_post(
    State(state): State<Arc<GatewayState>>,
    Extension(caller): Extension<Caller>,
    Path(rest): Path<String>,
    req: Request,
) -> Response {
    let sse = req
        .uri()
        .query()
        .is_some_and(|q| q.split('&').any(|p| p == "alt=sse"));
    let Some((model, method)) = rest.rsplit_once(':') else {
        return error(Shape::Gemini, Refused::NotFound, "Unknown Gemini method: use models/{model}:generateContent, :streamGenerateContent or :countTokens.");
    };
    let model = model.strip_prefix("models/").unwrap_or(model).to_string();
    let (call, stream) = match method {
        "generateContent" => (Call::Model(Op::Generate), false),
        "streamGenerateContent" => (Call::Model(Op::Generate), sse),
        "countTokens" => (Call::Count, false),
        _ => return error(
            Shape::Gemini,
            Refused::NotFound,
            "Unknown Gemini method: use :generateContent, :streamGenerateContent or :countTokens.",
        ),
    };
    // Without `alt=sse` a stream is one JSON array: answered whole, as a one-chunk array.
    let array = method == "streamGenerateContent" && !sse;
    let url = GeminiUrl {
        model,
        stream,
        array,
    };
    handle(state, Shape::Gemini, call, caller, req, Some(url)).await
}

/// What a Gemini URL says.
pub(crate) struct GeminiUrl {
    model: String,
    stream: bool,
    array: bool,
}

/// The request's whole work, as one future on the heap. Boxed here, once, because its state is
/// large (about 7.5 KB: every step down to the upstream read nests in it) and the handler's
/// future is moved several times on its way into axum's own box: a handler future that only
/// holds this box is cheap to move (docs/BENCHMARKS.md, issue #19). A block over the arguments
/// rather than an `async fn`, whose state keeps a second copy of every argument
/// (rust-lang/rust#62958).
pub(crate) fn handle(
    state: Arc<GatewayState>,
    shape: Shape,
    call: Call,
    caller: Caller,
    req: Request,
    url: Option<GeminiUrl>,
) -> std::pin::Pin<Box<impl std::future::Future<Output = Response>>> {
    Box::pin(async move {
        let (parts, body) = req.into_parts();
        let headers: HeaderMap = parts.headers;
        let sign_in = parts
            .extensions
            .get::<Arc<crate::sign_in::SignIn>>()
            .cloned();
        let raw = match read_body(&state, shape, &headers, body).await {
            Ok(raw) => raw,
            Err(resp) => return resp,
        };
        if call == Call::Count && url.is_none() {
            // Counting is answered from one scan of the bytes: no JSON tree for a session-sized body.
            let Some((body, model)) = crate::count::Counting::scan(shape, raw) else {
                let msg = "The request body must be a valid JSON object.";
                return error(shape, ErrorClass::BadRequest, msg);
            };
            let Some(model) = model else {
                let msg = "`model` is required: a model id or a Switchyard route name.";
                return error_at(shape, ErrorClass::BadRequest, msg, Some("model"));
            };
            return crate::count::count(state, shape, &caller, model, body, &headers).await;
        }
        let json = match parse_json(shape, &raw) {
            Ok(json) => json,
            Err(resp) => return *resp,
        };
        let requested = match (&url, json.get("model").and_then(Value::as_str)) {
            (Some(u), _) => u.model.clone(),
            (None, Some(m)) => m.to_string(),
            (None, None) => {
                let msg = "`model` is required: a model id or a Switchyard route name.";
                return error_at(shape, ErrorClass::BadRequest, msg, Some("model"));
            }
        };
        if let Some(refused) = crate::reply::model_refused(shape, &requested) {
            return refused;
        }
        let op = match call {
            Call::Count => {
                let body = crate::count::Counting::of_gemini(raw, &json);
                return crate::count::count(state, shape, &caller, requested, body, &headers).await;
            }
            Call::Model(op) => op,
        };
        let gemini_url = url.as_ref().map(|u| (u.model.clone(), u.stream));
        let mut inbound = Inbound::new(shape, op, raw, json, gemini_url);
        inbound.array_reply = url.is_some_and(|u| u.array);
        // Responses and Gemini bodies are read the way translation reads them, once (the reading
        // is kept for translation and the cache key): malformed is refused whatever the backend;
        // what only the provider itself serves is left to the candidates.
        if op == Op::Generate && matches!(shape, Shape::Responses | Shape::Gemini) {
            match inbound.canonical() {
                Ok(_) | Err(WireError::Unsupported { .. }) => {}
                Err(e) => return refuse(shape, &e),
            }
        }
        let label = match op {
            Op::Generate => shape.as_str(),
            Op::Embed => "embeddings",
            Op::Compact => "responses",
        };
        // Recorded from here on, refusals included: a tool asking for a model nothing serves
        // shows on the Requests page (as `unknown_model`), not only in its own error output.
        let mut log = RequestLog::new(
            Arc::clone(&state.ledger),
            Arc::clone(&state.observer),
            Arc::clone(&state.spend),
            &caller,
            label,
            &requested,
            inbound.stream,
        );
        let table = state.table.get();
        let planned = match (&caller.subscription, sign_in) {
            (Some(sub), Some(s)) => {
                crate::subscription::route(&state, &table, (sub, s), shape, &requested)
            }
            _ => None,
        };
        let Some(plan) = planned.or_else(|| resolve(&table, &requested)) else {
            let shown: String = requested.chars().take(80).collect();
            let msg = format!("Unknown model or route “{shown}”: no enabled backend serves it. Add a route or a backend on the Switchyard Routes page.");
            return log.refuse(shape, ErrorClass::UnknownModel, &msg);
        };
        if op == Op::Embed {
            let prices = state.spend.prices();
            if let Err((msg, field)) = crate::embeddings::check(&inbound.json, &plan, &prices) {
                return log.refuse_at(shape, ErrorClass::BadRequest, &msg, Some(&field));
            }
        }
        log.track(crate::log::InFlight::enter(&state.in_flight));
        match caching::decide(&state, &plan, &requested, &mut inbound, &headers, &caller).await {
            caching::Decision::Refused(resp) => {
                log.fail(ErrorClass::BadRequest);
                resp
            }
            caching::Decision::Answered(answer, label) => {
                log.set_route(plan.route.clone());
                crate::replay::respond(&inbound, &answer, label, log)
            }
            caching::Decision::Forward { label, capture } => {
                if let Some(l) = label {
                    log.cache(l);
                }
                inbound.capture = capture.map(|c| *c);
                let mut resp = forward::run(&state, plan, inbound, log, headers).await;
                caching::label(&mut resp, label);
                resp
            }
        }
    })
}

/// A 400 for a malformed body, naming the field.
fn refuse(shape: Shape, e: &WireError) -> Response {
    let field = match e {
        WireError::MissingField { field } | WireError::InvalidField { field, .. } => {
            Some(field.as_str())
        }
        _ => None,
    };
    error_at(
        shape,
        ErrorClass::BadRequest,
        &format!("Invalid request: {e}."),
        field,
    )
}

/// The body's bytes (JSON content type, within the size limit), or the error response.
async fn read_body(
    state: &GatewayState,
    shape: Shape,
    headers: &HeaderMap,
    body: axum::body::Body,
) -> Result<Bytes, Response> {
    if let Some(ct) = headers.get("content-type").and_then(|v| v.to_str().ok()) {
        if !ct.to_ascii_lowercase().starts_with("application/json") {
            return Err(error(
                shape,
                Refused::UnsupportedMediaType,
                "Send the request as application/json.",
            ));
        }
    }
    // Unknown codings are refused before a byte of the body is read.
    let codings = crate::encoding::codings(headers).map_err(|name| {
        let msg = format!(
            "Content-Encoding `{name}` is not supported: send the body as identity, gzip, deflate, br or zstd."
        );
        error(shape, Refused::UnsupportedMediaType, &msg)
    })?;
    let limit = state.config.body_limit;
    let too_large = || {
        let msg = format!(
            "The request body is over the {} MiB limit.",
            limit / (1024 * 1024)
        );
        error(shape, Refused::TooLarge, &msg)
    };
    // A declared length over the limit is refused before a byte of the body is read.
    let declared = headers
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    let within = state.config.connections.body_read;
    let read = tokio::time::timeout(within, axum::body::to_bytes(body, limit));
    let bytes = match read.await {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(e)) if is_length_limit(&e) => return Err(too_large()),
        Ok(Err(_)) => {
            return Err(error(
                shape,
                ErrorClass::BadRequest,
                "The request body could not be read (the connection ended or the chunked encoding is malformed).",
            ))
        }
        Err(_) => {
            let msg = format!(
                "The request body did not arrive within {} s.",
                within.as_secs()
            );
            return Err(error(shape, Refused::TooSlow, &msg));
        }
    };
    if codings.is_empty() {
        return Ok(bytes);
    }
    // The cap applies again to the decoded bytes (streamed, stopped one byte past it), off the
    // async threads: a bomb costs at most `limit + 1` bytes per coding.
    let decoded =
        tokio::task::spawn_blocking(move || crate::encoding::decode(bytes, &codings, limit)).await;
    match decoded {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(crate::encoding::DecodeError::TooLarge)) => Err(too_large()),
        Ok(Err(crate::encoding::DecodeError::Corrupt(name))) => {
            let msg = format!("The request body is not valid {name} data.");
            Err(error(shape, ErrorClass::BadRequest, &msg))
        }
        Err(_) => Err(error(
            shape,
            ErrorClass::BadRequest,
            "The request body could not be decoded.",
        )),
    }
}

/// Whether reading a body failed because it went over the size limit.
fn is_length_limit(e: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        if err.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = err.source();
    }
    false
}

/// The body as a JSON object, or the error response.
fn parse_json(shape: Shape, bytes: &[u8]) -> Result<Value, Box<Response>> {
    match serde_json::from_slice(bytes) {
        Ok(v @ Value::Object(_)) => Ok(v),
        Ok(_) => Err(Box::new(error(
            shape,
            ErrorClass::BadRequest,
            "The request body must be a JSON object.",
        ))),
        Err(e) => {
            let msg = format!(
                "The request body is not valid JSON (line {}, column {}).",
                e.line(),
                e.column()
            );
            Err(Box::new(error(shape, ErrorClass::BadRequest, &msg)))
        }
    }
}
