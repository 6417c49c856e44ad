//! Factory Droid's per-call usage, from its debug log (`~/.factory/logs/*.log`): each model call
//! writes `[time] INFO: [Agent] Streaming result | Context: {…}` with its tokens (input without
//! the cache reads, output with the reasoning), the session, the model's id, whether it was the
//! user's own key (`isByok`), and the request id the provider gave (`upstreamRequestId`: through
//! the gateway, the gateway's own request id, which is its ledger row's id). Droid's session
//! files keep only running totals per session; they give each session's folder ([`Known`]).
//! A custom model's id (`custom:<name>-<n>`) is mapped back to its model through Droid's
//! settings.

use super::{time, Line};
use crate::skip::Skip;
use crate::{Record, Tool};
use serde::Deserialize;
use std::collections::HashMap;
use std::io::{BufRead, Read};
use std::path::Path;

const NEEDLE: &[u8] = b"[Agent] Streaming result | Context: ";

/// What Droid's other files say: each session's folder, each custom model's model.
#[derive(Debug, Clone, Default)]
pub(crate) struct Known {
    pub cwd_of: HashMap<String, String>,
    pub model_of: HashMap<String, String>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Context {
    input_tokens: u64,
    cache_read_input_tokens: u64,
    reasoning_tokens: u64,
    output_tokens: u64,
    cached_tokens_written: u64,
    upstream_request_id: Option<String>,
    tags: Tags,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Tags {
    session_id: Option<String>,
    model_id: Option<String>,
    is_byok: Option<String>,
}

pub(crate) fn line(l: Line<'_>, known: &Known) -> Result<Option<Record>, Skip> {
    let (stamp, ctx): (String, Context) = match l {
        Line::Held(b) => {
            let Some(at) = find(b, NEEDLE) else {
                return Ok(None);
            };
            let ctx = serde_json::from_slice(&b[at + NEEDLE.len()..]).map_err(|_| Skip::Corrupt)?;
            (stamp_of(&b[..at]), ctx)
        }
        Line::Read(r) => {
            // The line's start, up to its JSON: whether it is a call's line at all.
            let mut head = Vec::new();
            r.take(1024)
                .read_until(b'{', &mut head)
                .map_err(|_| Skip::Corrupt)?;
            let Some(at) = find(&head, NEEDLE) else {
                return Ok(None);
            };
            let rest = std::io::Cursor::new(b"{".to_vec()).chain(r);
            let ctx = serde_json::from_reader(rest).map_err(|_| Skip::Corrupt)?;
            (stamp_of(&head[..at]), ctx)
        }
    };
    let at_ms = time(Some(&stamp))?;
    let session = ctx.tags.session_id;
    let id = ctx.upstream_request_id.filter(|i| !i.is_empty());
    let key = match (&id, &session) {
        (Some(id), _) => id.clone(),
        (None, Some(s)) => format!("{s}@{at_ms}"),
        (None, None) => return Err(Skip::Unknown),
    };
    let model_id = ctx.tags.model_id.unwrap_or_default();
    let model = known
        .model_of
        .get(&model_id)
        .cloned()
        .unwrap_or_else(|| model_id.trim_start_matches("custom:").to_string());
    let byok = ctx.tags.is_byok.as_deref() == Some("true");
    Ok(Some(Record {
        key: format!("droid:{key}"),
        tool: Some(Tool::Droid),
        at_ms,
        model,
        provider: byok.then(|| "custom".to_string()),
        project: session.as_ref().and_then(|s| known.cwd_of.get(s).cloned()),
        session,
        request_id: id,
        input_tokens: ctx.input_tokens,
        output_tokens: ctx.output_tokens,
        cache_read_tokens: ctx.cache_read_input_tokens,
        cache_write_5m_tokens: ctx.cached_tokens_written,
        reasoning_tokens: ctx.reasoning_tokens,
        ..Record::default()
    }))
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// `[2026-11-27T16:09:02.611Z] INFO: ` → the time in the brackets.
fn stamp_of(head: &[u8]) -> String {
    let text = String::from_utf8_lossy(head);
    let inner = text.trim_start().strip_prefix('[').unwrap_or("");
    inner.split(']').next().unwrap_or("").to_string()
}

/// Each session's folder (the first line of `sessions/<folder>/<session>.jsonl`) and each
/// custom model's model (`settings.json`), under Droid's `~/.factory`.
pub(crate) fn known(factory: &Path) -> Known {
    let mut k = Known::default();
    for f in crate::files::jsonl_under(&factory.join("sessions")).files {
        let Ok(file) = std::fs::File::open(&f) else {
            continue;
        };
        let mut first = Vec::new();
        if std::io::BufReader::new(file)
            .take(64 * 1024)
            .read_until(b'\n', &mut first)
            .is_err()
        {
            continue;
        }
        #[derive(Deserialize)]
        struct Start {
            id: Option<String>,
            cwd: Option<String>,
        }
        if let Ok(Start {
            id: Some(id),
            cwd: Some(cwd),
        }) = serde_json::from_slice(&first)
        {
            k.cwd_of.insert(id, cwd);
        }
    }
    let settings = std::fs::read(factory.join("settings.json")).unwrap_or_default();
    let v: serde_json::Value = serde_json::from_slice(&settings).unwrap_or_default();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for m in v["customModels"].as_array().into_iter().flatten() {
        let Some(model) = m["model"].as_str() else {
            continue;
        };
        let name = m["displayName"].as_str().unwrap_or(model);
        let slug: Vec<&str> = name.split_whitespace().collect();
        let slug = slug.join("-");
        let n = seen.entry(slug.clone()).or_insert(0);
        let id = match m["id"].as_str() {
            Some(id) => id.to_string(),
            None => format!("custom:{slug}-{n}"),
        };
        *n += 1;
        k.model_of.insert(id, model.to_string());
        k.model_of
            .insert(format!("custom:{model}"), model.to_string());
    }
    k
}
