//! The desktop app's IPC surface, without Tauri: every DTO, every command body, and the one list
//! of commands ([`for_each_command!`]) that both processes are generated from.
//!
//! The desktop app is two processes. The **core process** (`switchyard-tray`: the core, the
//! gateway, the monitor and the tray; no GUI toolkit linked) owns all state and runs the command
//! bodies through [`dispatch`]. The **window process** (`switchyard`, Tauri) is a view: each of
//! its Tauri commands forwards its typed arguments over the local socket ([`wire`]) and returns
//! the typed answer; core events come back on the same socket as [`UiEvent`]s. Closing the window
//! ends the window process, so a closed window costs no WebKit memory.
//!
//! Invariant: the DTOs are the wire format in both hops (core → window → page), so a type the
//! page sees is exactly what the core produced, and the bindings check covers both.

pub mod app;
pub mod backends;
pub mod cache;
pub mod costs;
mod dispatch;
mod error;
pub mod event;
pub mod gateway;
pub mod monitor;
pub mod readiness;
pub mod routes;
pub mod tools;
pub mod wire;

pub use dispatch::dispatch;
pub use error::{ErrorKind, IpcError};
pub use event::UiEvent;

use app::dto::AppInfo;
use switchyard_app::Switchyard;

/// Every IPC type, for code generated from [`for_each_command!`].
pub mod types {
    pub use crate::app::dto::*;
    pub use crate::backends::dto::*;
    pub use crate::backends::forms::*;
    pub use crate::cache::dto::*;
    pub use crate::costs::dto::*;
    pub use crate::gateway::dto::*;
    pub use crate::monitor::dto::*;
    pub use crate::readiness::dto::*;
    pub use crate::routes::dto::*;
    pub use crate::tools::dto::*;
    pub use std::collections::BTreeMap;
    pub use std::path::PathBuf;
}

/// The state behind every command in the core process: the running core, or why it failed to
/// start (every command then answers with that failure, so the window can show it).
pub struct Core {
    app: Result<Switchyard, IpcError>,
}

impl Core {
    pub fn new(app: Result<Switchyard, IpcError>) -> Self {
        Core { app }
    }

    /// The running core, or the start-up failure as a typed error the UI can show.
    pub fn app(&self) -> Result<&Switchyard, IpcError> {
        self.app.as_ref().map_err(Clone::clone)
    }

    /// Version and folders; the window adds its own first-paint time.
    pub fn info(&self) -> Result<AppInfo, IpcError> {
        let app = self.app()?;
        let paths = app.paths();
        Ok(AppInfo {
            version: env!("CARGO_PKG_VERSION").into(),
            data_dir: paths.data_dir.display().to_string(),
            log_dir: paths.log_dir.display().to_string(),
            db_file: paths.db_file.display().to_string(),
            demo_base_url: app.demo_base_url(),
            first_paint_ms: None,
        })
    }
}

/// Calls `$then!` with every command the page can invoke, as `name(arg: Type, …) -> Answer;`.
/// Types are named as [`types`] exports them. The core process builds [`dispatch`] from it, the
/// window process one forwarding Tauri command each; a command added here exists in both.
#[macro_export]
macro_rules! for_each_command {
    ($then:ident) => {
        $then! {
            keychain_status() -> KeychainStatus;
            get_settings() -> UserSettings;
            backend_kinds() -> Vec<KindInfo>;
            list_backends() -> Vec<Backend>;
            validate_backend(draft: BackendDraft, editing_id: Option<String>, key: Option<KeyInput>) -> ValidationReport;
            create_backend(draft: BackendDraft, key: Option<KeyInput>) -> Backend;
            update_backend(id: String, draft: BackendDraft) -> Backend;
            set_backend_enabled(id: String, enabled: bool) -> Backend;
            reorder_backends(ids: Vec<String>) -> Vec<Backend>;
            delete_backend(id: String) -> ();
            add_key(backend_id: String, key: KeyInput) -> Key;
            validate_key(backend_id: String, key: KeyInput) -> ValidationReport;
            delete_key(key_id: String) -> ();
            reveal_key(key_id: String) -> String;
            test_key(backend_id: String, key_id: Option<String>) -> Check;
            scan_import(env_file: Option<PathBuf>) -> ImportScanResult;
            import_keys(env_file: Option<PathBuf>, ids: Vec<String>) -> ImportResult;
            gateway_status() -> GatewayStatus;
            list_tokens() -> Vec<Token>;
            create_token(name: String) -> CreatedToken;
            revoke_token(id: String) -> Token;
            recent_requests(query: RequestQuery) -> Vec<LedgerRow>;
            get_gateway_settings() -> GatewaySettingsState;
            set_gateway_paused(paused: bool) -> GatewayStatus;
            update_gateway_settings(settings: GatewaySettingsForm) -> GatewaySettingsState;
            set_backend_limits(id: String, limits: Limits) -> Backend;
            list_routes() -> Vec<Route>;
            save_route(id: Option<String>, form: RouteForm) -> Route;
            delete_route(id: String) -> ();
            gateway_health() -> Vec<BackendHealth>;
            run_readiness() -> Readiness;
            readiness_history(limit: u32) -> Vec<Readiness>;
            send_test_notification() -> ();
            notification_status() -> NotificationStatus;
            set_backend_monitor(id: String, monitor: Monitor) -> Backend;
            health_overview() -> Vec<BackendHealthCard>;
            health_history(backend_id: String, range: Range) -> Vec<HealthPoint>;
            probe_all_now() -> ();
            list_alerts(limit: u32) -> Vec<AlertItem>;
            get_alert_settings() -> AlertSettings;
            set_alert_settings(settings: AlertSettings) -> AlertSettings;
            alert_webhooks() -> BTreeMap<String, String>;
            set_alert_webhook(rule_id: String, url: Option<String>) -> BTreeMap<String, String>;
            test_alert_webhook(rule_id: String) -> ();
            cache_stats(since: String) -> CacheStats;
            get_cache_settings() -> CacheSettings;
            set_cache_settings(settings: CacheSettings) -> CacheSettings;
            clear_cache(scope: CacheClearScope) -> f64;
            costs_overview(range: CostRange, split: CostSplit) -> CostsOverview;
            get_cost_settings() -> CostSettings;
            set_cost_settings(settings: CostSettings) -> CostSettings;
            get_prices() -> Prices;
            set_price_override(price: PriceOverride) -> Prices;
            remove_price_override(model: String) -> Prices;
            load_price_file(path: String) -> Prices;
            reset_price_file() -> Prices;
            unpriced_models(range: CostRange) -> Vec<UnpricedModel>;
            list_budgets() -> Vec<BudgetStatus>;
            save_budgets(budgets: Vec<Budget>) -> Vec<BudgetStatus>;
            export_usage(range: CostRange, kind: ExportKind, format: ExportFormat, path: Option<String>) -> ExportDone;
            list_tools() -> Vec<ToolInfo>;
            tool_model_choices() -> Vec<String>;
            connect_tool(tool: String, model: Option<String>) -> ToolResult;
            disconnect_tool(tool: String) -> ToolResult;
            install_statusline() -> FilesChanged;
            uninstall_statusline() -> FilesChanged;
            find_keys(extra_files: Vec<String>) -> KeySweep;
            move_key(id: String, extra_files: Vec<String>, backend_id: Option<String>) -> MovedKey;
            key_moves() -> Vec<MovedKey>;
            restore_key(move_id: String) -> MovedKey;
        }
    };
}

#[cfg(test)]
mod tests;
