//! IPC shapes for the Routes page: the route editor's form, and the live breaker / cool-down
//! state of every backend and key. A saved route travels as the core's `RouteView` itself.

use serde::{Deserialize, Serialize};
use specta::Type;
use switchyard_app::{BackendLive, RouteCandidate, RouteDraft, Strategy, TrackState};

/// What the route editor submits.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct RouteForm {
    pub name: String,
    pub strategy: Strategy,
    pub candidates: Vec<RouteCandidate>,
    pub cache: crate::cache::dto::RouteCachePolicy,
}

impl From<RouteForm> for RouteDraft {
    fn from(form: RouteForm) -> Self {
        let RouteForm {
            name,
            strategy,
            candidates,
            cache,
        } = form;
        RouteDraft {
            name,
            strategy,
            candidates,
            cache: cache.into(),
        }
    }
}

/// What the gateway has learned about a backend or key from its traffic.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct LiveState {
    pub breaker: switchyard_domain::Circuit,
    /// Seconds left of a rate-limit cool-down.
    pub cooling_down_secs: Option<u32>,
    /// The provider refused the key (401/403); skipped until it is replaced.
    pub invalid: bool,
    /// Smoothed latency of recent successful requests.
    pub latency_ms: Option<f64>,
    /// Share of requests that succeeded, 0–1.
    pub availability: f64,
    /// What the provider's last answer said about its rate limits.
    pub headroom: Option<LiveHeadroom>,
}

/// One counted limit as the provider said it.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct LiveQuota {
    pub limit: Option<f64>,
    pub remaining: Option<f64>,
    /// Unix seconds.
    pub resets_at: Option<f64>,
}

/// A plan window (Anthropic's `5h`, `7d`): the share used and its reset.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct LiveWindow {
    pub name: String,
    /// 0–1.
    pub utilization: f64,
    /// Unix seconds.
    pub resets_at: Option<f64>,
}

/// A provider's rate-limit headers, read: counts left, plan windows, and when it said so.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct LiveHeadroom {
    pub requests: Option<LiveQuota>,
    pub tokens: Option<LiveQuota>,
    pub input_tokens: Option<LiveQuota>,
    pub output_tokens: Option<LiveQuota>,
    pub windows: Vec<LiveWindow>,
    /// `allowed`, `allowed_warning` or `rejected` (Anthropic plans).
    pub plan_status: Option<String>,
    /// Unix seconds.
    pub seen_at: f64,
}

fn quota(q: switchyard_app::Quota) -> Option<LiveQuota> {
    // Numbers as f64: they reach TypeScript as `number` (a u64 would be a bigint there).
    let n = |v: Option<u64>| v.map(|x| x as f64);
    (q != switchyard_app::Quota::default()).then(|| LiveQuota {
        limit: n(q.limit),
        remaining: n(q.remaining),
        resets_at: q.resets_at.map(|x| x as f64),
    })
}

impl From<(switchyard_app::Headroom, i64)> for LiveHeadroom {
    fn from((h, seen): (switchyard_app::Headroom, i64)) -> Self {
        LiveHeadroom {
            requests: quota(h.requests),
            tokens: quota(h.tokens),
            input_tokens: quota(h.input_tokens),
            output_tokens: quota(h.output_tokens),
            windows: h
                .windows
                .into_iter()
                .map(|w| LiveWindow {
                    name: w.name,
                    utilization: w.utilization,
                    resets_at: w.resets_at.map(|x| x as f64),
                })
                .collect(),
            plan_status: h.plan_status,
            seen_at: seen as f64,
        }
    }
}

impl From<TrackState> for LiveState {
    fn from(t: TrackState) -> Self {
        // The id is the backend's or key's, which the enclosing shape names.
        let TrackState {
            id: _,
            breaker,
            cooling_down_secs,
            invalid,
            latency_ms,
            availability,
            headroom,
        } = t;
        LiveState {
            breaker,
            cooling_down_secs: cooling_down_secs.map(|s| u32::try_from(s).unwrap_or(u32::MAX)),
            invalid,
            latency_ms,
            availability,
            headroom: headroom.map(LiveHeadroom::from),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct KeyLive {
    pub key_id: String,
    pub state: LiveState,
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct BackendHealth {
    pub backend_id: String,
    pub state: LiveState,
    pub keys: Vec<KeyLive>,
}

impl From<BackendLive> for BackendHealth {
    fn from(b: BackendLive) -> Self {
        BackendHealth {
            backend_id: b.backend_id,
            state: b.state.into(),
            keys: b
                .keys
                .into_iter()
                .map(|(key_id, s)| KeyLive {
                    key_id,
                    state: s.into(),
                })
                .collect(),
        }
    }
}
