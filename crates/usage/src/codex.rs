//! Codex's rollouts: `$CODEX_HOME/sessions/YYYY/MM/DD/rollout-…-<thread>.jsonl`, lines of
//! `{timestamp, type, payload}`. The model is on `turn_context` lines and the folder on
//! `session_meta`, so each file carries a [`State`] from line to line (kept in its cursor).
//!
//! Usage: `token_usage_record` lines (one per model answer, keyed by its `response_id`); files
//! from versions without them give `event_msg`/`token_count` lines, keyed by the session and
//! the running total (a repeated count has the same total, so it counts once). Once a file has
//! shown a `token_usage_record`, its token counts give only the plan's rate limits.

use crate::skip::Skip;
use crate::{rfc3339_ms, PlanWindow, Record, Tool};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What a rollout said before the current line.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct State {
    pub session: Option<String>,
    pub cwd: Option<String>,
    pub model: Option<String>,
    /// The file has `token_usage_record` lines: token counts are not usage.
    pub records: bool,
}

#[derive(Deserialize)]
struct Line<'a> {
    #[serde(borrow)]
    timestamp: Option<&'a str>,
    #[serde(rename = "type", borrow)]
    kind: &'a str,
    #[serde(default)]
    payload: Value,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Usage {
    input_tokens: u64,
    cached_input_tokens: u64,
    cache_write_input_tokens: u64,
    output_tokens: u64,
    reasoning_output_tokens: u64,
    total_tokens: u64,
}

/// What one line gave.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Found {
    pub record: Option<Record>,
    pub windows: Vec<PlanWindow>,
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key)?.as_str().map(str::to_string)
}

pub(crate) fn line(bytes: &[u8], state: &mut State) -> Result<Found, Skip> {
    let l: Line<'_> = serde_json::from_slice(bytes).map_err(|_| Skip::Corrupt)?;
    let p = &l.payload;
    match l.kind {
        "session_meta" => {
            // A forked rollout repeats its parent's meta first: the first one names the file.
            if state.session.is_none() {
                state.session = text(p, "id").or_else(|| text(p, "session_id"));
            }
            state.cwd = text(p, "cwd").or(state.cwd.take());
            Ok(Found::default())
        }
        "turn_context" => {
            state.model = text(p, "model").or(state.model.take());
            state.cwd = text(p, "cwd").or(state.cwd.take());
            Ok(Found::default())
        }
        "token_usage_record" => {
            state.records = true;
            let at_ms = l.timestamp.and_then(rfc3339_ms).ok_or(Skip::NoTime)?;
            let id = text(p, "response_id").ok_or(Skip::Unknown)?;
            let u: Usage = serde_json::from_value(p.get("usage").cloned().unwrap_or_default())
                .map_err(|_| Skip::Corrupt)?;
            let mut r = record(&u, at_ms, state);
            r.key = format!("codex:{id}");
            r.provider_id = Some(id);
            r.session = text(p, "session_id").or(r.session);
            Ok(Found {
                record: Some(r),
                windows: Vec::new(),
            })
        }
        "event_msg" if p.get("type").and_then(Value::as_str) == Some("token_count") => {
            let at_ms = l.timestamp.and_then(rfc3339_ms).ok_or(Skip::NoTime)?;
            let windows = windows(p.get("rate_limits"), at_ms);
            let info = p.get("info").filter(|i| !i.is_null());
            let record = match info {
                Some(info) if !state.records => {
                    let last: Usage = serde_json::from_value(
                        info.get("last_token_usage").cloned().unwrap_or_default(),
                    )
                    .map_err(|_| Skip::Corrupt)?;
                    let total = info
                        .pointer("/total_token_usage/total_tokens")
                        .and_then(Value::as_u64)
                        .unwrap_or(0);
                    let mut r = record(&last, at_ms, state);
                    let session = state.session.as_deref().unwrap_or("?");
                    r.key = format!("codex:{session}:{total}");
                    (last.total_tokens > 0).then_some(r)
                }
                _ => None,
            };
            Ok(Found { record, windows })
        }
        _ => Ok(Found::default()),
    }
}

fn record(u: &Usage, at_ms: i64, state: &State) -> Record {
    let cached = u.cached_input_tokens.min(u.input_tokens);
    let written = u.cache_write_input_tokens.min(u.input_tokens - cached);
    Record {
        tool: Some(Tool::Codex),
        at_ms,
        model: state.model.clone().unwrap_or_else(|| "unknown".into()),
        project: state.cwd.clone(),
        session: state.session.clone(),
        input_tokens: u.input_tokens - cached - written,
        output_tokens: u.output_tokens,
        cache_read_tokens: cached,
        cache_write_5m_tokens: written,
        reasoning_tokens: u.reasoning_output_tokens.min(u.output_tokens),
        ..Record::default()
    }
}

/// The plan's windows in a `rate_limits` object.
fn windows(limits: Option<&Value>, at_ms: i64) -> Vec<PlanWindow> {
    let Some(l) = limits.filter(|l| l.is_object()) else {
        return Vec::new();
    };
    let plan = text(l, "plan_type");
    ["primary", "secondary"]
        .into_iter()
        .filter_map(|name| {
            let w = l.get(name)?;
            Some(PlanWindow {
                tool: Tool::Codex,
                name: name.into(),
                used_percent: w.get("used_percent")?.as_f64()?.clamp(0.0, 100.0),
                window_minutes: w.get("window_minutes").and_then(Value::as_u64),
                resets_at: w.get("resets_at").and_then(Value::as_i64),
                seen_at_ms: at_ms,
                plan: plan.clone(),
            })
        })
        .collect()
}

#[cfg(test)]
#[path = "codex_tests.rs"]
mod tests;
