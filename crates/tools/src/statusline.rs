//! Claude Code's status line: the Claude Code card installs `<this program> statusline` (whose
//! line is the core's, `switchyard_app::statusline::line`) as connection
//! [`super::STATUSLINE_ID`], so uninstalling restores the user's own status line. Also each
//! tool token's requests and spend today, for the cards.

use super::{connect, FilesReport, Tools, STATUSLINE_ID};
use switchyard_app::statusline::local_midnight_ms;
use switchyard_app::AppError;
use switchyard_app::OffThread;
use switchyard_store::Dimension;

/// Requests and spend today per gateway token name.
pub(crate) fn usage_today_by_token(inner: &Tools) -> Result<Vec<(String, u64, f64)>, AppError> {
    let now = switchyard_app::now_ms();
    Ok(inner
        .ledger
        .usage_by(Dimension::Token, local_midnight_ms(), now + 3_600_000)?
        .into_iter()
        .map(|(name, t)| (name, t.requests, t.cost_usd))
        .collect())
}

impl Tools {
    /// Installs `<this program> statusline` as Claude Code's status line (the user's own one is
    /// restored on uninstall).
    pub async fn install_statusline(&self) -> Result<FilesReport, AppError> {
        let home = self.place.home()?;
        let exe = std::env::current_exe()
            .map_err(|e| AppError::Internal(format!("cannot find this program's path: {e}")))?;
        let command = format!("{} statusline", shell_quote(&exe.display().to_string()));
        self.blocking(move |inner| {
            inner.secrets.check()?;
            let plan = switchyard_toolconfig::plans::statusline_plan(&home, &command);
            connect::connect(inner, STATUSLINE_ID, &[plan], None, None, &home.home)
        })
        .await
    }

    pub async fn uninstall_statusline(&self) -> Result<FilesReport, AppError> {
        let home = self.place.home()?;
        self.blocking(move |inner| connect::disconnect(inner, STATUSLINE_ID, &home.home))
            .await
    }
}

/// Quotes a path for the shell Claude Code runs the command with, when it needs it.
fn shell_quote(s: &str) -> String {
    if s.chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}
