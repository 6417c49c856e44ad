//! Subscription windows: how much of each plan window is used and when it resets.
//!
//! - Codex: the provider's own figures, from the `rate_limits` its records carry (the headers
//!   `x-codex-primary-*` / `-secondary-*` of the last answer), until the window resets.
//! - Claude: the provider's own figures when the gateway saw Anthropic's
//!   `anthropic-ratelimit-unified-5h-*` / `-7d-*` headers; otherwise estimated from Claude Code's
//!   records as ccusage does: a 5-hour block starts at the hour of the first answer after a gap
//!   of 5 hours (or after the previous block ended), the weekly window is the last 7 days.
//!   Estimates say so: the provider's limit in tokens is not published, so they show what was
//!   used, the burn rate and the projection, not a percentage.

use crate::AppError;
use serde::Serialize;
use switchyard_store::{Spent, ToolUsageTable};
use switchyard_usage::Tool;

const HOUR_MS: i64 = 3_600_000;
const BLOCK_MS: i64 = 5 * HOUR_MS;
const WEEK_MS: i64 = 7 * 24 * HOUR_MS;

/// Whose figure a window shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename = "UsageWindowSource")]
pub enum WindowSource {
    /// The provider's own (a header it sent, a record of it).
    Provider,
    /// Estimated from the tool's records (see the module docs).
    Estimate,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UsageWindow {
    /// `Claude Code`, `Codex`.
    pub tool: String,
    /// The tool's stable name (`claude-code`, `codex`): alert subjects and rule ids use it.
    #[serde(skip)]
    pub tool_id: Tool,
    /// `5-hour`, `weekly`, or `N-minute`.
    pub name: String,
    pub source: WindowSource,
    /// 0–100, when the provider said.
    pub used_percent: Option<f64>,
    /// Tokens and USD used in the window (estimates).
    pub used_tokens: Option<u64>,
    pub used_usd: Option<f64>,
    pub started_at_ms: Option<i64>,
    pub resets_at_ms: Option<i64>,
    /// USD per hour since the window's first answer (estimates).
    pub burn_usd_per_hour: Option<f64>,
    /// USD at the window's end at that rate (estimates).
    pub projected_usd: Option<f64>,
    /// When the figure was seen (the provider's).
    pub seen_at_ms: Option<i64>,
    /// How it was found, in words.
    pub how: String,
}

/// "resets in 2 h 13 m".
pub fn resets_in(at_ms: i64, now_ms: i64) -> String {
    let mins = ((at_ms - now_ms).max(0) + 59_999) / 60_000;
    match (mins / 1440, mins % 1440 / 60, mins % 60) {
        (0, 0, m) => format!("resets in {m} m"),
        (0, h, m) => format!("resets in {h} h {m} m"),
        (d, h, _) => format!("resets in {d} d {h} h"),
    }
}

/// The subscription window closest to its limit, in a few words: the provider's figure with the
/// highest share used, else Claude Code's estimated 5-hour block; e.g.
/// `Codex 5-hour 42% (resets in 2 h 13 m)`. For the status line and the tray's tooltip.
pub fn nearest_limit(windows: &[UsageWindow], now: i64) -> Option<String> {
    let resets = |w: &UsageWindow| {
        w.resets_at_ms
            .map(|r| format!(" ({})", resets_in(r, now)))
            .unwrap_or_default()
    };
    let provider = windows
        .iter()
        .filter_map(|w| Some((w, w.used_percent?)))
        .max_by(|a, b| a.1.total_cmp(&b.1));
    if let Some((w, used)) = provider {
        return Some(format!("{} {} {used:.0}%{}", w.tool, w.name, resets(w)));
    }
    let block = windows.iter().find(|w| w.name == "5-hour")?;
    Some(format!(
        "{} {} ${:.2}{}",
        block.tool,
        block.name,
        block.used_usd?,
        resets(block)
    ))
}

/// One plan window the gateway saw in Anthropic's headers: name, share used, reset (Unix
/// seconds), seen (Unix seconds).
pub type Seen = (String, f64, Option<i64>, i64);

/// The newest report of each plan window in the gateway's live state.
pub fn gateway_plan_windows(g: &switchyard_gateway::GatewayHandle) -> Vec<Seen> {
    let mut best: std::collections::BTreeMap<String, Seen> = Default::default();
    for t in g.health().snapshot(g.now()) {
        let Some((h, seen)) = t.headroom else {
            continue;
        };
        for w in h.windows {
            let newer = best.get(&w.name).is_none_or(|b| b.3 <= seen);
            if newer {
                best.insert(w.name.clone(), (w.name, w.utilization, w.resets_at, seen));
            }
        }
    }
    best.into_values().collect()
}

/// A window's name from its length: `5-hour`, `weekly`, `N-minute`, else the provider's name.
pub(super) fn window_name(minutes: Option<u64>, fallback: &str) -> String {
    match minutes {
        Some(300) => "5-hour".into(),
        Some(10_080) => "weekly".into(),
        Some(m) => format!("{m}-minute"),
        None => fallback.into(),
    }
}

impl UsageWindow {
    /// A window as its provider reported it: `percent` used, resetting at `resets_at_ms`.
    fn reported(
        tool: Tool,
        name: String,
        percent: f64,
        resets_at_ms: Option<i64>,
        seen_at_ms: Option<i64>,
        how: String,
    ) -> UsageWindow {
        UsageWindow {
            tool: tool.label().into(),
            tool_id: tool,
            name,
            source: WindowSource::Provider,
            used_percent: Some(percent),
            used_tokens: None,
            used_usd: None,
            started_at_ms: None,
            resets_at_ms,
            burn_usd_per_hour: None,
            projected_usd: None,
            seen_at_ms,
            how,
        }
    }
}

pub(crate) fn all(
    tool_usage: &ToolUsageTable,
    now: i64,
    seen: &[Seen],
) -> Result<Vec<UsageWindow>, AppError> {
    let mut out = Vec::new();
    for w in tool_usage.plan_windows()? {
        let resets = w.resets_at.map(|s| s * 1000);
        if resets.is_some_and(|r| r <= now) {
            continue; // reset since: the figure is stale
        }
        let how = format!(
            "{} said so in its records ({} plan)",
            w.tool.label(),
            w.plan.as_deref().unwrap_or("its")
        );
        let name = window_name(w.window_minutes, &w.name);
        let at = Some(w.seen_at_ms);
        out.push(UsageWindow::reported(
            w.tool,
            name,
            w.used_percent,
            resets,
            at,
            how,
        ));
    }
    let mut claude_from_provider = Vec::new();
    for (name, used, resets, at) in seen {
        let resets = resets.map(|s| s * 1000);
        if resets.is_some_and(|r| r <= now) {
            continue;
        }
        let label = match name.as_str() {
            "5h" => "5-hour",
            "7d" => "weekly",
            other => other,
        };
        claude_from_provider.push(label.to_string());
        let percent = (used * 100.0).clamp(0.0, 100.0);
        let how = "Anthropic's rate-limit headers on the gateway's last answer".into();
        let at = Some(at * 1000);
        out.push(UsageWindow::reported(
            Tool::ClaudeCode,
            label.into(),
            percent,
            resets,
            at,
            how,
        ));
    }
    let spent = tool_usage.tool_spent(Tool::ClaudeCode.name(), now - WEEK_MS)?;
    if !spent.is_empty() {
        if !claude_from_provider.iter().any(|n| n == "5-hour") {
            out.extend(block(&spent, now));
        }
        if !claude_from_provider.iter().any(|n| n == "weekly") {
            out.push(week(&spent, now));
        }
    }
    Ok(out)
}

fn sums(answers: &[Spent]) -> (u64, f64) {
    answers.iter().fold((0, 0.0), |(t, c), a| {
        // Saturating: a store from before the import's bound can hold absurd counts.
        (t.saturating_add(a.tokens), c + a.cost_usd.unwrap_or(0.0))
    })
}

/// The 5-hour block `now` is in, if one is open.
pub(super) fn block(answers: &[Spent], now: i64) -> Option<UsageWindow> {
    let mut start: Option<(i64, usize)> = None;
    let mut prev = i64::MIN;
    for (i, a) in answers.iter().enumerate() {
        let new = match start {
            None => true,
            Some((s, _)) => a.at_ms >= s + BLOCK_MS || a.at_ms - prev >= BLOCK_MS,
        };
        if new {
            start = Some((a.at_ms - a.at_ms.rem_euclid(HOUR_MS), i));
        }
        prev = a.at_ms;
    }
    let (s, first) = start?;
    if now >= s + BLOCK_MS {
        return None;
    }
    let inside = &answers[first..];
    let (tokens, usd) = sums(inside);
    let since_first = (now - inside[0].at_ms).max(60_000) as f64 / HOUR_MS as f64;
    let burn = usd / since_first;
    let left = (s + BLOCK_MS - now) as f64 / HOUR_MS as f64;
    Some(UsageWindow {
        tool: Tool::ClaudeCode.label().into(),
        tool_id: Tool::ClaudeCode,
        name: "5-hour".into(),
        source: WindowSource::Estimate,
        used_percent: None,
        used_tokens: Some(tokens),
        used_usd: Some(usd),
        started_at_ms: Some(s),
        resets_at_ms: Some(s + BLOCK_MS),
        burn_usd_per_hour: Some(burn),
        projected_usd: Some(usd + burn * left),
        seen_at_ms: None,
        how: "estimated from Claude Code's records: the block starts at the hour of the first answer after a 5-hour gap".into(),
    })
}

fn week(answers: &[Spent], now: i64) -> UsageWindow {
    let (tokens, usd) = sums(answers);
    let first = answers.first().map_or(now, |a| a.at_ms);
    let hours = (now - first).max(60_000) as f64 / HOUR_MS as f64;
    UsageWindow {
        tool: Tool::ClaudeCode.label().into(),
        tool_id: Tool::ClaudeCode,
        name: "weekly".into(),
        source: WindowSource::Estimate,
        used_percent: None,
        used_tokens: Some(tokens),
        used_usd: Some(usd),
        started_at_ms: Some(now - WEEK_MS),
        resets_at_ms: None,
        burn_usd_per_hour: Some(usd / hours),
        projected_usd: None,
        seen_at_ms: None,
        how: "estimated from Claude Code's records: the last 7 days (the plan's week starts when Anthropic says)".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ms: i64, usd: f64) -> Spent {
        Spent {
            at_ms: ms,
            tokens: 100,
            cost_usd: Some(usd),
        }
    }

    #[test]
    fn a_block_starts_at_the_hour_after_a_five_hour_gap_and_projects_its_burn() {
        let h = HOUR_MS;
        let answers = [
            at(h / 2, 1.0),
            at(3 * h, 1.0),
            at(20 * h + h / 4, 2.0),
            at(21 * h, 2.0),
        ];
        let now = 22 * h;
        let b = block(&answers, now).unwrap();
        assert_eq!(
            b.started_at_ms,
            Some(20 * h),
            "the hour of the first answer after the gap"
        );
        assert_eq!(b.resets_at_ms, Some(25 * h));
        assert_eq!((b.used_tokens, b.used_usd), (Some(200), Some(4.0)));
        // $4 over 1.75 h since the first answer; 3 h left.
        let burn = b.burn_usd_per_hour.unwrap();
        assert!((burn - 4.0 / 1.75).abs() < 1e-9);
        assert!((b.projected_usd.unwrap() - (4.0 + burn * 3.0)).abs() < 1e-9);
        assert_eq!(b.source, WindowSource::Estimate);
        assert!(
            block(&answers, 26 * h).is_none(),
            "closed: nothing open now"
        );
        // A block lasts 5 hours even when answers keep coming.
        let steady: Vec<Spent> = (0..12).map(|i| at(i * h, 1.0)).collect();
        assert_eq!(
            block(&steady, 11 * h + 1).unwrap().started_at_ms,
            Some(10 * h)
        );
    }
}
