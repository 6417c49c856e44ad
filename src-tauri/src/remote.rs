//! The window's connection to the core process (`switchyard-tray`): found at the data folder's
//! endpoint (a Unix socket, a named pipe on Windows), or started when none runs, and started again if it went away while the window
//! was open (unless it is quitting).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};
use switchyard_channel::Endpoint;
use switchyard_ipc::wire::Client;
use switchyard_ipc::{ErrorKind, IpcError, UiEvent};
use tokio::sync::{mpsc, Mutex};

/// The core's binary, next to this one.
const CORE_BINARY: &str = if cfg!(windows) {
    "switchyard-tray.exe"
} else {
    "switchyard-tray"
};
/// How long a core just started gets to open its socket (migrations and the keychain included).
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// Managed state behind every command: the connection, and the window's start-up timing.
pub struct Remote {
    endpoint: Endpoint,
    client: Mutex<Option<Arc<Client>>>,
    events: mpsc::UnboundedSender<UiEvent>,
    quitting: AtomicBool,
    /// An update is being installed: the core's Quit does not close the window.
    updating: AtomicBool,
    started: Instant,
    first_paint_ms: OnceLock<u32>,
}

fn unavailable(message: String) -> IpcError {
    IpcError::new(ErrorKind::Internal, message)
}

/// Connects to the core for `data_dir`, starting it when nothing listens.
async fn connect_or_start(
    endpoint: &Endpoint,
    events: &mpsc::UnboundedSender<UiEvent>,
) -> Result<Client, String> {
    if let Ok(client) = Client::connect(endpoint, events.clone()).await {
        return Ok(client);
    }
    let binary = core_binary().ok_or("cannot find Switchyard's core binary")?;
    tracing::info!(binary = %binary.display(), "starting the core process");
    let mut command = std::process::Command::new(&binary);
    command.stdin(std::process::Stdio::null());
    detach(&mut command);
    let mut child = command
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
    let deadline = Instant::now() + START_TIMEOUT;
    loop {
        if let Ok(client) = Client::connect(endpoint, events.clone()).await {
            // Reaped in the background, so a core that ends before the window is no zombie.
            std::thread::spawn(move || child.wait());
            return Ok(client);
        }
        if let Ok(Some(status)) = child.try_wait() {
            // Exit 0: another core took the lock first; its socket is about to appear.
            if !status.success() {
                return Err(format!(
                    "Switchyard's core stopped at start ({status}); the log folder says why"
                ));
            }
        }
        if Instant::now() > deadline {
            return Err(format!(
                "Switchyard's core did not start within {} s",
                START_TIMEOUT.as_secs()
            ));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The core outlives the window: its own process group, so a Ctrl-C meant for the window does
/// not stop it (Unix); on Windows also no console of its own, and not the window's console.
#[cfg(unix)]
fn detach(command: &mut std::process::Command) {
    use std::os::unix::process::CommandExt;
    command.process_group(0);
}

#[cfg(windows)]
fn detach(command: &mut std::process::Command) {
    use std::os::windows::process::CommandExt;
    /// `CREATE_NEW_PROCESS_GROUP | DETACHED_PROCESS` (winbase.h).
    const FLAGS: u32 = 0x0000_0200 | 0x0000_0008;
    command.creation_flags(FLAGS);
}

/// The core's binary (`switchyard-tray`), next to this one.
pub fn core_binary() -> Option<PathBuf> {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(CORE_BINARY)))
}

impl Remote {
    /// Connects (starting the core if needed); core events go to `events`.
    pub async fn connect(
        data_dir: &Path,
        events: mpsc::UnboundedSender<UiEvent>,
        started: Instant,
    ) -> Result<Remote, String> {
        let endpoint = Endpoint::new(data_dir);
        let client = connect_or_start(&endpoint, &events).await?;
        Ok(Remote {
            endpoint,
            client: Mutex::new(Some(Arc::new(client))),
            events,
            quitting: AtomicBool::new(false),
            updating: AtomicBool::new(false),
            started,
            first_paint_ms: OnceLock::new(),
        })
    }

    /// The core said it is quitting: never start it again from this window.
    pub fn core_quitting(&self) {
        self.quitting.store(true, Ordering::SeqCst);
    }

    /// An update install began: the core's Quit keeps this window open (it restarts itself).
    pub fn begin_update(&self) {
        self.updating.store(true, Ordering::SeqCst);
    }

    pub fn end_update(&self) {
        self.updating.store(false, Ordering::SeqCst);
    }

    pub fn updating(&self) -> bool {
        self.updating.load(Ordering::SeqCst)
    }

    /// Waits until nothing answers at the core's endpoint (it exited); `false` after `timeout`.
    pub async fn wait_gone(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            let (probe, _) = mpsc::unbounded_channel();
            if Client::connect(&self.endpoint, probe).await.is_err() {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        false
    }

    async fn client(&self) -> Result<Arc<Client>, IpcError> {
        let mut slot = self.client.lock().await;
        if let Some(c) = slot.as_ref().filter(|c| !c.is_closed()) {
            return Ok(c.clone());
        }
        if self.quitting.load(Ordering::SeqCst) {
            return Err(unavailable("Switchyard is quitting.".into()));
        }
        tracing::warn!("the core process went away; starting it again");
        let client = Arc::new(
            connect_or_start(&self.endpoint, &self.events)
                .await
                .map_err(unavailable)?,
        );
        *slot = Some(client.clone());
        Ok(client)
    }

    /// Calls the core's command `name` with `args` (an object keyed by argument name).
    pub async fn call<T: serde::de::DeserializeOwned>(
        &self,
        name: &str,
        args: serde_json::Value,
    ) -> Result<T, IpcError> {
        self.client().await?.call(name, args).await
    }

    /// Records (once) and returns the time from process start to the UI's first paint.
    pub fn first_paint(&self) -> u32 {
        *self.first_paint_ms.get_or_init(|| {
            let ms = u32::try_from(self.started.elapsed().as_millis()).unwrap_or(u32::MAX);
            tracing::info!(first_paint_ms = ms, "UI painted");
            ms
        })
    }

    pub fn first_paint_ms(&self) -> Option<u32> {
        self.first_paint_ms.get().copied()
    }
}
