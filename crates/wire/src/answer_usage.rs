//! The usage and id of a whole answer, read without building it: one pass over the body that
//! keeps only its `usage` (`usageMetadata` for Gemini) and `id` (`responseId`) members and skips
//! the rest unallocated. For an answer passed on as it is, where only the ledger needs the
//! counts and the id; `parse_response` of each format gives the same `Usage` and id with the
//! whole answer.
//!
//! An error means the body is not a JSON object, or its usage member is not an object.

use serde::Deserialize;
use serde_json::Value;

use crate::canonical::Usage;
use crate::error::WireError;
use crate::json::Obj;

/// What the ledger keeps of an answer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Read {
    pub usage: Usage,
    /// The provider's id of the answer; `None` when it has none (or not a string).
    pub id: Option<String>,
}

#[derive(Deserialize)]
struct Top {
    id: Option<Value>,
    usage: Option<Value>,
}

#[derive(Deserialize)]
struct GeminiTop {
    #[serde(rename = "responseId")]
    id: Option<Value>,
    #[serde(rename = "usageMetadata")]
    usage: Option<Value>,
}

fn id_of(v: Option<Value>) -> Option<String> {
    match v {
        Some(Value::String(s)) if !s.is_empty() => Some(s),
        _ => None,
    }
}

fn top(body: &[u8]) -> Result<(Option<Value>, Option<String>), WireError> {
    let top: Top = serde_json::from_slice(body).map_err(|e| WireError::from_json(&e))?;
    Ok((top.usage.filter(|u| !u.is_null()), id_of(top.id)))
}

/// An OpenAI Chat Completions answer's usage and id.
pub fn openai(body: &[u8]) -> Result<Read, WireError> {
    let (usage, id) = top(body)?;
    let usage = match usage {
        Some(u) => crate::openai::usage_from(&Obj::new(&u, "usage")?),
        None => Usage::default(),
    };
    Ok(Read { usage, id })
}

/// An Anthropic Messages answer's usage and id.
pub fn anthropic(body: &[u8]) -> Result<Read, WireError> {
    let (member, id) = top(body)?;
    let mut usage = Usage::default();
    if let Some(u) = member {
        crate::anthropic::usage_update(&mut usage, &Obj::new(&u, "usage")?);
    }
    Ok(Read { usage, id })
}

/// An OpenAI Responses answer's usage and id.
pub fn responses(body: &[u8]) -> Result<Read, WireError> {
    let (usage, id) = top(body)?;
    let usage = match usage {
        Some(u) => crate::responses::usage_from(&Obj::new(&u, "usage")?),
        None => Usage::default(),
    };
    Ok(Read { usage, id })
}

/// A Gemini `generateContent` answer's usage and `responseId`.
pub fn gemini(body: &[u8]) -> Result<Read, WireError> {
    let top: GeminiTop = serde_json::from_slice(body).map_err(|e| WireError::from_json(&e))?;
    let usage = match top.usage.filter(|u| !u.is_null()) {
        Some(u) => crate::gemini::usage_from(&Obj::new(&u, "usageMetadata")?),
        None => Usage::default(),
    };
    Ok(Read {
        usage,
        id: id_of(top.id),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each scan gives what the format's full parse gives.
    #[test]
    fn each_scan_matches_the_full_parse() {
        let openai_body = br#"{"id":"c1","object":"chat.completion","created":1,"model":"m",
            "choices":[{"index":0,"message":{"role":"assistant","content":"hi {\"usage\":1}"},
            "finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":5,
            "total_tokens":17,"prompt_tokens_details":{"cached_tokens":4},
            "completion_tokens_details":{"reasoning_tokens":2}}}"#;
        assert_eq!(
            openai(openai_body).unwrap().usage,
            crate::openai::parse_response(openai_body).unwrap().usage
        );
        let anthropic_body = br#"{"id":"m1","type":"message","role":"assistant","model":"c",
            "content":[{"type":"text","text":"hi"}],"stop_reason":"end_turn",
            "usage":{"input_tokens":200,"cache_read_input_tokens":800,
            "cache_creation_input_tokens":50,"output_tokens":30}}"#;
        assert_eq!(
            anthropic(anthropic_body).unwrap().usage,
            crate::anthropic::parse_response(anthropic_body)
                .unwrap()
                .usage
        );
        let gemini_body = br#"{"candidates":[{"content":{"role":"model","parts":[{"text":"hi"}]},
            "finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":1200,
            "candidatesTokenCount":4,"cachedContentTokenCount":1000,"thoughtsTokenCount":7},
            "modelVersion":"g"}"#;
        assert_eq!(
            gemini(gemini_body).unwrap().usage,
            crate::gemini::parse_response(gemini_body).unwrap().usage
        );
        let responses_body = br#"{"id":"r1","object":"response","created_at":1,"model":"m",
            "status":"completed","output":[{"type":"message","id":"o1","role":"assistant",
            "content":[{"type":"output_text","text":"hi"}]}],"usage":{"input_tokens":9,
            "output_tokens":3,"input_tokens_details":{"cached_tokens":2},
            "output_tokens_details":{"reasoning_tokens":1},"total_tokens":12}}"#;
        assert_eq!(
            responses(responses_body).unwrap().usage,
            crate::responses::parse_response(responses_body)
                .unwrap()
                .usage
        );
    }

    #[test]
    fn the_answers_id_is_read_with_its_usage() {
        assert_eq!(
            openai(br#"{"id":"chatcmpl-9","usage":null}"#)
                .unwrap()
                .id
                .as_deref(),
            Some("chatcmpl-9")
        );
        assert_eq!(
            anthropic(br#"{"id":"msg_01","content":[]}"#)
                .unwrap()
                .id
                .as_deref(),
            Some("msg_01")
        );
        assert_eq!(
            responses(br#"{"id":"resp_1"}"#).unwrap().id.as_deref(),
            Some("resp_1")
        );
        assert_eq!(
            gemini(br#"{"responseId":"abc","candidates":[]}"#)
                .unwrap()
                .id
                .as_deref(),
            Some("abc")
        );
        assert_eq!(openai(br#"{"id":""}"#).unwrap().id, None);
    }

    #[test]
    fn no_usage_is_zero_and_bad_json_is_an_error() {
        assert_eq!(openai(br#"{"choices":[]}"#).unwrap(), Read::default());
        assert_eq!(
            anthropic(br#"{"usage":null,"id":7}"#).unwrap(),
            Read::default()
        );
        assert!(openai(b"not json").is_err());
        assert!(gemini(b"[1,2]").is_err());
        assert!(responses(br#"{"usage":"many"}"#).is_err());
    }
}
