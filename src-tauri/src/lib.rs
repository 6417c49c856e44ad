//! The Tauri shell: wires the core to a window. The only crate that knows Tauri or specta.

pub mod ipc;
mod lifecycle;
mod settings;
mod tasks;
mod tray;

use ipc::{Core, ErrorKind, IpcError};
use std::sync::Arc;
use std::time::Instant;
use switchyard_app::paths::{keyring_service_from_env, AppPaths};
use switchyard_app::secrets::KeychainStore;
use switchyard_app::{logging, Options, Switchyard};
use tauri::Manager;

/// Without a GPU (no DRM render node: VMs, Xvfb, remote sessions) WebKitGTK's DMABuf renderer
/// draws through software GL and about doubles the web process (245 → 117 MiB PSS measured,
/// `docs/BENCHMARKS.md`); its older path draws the same pages for half the memory. With a GPU,
/// WebKit's default stays. Set before GTK starts; an explicit `WEBKIT_DISABLE_DMABUF_RENDERER`
/// (either value) wins.
fn lean_webkit() {
    const VAR: &str = "WEBKIT_DISABLE_DMABUF_RENDERER";
    if cfg!(target_os = "linux") && std::env::var_os(VAR).is_none() && !has_render_node() {
        std::env::set_var(VAR, "1");
    }
}

fn has_render_node() -> bool {
    std::fs::read_dir("/dev/dri").is_ok_and(|dir| {
        dir.flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
    })
}

/// Starts the desktop app and returns its exit code after Quit (see `lifecycle`): closing the
/// window keeps it running in the tray unless the user turned that off.
pub fn run() -> Result<i32, String> {
    let started = Instant::now();
    lean_webkit();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let hidden = lifecycle::hidden_requested(&args);
    let paths = AppPaths::from_env()
        .ok_or("cannot find a home folder for Switchyard's data; set SWITCHYARD_DATA_DIR")?;
    paths
        .create()
        .map_err(|e| format!("cannot create {}: {e}", paths.data_dir.display()))?;
    let _log_guard = logging::init(&paths.log_dir)?;
    let secrets = Arc::new(KeychainStore::platform(keyring_service_from_env()));
    let builder = ipc::specta_builder();
    let app = tauri::Builder::default()
        // First: a second launch hands over to the running app, whose window comes to the
        // front (created again if it was closed), unless it is a login start (`--hidden`).
        .plugin(tauri_plugin_single_instance::init(|app, args, _cwd| {
            if !lifecycle::hidden_requested(&args) {
                lifecycle::open_main(app);
            }
        }))
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_dialog::init())
        .plugin(settings::autostart_plugin())
        .manage(lifecycle::Lifecycle::default())
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
                let handle = app.handle().clone();
                tauri::async_runtime::spawn(async move {
                    settings::sync_login_entry(&handle, &core).await;
                    core.run_startup_checks().await
                });
            }
            app.manage(Core::new(core, started));
            lifecycle::quit_on_signals(app.handle());
            // The window is created here, not from the config (`"create": false`), so a login
            // start can skip it and Open can build the same one again.
            if !hidden {
                lifecycle::create_main(app.handle())?;
            }
            Ok(())
        })
        .build(tauri::generate_context!())
        .map_err(|e| format!("the window system failed: {e}"))?;
    Ok(app.run_return(lifecycle::on_run_event))
}
