//! Windows and macOS: the icon in the notification area / menu bar through `tray-icon`, which
//! wants an event loop on the thread that made the icon (on macOS, the main thread). So on these
//! platforms the main thread runs that loop ([`run_on_main_thread`]) and the core runs on a
//! thread of its own; they talk through the loop's proxy (what to show) and a channel (what was
//! clicked). The icon appears once the core has started, as on Linux.
//!
//! Logoff and shutdown on Windows: the loop's hidden window gets `WM_ENDSESSION`, where `tao`
//! ends the loop (`LoopDestroyed`) and then the process. The loop asks the core to quit there
//! and waits for it, within the few seconds Windows allows, so the ledger is flushed.
//!
//! Type-checked from Linux for both targets; run under Wine for Windows. macOS runs it only on
//! a Mac (the release workflow's runner).

use super::{dot, perform, Action, Shown, REFRESH_EVERY, SIZE};
use std::sync::OnceLock;
use switchyard_app::Switchyard;
use switchyard_runtime::Supervisor;
use tao::event::{Event, StartCause};
use tao::event_loop::{ControlFlow, EventLoopBuilder, EventLoopProxy};
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use tray_icon::menu::{Menu, MenuEvent, MenuItem, PredefinedMenuItem};
use tray_icon::{MouseButton, MouseButtonState, TrayIcon, TrayIconBuilder, TrayIconEvent};

/// What the main thread's loop is told.
enum ToLoop {
    Show(Shown),
    Clicked(Action),
    /// The core thread ended with this exit code.
    Exit(i32),
}

static PROXY: OnceLock<EventLoopProxy<ToLoop>> = OnceLock::new();
static CLICKS: OnceLock<mpsc::UnboundedSender<Action>> = OnceLock::new();
/// The core's Quit, for the loop to pull when the session ends.
static QUIT: OnceLock<CancellationToken> = OnceLock::new();

/// How long the loop waits for the core when the session ends: Windows ends a program that has
/// not finished about five seconds after `WM_ENDSESSION`.
const SESSION_END_WAIT: std::time::Duration = std::time::Duration::from_millis(4500);

fn id(action: Action) -> &'static str {
    match action {
        Action::Open => "open",
        Action::Readiness => "readiness",
        Action::CheckUpdates => "updates",
        Action::TogglePause => "pause",
        Action::Quit => "quit",
    }
}

fn action_of(menu_id: &str) -> Option<Action> {
    Action::ALL.into_iter().find(|a| id(*a) == menu_id)
}

/// The dot as `tray-icon` wants it: RGBA.
fn icon(state: &str) -> Option<tray_icon::Icon> {
    let rgba = dot(state)
        .into_iter()
        .flat_map(|[a, r, g, b]| [r, g, b, a])
        .collect();
    tray_icon::Icon::from_rgba(rgba, SIZE, SIZE)
        .map_err(|e| tracing::warn!(error = %e, "the tray icon's image was refused"))
        .ok()
}

/// The icon and its menu, alive on the main thread.
struct Shelf {
    icon: TrayIcon,
    pause: MenuItem,
}

fn build(shown: &Shown) -> Result<Shelf, String> {
    let menu = Menu::new();
    let mut pause = None;
    for action in Action::ALL {
        if action == Action::Quit {
            menu.append(&PredefinedMenuItem::separator())
                .map_err(|e| e.to_string())?;
        }
        let item = MenuItem::with_id(id(action), action.label(shown), true, None);
        menu.append(&item).map_err(|e| e.to_string())?;
        if action == Action::TogglePause {
            pause = Some(item);
        }
    }
    let mut builder = TrayIconBuilder::new()
        .with_id("switchyard")
        .with_tooltip(shown.tooltip())
        .with_menu(Box::new(menu))
        // A left click opens the window (Windows); the menu is on the right button.
        .with_menu_on_left_click(cfg!(target_os = "macos"));
    if let Some(icon) = icon(shown.state) {
        builder = builder.with_icon(icon);
    }
    let icon = builder.build().map_err(|e| e.to_string())?;
    let pause = pause.ok_or("the menu has no pause entry")?;
    Ok(Shelf { icon, pause })
}

fn show(shelf: &Shelf, shown: &Shown) {
    if let Err(e) = shelf.icon.set_icon(icon(shown.state)) {
        tracing::warn!(error = %e, "cannot update the tray icon");
    }
    let _ = shelf.icon.set_tooltip(Some(shown.tooltip()));
    shelf.pause.set_text(shown.pause_label());
}

/// Runs `core` (the core process's whole life, returning its exit code) on its own thread while
/// this, the main thread, runs the event loop the icon needs. Never returns: the process exits
/// with `core`'s code once it ends.
pub fn run_on_main_thread(core: impl FnOnce() -> i32 + Send + 'static) -> ! {
    let event_loop = EventLoopBuilder::<ToLoop>::with_user_event().build();
    let proxy = event_loop.create_proxy();
    let _ = PROXY.set(proxy.clone());
    let clicks = proxy.clone();
    MenuEvent::set_event_handler(Some(move |e: MenuEvent| {
        if let Some(action) = action_of(&e.id.0) {
            let _ = clicks.send_event(ToLoop::Clicked(action));
        }
    }));
    let clicks = proxy.clone();
    TrayIconEvent::set_event_handler(Some(move |e: TrayIconEvent| {
        if let TrayIconEvent::Click {
            button: MouseButton::Left,
            button_state: MouseButtonState::Up,
            ..
        } = e
        {
            let _ = clicks.send_event(ToLoop::Clicked(Action::Open));
        }
    }));
    let (done, core_done) = std::sync::mpsc::channel::<()>();
    let core_thread = std::thread::Builder::new()
        .name("core".into())
        .spawn(move || {
            let code = core();
            let _ = done.send(());
            let _ = proxy.send_event(ToLoop::Exit(code));
        });
    if let Err(e) = core_thread {
        tracing::error!(error = %e, "cannot start the core's thread");
        std::process::exit(1);
    }
    let mut shelf: Option<Shelf> = None;
    event_loop.run(move |event, _, flow| {
        *flow = ControlFlow::Wait;
        match event {
            Event::NewEvents(StartCause::Init) => {}
            Event::UserEvent(ToLoop::Show(shown)) => match &shelf {
                Some(s) => show(s, &shown),
                None => match build(&shown) {
                    Ok(s) => shelf = Some(s),
                    Err(e) => tracing::warn!(error = %e, "no tray icon"),
                },
            },
            Event::UserEvent(ToLoop::Clicked(action)) => {
                if let Some(tx) = CLICKS.get() {
                    let _ = tx.send(action);
                }
            }
            Event::UserEvent(ToLoop::Exit(code)) => {
                // The icon leaves the tray before the process does.
                shelf = None;
                *flow = ControlFlow::ExitWithCode(code);
            }
            // After the core's Exit (it is done: no wait), or the session ending (logoff,
            // shutdown): the process ends when this returns.
            Event::LoopDestroyed => {
                if let Some(quit) = QUIT.get() {
                    quit.cancel();
                }
                if core_done.recv_timeout(SESSION_END_WAIT).is_err() {
                    tracing::warn!("the session ended before the core finished quitting");
                }
            }
            _ => {}
        }
    })
}

/// Shows the icon (on the main thread's loop) and keeps it current until the core's events
/// end; the menu's clicks are performed here, on the core's runtime.
pub async fn spawn(
    core: Switchyard,
    quit: CancellationToken,
    tasks: Supervisor,
) -> Result<(), String> {
    let proxy = PROXY
        .get()
        .ok_or("the tray's event loop is not running")?
        .clone();
    let (tx, mut clicks) = mpsc::unbounded_channel();
    CLICKS.set(tx).map_err(|_| "the tray was started twice")?;
    let _ = QUIT.set(quit.clone());
    proxy
        .send_event(ToLoop::Show(Shown::of(&core).await))
        .map_err(|_| "the tray's event loop ended")?;
    let mut rx = core.subscribe();
    let mut tick = tokio::time::interval(REFRESH_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let owner = tasks.clone();
    tasks.spawn("tray icon", async move {
        loop {
            let changed = tokio::select! {
                click = clicks.recv() => match click {
                    Some(action) => { perform(action, &core, &quit, &owner); true }
                    None => break,
                },
                _ = tick.tick() => true,
                event = rx.recv() => match event {
                    Ok(e) => super::changes_icon(&e),
                    Err(RecvError::Lagged(_)) => true,
                    Err(RecvError::Closed) => break,
                },
            };
            if changed
                && proxy
                    .send_event(ToLoop::Show(Shown::of(&core).await))
                    .is_err()
            {
                break;
            }
        }
    });
    Ok(())
}
