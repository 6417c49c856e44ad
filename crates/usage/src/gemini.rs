//! Gemini CLI's chats: `~/.gemini/tmp/<project>/chats/session-…jsonl`. The first line is the
//! session's metadata (`sessionId`); usage is on `type: "gemini"` messages, which are appended
//! again whole each time they change (same `id`): the key is the session and the message id,
//! and the sink keeps the latest (largest) count. `$set` / `$rewindTo` lines change the chat, not
//! what was spent, and are passed over. No cwd is kept: the project is the folder's name,
//! mapped back to its path by `~/.gemini/projects.json` when the caller has it.

use crate::skip::Skip;
use crate::stream::{self, Keep, Spec};
use crate::{bound, rfc3339_ms, Record, Tool};
use serde::{Deserialize, Serialize};
use std::io::BufRead;

/// What a chat file said before the current line.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct State {
    pub session: Option<String>,
}

#[derive(Deserialize)]
struct Line<'a> {
    #[serde(rename = "sessionId")]
    session_id: Option<String>,
    id: Option<String>,
    #[serde(rename = "type", borrow)]
    kind: Option<&'a str>,
    #[serde(borrow)]
    timestamp: Option<&'a str>,
    model: Option<String>,
    tokens: Option<Tokens>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Tokens {
    /// Includes the cached tokens.
    input: u64,
    /// Excludes the thoughts.
    output: u64,
    cached: u64,
    thoughts: u64,
}

/// The fields of [`Line`] and [`Tokens`], for a line read from its file ([`line_from`]); in the
/// structs' declaration order.
const KEPT: Spec = Spec {
    fields: &[
        ("sessionId", Keep::Raw),
        ("id", Keep::Raw),
        ("type", Keep::Raw),
        ("timestamp", Keep::Raw),
        ("model", Keep::Raw),
        ("tokens", Keep::Object(&TOKENS)),
    ],
    positions: None,
    utf8: false,
};
const TOKENS: Spec = Spec {
    fields: &[
        ("input", Keep::Raw),
        ("output", Keep::Raw),
        ("cached", Keep::Raw),
        ("thoughts", Keep::Raw),
    ],
    positions: None,
    utf8: false,
};

/// How a line that changes the chat (`$set`, `$rewindTo`) begins: passed over unread.
const CHANGE: &[u8] = b"{\"$";

pub(crate) fn line(
    bytes: &[u8],
    state: &mut State,
    project: Option<&str>,
) -> Result<Option<Record>, Skip> {
    if bytes.starts_with(CHANGE) {
        return Ok(None);
    }
    parsed(bytes, state, project)
}

/// [`line`] for a line read from `r` (one too long to hold): the same result.
pub(crate) fn line_from(
    r: &mut dyn BufRead,
    state: &mut State,
    project: Option<&str>,
) -> Result<Option<Record>, Skip> {
    let kept = stream::read(r, &KEPT, b"");
    if kept.head.starts_with(CHANGE) {
        return Ok(None);
    }
    parsed(kept.json.ok_or(Skip::Corrupt)?.as_bytes(), state, project)
}

fn parsed(bytes: &[u8], state: &mut State, project: Option<&str>) -> Result<Option<Record>, Skip> {
    let l: Line<'_> = serde_json::from_slice(bytes).map_err(|_| Skip::Corrupt)?;
    if l.kind.is_none() {
        if let Some(s) = l.session_id {
            state.session = Some(s);
        }
        return Ok(None);
    }
    let (Some("gemini"), Some(t)) = (l.kind, l.tokens) else {
        return Ok(None);
    };
    let at_ms = l.timestamp.and_then(rfc3339_ms).ok_or(Skip::NoTime)?;
    let id = l.id.ok_or(Skip::Unknown)?;
    let session = state.session.clone().unwrap_or_else(|| "?".into());
    let cached = t.cached.min(t.input);
    Ok(Some(Record {
        key: format!("gemini-cli:{session}:{id}"),
        tool: Some(Tool::GeminiCli),
        at_ms,
        model: l.model.unwrap_or_else(|| "unknown".into()),
        project: project.map(str::to_string),
        session: Some(session),
        input_tokens: t.input - cached,
        output_tokens: bound::add(t.output, t.thoughts)?,
        cache_read_tokens: cached,
        reasoning_tokens: t.thoughts,
        ..Record::default()
    }))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) const META: &str = r#"{"sessionId":"6a5e1234-aaaa","projectHash":"ab","startTime":"2026-11-25T11:41:10.000Z","lastUpdated":"2026-11-25T11:41:10.000Z","kind":"main"}"#;
    pub(crate) const MESSAGE: &str = r#"{"id":"m1","timestamp":"2026-11-25T11:41:14.693Z","type":"gemini","content":"hi","thoughts":[],"tokens":{"input":1000,"output":50,"cached":600,"thoughts":40,"tool":0,"total":1090},"model":"gemini-2.5-flash"}"#;

    #[test]
    fn a_gemini_message_counts_thoughts_as_output_and_cached_apart() {
        let mut s = State::default();
        assert_eq!(line(META.as_bytes(), &mut s, Some("/p")), Ok(None));
        let r = line(MESSAGE.as_bytes(), &mut s, Some("/p"))
            .unwrap()
            .unwrap();
        assert_eq!(r.key, "gemini-cli:6a5e1234-aaaa:m1");
        assert_eq!((r.input_tokens, r.cache_read_tokens), (400, 600));
        assert_eq!((r.output_tokens, r.reasoning_tokens), (90, 40));
        assert_eq!(r.project.as_deref(), Some("/p"));
        assert_eq!(
            line(br#"{"id":"u1","type":"user","content":"hi"}"#, &mut s, None),
            Ok(None)
        );
        assert_eq!(line(br#"{"$rewindTo":"m1"}"#, &mut s, None), Ok(None));
        assert_eq!(line(b"{\"id\":", &mut s, None), Err(Skip::Corrupt));
    }
}
