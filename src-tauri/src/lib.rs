//! The Tauri shell: the window process. The core runs in its own process (`switchyard-tray`,
//! see `switchyard_ipc`); every command here forwards to it over the local socket. With
//! `switchyard-ipc` (the IPC shapes, no Tauri) the only crates that know Tauri or specta.

pub mod ipc;
mod lifecycle;
mod remote;
mod settings;
mod tasks;
mod update;
mod window_tasks;

pub use remote::core_binary;
use remote::Remote;
use std::time::Instant;
use switchyard_runtime::logging;
use switchyard_runtime::paths::AppPaths;
use tauri::Manager;

/// WebKit settings that keep the open window small; each is set before GTK starts (the web
/// process inherits them) and an explicit value in the environment wins.
/// - Without a GPU (no DRM render node: VMs, Xvfb, remote sessions) WebKitGTK's DMABuf renderer
///   draws through software GL and about doubles the web process (245 → 117 MiB PSS measured,
///   `docs/BENCHMARKS.md`); its older path draws the same pages for half the memory. With a GPU,
///   WebKit's default stays.
/// - JavaScriptCore runs the UI in its interpreter, without JIT compilers: the web process is
///   8–9 MiB smaller (118 → 109 MiB PSS). A control panel's scripts are short: a Costs chart
///   draws in 21 ms instead of 8 and a tooltip in 16 instead of 5 (`scripts/bench-charts.py`).
fn lean_webkit() {
    if !cfg!(target_os = "linux") {
        return;
    }
    let unset = |var: &str| std::env::var_os(var).is_none();
    if unset("WEBKIT_DISABLE_DMABUF_RENDERER") && !has_render_node() {
        std::env::set_var("WEBKIT_DISABLE_DMABUF_RENDERER", "1");
    }
    if unset("JSC_useJIT") {
        std::env::set_var("JSC_useJIT", "false");
    }
}

fn has_render_node() -> bool {
    std::fs::read_dir("/dev/dri").is_ok_and(|dir| {
        dir.flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
    })
}

/// Starts the window (and the core process when it is not running) and returns the exit code
/// once the window closed. With `--hidden` (start at login) only the core is started.
pub fn run() -> Result<i32, String> {
    let started = Instant::now();
    lean_webkit();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let hidden = lifecycle::hidden_requested(&args);
    let paths = AppPaths::from_env_created()?;
    let _log_guard = logging::init(&paths.log_dir)?;
    let (events, events_rx) = tokio::sync::mpsc::unbounded_channel();
    let remote = tauri::async_runtime::block_on(Remote::connect(&paths.data_dir, events, started))?;
    if hidden {
        tracing::info!("started in the tray only");
        return Ok(0);
    }
    let builder = ipc::specta_builder();
    let app = tauri::Builder::default()
        // First: a second launch while the window is open brings it to the front.
        .plugin(tauri_plugin_single_instance::init(|app, args, _cwd| {
            if !lifecycle::hidden_requested(&args) {
                lifecycle::focus_main(app);
            }
        }))
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_updater::Builder::new().build())
        .manage(lifecycle::Lifecycle::default())
        .manage(window_tasks::WindowTasks::default())
        .manage(remote)
        .invoke_handler(builder.invoke_handler())
        .setup(move |app| {
            builder.mount_events(app);
            tasks::forward_events(events_rx, app.handle().clone());
            let handle = app.handle().clone();
            window_tasks::spawn(app.handle(), "sync the login entry", async move {
                if let Some(remote) = handle.try_state::<Remote>() {
                    settings::sync_login_entry(&remote).await;
                }
            });
            lifecycle::close_on_signals(app.handle());
            // The window is created here, not from the config (`"create": false`).
            lifecycle::create_main(app.handle())?;
            Ok(())
        })
        .build(tauri::generate_context!())
        .map_err(|e| format!("the window system failed: {e}"))?;
    Ok(app.run_return(lifecycle::on_run_event))
}
