//! Qwen Code's chat log (`~/.qwen/projects/<folder>/chats/<session>.jsonl`): every model call,
//! the hidden ones too (its memory extractor runs a second request after a plain answer), is a
//! `ui_telemetry` line whose event is `qwen-code.api_response`, with the provider's id of the
//! answer (`response_id`). Its counts are Gemini's: the input includes the cached tokens, the
//! output leaves out the thinking. Qwen's own service (`auth_type` `qwen-oauth`) is the tool's
//! own; any other is the user's provider.

use super::{from_line, time, Line};
use crate::skip::Skip;
use crate::{bound, Record, Tool};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Entry {
    #[serde(default)]
    subtype: Option<String>,
    session_id: Option<String>,
    cwd: Option<String>,
    timestamp: Option<String>,
    #[serde(default)]
    system_payload: Option<Payload>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Payload {
    ui_event: Option<Event>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Event {
    #[serde(rename = "event.name")]
    name: String,
    #[serde(rename = "event.timestamp")]
    timestamp: Option<String>,
    response_id: Option<String>,
    prompt_id: Option<String>,
    model: String,
    input_token_count: u64,
    output_token_count: u64,
    cached_content_token_count: u64,
    thoughts_token_count: u64,
    auth_type: Option<String>,
}

pub(crate) fn line(l: Line<'_>) -> Result<Option<Record>, Skip> {
    let e: Entry = from_line(l)?;
    if e.subtype.as_deref() != Some("ui_telemetry") {
        return Ok(None);
    }
    let Some(ev) = e.system_payload.and_then(|p| p.ui_event) else {
        return Ok(None);
    };
    if ev.name != "qwen-code.api_response" {
        return Ok(None);
    }
    let at_ms = time(ev.timestamp.as_deref().or(e.timestamp.as_deref()))?;
    let id = ev.response_id.filter(|i| !i.is_empty());
    let key = match (&id, &ev.prompt_id) {
        (Some(id), _) => id.clone(),
        (None, Some(p)) => format!("{p}@{at_ms}"),
        (None, None) => return Err(Skip::Unknown),
    };
    let own = ev.auth_type.as_deref() == Some("qwen-oauth");
    Ok(Some(Record {
        key: format!("qwen-code:{key}"),
        tool: Some(Tool::QwenCode),
        at_ms,
        model: ev.model,
        provider: if own { None } else { ev.auth_type },
        project: e.cwd,
        session: e.session_id,
        provider_id: id,
        input_tokens: ev
            .input_token_count
            .saturating_sub(ev.cached_content_token_count),
        output_tokens: bound::add(ev.output_token_count, ev.thoughts_token_count)?,
        cache_read_tokens: ev.cached_content_token_count,
        reasoning_tokens: ev.thoughts_token_count,
        ..Record::default()
    }))
}
