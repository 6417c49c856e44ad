//! The core's events for a browser: each [`UiEvent`] under the name the window's typed Tauri
//! event has (the bindings' `events`, e.g. `backends-changed`), with the same payload, as one
//! server-sent message `{ "event": name, "payload": … }`. `Quit` is not sent: the stream ends.

use serde_json::{json, Value};
use switchyard_ipc::UiEvent;

/// The bindings' name of every event the panel sends (a test in the window's crate holds it to
/// the window's own list).
pub const EVENT_NAMES: &[&str] = &[
    "alerts-changed",
    "backends-changed",
    "cache-changed",
    "costs-changed",
    "drill-progress",
    "drills-finished",
    "gateway-health-changed",
    "health-changed",
    "key-checked",
    "notifications-changed",
    "readiness-finished",
    "readiness-progress",
    "requests-recorded",
    "routes-changed",
    "sync-changed",
    "tokens-changed",
    "update-progress",
    "updates-changed",
];

/// The name and payload the window's event for `event` has; `None` for `Quit`.
pub fn browser_event(event: &UiEvent) -> Option<(&'static str, Value)> {
    let name = match event {
        UiEvent::BackendsChanged => "backends-changed",
        UiEvent::KeyChecked { .. } => "key-checked",
        UiEvent::TokensChanged => "tokens-changed",
        UiEvent::SyncChanged => "sync-changed",
        UiEvent::RequestsRecorded { .. } => "requests-recorded",
        UiEvent::GatewayHealthChanged => "gateway-health-changed",
        UiEvent::RoutesChanged => "routes-changed",
        UiEvent::CacheChanged => "cache-changed",
        UiEvent::CostsChanged => "costs-changed",
        UiEvent::ReadinessProgress { .. } => "readiness-progress",
        UiEvent::ReadinessFinished { .. } => "readiness-finished",
        UiEvent::DrillProgress { .. } => "drill-progress",
        UiEvent::DrillsFinished { .. } => "drills-finished",
        UiEvent::NotificationsChanged => "notifications-changed",
        UiEvent::UpdatesChanged => "updates-changed",
        UiEvent::UpdateDownload {
            version,
            received,
            total,
        } => {
            // The window's `UpdateProgress`: counts as numbers, as its bindings type them.
            let payload = json!({
                "version": version,
                "phase": "downloading",
                "received": *received as f64,
                "total": total.map(|t| t as f64),
            });
            return Some(("update-progress", payload));
        }
        UiEvent::HealthChanged => "health-changed",
        UiEvent::AlertsChanged => "alerts-changed",
        UiEvent::Quit => return None,
    };
    // The payload is the event's fields, as the window's event struct serializes them (a unit
    // event's payload is null).
    let mut payload = serde_json::to_value(event).unwrap_or(Value::Null);
    if let Value::Object(fields) = &mut payload {
        fields.remove("event");
        if fields.is_empty() {
            payload = Value::Null;
        }
    }
    Some((name, payload))
}

/// One server-sent message's data.
pub fn message(name: &str, payload: Value) -> String {
    json!({ "event": name, "payload": payload }).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_keep_their_window_names_and_fields() {
        let (name, payload) = browser_event(&UiEvent::ReadinessFinished {
            run_id: "r1".into(),
        })
        .unwrap();
        assert_eq!(name, "readiness-finished");
        assert_eq!(payload, json!({"runId": "r1"}));
        let (name, payload) = browser_event(&UiEvent::BackendsChanged).unwrap();
        assert_eq!((name, payload), ("backends-changed", Value::Null));
        assert!(browser_event(&UiEvent::Quit).is_none());
        let (name, payload) = browser_event(&UiEvent::UpdateDownload {
            version: "1.2.3".into(),
            received: 5,
            total: None,
        })
        .unwrap();
        assert_eq!(name, "update-progress");
        assert_eq!(payload["phase"], "downloading");
        let mut sorted = EVENT_NAMES.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, EVENT_NAMES, "kept sorted");
    }
}
