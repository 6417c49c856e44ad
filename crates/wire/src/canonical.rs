//! The provider-neutral chat model every wire format (Chat Completions, Responses, Messages,
//! Gemini) converts to and from.
//!
//! Requests, responses and stream events are parsed from one format into these types and rendered
//! from them into another. What several formats can express lives here; format-specific extras
//! (logprobs, `top_k`, thinking blocks, …) are dropped when translating; prompt-caching
//! markers travel as [`CacheHints`] and are written only where the target takes them.
//! Same-format traffic is forwarded as the client sent it; the gateway still reads it through
//! this model where it needs to (validation, the cache key).
//!
//! # Messages
//! The system prompt lives in [`ChatRequest::system`]: every system (or developer) message that
//! comes before the first other message. A system message *later* in the conversation (Claude
//! Code sends them, OpenAI allows them anywhere) stays in place as a [`Role::System`] message;
//! renderers keep it where the target format allows it and merge it into the system prompt where
//! it does not. Parsers call [`ChatRequest::hoist_leading_system`], so the same conversation
//! parses to the same value in every format. Tool results are
//! [`Part::ToolResult`] parts in [`Role::Tool`] messages (one OpenAI `tool` message, or one run of
//! Anthropic `tool_result` blocks); tool calls are [`Part::ToolCall`] parts of assistant messages
//! whose arguments stay a JSON *string*, exactly as the model produced them.
//!
//! # Usage semantics
//! [`Usage::input_tokens`] **excludes** cached tokens; the four input-side counters are disjoint
//! and their sum is the prompt size:
//! - OpenAI reports `prompt_tokens` *including* `prompt_tokens_details.cached_tokens`, so
//!   `input = prompt_tokens − cached_tokens` and `cache_read = cached_tokens`;
//!   `completion_tokens_details.reasoning_tokens` becomes `reasoning_tokens`, which is a part of
//!   `output_tokens`, not an addition to it.
//! - Anthropic reports `input_tokens` (already excluding cache), `cache_read_input_tokens` and
//!   `cache_creation_input_tokens` separately: they map one to one.
//! - Rendering to OpenAI: `prompt_tokens = input + cache_read + cache_write`,
//!   `prompt_tokens_details.cached_tokens = cache_read`, `total_tokens = prompt + completion`.
//!
//! Nothing is ever counted twice: a cached token is in exactly one counter.
//!
//! # Stream usage
//! Every [`StreamEvent::Usage`] is a cumulative *snapshot* of everything known so far, never an
//! increment: the decoders do the per-format bookkeeping (Anthropic's `message_start` carries the
//! input side and `message_delta` the running output total; OpenAI sends one final usage chunk,
//! some compatible servers send one per chunk). Consumers keep the last one; encoders do.

use serde_json::Value;

pub use crate::cache_hints::CacheHints;
pub use crate::options::{Effort, OutputFormat, Reasoning};
pub use crate::usage::Usage;

/// A chat request in neither format.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChatRequest {
    /// Model name as the client sent it; the gateway may rewrite it.
    pub model: String,
    /// All system (and OpenAI `developer`) text, joined with a blank line.
    pub system: Option<String>,
    /// The conversation, in order, without system messages.
    pub messages: Vec<Message>,
    /// Output token limit. OpenAI's `max_completion_tokens` wins over `max_tokens`.
    pub max_tokens: Option<u32>,
    /// Sampling temperature as sent (OpenAI allows 0–2, Anthropic 0–1).
    pub temperature: Option<f64>,
    /// Nucleus sampling.
    pub top_p: Option<f64>,
    /// Stop sequences (OpenAI `stop`, Anthropic `stop_sequences`).
    pub stop: Vec<String>,
    /// Function tools the model may call.
    pub tools: Vec<Tool>,
    /// How the model must use `tools`.
    pub tool_choice: Option<ToolChoice>,
    /// Whether the client asked for an SSE stream.
    pub stream: bool,
    /// End-user identifier (OpenAI `user`, Anthropic `metadata.user_id`).
    pub user: Option<String>,
    /// Whether the model may call several tools in one turn; `None` = the provider's default.
    pub parallel_tool_calls: Option<bool>,
    /// Thinking / reasoning the caller asked for; `None` = not specified.
    pub reasoning: Option<Reasoning>,
    /// Structured output the caller asked for; `None` = free text.
    pub format: Option<OutputFormat>,
    /// Prompt-caching breakpoints and key the caller sent (see [`crate::cache`]).
    pub cache: CacheHints,
}

/// Who authored a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A system (or developer) message inside the conversation, after the first other message
    /// (see the module docs); text parts only.
    System,
    /// The human (or client program).
    User,
    /// The model.
    Assistant,
    /// Results of tool calls, fed back to the model.
    Tool,
}

/// One message of the conversation.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// Author.
    pub role: Role,
    /// Content parts in order.
    pub content: Vec<Part>,
}

impl Message {
    /// Its text parts, joined with a blank line.
    pub fn joined_text(&self) -> String {
        let texts: Vec<&str> = self
            .content
            .iter()
            .filter_map(|p| match p {
                Part::Text(t) => Some(t.as_str()),
                _ => None,
            })
            .collect();
        texts.join("\n\n")
    }

    /// A message holding one text part.
    pub fn text(role: Role, text: impl Into<String>) -> Self {
        Message {
            role,
            content: vec![Part::Text(text.into())],
        }
    }
}

/// One piece of message content.
#[derive(Debug, Clone, PartialEq)]
pub enum Part {
    /// Plain text.
    Text(String),
    /// An image, inline or by URL.
    Image(ImageSource),
    /// A document or other file (PDF, plain text, …).
    File(FilePart),
    /// Audio input (OpenAI `input_audio`).
    Audio {
        /// `wav`, `mp3`, …
        format: String,
        /// Base64 data.
        data: String,
    },
    /// A call the assistant made to a tool.
    ToolCall {
        /// Call identifier that the matching [`Part::ToolResult`] refers to.
        id: String,
        /// Tool name.
        name: String,
        /// Arguments as a JSON text, verbatim.
        arguments_json: String,
    },
    /// The result of a tool call.
    ToolResult {
        /// The [`Part::ToolCall`] id this answers.
        call_id: String,
        /// Result text (text blocks joined with a newline).
        content: String,
        /// Whether the tool failed (Anthropic only; OpenAI has no such flag).
        is_error: bool,
    },
}

/// Where an image's bytes come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageSource {
    /// Base64 data with its media type (an OpenAI `data:` URL is parsed into this).
    Base64 {
        /// e.g. `image/png`.
        media_type: String,
        /// Base64 without the `data:` prefix.
        data: String,
    },
    /// A remote URL.
    Url(String),
}

/// A file given to the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilePart {
    /// Where its content comes from.
    pub source: FileSource,
    /// Its name, when the caller gave one.
    pub filename: Option<String>,
}

/// Where a file's content comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileSource {
    /// Base64 data with its media type (`application/pdf`, …).
    Base64 {
        /// e.g. `application/pdf`.
        media_type: String,
        /// Base64 without a `data:` prefix.
        data: String,
    },
    /// A remote URL.
    Url(String),
    /// Plain text (an Anthropic text document).
    Text(String),
    /// A provider-side file id (`file-…`): meaningful only to the provider that issued it.
    Id(String),
}

/// A function tool.
#[derive(Debug, Clone, PartialEq)]
pub struct Tool {
    /// Function name.
    pub name: String,
    /// What the function does.
    pub description: Option<String>,
    /// JSON Schema of the arguments (an empty object schema when the client sent none).
    pub parameters: Value,
    /// A freeform tool (OpenAI Responses `custom`): its one argument is the string `input`, and
    /// `parameters` is the object schema saying so, for formats without freeform tools.
    pub custom: bool,
}

impl Tool {
    /// A function tool.
    pub fn function(
        name: impl Into<String>,
        description: Option<String>,
        parameters: Value,
    ) -> Self {
        Tool {
            name: name.into(),
            description,
            parameters,
            custom: false,
        }
    }

    /// A freeform tool whose single string argument is `input`.
    pub fn freeform(name: impl Into<String>, description: Option<String>) -> Self {
        Tool {
            name: name.into(),
            description,
            parameters: serde_json::json!({
                "type": "object",
                "properties": {"input": {"type": "string", "description": "The tool's input."}},
                "required": ["input"],
            }),
            custom: true,
        }
    }
}

/// How the model must use tools.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ToolChoice {
    /// Model decides (OpenAI `auto`, Anthropic `auto`).
    Auto,
    /// Never call a tool (OpenAI `none`, Anthropic `none`).
    None,
    /// Must call some tool (OpenAI `required`, Anthropic `any`).
    Required,
    /// Must call this tool.
    Named(String),
}

/// A complete (non-streamed) reply.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChatResponse {
    /// Provider's response id (`chatcmpl-…` or `msg_…`), passed through.
    pub id: String,
    /// Model that answered.
    pub model: String,
    /// Unix seconds of creation; 0 when the source has none (Anthropic). The gateway may fill it.
    pub created: u64,
    /// Text and tool-call parts in order.
    pub content: Vec<Part>,
    /// Why generation stopped.
    pub stop: StopReason,
    /// Token accounting (see the module docs for semantics).
    pub usage: Usage,
}

/// Why the model stopped.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum StopReason {
    /// Natural end (OpenAI `stop`, Anthropic `end_turn`).
    #[default]
    EndTurn,
    /// Output limit reached (`length` / `max_tokens`).
    MaxTokens,
    /// A stop sequence matched (Anthropic only; OpenAI reports it as `stop`).
    StopSequence,
    /// The model wants tool results (`tool_calls` / `tool_use`).
    ToolUse,
    /// Output withheld (`content_filter` / `refusal`).
    ContentFilter,
    /// Anything else, verbatim.
    Other(String),
}

/// The most tool calls (Anthropic: content blocks) one streamed reply may open. Each event finds
/// its call in a list, so without a bound a hostile upstream opening ever more calls would make
/// every event cost more than the last; past it a decoder says so once ([`too_many_parts`]) and
/// drops the rest. No model opens anywhere near this many in one answer.
pub const MAX_STREAM_PARTS: usize = 1024;

/// The one `Error` a decoder sends when a reply opens more than [`MAX_STREAM_PARTS`] parts;
/// `said` keeps it to once a stream.
pub fn too_many_parts(said: &mut bool, out: &mut Vec<StreamEvent>) {
    if !*said {
        *said = true;
        out.push(StreamEvent::Error {
            message: format!(
                "the provider opened more than {MAX_STREAM_PARTS} tool calls in one answer; the rest were dropped"
            ),
        });
    }
}

/// One step of a streamed reply, in neither format.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamEvent {
    /// The reply began.
    Start {
        /// Response id.
        id: String,
        /// Model that answers.
        model: String,
    },
    /// More assistant text.
    TextDelta {
        /// The new text.
        text: String,
    },
    /// A tool call began.
    ToolCallStart {
        /// 0-based ordinal of the tool call within this reply, in order of appearance.
        index: usize,
        /// Call id.
        id: String,
        /// Tool name.
        name: String,
    },
    /// More argument text for a started tool call.
    ToolCallDelta {
        /// The ordinal given by the matching [`StreamEvent::ToolCallStart`].
        index: usize,
        /// A fragment of the arguments JSON; concatenating all fragments gives the arguments.
        arguments_json_fragment: String,
    },
    /// Generation stopped.
    Stop {
        /// Why.
        reason: StopReason,
    },
    /// Cumulative usage so far; the last one wins (see the module docs).
    Usage(Usage),
    /// The provider reported an error mid-stream.
    Error {
        /// Provider's message.
        message: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_message_holds_one_text_part() {
        let m = Message::text(Role::User, "hi");
        assert_eq!(m.content, vec![Part::Text("hi".into())]);
    }
}
