//! Copilot CLI's session events (`~/.copilot/session-state/<session>/events.jsonl`): the first
//! line (`session.start`) names the session and its folder; each model call is one
//! `session.usage_record` with the provider's id of the answer (`apiCallId`). A call to the
//! user's own provider is marked `isByok` (its `providerType` is kept as the provider); one to
//! GitHub's own service is not (the tool's own: no provider). The session's closing totals
//! (`session.shutdown`) are not read: they would count every call twice.

use super::{from_line, time, without_cache, Line};
use crate::skip::Skip;
use crate::{bound, Record, Tool};
use serde::{Deserialize, Serialize};

/// What the file's first line said.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct State {
    session: Option<String>,
    cwd: Option<String>,
}

#[derive(Deserialize)]
struct Event {
    #[serde(rename = "type", default)]
    kind: String,
    timestamp: Option<String>,
    id: Option<String>,
    #[serde(default)]
    data: Data,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Data {
    session_id: Option<String>,
    context: Option<Context>,
    usage: Option<Usage>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Context {
    cwd: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Usage {
    model: String,
    input_tokens: u64,
    output_tokens: u64,
    cache_read_tokens: u64,
    cache_write_tokens: u64,
    reasoning_tokens: u64,
    api_call_id: Option<String>,
    is_byok: bool,
    provider_type: Option<String>,
}

pub(crate) fn line(l: Line<'_>, state: &mut State) -> Result<Option<Record>, Skip> {
    let e: Event = from_line(l)?;
    match e.kind.as_str() {
        "session.start" => {
            state.session = e.data.session_id;
            state.cwd = e.data.context.and_then(|c| c.cwd);
            Ok(None)
        }
        "session.usage_record" => {
            let u = e.data.usage.ok_or(Skip::Corrupt)?;
            let at_ms = time(e.timestamp.as_deref())?;
            let id = u.api_call_id.filter(|i| !i.is_empty());
            let key = id.clone().or(e.id).ok_or(Skip::Unknown)?;
            let cache = bound::add(u.cache_read_tokens, u.cache_write_tokens)?;
            Ok(Some(Record {
                key: format!("copilot-cli:{key}"),
                tool: Some(Tool::CopilotCli),
                at_ms,
                model: u.model,
                provider: u.is_byok.then(|| u.provider_type.unwrap_or_default()),
                project: state.cwd.clone(),
                session: state.session.clone(),
                provider_id: id,
                input_tokens: without_cache(u.input_tokens, cache),
                output_tokens: u.output_tokens,
                cache_read_tokens: u.cache_read_tokens,
                cache_write_5m_tokens: u.cache_write_tokens,
                reasoning_tokens: u.reasoning_tokens,
                ..Record::default()
            }))
        }
        _ => Ok(None),
    }
}
