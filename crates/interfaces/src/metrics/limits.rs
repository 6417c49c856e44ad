//! The providers' limits on `/metrics`: each subscription window the provider reported
//! (`switchyard_limit_used_ratio{tool,window}`, Codex's records and Anthropic's plan headers) and
//! each key's rate-limit headroom as its provider last said
//! (`switchyard_key_headroom_ratio{backend,key}`, the share of the tightest count left).

use super::{labels::Bounded, FloatGauge, Label};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::family::Family;
use prometheus_client::registry::Registry;
use switchyard_app::usage::UsageWindow;
use switchyard_app::{BackendHealthView, BackendLive};

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct WindowLabels {
    tool: Label,
    window: Label,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KeyLabels {
    backend: Label,
    /// The key's id (its label is the user's to change).
    key: Label,
}

#[derive(Default)]
pub(super) struct Limits {
    window: Family<WindowLabels, FloatGauge>,
    key: Family<KeyLabels, FloatGauge>,
}

impl Limits {
    pub(super) fn register(&self, r: &mut Registry) {
        register!(r,
            "limit_used_ratio", "Share of a subscription window used, as the provider reported it" => self.window;
            "key_headroom_ratio", "Share of a key's tightest rate limit left, as its provider's last answer said" => self.key;
        );
    }

    /// The windows as the Usage feature has them, and each key's headroom as the gateway saw
    /// it (`backends` names them).
    pub(super) fn read(
        &self,
        windows: &[UsageWindow],
        backends: &[BackendHealthView],
        live: &[BackendLive],
        names: &Bounded,
    ) {
        self.window.clear();
        self.key.clear();
        for w in windows {
            if let Some(p) = w.used_percent {
                let l = WindowLabels {
                    tool: names.label(&w.tool),
                    window: names.label(&w.name),
                };
                self.window.get_or_create(&l).set(p / 100.0);
            }
        }
        let now = std::time::SystemTime::now();
        for b in live {
            for (key_id, state) in &b.keys {
                let Some(room) = state.headroom.as_ref().and_then(|(h, _)| h.room(now)) else {
                    continue;
                };
                let l = KeyLabels {
                    backend: names.label(
                        backends
                            .iter()
                            .find(|v| v.backend_id == b.backend_id)
                            .map_or("unknown", |v| v.name.as_str()),
                    ),
                    key: names.label(key_id),
                };
                self.key.get_or_create(&l).set(room);
            }
        }
    }
}
