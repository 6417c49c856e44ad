//! The backend shapes that cross IPC: camelCase, BigInt-free. The core's own enums (kind, auth
//! style, status, check outcome) travel as they are (their UI types derived behind
//! `switchyard-domain`'s `specta` feature); these add labels, masks and the approval of each key's
//! host. Keys never appear in an outbound type.

use serde::{Deserialize, Serialize};
use specta::Type;
use switchyard_app::{BackendLimits, CheckRow, MonitorSettings};
use switchyard_app::{BackendView, KeyView, NewKey, ProbeResult};
use switchyard_domain::{AuthStyle, BackendKind, BackendStatus, CheckOutcome};

/// What the add/edit dialog needs to know about a kind.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct KindInfo {
    pub kind: BackendKind,
    pub label: String,
    pub default_base_url: String,
    pub default_model: String,
    pub auth: AuthStyle,
    pub probe_path: String,
    pub needs_key: bool,
    pub key_prefix: Option<String>,
    pub env_vars: Vec<String>,
}

impl From<BackendKind> for KindInfo {
    fn from(kind: BackendKind) -> Self {
        let s = kind.spec();
        KindInfo {
            kind,
            label: s.label.into(),
            default_base_url: s.default_base_url.into(),
            default_model: s.default_model.into(),
            auth: s.auth,
            probe_path: s.probe_path.into(),
            needs_key: s.needs_key,
            key_prefix: s.key_prefixes.last().map(|p| p.to_string()),
            env_vars: s.env_vars.iter().map(|v| v.to_string()).collect(),
        }
    }
}

/// The latest zero-cost check of a key or backend.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Check {
    pub outcome: CheckOutcome,
    pub latency_ms: Option<u32>,
    pub http_status: Option<u16>,
    pub message: String,
    /// RFC 3339; absent for a result that was just produced.
    pub checked_at: Option<String>,
}

impl From<CheckRow> for Check {
    fn from(c: CheckRow) -> Self {
        let CheckRow {
            backend_id: _,
            key_id: _,
            outcome,
            latency_ms,
            http_status,
            message,
            checked_at,
        } = c;
        let checked_at = Some(checked_at);
        Check {
            outcome,
            latency_ms,
            http_status,
            message,
            checked_at,
        }
    }
}

impl From<ProbeResult> for Check {
    fn from(r: ProbeResult) -> Self {
        // The balance is the readiness check's and the CLI's; the key's row does not show it.
        let ProbeResult {
            outcome,
            latency_ms,
            http_status,
            message,
            balance: _,
        } = r;
        Check {
            outcome,
            latency_ms,
            http_status,
            message,
            checked_at: None,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Key {
    pub id: String,
    pub label: String,
    /// Masked, e.g. `sk-…abcd`.
    pub hint: String,
    pub created_at: String,
    pub check: Option<Check>,
    /// The origins (`https://api.openai.com`) the user approved this key for.
    pub hosts: Vec<String>,
    /// Whether the backend's base URL is one of them. When not (its host changed without the
    /// user's approval), the key is never sent: editing the backend approves the host.
    pub approved_here: bool,
}

impl From<switchyard_app::KeyRow> for Key {
    fn from(row: switchyard_app::KeyRow) -> Self {
        KeyView { row, check: None }.into()
    }
}

impl From<KeyView> for Key {
    fn from(k: KeyView) -> Self {
        Key {
            id: k.row.id,
            label: k.row.label,
            hint: k.row.hint,
            created_at: k.row.created_at,
            check: k.check.map(Into::into),
            hosts: k.row.hosts,
            approved_here: true,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct Backend {
    pub id: String,
    pub name: String,
    pub kind: BackendKind,
    /// As configured (empty for Demo).
    pub base_url: String,
    /// Where requests actually go.
    pub effective_base_url: String,
    pub default_model: String,
    pub enabled: bool,
    pub position: u32,
    pub status: BackendStatus,
    pub check: Option<Check>,
    pub keys: Vec<Key>,
    pub limits: BackendLimits,
    pub monitor: MonitorSettings,
}

impl From<BackendView> for Backend {
    fn from(b: BackendView) -> Self {
        let demo = b.row.kind == BackendKind::Demo;
        let keys = b
            .keys
            .into_iter()
            .map(|k| Key {
                // Demo's stored URL is never used: its keys (there are none) have no host.
                approved_here: demo
                    || switchyard_domain::approved_for(&k.row.hosts, &b.row.base_url),
                ..k.into()
            })
            .collect();
        Backend {
            id: b.row.id,
            name: b.row.name,
            kind: b.row.kind,
            base_url: b.row.base_url,
            effective_base_url: b.effective_base_url,
            default_model: b.row.default_model,
            enabled: b.row.enabled,
            position: b.row.position,
            status: b.status,
            check: b.check.map(Into::into),
            keys,
            limits: b.row.limits,
            monitor: b.row.monitor,
        }
    }
}

/// A backend as typed in the dialog. `kind` travels as a string so that an unknown kind becomes
/// a typed validation error instead of a framework-level rejection.
#[derive(Debug, Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct BackendDraft {
    pub name: String,
    #[specta(type = BackendKind)]
    pub kind: String,
    pub base_url: String,
    pub default_model: String,
}

/// A key as typed by the user. No `Debug`: it holds the key until it becomes a `Secret`.
#[derive(Clone, Serialize, Deserialize, Type)]
#[serde(rename_all = "camelCase")]
pub struct KeyInput {
    pub label: String,
    pub value: String,
}

impl From<KeyInput> for NewKey {
    fn from(k: KeyInput) -> Self {
        NewKey {
            label: k.label,
            value: k.value.into(),
        }
    }
}

impl BackendDraft {
    /// The kind's id for logs: a known id or "unknown", never the raw input.
    pub fn kind_id(&self) -> &'static str {
        BackendKind::parse(&self.kind).map_or("unknown", BackendKind::as_str)
    }

    /// Resolves the kind; an unknown one is a validation error, not a crash.
    pub fn parse(self) -> Result<switchyard_domain::BackendDraft, crate::IpcError> {
        let kind = BackendKind::parse(&self.kind).ok_or_else(|| {
            crate::IpcError::new(
                crate::ErrorKind::Validation,
                format!(
                    "Unknown backend kind “{}”.",
                    self.kind.chars().take(24).collect::<String>()
                ),
            )
        })?;
        Ok(switchyard_domain::BackendDraft {
            name: self.name,
            kind,
            base_url: self.base_url,
            default_model: self.default_model,
        })
    }
}
