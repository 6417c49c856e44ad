//! The tray / menu-bar icon: a dot coloured by the overall health (green healthy, amber
//! degraded, red down, grey unknown) with a menu to open the window, run the readiness checks,
//! pause or resume the gateway, and quit. The icon, tooltip and pause label follow the core's
//! events.
//!
//! What the icon shows and what its menu does is here, the same everywhere; how it gets on the
//! screen is one module per platform: a StatusNotifierItem over D-Bus on Linux (`sni`, no GTK),
//! the notification area on Windows and the menu bar on macOS (`native`, `tray-icon` on the
//! main thread's event loop).

#[cfg(not(target_os = "linux"))]
mod native;
#[cfg(target_os = "linux")]
mod sni;

#[cfg(not(target_os = "linux"))]
pub use native::{run_on_main_thread, spawn};
#[cfg(target_os = "linux")]
pub use sni::spawn;

use switchyard_app::Switchyard;
use switchyard_runtime::Supervisor;
use tokio_util::sync::CancellationToken;

/// The icon's side, in pixels.
pub const SIZE: u32 = 32;
/// The window's binary, next to this one.
const WINDOW_BINARY: &str = if cfg!(windows) {
    "switchyard.exe"
} else {
    "switchyard"
};

/// How often the icon is read again without an event (a limit's "resets in" moves on).
pub const REFRESH_EVERY: std::time::Duration = std::time::Duration::from_secs(20);

/// What the icon shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    /// The overall health: `healthy`, `degraded`, `down` or `unknown`.
    pub state: &'static str,
    pub paused: bool,
    /// The subscription window nearest its limit, e.g. `Codex 5-hour 42% (resets in 2 h 13 m)`.
    pub limit: Option<String>,
    /// Another program held the gateway's port at start, e.g. `Port 4141 is another
    /// program's: the gateway moved to 38211`.
    pub squat: Option<String>,
}

impl Shown {
    pub async fn of(core: &Switchyard) -> Shown {
        let squat = core.gateway_control().info().squat;
        // A port someone else holds is never "healthy": red while the gateway is down for it,
        // amber once it moved (whatever was pointed at the old port by hand talks to them).
        let state = match &squat {
            Some(s) if s.moved_to.is_none() => "down",
            Some(_) if core.health().overall().as_str() != "down" => "degraded",
            _ => core.health().overall().as_str(),
        };
        Shown {
            state,
            paused: core.gateway_control().paused(),
            limit: core.usage().nearest_limit().await,
            squat: squat.map(|s| match s.moved_to {
                Some(to) => format!(
                    "Port {} is another program's: the gateway moved to {to}",
                    s.port
                ),
                None => format!("Port {} is another program's: the gateway stopped", s.port),
            }),
        }
    }

    /// `Switchyard: healthy`, then the port alarm and the nearest limit, each on its own line.
    pub fn tooltip(&self) -> String {
        let mut lines = vec![format!("Switchyard: {}", self.state)];
        lines.extend(self.squat.clone());
        lines.extend(self.limit.clone());
        lines.join("\n")
    }

    pub fn pause_label(&self) -> &'static str {
        if self.paused {
            "Resume gateway"
        } else {
            "Pause gateway"
        }
    }
}

/// Whether `event` can change what the icon shows: health, alerts (a limit crossed), the gateway.
pub(crate) fn changes_icon(event: &switchyard_app::DomainEvent) -> bool {
    use switchyard_app::DomainEvent as E;
    matches!(
        event,
        E::HealthChanged | E::GatewayHealthChanged | E::AlertsChanged
    )
}

/// The menu's entries, in order (a separator before Quit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Open,
    Readiness,
    CheckUpdates,
    TogglePause,
    Quit,
}

impl Action {
    pub const ALL: [Action; 5] = [
        Action::Open,
        Action::Readiness,
        Action::CheckUpdates,
        Action::TogglePause,
        Action::Quit,
    ];

    pub fn label(self, shown: &Shown) -> &'static str {
        match self {
            Action::Open => "Open Switchyard",
            Action::Readiness => "Run readiness checks",
            Action::CheckUpdates => "Check for updates",
            Action::TogglePause => shown.pause_label(),
            Action::Quit => "Quit",
        }
    }
}

/// Does what the menu entry says; returns whether the gateway is paused afterwards.
pub fn perform(
    action: Action,
    core: &Switchyard,
    quit: &CancellationToken,
    tasks: &Supervisor,
) -> bool {
    match action {
        Action::Open => open_window(),
        Action::Readiness => {
            let core = core.clone();
            tasks.spawn("readiness checks from the tray", async move {
                if let Err(e) = switchyard_readiness::Readiness::new(&core).run().await {
                    tracing::warn!(error = %e, "readiness checks from the tray failed");
                }
            });
        }
        Action::CheckUpdates => {
            let core = core.clone();
            tasks.spawn("update check from the tray", async move {
                let updates = switchyard_updates::Updates::new(&core);
                if let Err(e) = updates.check_and_tell().await {
                    tracing::warn!(error = %e, "the update check from the tray failed");
                }
            });
        }
        Action::TogglePause => {
            let paused = !core.gateway_control().paused();
            if let Err(e) = core.gateway_control().set_paused(paused) {
                tracing::warn!(error = %e, "could not pause the gateway");
            }
        }
        Action::Quit => quit.cancel(),
    }
    core.gateway_control().paused()
}

/// A filled circle in the state's colour, with a light ring so it shows on dark and light bars,
/// as (alpha, red, green, blue) pixels, row by row.
pub fn dot(state: &str) -> Vec<[u8; 4]> {
    let (r, g, b) = match state {
        "healthy" => (0x16, 0xa3, 0x4a),
        "degraded" => (0xf5, 0x9e, 0x0b),
        "down" => (0xdc, 0x26, 0x26),
        _ => (0x94, 0xa3, 0xb8),
    };
    let c = (SIZE as f32 - 1.0) / 2.0;
    let mut out = Vec::with_capacity((SIZE * SIZE) as usize);
    for y in 0..SIZE {
        for x in 0..SIZE {
            let d = ((x as f32 - c).powi(2) + (y as f32 - c).powi(2)).sqrt();
            out.push(if d <= 11.5 {
                [255, r, g, b]
            } else if d <= 14.0 {
                [220, 255, 255, 255]
            } else {
                [0, 0, 0, 0]
            });
        }
    }
    out
}

/// The program `name` in this executable's folder.
fn sibling(name: &str) -> Option<std::path::PathBuf> {
    std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(name)))
}

/// Starts the window process (a running window comes to the front instead: single instance).
fn open_window() {
    let Some(binary) = sibling(WINDOW_BINARY) else {
        tracing::warn!("cannot find the window's binary");
        return;
    };
    match std::process::Command::new(&binary)
        .stdin(std::process::Stdio::null())
        .spawn()
    {
        // Reaped in the background so it never lingers as a zombie.
        Ok(mut child) => {
            std::thread::spawn(move || child.wait());
        }
        Err(e) => tracing::warn!(error = %e, binary = %binary.display(), "cannot open the window"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dot_is_a_square_image_coloured_by_state() {
        let red = dot("down");
        assert_eq!(red.len(), (SIZE * SIZE) as usize);
        let centre = (SIZE / 2 * SIZE + SIZE / 2) as usize;
        assert_eq!(red[centre], [255, 0xdc, 0x26, 0x26]);
        assert_eq!(red[0], [0, 0, 0, 0], "transparent corners");
        assert_ne!(dot("healthy"), dot("unknown"));
    }

    #[test]
    fn the_menu_reads_open_readiness_updates_pause_quit_and_the_pause_entry_follows_the_gateway() {
        let running = Shown {
            state: "healthy",
            paused: false,
            limit: None,
            squat: None,
        };
        let labels: Vec<_> = Action::ALL.iter().map(|a| a.label(&running)).collect();
        assert_eq!(
            labels,
            [
                "Open Switchyard",
                "Run readiness checks",
                "Check for updates",
                "Pause gateway",
                "Quit"
            ]
        );
        let paused = Shown {
            paused: true,
            ..running.clone()
        };
        assert_eq!(Action::TogglePause.label(&paused), "Resume gateway");
        assert_eq!(paused.tooltip(), "Switchyard: healthy");
        let near = Shown {
            limit: Some("Codex 5-hour 82% (resets in 2 h 13 m)".into()),
            ..running
        };
        assert_eq!(
            near.tooltip(),
            "Switchyard: healthy\nCodex 5-hour 82% (resets in 2 h 13 m)"
        );
        let squatted = Shown {
            state: "degraded",
            squat: Some("Port 4141 is another program's: the gateway moved to 38211".into()),
            ..near
        };
        assert_eq!(
            squatted.tooltip(),
            "Switchyard: degraded\nPort 4141 is another program's: the gateway moved to 38211\nCodex 5-hour 82% (resets in 2 h 13 m)",
            "the port alarm is said first, where the user looks"
        );
    }
}
