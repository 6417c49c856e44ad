//! `switchyard start-at-login [on|off]`: the Settings page's "Start at login" on the command
//! line. Without an argument it says whether the entry is there; `on`/`off` change the login
//! entry first and then the saved setting (putting the entry back if the save fails), as the
//! window does, so the two always agree.

use super::io::Io;
use switchyard_app::login_item::LoginItem;
use switchyard_app::Switchyard;

#[derive(Debug, clap::Args)]
pub struct StartAtLoginArgs {
    /// Turn it on or off (without: show whether it is on)
    #[arg(value_enum)]
    set: Option<OnOff>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum OnOff {
    On,
    Off,
}

impl StartAtLoginArgs {
    /// Shows or changes start at login; the exit code.
    pub async fn run(&self, app: &Switchyard, io: &mut Io<'_>) -> u8 {
        let set = self.set.map(|s| s == OnOff::On);
        match change(app, set).await {
            Ok((on, window)) => {
                let state = if on { "on" } else { "off" };
                io.out(&format!("start at login: {state} ({})\n", window.display()))
            }
            Err(e) => io.report(&e),
        }
    }
}

async fn change(
    app: &Switchyard,
    set: Option<bool>,
) -> Result<(bool, std::path::PathBuf), switchyard_app::AppError> {
    let item = LoginItem::of_this_install()?;
    let Some(on) = set else {
        return Ok((item.is_on()?, item.window().to_path_buf()));
    };
    let settings = app.preferences().get().await?;
    let was = item.is_on()?;
    item.set(on)?;
    let saved = app
        .preferences()
        .update(switchyard_app::Settings {
            start_at_login: on,
            start_at_login_offered: true,
            ..settings
        })
        .await;
    if let Err(e) = saved {
        let _ = item.set(was);
        return Err(e);
    }
    Ok((on, item.window().to_path_buf()))
}
