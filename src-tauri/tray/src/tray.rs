//! The tray icon, as a StatusNotifierItem over D-Bus (no GTK): a dot coloured by the overall
//! health (green healthy, amber degraded, red down, grey unknown) with a menu to open the
//! window, run the readiness checks, pause or resume the gateway, and quit. The icon, tooltip
//! and pause label follow the core's events. A desktop without a tray host shows nothing; the
//! item stays on the bus, and appears when a host starts.

use ksni::menu::StandardItem;
use ksni::{Icon, MenuItem, ToolTip, TrayMethods};
use switchyard_app::{DomainEvent, Switchyard};
use tokio::sync::broadcast::error::RecvError;
use tokio_util::sync::CancellationToken;

const SIZE: i32 = 32;
/// The window's binary, next to this one.
const WINDOW_BINARY: &str = "switchyard";

struct Tray {
    core: Switchyard,
    quit: CancellationToken,
    state: &'static str,
    paused: bool,
}

/// A filled circle in the state's colour, with a light ring so it shows on dark and light bars,
/// as ARGB32 in network byte order.
fn dot(state: &str) -> Icon {
    let (r, g, b) = match state {
        "healthy" => (0x16, 0xa3, 0x4a),
        "degraded" => (0xf5, 0x9e, 0x0b),
        "down" => (0xdc, 0x26, 0x26),
        _ => (0x94, 0xa3, 0xb8),
    };
    let mut data = Vec::with_capacity((SIZE * SIZE * 4) as usize);
    let c = (SIZE as f32 - 1.0) / 2.0;
    for y in 0..SIZE {
        for x in 0..SIZE {
            let d = ((x as f32 - c).powi(2) + (y as f32 - c).powi(2)).sqrt();
            let px = if d <= 11.5 {
                [255, r, g, b]
            } else if d <= 14.0 {
                [220, 255, 255, 255]
            } else {
                [0, 0, 0, 0]
            };
            data.extend_from_slice(&px);
        }
    }
    Icon {
        width: SIZE,
        height: SIZE,
        data,
    }
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

impl ksni::Tray for Tray {
    fn id(&self) -> String {
        "switchyard".into()
    }

    fn title(&self) -> String {
        "Switchyard".into()
    }

    fn icon_pixmap(&self) -> Vec<Icon> {
        vec![dot(self.state)]
    }

    fn tool_tip(&self) -> ToolTip {
        ToolTip {
            title: format!("Switchyard: {}", self.state),
            ..Default::default()
        }
    }

    /// A left click opens the window.
    fn activate(&mut self, _x: i32, _y: i32) {
        open_window();
    }

    fn menu(&self) -> Vec<MenuItem<Self>> {
        let pause = if self.paused {
            "Resume gateway"
        } else {
            "Pause gateway"
        };
        vec![
            StandardItem {
                label: "Open Switchyard".into(),
                activate: Box::new(|_: &mut Self| open_window()),
                ..Default::default()
            }
            .into(),
            StandardItem {
                label: "Run readiness checks".into(),
                activate: Box::new(|t: &mut Self| {
                    let core = t.core.clone();
                    tokio::spawn(async move {
                        if let Err(e) = core.readiness().run().await {
                            tracing::warn!(error = %e, "readiness checks from the tray failed");
                        }
                    });
                }),
                ..Default::default()
            }
            .into(),
            StandardItem {
                label: pause.into(),
                activate: Box::new(|t: &mut Self| {
                    let paused = !t.core.gateway_control().paused();
                    match t.core.gateway_control().set_paused(paused) {
                        Ok(()) => t.paused = paused,
                        Err(e) => tracing::warn!(error = %e, "could not pause the gateway"),
                    }
                }),
                ..Default::default()
            }
            .into(),
            MenuItem::Separator,
            StandardItem {
                label: "Quit".into(),
                activate: Box::new(|t: &mut Self| t.quit.cancel()),
                ..Default::default()
            }
            .into(),
        ]
    }
}

/// Puts the icon on the bus and keeps it current until the core's events end.
pub async fn spawn(core: Switchyard, quit: CancellationToken) -> Result<(), ksni::Error> {
    let tray = Tray {
        state: core.health().overall().as_str(),
        paused: core.gateway_control().paused(),
        core: core.clone(),
        quit,
    };
    let handle = tray.assume_sni_available(true).spawn().await?;
    let mut rx = core.subscribe();
    tokio::spawn(async move {
        loop {
            match rx.recv().await {
                Ok(DomainEvent::HealthChanged | DomainEvent::GatewayHealthChanged)
                | Err(RecvError::Lagged(_)) => {
                    let state = core.health().overall().as_str();
                    let paused = core.gateway_control().paused();
                    let _ = handle
                        .update(|t| {
                            t.state = state;
                            t.paused = paused;
                        })
                        .await;
                }
                Ok(_) => {}
                Err(RecvError::Closed) => break,
            }
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dot_is_a_square_argb_image_coloured_by_state() {
        let red = dot("down");
        assert_eq!((red.width, red.height), (SIZE, SIZE));
        let centre = ((SIZE / 2 * SIZE + SIZE / 2) * 4) as usize;
        assert_eq!(&red.data[centre..centre + 4], &[255, 0xdc, 0x26, 0x26]);
        assert_eq!(&red.data[0..4], &[0, 0, 0, 0], "transparent corners");
        assert_ne!(dot("healthy").data, dot("unknown").data);
    }
}
