//! Claude Code's transcripts: `<config>/projects/<cwd as dashes>/<session>.jsonl` (and
//! subagents' files below). Usage is on `assistant` lines, one line per content block, all with
//! the same `message.id` and `requestId`; the key is both, so the blocks count once (the sink
//! keeps the largest output: an early block can carry an unfinished count).

use crate::skip::Skip;
use crate::stream::{self, Keep, Spec};
use crate::{rfc3339_ms, Record, Tool};
use serde::Deserialize;
use std::io::BufRead;

#[derive(Deserialize)]
struct Line<'a> {
    #[serde(rename = "type", borrow)]
    kind: Option<&'a str>,
    #[serde(borrow)]
    timestamp: Option<&'a str>,
    #[serde(rename = "requestId")]
    request_id: Option<String>,
    #[serde(rename = "sessionId")]
    session_id: Option<String>,
    cwd: Option<String>,
    message: Option<Message>,
}

#[derive(Deserialize)]
struct Message {
    id: Option<String>,
    model: Option<String>,
    usage: Option<Usage>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Usage {
    input_tokens: u64,
    output_tokens: u64,
    cache_read_input_tokens: u64,
    cache_creation_input_tokens: u64,
    cache_creation: Option<CacheCreation>,
    /// Since 2.1.3xx (the `thinking-token-count` beta): how many of `output_tokens` were
    /// thinking.
    output_tokens_details: Option<OutputDetails>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct OutputDetails {
    thinking_tokens: u64,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CacheCreation {
    ephemeral_5m_input_tokens: u64,
    ephemeral_1h_input_tokens: u64,
}

/// The fields of [`Line`] and what is in them, for a line read from its file ([`line_from`]);
/// in the structs' declaration order.
const KEPT: Spec = Spec {
    fields: &[
        ("type", Keep::Raw),
        ("timestamp", Keep::Raw),
        ("requestId", Keep::Raw),
        ("sessionId", Keep::Raw),
        ("cwd", Keep::Raw),
        ("message", Keep::Object(&MESSAGE)),
    ],
    positions: None,
    utf8: false,
};
const MESSAGE: Spec = Spec {
    fields: &[
        ("id", Keep::Raw),
        ("model", Keep::Raw),
        ("usage", Keep::Object(&USAGE)),
    ],
    positions: None,
    utf8: false,
};
const USAGE: Spec = Spec {
    fields: &[
        ("input_tokens", Keep::Raw),
        ("output_tokens", Keep::Raw),
        ("cache_read_input_tokens", Keep::Raw),
        ("cache_creation_input_tokens", Keep::Raw),
        ("cache_creation", Keep::Object(&CACHE_CREATION)),
        ("output_tokens_details", Keep::Object(&OUTPUT_DETAILS)),
    ],
    positions: None,
    utf8: false,
};
const OUTPUT_DETAILS: Spec = Spec {
    fields: &[("thinking_tokens", Keep::Raw)],
    positions: None,
    utf8: false,
};
const CACHE_CREATION: Spec = Spec {
    fields: &[
        ("ephemeral_5m_input_tokens", Keep::Raw),
        ("ephemeral_1h_input_tokens", Keep::Raw),
    ],
    positions: None,
    utf8: false,
};

/// Lines without it carry no usage: they are passed over before they are parsed.
const NEEDLE: &[u8] = b"\"usage\"";

/// A record from one line; `Ok(None)` for lines without usage (user turns, summaries, …).
pub(crate) fn line(bytes: &[u8]) -> Result<Option<Record>, Skip> {
    if !contains(bytes, NEEDLE) {
        return Ok(None);
    }
    parsed(bytes)
}

/// [`line`] for a line read from `r` (one too long to hold): the same result.
pub(crate) fn line_from(r: &mut dyn BufRead) -> Result<Option<Record>, Skip> {
    let kept = stream::read(r, &KEPT, NEEDLE);
    if !kept.found {
        return Ok(None);
    }
    parsed(kept.json.ok_or(Skip::Corrupt)?.as_bytes())
}

/// A line that has the needle.
fn parsed(bytes: &[u8]) -> Result<Option<Record>, Skip> {
    let l: Line<'_> = serde_json::from_slice(bytes).map_err(|_| Skip::Corrupt)?;
    if l.kind != Some("assistant") {
        return Ok(None);
    }
    let Some(m) = l.message else {
        return Ok(None);
    };
    let (Some(u), Some(model)) = (m.usage, m.model) else {
        return Ok(None);
    };
    // Claude Code's own error messages, never sent to a model.
    if model == "<synthetic>" {
        return Ok(None);
    }
    let at_ms = l.timestamp.and_then(rfc3339_ms).ok_or(Skip::NoTime)?;
    let id = m.id.ok_or(Skip::Unknown)?;
    let (w1h, w5m) = match &u.cache_creation {
        Some(c) if c.ephemeral_5m_input_tokens > 0 || c.ephemeral_1h_input_tokens > 0 => (
            c.ephemeral_1h_input_tokens,
            u.cache_creation_input_tokens
                .saturating_sub(c.ephemeral_1h_input_tokens),
        ),
        _ => (0, u.cache_creation_input_tokens),
    };
    let thinking = u.output_tokens_details.map_or(0, |d| d.thinking_tokens);
    let key = match &l.request_id {
        Some(r) => format!("claude-code:{id}:{r}"),
        None => format!("claude-code:{id}"),
    };
    Ok(Some(Record {
        key,
        tool: Some(Tool::ClaudeCode),
        at_ms,
        model,
        provider: None,
        project: l.cwd,
        session: l.session_id,
        provider_id: Some(id),
        request_id: l.request_id,
        input_tokens: u.input_tokens,
        output_tokens: u.output_tokens,
        cache_read_tokens: u.cache_read_input_tokens,
        cache_write_5m_tokens: w5m,
        cache_write_1h_tokens: w1h,
        reasoning_tokens: thinking.min(u.output_tokens),
    }))
}

pub(crate) fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) const LINE: &str = r#"{"type":"assistant","uuid":"u1","parentUuid":"p","isSidechain":false,"sessionId":"93d3","cwd":"/home/u/proj","version":"2.1.197","gitBranch":"main","timestamp":"2026-11-25T11:30:34.304Z","requestId":"req_01","message":{"id":"msg_01","model":"claude-opus-4-8","usage":{"input_tokens":11,"cache_creation_input_tokens":200,"cache_read_input_tokens":300,"output_tokens":42,"cache_creation":{"ephemeral_5m_input_tokens":150,"ephemeral_1h_input_tokens":50},"service_tier":"standard"}}}"#;

    #[test]
    fn an_assistant_line_is_a_record_with_both_cache_lifetimes() {
        let r = line(LINE.as_bytes()).unwrap().unwrap();
        assert_eq!(r.key, "claude-code:msg_01:req_01");
        assert_eq!(r.at_ms, 1_795_606_234_304);
        assert_eq!(r.model, "claude-opus-4-8");
        assert_eq!(r.project.as_deref(), Some("/home/u/proj"));
        assert_eq!(r.session.as_deref(), Some("93d3"));
        assert_eq!(
            (r.input_tokens, r.output_tokens, r.cache_read_tokens),
            (11, 42, 300)
        );
        assert_eq!(
            (r.cache_write_5m_tokens, r.cache_write_1h_tokens),
            (150, 50)
        );
    }

    /// Claude Code 2.1.332 says how much of the output was thinking; it was read as none.
    #[test]
    fn thinking_tokens_are_the_records_reasoning_held_or_streamed() {
        let with = LINE.replace(
            r#""output_tokens":42,"#,
            r#""output_tokens":42,"output_tokens_details":{"thinking_tokens":30},"#,
        );
        let held = line(with.as_bytes()).unwrap().unwrap();
        assert_eq!((held.output_tokens, held.reasoning_tokens), (42, 30));
        let mut r = std::io::Cursor::new(with.as_bytes());
        assert_eq!(line_from(&mut r).unwrap().unwrap(), held);
        let absurd = with.replace(r#""thinking_tokens":30"#, r#""thinking_tokens":99"#);
        let capped = line(absurd.as_bytes()).unwrap().unwrap();
        assert_eq!(capped.reasoning_tokens, 42, "never more than the output");
    }

    #[test]
    fn other_lines_are_not_records_and_broken_ones_are_skipped() {
        assert_eq!(
            line(br#"{"type":"user","message":{"content":"hi"}}"#),
            Ok(None)
        );
        assert_eq!(
            line(br#"{"type":"assistant","message":{"model":"<synthetic>","usage":{}}}"#),
            Ok(None)
        );
        assert_eq!(line(br#"{"type":"assistant","usage" "#), Err(Skip::Corrupt));
        let no_time = LINE.replace("\"timestamp\":\"2026-11-25T11:30:34.304Z\",", "");
        assert_eq!(line(no_time.as_bytes()), Err(Skip::NoTime));
    }
}
