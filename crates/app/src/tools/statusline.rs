//! `switchyard statusline`: one line for Claude Code's `statusLine` command — today's spend,
//! the most-used budget and the worst backend status — read from the database read-only in a
//! few milliseconds (no gateway, no Demo server, no keychain). The Claude Code card installs it
//! as connection [`super::STATUSLINE_ID`], so uninstalling restores the user's own status line.

use super::{connect, FilesReport, Tools, STATUSLINE_ID};
use crate::blocking::OffThread;
use crate::AppError;
use std::path::Path;
use switchyard_store::{Dimension, Store};

/// The line, from the database at `db_file` (`Switchyard · no data yet` when there is none).
pub fn line(db_file: &Path) -> String {
    if !db_file.exists() {
        return "Switchyard · no data yet".into();
    }
    match Store::open_read_only(db_file).map(|s| compose(&s)) {
        Ok(Ok(line)) => line,
        Ok(Err(e)) => format!("Switchyard · {e}"),
        Err(e) => format!("Switchyard · {e}"),
    }
}

fn compose(store: &Store) -> Result<String, AppError> {
    let now = crate::clock::now_ms();
    let spent = store
        .ledger()
        .usage_totals(local_midnight_ms(), now + 3_600_000)?;
    let mut parts = vec![format!("Switchyard ${:.2} today", spent.cost_usd)];
    let offset = crate::costs::budgets::local_offset_minutes();
    let budgets =
        crate::costs::budgets::statuses_in(&crate::costs::CostTables::of(store), now, offset)?;
    if let Some(b) = budgets
        .iter()
        .max_by(|a, b| a.percent.total_cmp(&b.percent))
    {
        parts.push(format!("{} {:.0}%", b.budget.name, b.percent));
    }
    let outcomes = store.health().latest_outcomes()?;
    let bad: Vec<&str> = outcomes
        .iter()
        .filter(|(_, o)| o.as_deref().is_some_and(|o| o != "ok"))
        .map(|(name, _)| name.as_str())
        .collect();
    parts.push(match bad.as_slice() {
        [] if outcomes.is_empty() => "no backends".to_string(),
        [] => "all backends OK".to_string(),
        [one] => format!("{one} failing"),
        [first, rest @ ..] => format!("{first} +{} failing", rest.len()),
    });
    if let Some(w) = nearest_limit(store, now) {
        parts.push(w);
    }
    Ok(parts.join(" · "))
}

/// The window nearest its limit (see [`crate::usage::nearest_limit`]); nothing when none is
/// known (or an older database has no windows yet). The gateway's own sightings live in the
/// running core, not the database: this line has what the tools' records say.
fn nearest_limit(store: &Store, now: i64) -> Option<String> {
    let windows = crate::usage::windows_in(&store.tool_usage(), now, &[]).ok()?;
    crate::usage::nearest_limit(&windows, now)
}

/// Local midnight today as Unix milliseconds.
pub(crate) fn local_midnight_ms() -> i64 {
    let now = chrono::Local::now();
    now.date_naive()
        .and_hms_opt(0, 0, 0)
        .and_then(|m| m.and_local_timezone(chrono::Local).earliest())
        .map_or(0, |m| m.timestamp_millis())
}

/// Requests and spend today per gateway token name.
pub(crate) fn usage_today_by_token(inner: &Tools) -> Result<Vec<(String, u64, f64)>, AppError> {
    let now = crate::clock::now_ms();
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
            let plan = switchyard_connect::tools::statusline_plan(&home, &command);
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
