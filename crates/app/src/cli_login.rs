//! `switchyard start-at-login [on|off]`: the Settings page's "Start at login" on the command
//! line. Without an argument it says whether the entry is there; `on`/`off` change the login
//! entry first and then the saved setting (putting the entry back if the save fails), as the
//! window does, so the two always agree.

use crate::cli_io::Io;
use crate::login_item::LoginItem;
use crate::Switchyard;

pub const USAGE: &str = "usage: switchyard start-at-login [on|off]";

/// Parses what follows `start-at-login`: `None` to show, `Some(on)` to change.
pub fn parse(rest: &[&str]) -> Result<Option<bool>, String> {
    match rest {
        [] => Ok(None),
        ["on"] => Ok(Some(true)),
        ["off"] => Ok(Some(false)),
        _ => Err(USAGE.into()),
    }
}

/// Shows or changes start at login; the exit code.
pub async fn run(app: &Switchyard, set: Option<bool>, io: &mut Io<'_>) -> u8 {
    match change(app, set).await {
        Ok((on, window)) => {
            let state = if on { "on" } else { "off" };
            let _ = writeln!(io.stdout, "start at login: {state} ({})", window.display());
            0
        }
        Err(e) => {
            let _ = writeln!(io.stderr, "switchyard: {e}");
            1
        }
    }
}

async fn change(
    app: &Switchyard,
    set: Option<bool>,
) -> Result<(bool, std::path::PathBuf), crate::AppError> {
    let item = LoginItem::of_this_install()?;
    let Some(on) = set else {
        return Ok((item.is_on()?, item.window().to_path_buf()));
    };
    let settings = app.preferences().get().await?;
    let was = item.is_on()?;
    item.set(on)?;
    let saved = app
        .preferences()
        .update(crate::Settings {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_on_off_or_nothing_and_refuses_the_rest() {
        assert_eq!(parse(&[]), Ok(None));
        assert_eq!(parse(&["on"]), Ok(Some(true)));
        assert_eq!(parse(&["off"]), Ok(Some(false)));
        assert_eq!(parse(&["yes"]), Err(USAGE.to_string()));
        assert_eq!(parse(&["on", "off"]), Err(USAGE.to_string()));
    }
}
