//! Owns Gemini's native generation endpoints: `POST /v1beta/models/{model}:generateContent` (one
//! `GenerateContentResponse`) and `:streamGenerateContent` (with `?alt=sse`, one whole
//! `GenerateContentResponse` per `data:` event and no terminator; without it, a JSON array of
//! the same chunks, as Gemini answers). The key comes from `x-goog-api-key` or `?key=`.
//!
//! Streams group the reply's words into chunks of [`WORDS_PER_CHUNK`]; only the last chunk
//! carries `finishReason` and `usageMetadata`. A scripted tool call (see `script`) is one
//! `functionCall` part (no id) with `finishReason: STOP`, streamed as one chunk. Usage counts
//! like the other handlers (one word is one token); `modelVersion` is the model of the URL.
//! `:countTokens` on the same path is dispatched to `count`.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::admit::{admit, Early};
use crate::auth;
use crate::body;
use crate::books::{self, Tokens};
use crate::convo::Conversation;
use crate::error::{ApiError, ErrorKind, Shape};
use crate::fault;
use crate::script::{Plan, ToolCall};
use crate::sse::{self, Frame};
use crate::state::{Route, Shared};

/// Words per streamed chunk (Gemini sends a few tokens per event, not one).
const WORDS_PER_CHUNK: usize = 4;

/// The fields of a `generateContent` request the mock uses. Gemini accepts both camelCase and
/// snake_case field names.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GenerateRequest {
    contents: Vec<Content>,
    #[serde(default, alias = "system_instruction")]
    system_instruction: Option<Content>,
    #[serde(default, alias = "generation_config")]
    generation_config: Option<GenerationConfig>,
    #[serde(default)]
    tools: Option<Vec<Value>>,
}

/// One content of a conversation (also the system instruction).
#[derive(Debug, Deserialize)]
pub(crate) struct Content {
    /// `user`, `model` (or `function`); `user` when absent.
    #[serde(default)]
    pub role: Option<String>,
    /// The parts, read by `convo`.
    #[serde(default)]
    pub parts: Vec<Value>,
}

impl Content {
    /// The role, `user` when absent.
    pub(crate) fn role(&self) -> &str {
        self.role.as_deref().unwrap_or("user")
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GenerationConfig {
    #[serde(default, alias = "max_output_tokens")]
    max_output_tokens: Option<u64>,
}

/// Which method the last path segment (`{model}:{method}`) names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Method {
    Generate,
    Stream,
}

/// Handles `POST /v1beta/models/{model_action}`, where the segment is `{model}:{method}`:
/// generation, or token counting (see `count`).
pub(crate) async fn dispatch(
    state: State<Arc<Shared>>,
    Path(model_action): Path<String>,
    headers: HeaderMap,
    uri: Uri,
    raw: Bytes,
) -> Result<Response, Early> {
    if let Some((model, "countTokens")) = model_action.rsplit_once(':') {
        if !model.is_empty() {
            let counted = count_tokens(&state, &headers, &uri, &raw).await?;
            return Ok(counted.into_response());
        }
    }
    generate(state, model_action, headers, uri, raw).await
}

/// Generation: `generateContent` or `streamGenerateContent`, else an unknown route (404).
async fn generate(
    State(state): State<Arc<Shared>>,
    model_action: String,
    headers: HeaderMap,
    uri: Uri,
    raw: Bytes,
) -> Result<Response, Early> {
    let (model, method) = match model_action.rsplit_once(':') {
        Some((model, "generateContent")) if !model.is_empty() => (model, Method::Generate),
        Some((model, "streamGenerateContent")) if !model.is_empty() => (model, Method::Stream),
        _ => {
            // Not a generation method: an unknown route, counted like the fallback counts it.
            state.hit_unrouted();
            let message = format!("Invalid URL (POST {})", uri.path());
            return Err(ApiError::new(Shape::Gemini, ErrorKind::NotFound(message)).into());
        }
    };
    let key = auth::gemini_key(&headers, &uri);
    let cut = admit(&state, Route::GeminiGenerate, Shape::Gemini, key).await?;
    let request: GenerateRequest = body::parse(
        &raw,
        Shape::Gemini,
        &[(
            "contents",
            "* GenerateContentRequest.contents: contents is not specified\n",
        )],
    )?;
    if request.contents.is_empty() {
        return Err(ApiError::bad_request(
            Shape::Gemini,
            "* GenerateContentRequest.contents: contents is not specified\n",
        )
        .into());
    }
    let contents: Vec<(&str, &[Value])> = request
        .contents
        .iter()
        .map(|c| (c.role(), c.parts.as_slice()))
        .collect();
    let system = request
        .system_instruction
        .as_ref()
        .map_or(&[][..], |c| c.parts.as_slice());
    let tools = request.tools.as_deref().unwrap_or_default();
    let convo = Conversation::gemini(&contents, system, tools);
    let budget = request.generation_config.and_then(|c| c.max_output_tokens);
    let plan = convo.plan(budget);
    let answer = Answer {
        model,
        id: format!("gemini-demo-{}", state.next_id()),
        prompt_tokens: convo.prompt_tokens(),
        plan: &plan,
    };
    if cut.is_none() {
        let tokens = Tokens::plain(answer.prompt_tokens, plan.tokens());
        books::record(&state, key, model, tokens);
    }
    let latency = state.config.latency;

    if method == Method::Stream {
        let chunks = answer.chunks();
        if auth::query_param(&uri, "alt") != Some("sse") {
            sse::pause(latency.total_for(plan.word_count())).await;
            let array = chunks.into_iter().map(|(_, chunk)| chunk).collect();
            return Ok(fault::json_answer(&Value::Array(array), cut));
        }
        // The first chunk follows the first-byte pause; each later one waits for its words.
        let frames = chunks
            .iter()
            .enumerate()
            .map(|(i, (words, chunk))| {
                let delay = if i == 0 {
                    Duration::ZERO
                } else {
                    latency.per_token.saturating_mul(*words)
                };
                Frame::data(delay, chunk)
            })
            .collect();
        sse::pause(latency.first_byte).await;
        return Ok(sse::stream_response(frames, state.cancel.clone(), cut));
    }

    sse::pause(latency.total_for(plan.word_count())).await;
    Ok(fault::json_answer(&answer.whole(), cut))
}

/// One answer, rendered as Gemini `GenerateContentResponse` objects.
struct Answer<'a> {
    model: &'a str,
    id: String,
    prompt_tokens: u64,
    plan: &'a Plan,
}

impl Answer<'_> {
    /// The non-streamed response.
    fn whole(&self) -> Value {
        match self.plan {
            Plan::Text(reply) => self.response(&json!([{ "text": reply.text() }]), true),
            Plan::Call(call) => self.call_response(call),
        }
    }

    /// The streamed chunks with their word counts: the reply's words in groups, the last one with
    /// the finish reason and usage. A reply without words is one final chunk with empty text; a
    /// tool call is one final chunk.
    fn chunks(&self) -> Vec<(u32, Value)> {
        let reply = match self.plan {
            Plan::Text(reply) => reply,
            Plan::Call(call) => return vec![(0, self.call_response(call))],
        };
        let pieces: Vec<String> = reply.pieces().collect();
        let groups: Vec<&[String]> = pieces.chunks(WORDS_PER_CHUNK).collect();
        let Some(last) = groups.len().checked_sub(1) else {
            return vec![(0, self.response(&json!([{ "text": "" }]), true))];
        };
        groups
            .iter()
            .enumerate()
            .map(|(i, words)| {
                let count = u32::try_from(words.len()).unwrap_or(u32::MAX);
                (
                    count,
                    self.response(&json!([{ "text": words.concat() }]), i == last),
                )
            })
            .collect()
    }

    /// The final response holding the call as a `functionCall` part.
    fn call_response(&self, call: &ToolCall) -> Value {
        let part = json!({ "functionCall": { "name": call.name, "args": call.object() } });
        self.response(&json!([part]), true)
    }

    /// A response holding `parts`; `last` adds `finishReason` and `usageMetadata`.
    fn response(&self, parts: &Value, last: bool) -> Value {
        let mut candidate = json!({
            "content": {"parts": parts, "role": "model"},
            "index": 0,
        });
        let mut response = json!({
            "candidates": [],
            "modelVersion": self.model,
            "responseId": self.id,
        });
        if last {
            let finish = if self.plan.truncated() {
                "MAX_TOKENS"
            } else {
                "STOP"
            };
            candidate["finishReason"] = json!(finish);
            let output = self.plan.tokens();
            response["usageMetadata"] = json!({
                "promptTokenCount": self.prompt_tokens,
                "candidatesTokenCount": output,
                "totalTokenCount": self.prompt_tokens + output,
                "promptTokensDetails": [{"modality": "TEXT", "tokenCount": self.prompt_tokens}],
            });
        }
        response["candidates"] = json!([candidate]);
        response
    }
}

/// The body of a Gemini count request: bare `contents`, or a whole `generateContentRequest`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GeminiCount {
    #[serde(default)]
    contents: Option<Vec<Content>>,
    #[serde(default, alias = "generate_content_request")]
    generate_content_request: Option<GeminiPrompt>,
}

/// The parts of a `generateContentRequest` that count.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GeminiPrompt {
    #[serde(default)]
    contents: Vec<Content>,
    #[serde(default, alias = "system_instruction")]
    system_instruction: Option<Content>,
    #[serde(default)]
    tools: Option<Vec<Value>>,
}

/// Message Gemini answers a count request without contents with.
const NO_CONTENTS: &str = "* CountTokensRequest.contents: contents is not specified\n";

/// `POST /v1beta/models/{model}:countTokens` → `{"totalTokens": N, "promptTokensDetails": …}`,
/// counted like `generateContent`'s prompt tokens.
async fn count_tokens(
    state: &Shared,
    headers: &HeaderMap,
    uri: &Uri,
    raw: &Bytes,
) -> Result<Json<Value>, ApiError> {
    state.hit(Route::GeminiCountTokens);
    auth::check(&state.config, auth::gemini_key(headers, uri), Shape::Gemini)?;
    let request: GeminiCount = body::parse(raw, Shape::Gemini, &[])?;
    let prompt = match (request.contents, request.generate_content_request) {
        (_, Some(prompt)) => prompt,
        (Some(contents), None) => GeminiPrompt {
            contents,
            ..GeminiPrompt::default()
        },
        (None, None) => return Err(ApiError::bad_request(Shape::Gemini, NO_CONTENTS)),
    };
    let contents: Vec<(&str, &[Value])> = prompt
        .contents
        .iter()
        .map(|c| (c.role(), c.parts.as_slice()))
        .collect();
    let system = prompt
        .system_instruction
        .as_ref()
        .map_or(&[][..], |c| c.parts.as_slice());
    let tools = prompt.tools.as_deref().unwrap_or_default();
    let total = Conversation::gemini(&contents, system, tools).prompt_tokens();
    Ok(Json(json!({
        "totalTokens": total,
        "promptTokensDetails": [{ "modality": "TEXT", "tokenCount": total }],
    })))
}
