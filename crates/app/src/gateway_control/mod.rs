//! The Gateway feature as the Gateway and Requests pages (and the tray) use it: where tools
//! should point, pause and resume, the request ledger, and the gateway's saved settings
//! ([`settings`]), which apply at the next start.

mod codex;
mod exposure;
/// How the gateway copes with a failing provider: the gateway crate's settings type.
pub use switchyard_gateway::resilience;
mod saving;
pub mod settings;

pub(crate) use exposure::exposure_changes;

use crate::blocking::OffThread;
use crate::events::EventSink;
use crate::{AppError, DomainEvent};
use std::net::SocketAddr;
use switchyard_domain::RequestRecord;
use switchyard_gateway::presence::{PortSquat, Squat};
use switchyard_gateway::GatewayHandle;
use switchyard_store::{LedgerTable, RequestFilter, SettingsTable, Store};

/// The gateway as this process started it.
#[derive(Clone)]
pub enum Running {
    Listening(GatewayHandle, SocketAddr),
    /// Why it did not start (a port in use).
    Failed(String),
    Off,
}

/// Cheap to clone.
#[derive(Clone)]
pub struct GatewayControl {
    /// The saved gateway settings.
    settings: SettingsTable,
    /// The ledger, for the Requests page.
    ledger: LedgerTable,
    running: Running,
    /// The port came from `--port` or the environment, not the saved settings.
    port_fixed: bool,
    /// Another program held the port wanted at start.
    squat: Option<Squat>,
    events: EventSink,
}

/// Where tools should point, or why the gateway is not running.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename = "GatewayStatus")]
pub struct GatewayInfo {
    /// `127.0.0.1:4141` while listening.
    pub address: Option<String>,
    /// OpenAI Chat Completions, Responses and embeddings (ends in `/v1`).
    pub openai_base_url: Option<String>,
    /// Anthropic Messages (the root).
    pub anthropic_base_url: Option<String>,
    /// Gemini's native API (the root, like Anthropic's).
    pub gemini_base_url: Option<String>,
    /// Why the gateway is not running (port in use …).
    pub error: Option<String>,
    /// Paused by the user: requests get a 503 until resumed.
    pub paused: bool,
    /// Another program held the gateway's port when it started.
    pub squat: Option<PortSquat>,
}

impl GatewayControl {
    /// Needs the store (the ledger's requests, the saved settings), the running gateway (its
    /// pause switch and configuration), whether its port was fixed at start, and the event
    /// sink (`GatewayHealthChanged` on pause).
    pub(crate) fn new(
        store: Store,
        running: Running,
        (port_fixed, squat): (bool, Option<Squat>),
        events: EventSink,
    ) -> GatewayControl {
        GatewayControl {
            settings: store.settings(),
            ledger: store.ledger(),
            running,
            port_fixed,
            squat,
            events,
        }
    }

    /// The gateway as this process started it (the readiness gateway check reads it).
    pub fn running(&self) -> &Running {
        &self.running
    }

    /// Requests admitted and not yet finished (0 without a gateway).
    pub fn in_flight(&self) -> i64 {
        match &self.running {
            Running::Listening(g, _) => g.in_flight(),
            _ => 0,
        }
    }

    /// The running gateway's address, or why it is not running.
    pub fn addr(&self) -> Result<SocketAddr, String> {
        match &self.running {
            Running::Listening(_, addr) => Ok(*addr),
            Running::Failed(e) => Err(e.clone()),
            Running::Off => Err("the gateway is off".into()),
        }
    }

    pub fn info(&self) -> GatewayInfo {
        let squat = self.squat.as_ref().map(Squat::shown);
        match &self.running {
            Running::Listening(g, addr) => GatewayInfo {
                address: Some(addr.to_string()),
                openai_base_url: Some(format!("http://{addr}/v1")),
                anthropic_base_url: Some(format!("http://{addr}")),
                gemini_base_url: Some(format!("http://{addr}")),
                error: None,
                paused: g.is_paused(),
                squat,
            },
            Running::Failed(e) => GatewayInfo {
                address: None,
                openai_base_url: None,
                anthropic_base_url: None,
                gemini_base_url: None,
                error: Some(e.clone()),
                paused: false,
                squat,
            },
            Running::Off => GatewayInfo {
                address: None,
                openai_base_url: None,
                anthropic_base_url: None,
                gemini_base_url: None,
                error: Some("the gateway is off".into()),
                paused: false,
                squat,
            },
        }
    }

    /// Pauses or resumes the gateway (tray menu, Gateway page).
    pub fn set_paused(&self, paused: bool) -> Result<(), AppError> {
        match &self.running {
            Running::Listening(g, _) => {
                g.set_paused(paused);
                self.events.emit(DomainEvent::GatewayHealthChanged);
                Ok(())
            }
            _ => Err(AppError::Unavailable(crate::Unavailable::Gateway)),
        }
    }

    pub fn paused(&self) -> bool {
        matches!(&self.running, Running::Listening(g, _) if g.is_paused())
    }

    /// The newest requests matching `filter`, with their attempts.
    pub async fn recent_requests(
        &self,
        filter: RequestFilter,
    ) -> Result<Vec<RequestRecord>, AppError> {
        self.ledger
            .blocking(move |ledger| Ok(ledger.recent_requests(&filter)?))
            .await
    }
}
