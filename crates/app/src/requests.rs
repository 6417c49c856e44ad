//! What the Gateway and Requests pages read: the gateway's address and the request ledger.

use crate::{AppError, Switchyard};
use switchyard_core::RequestRecord;
use switchyard_store::RequestFilter;

/// Where tools should point, or why the gateway is not running.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayInfo {
    pub address: Option<String>,
    /// OpenAI Chat Completions, Responses and embeddings (`…/v1`).
    pub openai_base_url: Option<String>,
    /// Anthropic Messages (the root: SDKs add `/v1/messages`).
    pub anthropic_base_url: Option<String>,
    /// Gemini's native API (the root, as for Anthropic: clients add `/v1beta/models/…`).
    pub gemini_base_url: Option<String>,
    pub error: Option<String>,
    /// Paused by the user: requests get a 503 until resumed.
    pub paused: bool,
}

impl Switchyard {
    pub fn gateway_info(&self) -> GatewayInfo {
        match self.gateway_addr() {
            Ok(addr) => GatewayInfo {
                address: Some(addr.to_string()),
                openai_base_url: Some(format!("http://{addr}/v1")),
                anthropic_base_url: Some(format!("http://{addr}")),
                gemini_base_url: Some(format!("http://{addr}")),
                error: None,
                paused: self.gateway_paused(),
            },
            Err(e) => GatewayInfo {
                address: None,
                openai_base_url: None,
                anthropic_base_url: None,
                gemini_base_url: None,
                error: Some(e),
                paused: false,
            },
        }
    }

    /// Pauses or resumes the gateway (tray menu, Gateway page).
    pub fn set_gateway_paused(&self, paused: bool) -> Result<(), AppError> {
        match &self.inner.gateway {
            crate::GatewayStatus::Listening(g) => {
                g.set_paused(paused);
                self.emit(crate::DomainEvent::GatewayHealthChanged);
                Ok(())
            }
            _ => Err(AppError::Invalid("The gateway is not running.".into())),
        }
    }

    pub fn gateway_paused(&self) -> bool {
        matches!(&self.inner.gateway, crate::GatewayStatus::Listening(g) if g.is_paused())
    }

    /// The newest requests matching `filter`, with their attempts.
    pub async fn recent_requests(
        &self,
        filter: RequestFilter,
    ) -> Result<Vec<RequestRecord>, AppError> {
        self.blocking(move |inner| Ok(inner.store.recent_requests(&filter)?))
            .await
    }
}
