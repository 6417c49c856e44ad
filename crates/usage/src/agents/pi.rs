//! Pi's session log (`~/.pi/agent/sessions/--<folder>--/<time>_<session>.jsonl`): the first line
//! (`session`) names the session and its folder; each model answer is a `message` line whose
//! message is the assistant's, with its usage (input without the cache, output with any
//! reasoning) and the provider's id of the answer (`responseId`). Pi calls providers with the
//! user's own keys or logins; the provider is the name its settings give it.

use super::{from_line, time, Line};
use crate::skip::Skip;
use crate::{Record, Tool};
use serde::{Deserialize, Serialize};

/// What the file's first line said.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct State {
    session: Option<String>,
    cwd: Option<String>,
}

#[derive(Deserialize)]
struct Entry {
    #[serde(rename = "type", default)]
    kind: String,
    id: Option<String>,
    timestamp: Option<String>,
    cwd: Option<String>,
    message: Option<Message>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Message {
    role: String,
    provider: Option<String>,
    model: String,
    usage: Option<Usage>,
    response_id: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Usage {
    input: u64,
    output: u64,
    cache_read: u64,
    cache_write: u64,
}

pub(crate) fn line(l: Line<'_>, state: &mut State) -> Result<Option<Record>, Skip> {
    let e: Entry = from_line(l)?;
    match e.kind.as_str() {
        "session" => {
            state.session = e.id;
            state.cwd = e.cwd;
            Ok(None)
        }
        "message" => {
            let Some(m) = e.message.filter(|m| m.role == "assistant") else {
                return Ok(None);
            };
            let Some(u) = m.usage else {
                return Ok(None);
            };
            let at_ms = time(e.timestamp.as_deref())?;
            let id = m.response_id.filter(|i| !i.is_empty());
            let key = match (&id, &e.id, &state.session) {
                (Some(id), _, _) => id.clone(),
                (None, Some(line), Some(session)) => format!("{session}:{line}"),
                _ => return Err(Skip::Unknown),
            };
            Ok(Some(Record {
                key: format!("pi:{key}"),
                tool: Some(Tool::Pi),
                at_ms,
                model: m.model,
                provider: m.provider,
                project: state.cwd.clone(),
                session: state.session.clone(),
                provider_id: id,
                input_tokens: u.input,
                output_tokens: u.output,
                cache_read_tokens: u.cache_read,
                cache_write_5m_tokens: u.cache_write,
                ..Record::default()
            }))
        }
        _ => Ok(None),
    }
}
