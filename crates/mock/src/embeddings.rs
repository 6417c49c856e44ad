//! Owns `POST /v1/embeddings`: deterministic, L2-normalised vectors seeded by a hash of each
//! input (FNV-1a, then xorshift), as floats or base64 (little-endian f32 bytes). One word is one
//! token (a token array counts its length); an input over [`MAX_INPUT_TOKENS`] is refused the way
//! OpenAI refuses it. The fault script applies, as for the other generation endpoints.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::admit::{admit, Early};
use crate::auth;
use crate::body;
use crate::error::{ApiError, Shape};
use crate::fault;
use crate::models::fnv1a;
use crate::sse;
use crate::state::{Route, Shared};
use crate::text;

/// Vector length when the request names none.
pub(crate) const DEFAULT_DIMENSIONS: u64 = 16;
/// The largest `dimensions` accepted.
pub(crate) const MAX_DIMENSIONS: u64 = 3072;
/// The most tokens one input may have.
pub(crate) const MAX_INPUT_TOKENS: u64 = 8192;

/// OpenAI's message for an input it cannot read (missing, empty, mixed types).
const INVALID_INPUT: &str = "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.";

/// The fields of an embeddings request the mock uses.
#[derive(Debug, Deserialize)]
struct EmbeddingsRequest {
    #[serde(default)]
    input: Value,
    #[serde(default)]
    encoding_format: Option<String>,
    #[serde(default)]
    dimensions: Option<u64>,
}

/// One input to embed.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Input {
    Text(String),
    Tokens(Vec<u64>),
}

impl Input {
    /// Its token count: words of a text, length of a token array.
    fn tokens(&self) -> u64 {
        match self {
            Input::Text(text) => text::count_words(text),
            Input::Tokens(tokens) => tokens.len() as u64,
        }
    }

    /// The seed of its vector.
    fn seed(&self) -> u64 {
        match self {
            Input::Text(text) => fnv1a(text),
            Input::Tokens(tokens) => {
                let joined: Vec<String> = tokens.iter().map(u64::to_string).collect();
                fnv1a(&format!("tokens:{}", joined.join(",")))
            }
        }
    }
}

/// Handles `POST /v1/embeddings`.
pub(crate) async fn embeddings(
    State(state): State<Arc<Shared>>,
    headers: HeaderMap,
    raw: Bytes,
) -> Result<Response, Early> {
    let key = auth::extract_key(&headers, Shape::OpenAi);
    let cut = admit(&state, Route::Embeddings, Shape::OpenAi, key).await?;
    let value = body::object(&raw, Shape::OpenAi)?;
    if body::missing(&value, "model") {
        let message = "you must provide a model parameter";
        return Err(ApiError::bad_param(Shape::OpenAi, "model", message).into());
    }
    let model = value.get("model").cloned().unwrap_or(Value::Null);
    let request: EmbeddingsRequest = body::decode(value, Shape::OpenAi)?;
    let inputs = inputs(&request.input)
        .ok_or_else(|| ApiError::bad_param(Shape::OpenAi, "input", INVALID_INPUT))?;
    let base64 = match request.encoding_format.as_deref() {
        None | Some("float") => false,
        Some("base64") => true,
        Some(other) => {
            let message = format!(
                "Invalid value for 'encoding_format': '{other}'. Supported values are: 'float' and 'base64'."
            );
            return Err(ApiError::bad_param(Shape::OpenAi, "encoding_format", message).into());
        }
    };
    let dimensions = match request.dimensions.unwrap_or(DEFAULT_DIMENSIONS) {
        d @ 1..=MAX_DIMENSIONS => usize::try_from(d).unwrap_or(usize::MAX),
        d => {
            let message = format!(
                "Invalid value for 'dimensions' = {d}. Must be between 1 and {MAX_DIMENSIONS}."
            );
            return Err(ApiError::bad_param(Shape::OpenAi, "dimensions", message).into());
        }
    };
    let counts: Vec<u64> = inputs.iter().map(Input::tokens).collect();
    if let Some((i, n)) = counts
        .iter()
        .enumerate()
        .find(|(_, n)| **n > MAX_INPUT_TOKENS)
    {
        let message = format!(
            "This model's maximum context length is {MAX_INPUT_TOKENS} tokens, however you \
             requested {n} tokens ({n} in your prompt; 0 for the completion) in input[{i}]. \
             Please reduce your prompt; or completion length."
        );
        return Err(ApiError::bad_param(Shape::OpenAi, "input", message).into());
    }
    let data: Vec<Value> = inputs
        .iter()
        .enumerate()
        .map(|(index, input)| {
            let vector = vector(input.seed(), dimensions);
            let embedding = if base64 {
                json!(encode_base64(&le_bytes(&vector)))
            } else {
                json!(vector)
            };
            json!({ "object": "embedding", "index": index, "embedding": embedding })
        })
        .collect();
    let total: u64 = counts.iter().sum();
    sse::pause(state.config.latency.first_byte).await;
    Ok(fault::json_answer(
        &json!({
            "object": "list",
            "data": data,
            "model": model,
            "usage": { "prompt_tokens": total, "total_tokens": total },
        }),
        cut,
    ))
}

/// The inputs of `input`: a non-empty string, an array of non-empty strings, an array of token
/// ids, or an array of non-empty token arrays. `None` for anything else (empty, mixed, wrong type).
fn inputs(input: &Value) -> Option<Vec<Input>> {
    let text = |v: &Value| {
        v.as_str()
            .filter(|s| !s.is_empty())
            .map(|s| Input::Text(s.to_owned()))
    };
    let tokens = |v: &Value| {
        let ids: Option<Vec<u64>> = v.as_array()?.iter().map(Value::as_u64).collect();
        ids.filter(|ids| !ids.is_empty()).map(Input::Tokens)
    };
    match input {
        Value::String(_) => text(input).map(|i| vec![i]),
        Value::Array(items) if items.is_empty() => None,
        Value::Array(items) if items.iter().all(Value::is_u64) => tokens(input).map(|i| vec![i]),
        Value::Array(items) if items.iter().all(Value::is_array) => {
            items.iter().map(tokens).collect()
        }
        Value::Array(items) => items.iter().map(text).collect(),
        _ => None,
    }
}

/// A deterministic unit vector of `dimensions` components for `seed` (xorshift64 steps mapped to
/// [-1, 1), then L2-normalised).
fn vector(seed: u64, dimensions: usize) -> Vec<f32> {
    let mut state = (seed ^ 0x9e37_79b9_7f4a_7c15).max(1);
    let raw: Vec<f64> = (0..dimensions)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
        })
        .collect();
    let norm = raw.iter().map(|v| v * v).sum::<f64>().sqrt();
    let scale = if norm > 0.0 { 1.0 / norm } else { 0.0 };
    raw.iter().map(|v| (v * scale) as f32).collect()
}

/// The little-endian bytes of each float, in order.
fn le_bytes(vector: &[f32]) -> Vec<u8> {
    vector.iter().flat_map(|v| v.to_le_bytes()).collect()
}

/// Standard base64 (RFC 4648 alphabet, `=` padding).
fn encode_base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let byte = |i: usize| u32::from(chunk.get(i).copied().unwrap_or(0));
        let group = (byte(0) << 16) | (byte(1) << 8) | byte(2);
        for i in 0..4 {
            if i <= chunk.len() {
                let index = (group >> (18 - 6 * i)) & 63;
                out.push(char::from(ALPHABET[index as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc_4648_vectors() {
        let cases = [
            ("", ""),
            ("M", "TQ=="),
            ("Ma", "TWE="),
            ("Man", "TWFu"),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, encoded) in cases {
            assert_eq!(encode_base64(plain.as_bytes()), encoded, "{plain:?}");
        }
    }

    #[test]
    fn vectors_are_deterministic_unit_length_and_differ_by_input() {
        let a = vector(fnv1a("hello"), 64);
        assert_eq!(a, vector(fnv1a("hello"), 64), "same input, same vector");
        assert_ne!(
            a,
            vector(fnv1a("hello!"), 64),
            "another input, another vector"
        );
        let norm: f32 = a.iter().map(|v| v * v).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-5, "L2-normalised: {norm}");
    }

    #[test]
    fn inputs_accept_the_four_openai_forms_and_refuse_the_rest() {
        assert_eq!(inputs(&json!("a b")), Some(vec![Input::Text("a b".into())]));
        assert_eq!(inputs(&json!(["a", "b"])).map(|v| v.len()), Some(2));
        assert_eq!(
            inputs(&json!([1, 2, 3])),
            Some(vec![Input::Tokens(vec![1, 2, 3])])
        );
        assert_eq!(inputs(&json!([[1], [2, 3]])).map(|v| v.len()), Some(2));
        for bad in [
            json!(""),
            json!([]),
            json!(["a", 1]),
            json!([[]]),
            json!(["a", ""]),
            json!(7),
        ] {
            assert_eq!(inputs(&bad), None, "{bad} is refused");
        }
    }
}
