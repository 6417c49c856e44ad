//! Linux: the icon as a StatusNotifierItem over D-Bus (`ksni`, no GTK). A desktop without a tray
//! host shows nothing; the item stays on the bus, and appears when a host starts.

use super::{dot, perform, Action, Shown, REFRESH_EVERY, SIZE};
use ksni::menu::StandardItem;
use ksni::{Icon, MenuItem, ToolTip, TrayMethods};
use switchyard_app::Switchyard;
use switchyard_runtime::Supervisor;
use tokio::sync::broadcast::error::RecvError;
use tokio_util::sync::CancellationToken;

struct Tray {
    core: Switchyard,
    quit: CancellationToken,
    tasks: Supervisor,
    shown: Shown,
}

/// The dot as SNI wants it: ARGB32 in network byte order.
fn icon(state: &str) -> Icon {
    let side = i32::try_from(SIZE).unwrap_or(32);
    Icon {
        width: side,
        height: side,
        data: dot(state).concat(),
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
        vec![icon(self.shown.state)]
    }

    fn tool_tip(&self) -> ToolTip {
        ToolTip {
            title: self.shown.tooltip(),
            ..Default::default()
        }
    }

    /// A left click opens the window.
    fn activate(&mut self, _x: i32, _y: i32) {
        perform(Action::Open, &self.core, &self.quit, &self.tasks);
    }

    fn menu(&self) -> Vec<MenuItem<Self>> {
        let mut items = Vec::new();
        for action in Action::ALL {
            if action == Action::Quit {
                items.push(MenuItem::Separator);
            }
            items.push(
                StandardItem {
                    label: action.label(&self.shown).into(),
                    activate: Box::new(move |t: &mut Self| {
                        t.shown.paused = perform(action, &t.core, &t.quit, &t.tasks);
                    }),
                    ..Default::default()
                }
                .into(),
            );
        }
        items
    }
}

/// Puts the icon on the bus and keeps it current until the core's events end.
pub async fn spawn(
    core: Switchyard,
    quit: CancellationToken,
    tasks: Supervisor,
) -> Result<(), ksni::Error> {
    let tray = Tray {
        shown: Shown::of(&core).await,
        core: core.clone(),
        quit,
        tasks: tasks.clone(),
    };
    let handle = tray.assume_sni_available(true).spawn().await?;
    let mut rx = core.subscribe();
    let mut tick = tokio::time::interval(REFRESH_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    tasks.spawn("tray icon", async move {
        loop {
            let changed = tokio::select! {
                _ = tick.tick() => true,
                event = rx.recv() => match event {
                    Ok(e) => super::changes_icon(&e),
                    Err(RecvError::Lagged(_)) => true,
                    Err(RecvError::Closed) => break,
                },
            };
            if changed {
                let shown = Shown::of(&core).await;
                let _ = handle.update(|t| t.shown = shown).await;
            }
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sni_pixmap_is_argb_in_network_order() {
        let red = icon("down");
        assert_eq!((red.width, red.height), (32, 32));
        let centre = ((16 * 32 + 16) * 4) as usize;
        assert_eq!(&red.data[centre..centre + 4], &[255, 0xdc, 0x26, 0x26]);
    }
}
