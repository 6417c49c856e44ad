//! Codex's rollouts: `$CODEX_HOME/sessions/YYYY/MM/DD/rollout-…-<thread>.jsonl`, lines of
//! `{timestamp, type, payload}`. The model is on `turn_context` lines and the folder on
//! `session_meta`, so each file carries a [`State`] from line to line (kept in its cursor).
//!
//! Usage: `token_usage_record` lines (one per model answer, keyed by its `response_id`); files
//! from versions without them give `event_msg`/`token_count` lines, keyed by the session and
//! the running total (a repeated count has the same total, so it counts once). Once a file has
//! shown a `token_usage_record`, its token counts give only the plan's rate limits.

use crate::skip::Skip;
use crate::stream::{self, Keep, Spec};
use crate::{rfc3339_ms, PlanWindow, Record, Tool};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::value::RawValue;
use std::io::BufRead;

/// What a rollout said before the current line.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct State {
    pub session: Option<String>,
    pub cwd: Option<String>,
    pub model: Option<String>,
    /// The file has `token_usage_record` lines: token counts are not usage.
    pub records: bool,
}

/// A line, its payload left as the bytes it is in the line (a rollout line can carry tens of MB
/// of text or tool output: it is skipped over, never built as a JSON tree). The payload is read
/// into the structs below, each with only the fields its type uses; every other field is
/// skipped by serde without being kept.
#[derive(Deserialize)]
struct Line<'a> {
    #[serde(borrow)]
    timestamp: Option<&'a str>,
    #[serde(rename = "type", borrow)]
    kind: &'a str,
    #[serde(default, borrow)]
    payload: Option<&'a RawValue>,
}

/// A field of the wrong type reads as missing, as it did when the payload was a JSON value
/// looked into by name. Only this field's bytes are read again.
fn lenient<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    let raw: Option<&'de RawValue> = Option::deserialize(d)?;
    Ok(raw.and_then(|r| serde_json::from_str(r.get()).ok()))
}

/// `session_meta` and `turn_context`.
#[derive(Deserialize, Default)]
struct Context {
    #[serde(default, deserialize_with = "lenient")]
    id: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    session_id: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    cwd: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    model: Option<String>,
}

/// `token_usage_record`.
#[derive(Deserialize, Default)]
struct UsageRecord<'a> {
    #[serde(default, deserialize_with = "lenient")]
    response_id: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    session_id: Option<String>,
    #[serde(default, borrow)]
    usage: Option<&'a RawValue>,
}

/// `event_msg`: its type first; `info` and `rate_limits` only for a `token_count`.
#[derive(Deserialize, Default)]
struct Event<'a> {
    #[serde(rename = "type", default, deserialize_with = "lenient")]
    kind: Option<&'a str>,
    #[serde(default, borrow)]
    info: Option<&'a RawValue>,
    #[serde(default, deserialize_with = "lenient")]
    rate_limits: Option<Limits>,
}

#[derive(Deserialize)]
struct Info {
    last_token_usage: Usage,
    #[serde(default, deserialize_with = "lenient")]
    total_token_usage: Option<Total>,
}

#[derive(Deserialize)]
struct Total {
    #[serde(default, deserialize_with = "lenient")]
    total_tokens: Option<u64>,
}

#[derive(Deserialize)]
struct Limits {
    #[serde(default, deserialize_with = "lenient")]
    plan_type: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    primary: Option<Window>,
    #[serde(default, deserialize_with = "lenient")]
    secondary: Option<Window>,
}

#[derive(Deserialize)]
struct Window {
    #[serde(default, deserialize_with = "lenient")]
    used_percent: Option<f64>,
    #[serde(default, deserialize_with = "lenient")]
    window_minutes: Option<u64>,
    #[serde(default, deserialize_with = "lenient")]
    resets_at: Option<i64>,
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

/// The payload as `T`; a missing (or null) payload reads as `T`'s default.
fn payload<'a, T: Deserialize<'a> + Default>(p: Option<&'a RawValue>) -> Result<T, Skip> {
    match p {
        Some(p) => serde_json::from_str(p.get()).map_err(|_| Skip::Corrupt),
        None => Ok(T::default()),
    }
}

/// A usage object (required: a missing one is a corrupt line).
fn usage(raw: Option<&RawValue>) -> Result<Usage, Skip> {
    let raw = raw.ok_or(Skip::Corrupt)?;
    serde_json::from_str(raw.get()).map_err(|_| Skip::Corrupt)
}

/// [`line`] for a line read from `r` (one too long to hold): the same result. A line's `type`
/// may come after its `payload`, so the payload keeps every field any type uses.
pub(crate) fn line_from(r: &mut dyn BufRead, state: &mut State) -> Result<Found, Skip> {
    let kept = stream::read(r, &KEPT, b"");
    line(kept.json.ok_or(Skip::Corrupt)?.as_bytes(), state)
}

pub(crate) fn line(bytes: &[u8], state: &mut State) -> Result<Found, Skip> {
    let l: Line<'_> = serde_json::from_slice(bytes).map_err(|_| Skip::Corrupt)?;
    match l.kind {
        "session_meta" => {
            let p: Context = payload(l.payload)?;
            // A forked rollout repeats its parent's meta first: the first one names the file.
            if state.session.is_none() {
                state.session = p.id.or(p.session_id);
            }
            state.cwd = p.cwd.or(state.cwd.take());
            Ok(Found::default())
        }
        "turn_context" => {
            let p: Context = payload(l.payload)?;
            state.model = p.model.or(state.model.take());
            state.cwd = p.cwd.or(state.cwd.take());
            Ok(Found::default())
        }
        "token_usage_record" => {
            state.records = true;
            let p: UsageRecord<'_> = payload(l.payload)?;
            let at_ms = l.timestamp.and_then(rfc3339_ms).ok_or(Skip::NoTime)?;
            let id = p.response_id.ok_or(Skip::Unknown)?;
            let u = usage(p.usage)?;
            let mut r = record(&u, at_ms, state);
            r.key = format!("codex:{id}");
            r.provider_id = Some(id);
            r.session = p.session_id.or(r.session);
            Ok(Found {
                record: Some(r),
                windows: Vec::new(),
            })
        }
        "event_msg" => {
            let p: Event<'_> = payload(l.payload)?;
            if p.kind != Some("token_count") {
                return Ok(Found::default());
            }
            let at_ms = l.timestamp.and_then(rfc3339_ms).ok_or(Skip::NoTime)?;
            let windows = p.rate_limits.map(|w| windows(w, at_ms)).unwrap_or_default();
            let record = match p.info {
                Some(info) if !state.records => {
                    let info: Info = serde_json::from_str(info.get()).map_err(|_| Skip::Corrupt)?;
                    let total = info.total_token_usage.and_then(|t| t.total_tokens);
                    let mut r = record(&info.last_token_usage, at_ms, state);
                    let session = state.session.as_deref().unwrap_or("?");
                    r.key = format!("codex:{session}:{}", total.unwrap_or(0));
                    (info.last_token_usage.total_tokens > 0).then_some(r)
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
fn windows(l: Limits, at_ms: i64) -> Vec<PlanWindow> {
    [("primary", l.primary), ("secondary", l.secondary)]
        .into_iter()
        .filter_map(|(name, w)| {
            let w = w?;
            Some(PlanWindow {
                tool: Tool::Codex,
                name: name.into(),
                used_percent: w.used_percent?.clamp(0.0, 100.0),
                window_minutes: w.window_minutes,
                resets_at: w.resets_at,
                seen_at_ms: at_ms,
                plan: l.plan_type.clone(),
            })
        })
        .collect()
}

/// The fields of [`Line`], for [`line_from`]; in the structs' declaration order.
const KEPT: Spec = Spec {
    fields: &[
        ("timestamp", Keep::Raw),
        ("type", Keep::Raw),
        ("payload", Keep::Object(&PAYLOAD)),
    ],
    positions: None,
    utf8: false,
};
/// Every field of [`Context`], [`UsageRecord`] and [`Event`]. Borrowed as text by [`line`], so
/// its bytes must be UTF-8; as an array, its first elements are those of whichever struct reads
/// it (at most 4 fields, then one more to fail).
const PAYLOAD: Spec = Spec {
    fields: &[
        ("id", Keep::Raw),
        ("session_id", Keep::Raw),
        ("cwd", Keep::Raw),
        ("model", Keep::Raw),
        ("response_id", Keep::Raw),
        ("usage", Keep::Object(&USAGE)),
        ("type", Keep::Raw),
        ("info", Keep::Object(&INFO)),
        ("rate_limits", Keep::Object(&LIMITS)),
    ],
    positions: Some(4),
    utf8: true,
};
const USAGE: Spec = Spec {
    fields: &[
        ("input_tokens", Keep::Raw),
        ("cached_input_tokens", Keep::Raw),
        ("cache_write_input_tokens", Keep::Raw),
        ("output_tokens", Keep::Raw),
        ("reasoning_output_tokens", Keep::Raw),
        ("total_tokens", Keep::Raw),
    ],
    positions: None,
    utf8: false,
};
const INFO: Spec = Spec {
    fields: &[
        ("last_token_usage", Keep::Object(&USAGE)),
        ("total_token_usage", Keep::Object(&TOTAL)),
    ],
    positions: None,
    utf8: false,
};
const TOTAL: Spec = Spec {
    fields: &[("total_tokens", Keep::Raw)],
    positions: None,
    utf8: false,
};
const LIMITS: Spec = Spec {
    fields: &[
        ("plan_type", Keep::Raw),
        ("primary", Keep::Object(&WINDOW)),
        ("secondary", Keep::Object(&WINDOW)),
    ],
    positions: None,
    utf8: false,
};
const WINDOW: Spec = Spec {
    fields: &[
        ("used_percent", Keep::Raw),
        ("window_minutes", Keep::Raw),
        ("resets_at", Keep::Raw),
    ],
    positions: None,
    utf8: false,
};

#[cfg(test)]
#[path = "codex_tests.rs"]
pub(crate) mod tests;
