//! Owns Gemini's native generation endpoints: `POST /v1beta/models/{model}:generateContent` (one
//! `GenerateContentResponse`) and `:streamGenerateContent` (with `?alt=sse`, one whole
//! `GenerateContentResponse` per `data:` event and no terminator; without it, a JSON array of
//! the same chunks, as Gemini answers). The key comes from `x-goog-api-key` or `?key=`.
//!
//! Streams group the reply's words into chunks of [`WORDS_PER_CHUNK`]; only the last chunk
//! carries `finishReason` and `usageMetadata`. Usage counts like the other handlers (one word is
//! one token); `modelVersion` is the model of the URL.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::admit::{admit, Early};
use crate::auth;
use crate::body;
use crate::error::{ApiError, ErrorKind, Shape};
use crate::fault;
use crate::sse::{self, Frame};
use crate::state::{Route, Shared};
use crate::text::{self, Reply};

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
}

#[derive(Debug, Deserialize)]
struct Content {
    #[serde(default)]
    role: Option<String>,
    #[serde(default)]
    parts: Vec<Value>,
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

/// Handles `POST /v1beta/models/{model_action}`, where the segment is `{model}:{method}`.
pub(crate) async fn generate(
    State(state): State<Arc<Shared>>,
    Path(model_action): Path<String>,
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
    let messages: Vec<(String, String)> = request
        .contents
        .iter()
        .map(|c| {
            let role = c.role.clone().unwrap_or_else(|| "user".to_owned());
            (role, parts_text(&c.parts))
        })
        .collect();
    let system = request
        .system_instruction
        .as_ref()
        .map(|c| parts_text(&c.parts))
        .unwrap_or_default();
    let prompt_tokens = text::prompt_tokens(messages.iter().map(|(_, t)| t.as_str()), &system);
    let budget = request.generation_config.and_then(|c| c.max_output_tokens);
    let reply = Reply::for_prompt(text::last_user_text(&messages), budget);
    let answer = Answer {
        model,
        id: format!("gemini-demo-{}", state.next_id()),
        prompt_tokens,
        reply: &reply,
    };
    let latency = state.config.latency;

    if method == Method::Stream {
        let chunks = answer.chunks();
        if auth::query_param(&uri, "alt") != Some("sse") {
            sse::pause(latency.total_for(reply.word_count())).await;
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

    sse::pause(latency.total_for(reply.word_count())).await;
    Ok(fault::json_answer(&answer.whole(), cut))
}

/// The text of a content's parts: every `text` part, joined by newlines.
fn parts_text(parts: &[Value]) -> String {
    parts
        .iter()
        .filter_map(|p| p.get("text").and_then(Value::as_str))
        .collect::<Vec<_>>()
        .join("\n")
}

/// One reply, rendered as Gemini `GenerateContentResponse` objects.
struct Answer<'a> {
    model: &'a str,
    id: String,
    prompt_tokens: u64,
    reply: &'a Reply,
}

impl Answer<'_> {
    /// The non-streamed response.
    fn whole(&self) -> Value {
        self.response(&self.reply.text(), true)
    }

    /// The streamed chunks with their word counts: the reply's words in groups, the last one with
    /// the finish reason and usage. A reply without words is one final chunk with empty text.
    fn chunks(&self) -> Vec<(u32, Value)> {
        let pieces: Vec<String> = self.reply.pieces().collect();
        let groups: Vec<&[String]> = pieces.chunks(WORDS_PER_CHUNK).collect();
        let Some(last) = groups.len().checked_sub(1) else {
            return vec![(0, self.response("", true))];
        };
        groups
            .iter()
            .enumerate()
            .map(|(i, words)| {
                let count = u32::try_from(words.len()).unwrap_or(u32::MAX);
                (count, self.response(&words.concat(), i == last))
            })
            .collect()
    }

    /// A response holding `text`; `last` adds `finishReason` and `usageMetadata`.
    fn response(&self, text: &str, last: bool) -> Value {
        let mut candidate = json!({
            "content": {"parts": [{"text": text}], "role": "model"},
            "index": 0,
        });
        let mut response = json!({
            "candidates": [],
            "modelVersion": self.model,
            "responseId": self.id,
        });
        if last {
            let finish = if self.reply.truncated() {
                "MAX_TOKENS"
            } else {
                "STOP"
            };
            candidate["finishReason"] = json!(finish);
            let output = self.reply.tokens();
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
