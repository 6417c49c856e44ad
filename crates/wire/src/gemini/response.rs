//! Gemini `GenerateContentResponse` → [`ChatResponse`].
//!
//! Only `candidates[0]` is read (the gateway never asks for several candidates). Its text parts
//! are joined into one text part, its `functionCall` parts become tool calls with synthesised ids
//! (`call_0`, `call_1`, …), and thought summaries are skipped (see `candidate_parts`). A prompt
//! blocked before any candidate was produced (`promptFeedback.blockReason`, no candidates) is a
//! reply with no content that stopped for `ContentFilter`, not an error. `modelVersion` becomes
//! the model and `responseId` the id (empty when absent); Gemini has no creation time, so
//! `created` is 0.

use crate::canonical::{ChatResponse, Part, StopReason};
use crate::error::WireError;
use crate::json::{parse_body, Obj};

use super::{candidate_parts, prompt_blocked, stop_from_finish, usage_from};

/// Parses a Gemini `generateContent` response body.
pub fn parse_response(body: &[u8]) -> Result<ChatResponse, WireError> {
    let value = parse_body(body)?;
    let root = Obj::new(&value, "")?;
    let first = root.arr("candidates")?.and_then(|c| c.first());
    let (content, stop) = match first {
        Some(candidate) => {
            let candidate = Obj::new(candidate, "candidates[0]")?;
            let content = candidate_parts(&candidate, 0)?;
            let called_tool = content.iter().any(|p| matches!(p, Part::ToolCall { .. }));
            let stop = match candidate.str("finishReason")? {
                Some(reason) => stop_from_finish(reason, called_tool),
                None if called_tool => StopReason::ToolUse,
                None => StopReason::EndTurn,
            };
            (content, stop)
        }
        None if prompt_blocked(&root) => (Vec::new(), StopReason::ContentFilter),
        None => return Err(WireError::missing("candidates[0]")),
    };
    Ok(ChatResponse {
        id: root.str("responseId")?.unwrap_or_default().to_owned(),
        model: root.str("modelVersion")?.unwrap_or_default().to_owned(),
        created: 0,
        content,
        stop,
        usage: root
            .obj("usageMetadata")?
            .map(|u| usage_from(&u))
            .unwrap_or_default(),
    })
}

#[cfg(test)]
#[path = "response_tests.rs"]
mod tests;
