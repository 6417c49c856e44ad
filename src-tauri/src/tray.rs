//! The tray icon: a dot coloured by the overall health (green healthy, amber degraded, red down,
//! grey unknown) with a menu to open the window, run the readiness checks, pause or resume the
//! gateway, and quit (a clean shutdown, see `lifecycle`). The icon and the pause label follow the
//! core's events.

use switchyard_app::{DomainEvent, Switchyard};
use tauri::image::Image;
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::{TrayIcon, TrayIconBuilder};
use tauri::{AppHandle, Wry};

const SIZE: u32 = 32;

/// A filled circle in the state's colour, with a light ring so it shows on dark and light bars.
fn dot(state: &str) -> Image<'static> {
    let (r, g, b) = match state {
        "healthy" => (0x16, 0xa3, 0x4a),
        "degraded" => (0xf5, 0x9e, 0x0b),
        "down" => (0xdc, 0x26, 0x26),
        _ => (0x94, 0xa3, 0xb8),
    };
    let mut rgba = Vec::with_capacity((SIZE * SIZE * 4) as usize);
    let c = (SIZE as f32 - 1.0) / 2.0;
    for y in 0..SIZE {
        for x in 0..SIZE {
            let d = ((x as f32 - c).powi(2) + (y as f32 - c).powi(2)).sqrt();
            let px = if d <= 11.5 {
                [r, g, b, 255]
            } else if d <= 14.0 {
                [255, 255, 255, 220]
            } else {
                [0, 0, 0, 0]
            };
            rgba.extend_from_slice(&px);
        }
    }
    Image::new_owned(rgba, SIZE, SIZE)
}

fn tooltip(state: &str) -> String {
    format!("Switchyard: {state}")
}

/// Builds the tray and keeps it current. A desktop without a tray shows nothing; that is fine.
pub fn install(app: &AppHandle, core: &Switchyard) -> tauri::Result<()> {
    let open = MenuItem::with_id(app, "open", "Open Switchyard", true, None::<&str>)?;
    let check = MenuItem::with_id(app, "check", "Run readiness checks", true, None::<&str>)?;
    let pause = MenuItem::with_id(app, "pause", pause_label(core), true, None::<&str>)?;
    let quit = MenuItem::with_id(app, "quit", "Quit", true, None::<&str>)?;
    let sep = PredefinedMenuItem::separator(app)?;
    let menu = Menu::with_items(app, &[&open, &check, &pause, &sep, &quit])?;
    let state = core.health().overall().as_str();
    let tray = TrayIconBuilder::with_id("main")
        .icon(dot(state))
        .tooltip(tooltip(state))
        .menu(&menu)
        .on_menu_event({
            let core = core.clone();
            move |app, event| on_menu(app, &core, event.id.as_ref())
        })
        .build(app)?;
    follow(tray, pause, core.clone());
    Ok(())
}

fn pause_label(core: &Switchyard) -> &'static str {
    if core.gateway_control().paused() {
        "Resume gateway"
    } else {
        "Pause gateway"
    }
}

fn on_menu(app: &AppHandle, core: &Switchyard, id: &str) {
    match id {
        "open" => crate::lifecycle::open_main(app),
        "check" => {
            let core = core.clone();
            tauri::async_runtime::spawn(async move {
                if let Err(e) = core.readiness().run().await {
                    tracing::warn!(error = %e, "readiness checks from the tray failed");
                }
            });
        }
        "pause" => {
            if let Err(e) = core
                .gateway_control()
                .set_paused(!core.gateway_control().paused())
            {
                tracing::warn!(error = %e, "could not pause the gateway");
            }
        }
        "quit" => crate::lifecycle::quit(app),
        _ => {}
    }
}

/// Updates the icon and the pause label when health or the gateway changes.
fn follow(tray: TrayIcon<Wry>, pause: MenuItem<Wry>, core: Switchyard) {
    let mut rx = core.subscribe();
    tauri::async_runtime::spawn(async move {
        let mut shown = String::new();
        loop {
            match rx.recv().await {
                Ok(DomainEvent::HealthChanged | DomainEvent::GatewayHealthChanged)
                | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                    let state = core.health().overall().as_str();
                    if state != shown {
                        shown = state.to_string();
                        let _ = tray.set_icon(Some(dot(state)));
                        let _ = tray.set_tooltip(Some(tooltip(state)));
                    }
                    let _ = pause.set_text(pause_label(&core));
                }
                Ok(_) => {}
                Err(tokio::sync::broadcast::error::RecvError::Closed) => break,
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dot_is_a_square_rgba_image_coloured_by_state() {
        let red = dot("down");
        assert_eq!((red.width(), red.height()), (SIZE, SIZE));
        let centre = ((SIZE / 2 * SIZE + SIZE / 2) * 4) as usize;
        assert_eq!(&red.rgba()[centre..centre + 4], &[0xdc, 0x26, 0x26, 255]);
        assert_eq!(&red.rgba()[0..4], &[0, 0, 0, 0], "transparent corners");
        assert_ne!(dot("healthy").rgba(), dot("unknown").rgba());
    }
}
