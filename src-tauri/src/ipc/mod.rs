//! The IPC surface: commands, events, DTOs and `IpcError`, all registered in one
//! `specta_builder()` that serves both the app and the bindings export.

pub mod app;
pub mod backends;
pub mod cache;
pub mod costs;
mod error;
pub mod events;
pub mod gateway;
pub mod monitor;
pub mod readiness;
pub mod routes;
pub mod tools;

pub use error::{ErrorKind, IpcError};

use app::dto::AppInfo;
use std::sync::OnceLock;
use std::time::Instant;
use switchyard_app::Switchyard;

/// Where the generated TypeScript bindings live, relative to this crate.
pub const BINDINGS_PATH: &str = "../ui/src/bindings.ts";

/// The managed state behind every command: the core (or why it failed to start) and start-up
/// timing.
pub struct Core {
    app: Result<Switchyard, IpcError>,
    started: Instant,
    first_paint_ms: OnceLock<u32>,
}

impl Core {
    pub fn new(app: Result<Switchyard, IpcError>, started: Instant) -> Self {
        Core {
            app,
            started,
            first_paint_ms: OnceLock::new(),
        }
    }

    /// The running core, or the start-up failure as a typed error the UI can show.
    pub fn app(&self) -> Result<&Switchyard, IpcError> {
        self.app.as_ref().map_err(Clone::clone)
    }

    /// Records (once) and returns the time from process start to the UI's first paint.
    pub fn first_paint(&self) -> u32 {
        *self.first_paint_ms.get_or_init(|| {
            let ms = u32::try_from(self.started.elapsed().as_millis()).unwrap_or(u32::MAX);
            tracing::info!(first_paint_ms = ms, "UI painted");
            ms
        })
    }

    pub fn info(&self) -> Result<AppInfo, IpcError> {
        let app = self.app()?;
        let paths = app.paths();
        Ok(AppInfo {
            version: env!("CARGO_PKG_VERSION").into(),
            data_dir: paths.data_dir.display().to_string(),
            log_dir: paths.log_dir.display().to_string(),
            db_file: paths.db_file.display().to_string(),
            demo_base_url: app.demo_base_url(),
            first_paint_ms: self.first_paint_ms.get().copied(),
        })
    }
}

/// Every command and event, once. Used by the app and by the bindings export.
pub fn specta_builder() -> tauri_specta::Builder<tauri::Wry> {
    use app::commands::*;
    use backends::commands::*;
    use cache::commands::*;
    use costs::commands::*;
    use gateway::commands::*;
    use monitor::commands::*;
    use readiness::commands::*;
    use routes::commands::*;
    use tools::commands::*;
    tauri_specta::Builder::<tauri::Wry>::new()
        .commands(tauri_specta::collect_commands![
            app_info,
            report_first_paint,
            keychain_status,
            backend_kinds,
            list_backends,
            validate_backend,
            create_backend,
            update_backend,
            set_backend_enabled,
            reorder_backends,
            delete_backend,
            add_key,
            validate_key,
            delete_key,
            reveal_key,
            test_key,
            scan_import,
            import_keys,
            get_settings,
            update_settings,
            gateway_status,
            list_tokens,
            create_token,
            revoke_token,
            recent_requests,
            get_gateway_settings,
            set_gateway_paused,
            update_gateway_settings,
            set_backend_limits,
            list_routes,
            save_route,
            delete_route,
            gateway_health,
            run_readiness,
            readiness_history,
            send_test_notification,
            notification_status,
            set_backend_monitor,
            health_overview,
            health_history,
            probe_all_now,
            list_alerts,
            get_alert_settings,
            set_alert_settings,
            alert_webhooks,
            set_alert_webhook,
            test_alert_webhook,
            cache_stats,
            get_cache_settings,
            set_cache_settings,
            clear_cache,
            costs_overview,
            get_cost_settings,
            set_cost_settings,
            get_prices,
            set_price_override,
            remove_price_override,
            load_price_file,
            reset_price_file,
            unpriced_models,
            list_budgets,
            save_budgets,
            export_usage,
            list_tools,
            tool_model_choices,
            connect_tool,
            disconnect_tool,
            install_statusline,
            uninstall_statusline,
            find_keys,
            move_key,
            key_moves,
            restore_key,
        ])
        .events(tauri_specta::collect_events![
            events::BackendsChanged,
            events::KeyChecked,
            events::TokensChanged,
            events::RequestsRecorded,
            events::GatewayHealthChanged,
            events::RoutesChanged,
            events::CacheChanged,
            events::CostsChanged,
            events::ReadinessProgress,
            events::ReadinessFinished,
            events::NotificationsChanged,
            events::HealthChanged,
            events::AlertsChanged,
        ])
}

/// Writes the TypeScript bindings to `path`.
pub fn export_bindings(path: &std::path::Path) -> Result<(), String> {
    specta_builder()
        .export(
            specta_typescript::Typescript::default().header("// @ts-nocheck\n/* eslint-disable */"),
            path,
        )
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests;
