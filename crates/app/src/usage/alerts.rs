//! The providers' limits as alert signals: each subscription window the provider reported
//! (Codex's records, Anthropic's plan headers) and each key's rate-limit headroom, as the
//! `limitPercent` metric (0–100 used). The default rules `limit80`, `limit95` and `limit100`
//! fire once per window (a reset brings the value back near 0, which resolves them) and notify
//! on the desktop like every alert.
//!
//! Subjects: `limit:<tool>:<window>` (e.g. `limit:codex:5-hour`) and `limit:key:<key id>`;
//! [`name_source`] gives them names for the alert text.

use super::{UsageWindow, WindowSource};
use std::time::SystemTime;
use switchyard_monitor::{MetricPoint, Signal, BALANCE_METRIC, LIMIT_METRIC};
use switchyard_store::{BackendsTable, KeysTable, Store, ToolUsageTable};

const PREFIX: &str = "limit:";

/// The subject of a tool's window.
pub(crate) fn window_subject(w: &UsageWindow) -> String {
    format!("{PREFIX}{}:{}", w.tool_id.name(), w.name)
}

/// Each key's credits left (`balanceUsd`, subject `balance:key:<id>`).
pub(crate) fn balance_points(
    balances: &[switchyard_store::BalanceRow],
    now_ms: i64,
) -> Vec<Signal> {
    balances
        .iter()
        .filter_map(|b| {
            Some(Signal::Metric(MetricPoint {
                name: BALANCE_METRIC.into(),
                backend_id: format!("balance:key:{}", b.key_id),
                key_id: None,
                at_unix_ms: now_ms,
                value: b.remaining_usd?,
            }))
        })
        .collect()
}

/// One point per provider-reported window and per key whose provider reported its headroom.
pub(crate) fn points(
    windows: &[UsageWindow],
    gateway: Option<&switchyard_gateway::GatewayHandle>,
    now_ms: i64,
) -> Vec<Signal> {
    let point = |subject: String, value: f64| {
        Signal::Metric(MetricPoint {
            name: LIMIT_METRIC.into(),
            backend_id: subject,
            key_id: None,
            at_unix_ms: now_ms,
            value,
        })
    };
    let mut out: Vec<Signal> = windows
        .iter()
        .filter(|w| w.source == WindowSource::Provider)
        .filter_map(|w| Some(point(window_subject(w), w.used_percent?)))
        .collect();
    if let Some(g) = gateway {
        let now = SystemTime::now();
        for t in g.health().snapshot(g.now()) {
            // The plan's windows are reported above (as Claude's); a key's own counts here.
            let Some(room) = t.headroom.as_ref().and_then(|(h, _)| {
                let counts = switchyard_policy::Headroom {
                    windows: Vec::new(),
                    plan_status: None,
                    ..h.clone()
                };
                counts.room(now)
            }) else {
                continue;
            };
            out.push(point(format!("{PREFIX}key:{}", t.id), (1.0 - room) * 100.0));
        }
    }
    out
}

/// Names for the alert text: each key ("Key “work” of Anthropic") and each tool window.
/// [`names_in`] for the Health feature, reading the tables it needs when asked.
pub(crate) fn name_source(store: &Store) -> crate::monitor::NameSource {
    let (backends, keys, tool_usage) = (store.backends(), store.keys(), store.tool_usage());
    std::sync::Arc::new(move || names_in(&backends, &keys, &tool_usage))
}

fn names_in(
    backends: &BackendsTable,
    keys: &KeysTable,
    tool_usage: &ToolUsageTable,
) -> Vec<(String, String)> {
    let backends = backends.backend_names().unwrap_or_default();
    let keys = keys
        .list_keys()
        .unwrap_or_default()
        .into_iter()
        .flat_map(|k| {
            let backend = backends
                .get(&k.backend_id)
                .map_or("a deleted backend", String::as_str);
            [
                (
                    format!("{PREFIX}key:{}", k.id),
                    format!("Key “{}” of {backend}", k.label),
                ),
                (
                    format!("balance:key:{}", k.id),
                    format!("Credits of key “{}” of {backend}", k.label),
                ),
            ]
        });
    let windows = tool_usage
        .plan_windows()
        .unwrap_or_default()
        .into_iter()
        .map(|w| {
            let name = super::windows::window_name(w.window_minutes, &w.name);
            (
                format!("{PREFIX}{}:{name}", w.tool.name()),
                format!("{} {name} window", w.tool.label()),
            )
        });
    let claude = ["5-hour", "weekly"].map(|n| {
        (
            format!("{PREFIX}claude-code:{n}"),
            format!("Claude plan {n} window"),
        )
    });
    keys.chain(windows).chain(claude).collect()
}
