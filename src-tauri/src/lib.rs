//! The Tauri shell: wires the core to a window. The only crate that knows Tauri or specta.

pub mod ipc;
mod tasks;
mod tray;

use ipc::{Core, ErrorKind, IpcError};
use std::sync::Arc;
use std::time::Instant;
use switchyard_app::paths::{keyring_service_from_env, AppPaths};
use switchyard_app::secrets::KeychainStore;
use switchyard_app::{logging, Options, Switchyard};
use tauri::Manager;

/// Starts the desktop app. Returns when the last window closes.
pub fn run() -> Result<(), String> {
    let started = Instant::now();
    let paths = AppPaths::from_env()
        .ok_or("cannot find a home folder for Switchyard's data; set SWITCHYARD_DATA_DIR")?;
    paths
        .create()
        .map_err(|e| format!("cannot create {}: {e}", paths.data_dir.display()))?;
    let _log_guard = logging::init(&paths.log_dir)?;
    let secrets = Arc::new(KeychainStore::platform(keyring_service_from_env()));
    let builder = ipc::specta_builder();
    tauri::Builder::default()
        // First: a second launch hands over to the running app, which comes to the front.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            tray::show_main(app);
        }))
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_dialog::init())
        .invoke_handler(builder.invoke_handler())
        .setup(move |app| {
            builder.mount_events(app);
            let mut opts = Options::new(paths, secrets);
            opts.gateway = Some(switchyard_app::gateway_config_from_env()?);
            opts.use_saved_gateway_settings = true;
            opts.gateway_port_fixed = std::env::var_os(switchyard_app::GATEWAY_PORT_ENV).is_some();
            let core = tauri::async_runtime::block_on(Switchyard::start(opts)).map_err(|e| {
                tracing::error!(error = %e, "core failed to start");
                IpcError::new(
                    ErrorKind::Internal,
                    format!("Switchyard could not start: {e}"),
                )
            });
            if let Ok(core) = &core {
                tasks::forward_events(core, app.handle().clone());
                if let Err(e) = tray::install(app.handle(), core) {
                    tracing::warn!(error = %e, "no tray icon");
                }
                let core = core.clone();
                tauri::async_runtime::spawn(async move { core.run_startup_checks().await });
            }
            app.manage(Core::new(core, started));
            Ok(())
        })
        .run(tauri::generate_context!())
        .map_err(|e| format!("the window system failed: {e}"))
}
