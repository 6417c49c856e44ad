//! A backend's model catalogue: where each kind lists its models and how to read that list.
//! OpenAI, Mistral, Groq and OpenAI-compatible servers answer `GET {base}/models`
//! (`{"data": [{"id": …}]}`); Anthropic `GET {base}/v1/models` (paged by `after_id`); Gemini
//! `GET {base}/models` (paged by `pageToken`, with token limits); OpenRouter the OpenAI shape
//! with its prices (USD per token, as strings) and context lengths; Ollama `GET {base}/api/tags`.
//! Pure: the app fetches, this reads.
//!
//! Bounded and linear: a catalogue keeps at most [`MAX_MODELS`] models. A page is read up to
//! that many (the rest of it dropped, [`Page::cut`] set), and pages are merged by [`Merged`],
//! which keeps each id's first listing in the provider's order with a hash set (never a search
//! of what is already kept) and drops everything past the cap, saying so ([`Merged::cut`]). A
//! keyless server can answer with any list it likes; the largest real ones (OpenRouter, a few
//! hundred models) are far below the cap.

use crate::BackendKind;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashSet;

/// How many pages a catalogue fetch follows at most (Gemini lists ~50 models a page).
pub const MAX_PAGES: usize = 20;

/// The most models a catalogue keeps: the first this many distinct ids, in the provider's order.
pub const MAX_MODELS: usize = 20_000;

/// One model a backend offers, as its provider lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListedModel {
    /// What a request names: `gpt-4.1-mini`, `gemini-2.5-flash` (no `models/`), `llama3.2:latest`.
    pub id: String,
    /// The provider's display name, when it gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The context window (Gemini `inputTokenLimit`, OpenRouter `context_length`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context_tokens: Option<u64>,
    /// The longest answer (Gemini `outputTokenLimit`, OpenRouter `max_completion_tokens`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_tokens: Option<u64>,
    /// The provider's own prices (OpenRouter), USD per million tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listed_price: Option<ListedPrice>,
}

/// Prices a provider lists next to a model, USD per million tokens.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListedPrice {
    pub input_per_mtok: f64,
    pub output_per_mtok: f64,
}

/// One page of a catalogue, and where the next one is.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Page {
    pub models: Vec<ListedModel>,
    /// The query to add for the next page (`after_id=…`, `pageToken=…`), if there is one.
    pub next: Option<String>,
    /// The page listed more than [`MAX_MODELS`] usable models; those past it were dropped.
    pub cut: bool,
}

/// A catalogue merged page by page in linear time: each id's first listing, in order, at most
/// [`MAX_MODELS`] of them.
#[derive(Debug, Default)]
pub struct Merged {
    models: Vec<ListedModel>,
    seen: HashSet<String>,
    cut: bool,
}

impl Merged {
    /// Adds a page's models: an id already kept is skipped, a new one past the cap is dropped
    /// and marks the catalogue cut.
    pub fn add(&mut self, page: Page) {
        self.cut |= page.cut;
        for m in page.models {
            if self.seen.contains(&m.id) {
                continue;
            }
            if self.models.len() >= MAX_MODELS {
                self.cut = true;
                return;
            }
            self.seen.insert(m.id.clone());
            self.models.push(m);
        }
    }

    /// The models kept so far.
    pub fn len(&self) -> usize {
        self.models.len()
    }

    /// Whether nothing is kept yet.
    pub fn is_empty(&self) -> bool {
        self.models.is_empty()
    }

    /// Whether models past [`MAX_MODELS`] were dropped.
    pub fn cut(&self) -> bool {
        self.cut
    }

    /// The models kept, in the order first listed.
    pub fn into_models(self) -> Vec<ListedModel> {
        self.models
    }
}

/// The first [`MAX_MODELS`] of `models`, and whether any were dropped.
fn capped(models: impl Iterator<Item = ListedModel>) -> (Vec<ListedModel>, bool) {
    let mut models = models.peekable();
    let kept: Vec<ListedModel> = models.by_ref().take(MAX_MODELS).collect();
    let cut = models.peek().is_some();
    (kept, cut)
}

/// Why a catalogue answer could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogueError {
    #[error("the model list is not JSON")]
    NotJson,
    #[error("the model list has no `{0}` array")]
    Shape(&'static str),
}

/// The path a kind's model list is at, appended to the backend's base URL.
pub fn models_path(kind: BackendKind) -> &'static str {
    match kind {
        BackendKind::Anthropic => "/v1/models",
        BackendKind::Ollama => "/api/tags",
        _ => "/models",
    }
}

/// The first page's query: the largest page each provider allows.
pub fn first_query(kind: BackendKind) -> Option<&'static str> {
    match kind {
        BackendKind::Anthropic => Some("limit=1000"),
        BackendKind::Gemini => Some("pageSize=1000"),
        _ => None,
    }
}

/// Reads one page of `kind`'s model list.
pub fn parse_page(kind: BackendKind, body: &[u8]) -> Result<Page, CatalogueError> {
    let v: Value = serde_json::from_slice(body).map_err(|_| CatalogueError::NotJson)?;
    match kind {
        BackendKind::Gemini => gemini(&v),
        BackendKind::Ollama => ollama(&v),
        BackendKind::Anthropic => anthropic(&v),
        _ => openai(&v),
    }
}

fn array<'v>(v: &'v Value, key: &'static str) -> Result<&'v Vec<Value>, CatalogueError> {
    v.get(key)
        .and_then(Value::as_array)
        .ok_or(CatalogueError::Shape(key))
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn count(v: &Value, key: &str) -> Option<u64> {
    v.get(key).and_then(Value::as_u64).filter(|n| *n > 0)
}

/// An id a catalogue keeps: printable, no spaces, at most 200 characters.
fn id_ok(id: &str) -> bool {
    !id.is_empty() && id.len() <= 200 && !id.chars().any(|c| c.is_whitespace() || c.is_control())
}

fn openai(v: &Value) -> Result<Page, CatalogueError> {
    let (models, cut) = capped(array(v, "data")?.iter().filter_map(|m| {
        let id = text(m, "id").filter(|id| id_ok(id))?;
        let top = m.get("top_provider");
        Some(ListedModel {
            name: text(m, "name"),
            context_tokens: count(m, "context_length"),
            output_tokens: top.and_then(|t| count(t, "max_completion_tokens")),
            listed_price: m.get("pricing").and_then(openrouter_price),
            id,
        })
    }));
    Ok(Page {
        models,
        next: None,
        cut,
    })
}

/// OpenRouter's `pricing`: USD per token as decimal strings (`"0.0000003"`); `-1` marks a
/// router whose price depends on the model it picks, which is no price at all.
fn openrouter_price(p: &Value) -> Option<ListedPrice> {
    let per_token = |k: &str| -> Option<f64> {
        let x = match p.get(k)? {
            Value::String(s) => s.trim().parse::<f64>().ok()?,
            Value::Number(n) => n.as_f64()?,
            _ => return None,
        };
        (0.0..1.0).contains(&x).then_some(x)
    };
    Some(ListedPrice {
        input_per_mtok: per_token("prompt")? * 1e6,
        output_per_mtok: per_token("completion")? * 1e6,
    })
}

fn anthropic(v: &Value) -> Result<Page, CatalogueError> {
    let (models, cut) = capped(array(v, "data")?.iter().filter_map(|m| {
        Some(ListedModel {
            id: text(m, "id").filter(|id| id_ok(id))?,
            name: text(m, "display_name"),
            context_tokens: None,
            output_tokens: None,
            listed_price: None,
        })
    }));
    let next = (v.get("has_more").and_then(Value::as_bool) == Some(true))
        .then(|| text(v, "last_id"))
        .flatten()
        .map(|last| format!("limit=1000&after_id={}", query_value(&last)));
    Ok(Page { models, next, cut })
}

fn gemini(v: &Value) -> Result<Page, CatalogueError> {
    // An empty list has no `models` at all.
    let empty = Vec::new();
    let list = match v.get("models") {
        None if v.is_object() => &empty,
        _ => array(v, "models")?,
    };
    let (models, cut) = capped(list.iter().filter(|m| generates(m)).filter_map(|m| {
        let name = text(m, "name")?;
        let id = name.strip_prefix("models/").unwrap_or(&name).to_string();
        Some(ListedModel {
            name: text(m, "displayName"),
            context_tokens: count(m, "inputTokenLimit"),
            output_tokens: count(m, "outputTokenLimit"),
            listed_price: None,
            id: Some(id).filter(|id| id_ok(id))?,
        })
    }));
    let next =
        text(v, "nextPageToken").map(|t| format!("pageSize=1000&pageToken={}", query_value(&t)));
    Ok(Page { models, next, cut })
}

/// Whether a Gemini model answers `generateContent` (embedding-only models do not); a model
/// that does not say is kept.
fn generates(m: &Value) -> bool {
    match m
        .get("supportedGenerationMethods")
        .and_then(Value::as_array)
    {
        Some(methods) => methods
            .iter()
            .any(|x| x.as_str() == Some("generateContent")),
        None => true,
    }
}

fn ollama(v: &Value) -> Result<Page, CatalogueError> {
    let (models, cut) = capped(array(v, "models")?.iter().filter_map(|m| {
        Some(ListedModel {
            id: text(m, "name")
                .or_else(|| text(m, "model"))
                .filter(|id| id_ok(id))?,
            name: None,
            context_tokens: None,
            output_tokens: None,
            listed_price: None,
        })
    }));
    Ok(Page {
        models,
        next: None,
        cut,
    })
}

/// Percent-encodes a page token for a query string (tokens are opaque; some hold `=` or `/`).
fn query_value(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The entry of `models` that `model` names: exactly first; else as Ollama's `:latest` tag,
/// Gemini's `models/` prefix or an Anthropic alias (`claude-haiku-4-5` for the listed dated
/// `claude-haiku-4-5-20251001`) name it.
pub fn find<'a>(models: &'a [ListedModel], model: &str) -> Option<&'a ListedModel> {
    let model = model.trim();
    let model = model.strip_prefix("models/").unwrap_or(model);
    let dated = |id: &str| {
        id.strip_prefix(model)
            .and_then(|rest| rest.strip_prefix('-'))
            .is_some_and(|d| d.len() == 8 && d.bytes().all(|b| b.is_ascii_digit()))
    };
    models
        .iter()
        .find(|m| m.id == model)
        .or_else(|| {
            models
                .iter()
                .find(|m| m.id.strip_suffix(":latest") == Some(model))
        })
        .or_else(|| models.iter().find(|m| dated(&m.id)))
}

/// Whether a listed model can answer a chat, as far as its id tells: providers' lists also hold
/// embedding, speech, transcription, image and moderation models, which a coding tool cannot use.
pub fn chats(id: &str) -> bool {
    const NOT_CHAT: [&str; 9] = [
        "embed",
        "tts",
        "whisper",
        "transcribe",
        "dall-e",
        "image",
        "moderation",
        "realtime",
        "audio",
    ];
    let id = id.to_ascii_lowercase();
    !NOT_CHAT.iter().any(|w| id.contains(w))
}

/// Whether `model` is in `models` ([`find`]).
pub fn lists(models: &[ListedModel], model: &str) -> bool {
    find(models, model).is_some()
}

#[cfg(test)]
#[path = "catalogue_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "catalogue_merge_tests.rs"]
mod merge_tests;

#[cfg(test)]
#[path = "catalogue_props.rs"]
mod props;
