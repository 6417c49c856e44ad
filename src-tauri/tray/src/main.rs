//! `switchyard-tray`: the desktop app's core process. It runs the core (gateway, monitor,
//! ledger, notifications), the tray icon and the channel the window process talks to (a Unix
//! socket, a named pipe on Windows). On Linux it links no GUI toolkit, so with the window closed
//! Switchyard costs what the headless gateway costs. The window (`switchyard`) starts it when it
//! is not running; Quit in the tray, the system's quit requests (SIGTERM/SIGINT; on Windows the
//! console's close, logoff and shutdown) stop it with the core's clean shutdown.
//!
//! One per data folder: a second start finds the lock taken and exits 0. Given a CLI command
//! (`serve`, `token …`, …) it runs Switchyard's command line instead.

mod control;
mod headless;
mod tray;

use control::Control;
use headless::Launch;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};
use switchyard_app::secrets::KeychainStore;
use switchyard_app::{Options, Switchyard};
use switchyard_channel::Endpoint;
use switchyard_ipc::{wire, Core, ErrorKind, IpcError, UiEvent};
use switchyard_runtime::paths::{keyring_service_from_env, AppPaths};
use switchyard_runtime::{logging, Supervisor};
use tokio::sync::broadcast;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

/// How long Quit lets requests in flight finish before the gateway cuts them.
pub const QUIT_GRACE: Duration = Duration::from_secs(10);
/// How long the windows get to close after `Quit` before the socket goes.
const WINDOWS_GRACE: Duration = Duration::from_millis(300);

fn main() -> ExitCode {
    switchyard_runtime::paths::private_files();
    // Switchyard's command line (`switchyard serve`, `switchyard token …`: the window binary
    // hands CLI commands to this one).
    let args: Vec<String> = std::env::args().skip(1).collect();
    // `switchyard serve --ui`: this core process, without a tray icon, serving the panel.
    if let Some(serve) = switchyard_cli::serve_with_ui(&args) {
        return headless::main(serve);
    }
    if switchyard_cli::is_command(&args) {
        return switchyard_cli::main(&args);
    }
    // Windows and macOS: the tray icon needs the main thread's event loop; the core runs beside.
    #[cfg(not(target_os = "linux"))]
    tray::run_on_main_thread(|| match run(Launch::desktop()) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("switchyard-tray: {e}");
            1
        }
    });
    #[cfg(target_os = "linux")]
    match run(Launch::desktop()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("switchyard-tray: {e}");
            ExitCode::FAILURE
        }
    }
}

#[tokio::main]
async fn run(launch: Launch) -> Result<(), String> {
    let started = Instant::now();
    let mut signals = control::Signals::listen();
    let paths = AppPaths::from_env_created()?;
    let _log_guard = logging::init(&paths.log_dir)?;
    let Some(_lock) = control::single_instance(&paths.data_dir)? else {
        tracing::info!("another core runs on this data folder");
        return match launch {
            Launch::Desktop { .. } => Ok(()),
            Launch::Serve { .. } => Err(headless::ALREADY_RUNNING.into()),
        };
    };
    let endpoint = Endpoint::new(&paths.data_dir);
    let listener = endpoint.listen().await.map_err(|e| e.to_string())?;

    let secrets = Arc::new(KeychainStore::platform(keyring_service_from_env()));
    let mut opts = Options::new(paths, secrets);
    let interfaces = switchyard_interfaces::mount();
    match &launch {
        Launch::Desktop { panel } => {
            opts.gateway = Some(switchyard_app::gateway_config_from_env()?);
            opts.gateway_port_fixed = std::env::var_os(switchyard_app::GATEWAY_PORT_ENV).is_some();
            opts.mounted = Some(panel.mount(Some(interfaces)));
        }
        Launch::Serve { args, panel } => {
            let (config, port_fixed) = args.gateway()?;
            opts.gateway = Some(config);
            opts.gateway_port_fixed = port_fixed;
            opts.team = args.team().await?;
            opts.mounted = Some(panel.mount(Some(interfaces)));
        }
    }
    opts.use_saved_gateway_settings = true;
    opts.publish_gateway = true;
    // Claude Code's status line is installed from here, so it runs this binary's CLI
    // (`switchyard-tray statusline`): no GUI library to load, ~3 ms a turn where the window's
    // binary takes ~80 ms (docs/BENCHMARKS.md, Tools).
    let core = Switchyard::start(opts).await.map_err(|e| {
        tracing::error!(error = %e, "core failed to start");
        IpcError::new(
            ErrorKind::Internal,
            format!("Switchyard could not start: {e}"),
        )
    });

    let quit = CancellationToken::new();
    let (ui, _) = broadcast::channel::<UiEvent>(256);
    let tasks = TaskTracker::new();
    // This process's own loops (the core's are its supervisor's): stopped before the core.
    let loops = Supervisor::default();
    if let Ok(core) = &core {
        switchyard_tools::Tools::repair_at_start(core).await;
        loops.spawn(
            "tool model lists",
            switchyard_tools::Tools::follow_routes(core.clone()),
        );
        loops.spawn(
            "plan notices",
            switchyard_tools::Tools::follow_plans(core.clone()),
        );
        loops.spawn(
            "providers' books",
            switchyard_reconcile::Reconcile::follow(core.clone()),
        );
        forward_events(core, ui.clone(), &loops);
        let startup = core.clone();
        loops.spawn("startup checks", async move {
            startup.run_startup_checks().await
        });
        if matches!(launch, Launch::Desktop { .. }) {
            match tray::spawn(core.clone(), quit.clone(), loops.clone()).await {
                Ok(()) => {}
                Err(e) => tracing::warn!(error = %e, "no tray icon"),
            }
        }
    }
    let ipc_core = Core::new(core.clone());
    let mut failed = None;
    launch.panel().attach(ipc_core.clone(), ui.clone());
    if matches!(launch, Launch::Serve { .. }) {
        if let Err(e) = headless::announce(&core) {
            failed = Some(e);
            quit.cancel();
        }
    }
    let updates = ipc_core.updates().ok().cloned();
    // The desktop app checks for updates at start (at most daily, when Settings leave it on);
    // the test sessions turn it off, so no test reads the network unasked.
    if let Some(updates) = updates
        .as_ref()
        .filter(|_| std::env::var_os("SWITCHYARD_NO_UPDATE_CHECK").is_none())
    {
        updates.start(&loops);
    }
    let control = Arc::new(Control::new(ipc_core, ui.clone(), quit.clone()));
    let stop_serving = CancellationToken::new();
    tasks.spawn(wire::serve(
        listener,
        control,
        tasks.clone(),
        stop_serving.clone(),
    ));
    tracing::info!(
        ms = started.elapsed().as_millis() as u64,
        channel = %endpoint.describe(),
        "core process ready"
    );

    signals.wait_for_quit(&quit).await;
    tracing::info!("quitting");
    let _ = ui.send(UiEvent::Quit);
    tokio::time::sleep(WINDOWS_GRACE).await;
    loops.stop(Duration::from_secs(2)).await;
    if let Ok(core) = &core {
        core.shutdown(QUIT_GRACE).await;
    }
    // Last: nothing serves or writes any more while the package tool replaces the files.
    if let Some(updates) = &updates {
        updates.install_staged().await;
    }
    stop_serving.cancel();
    tasks.close();
    let _ = tokio::time::timeout(Duration::from_secs(2), tasks.wait()).await;
    endpoint.remove();
    tracing::info!("core shut down; exiting");
    failed.map_or(Ok(()), Err)
}

/// The core's events, in the window's shapes, to every connected window.
fn forward_events(core: &Switchyard, ui: broadcast::Sender<UiEvent>, loops: &Supervisor) {
    let mut rx = core.subscribe();
    loops.spawn("forward core events to windows", async move {
        while let Some(event) = UiEvent::from_received(rx.recv().await) {
            let _ = ui.send(event);
        }
    });
}
