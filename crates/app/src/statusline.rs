//! `switchyard statusline`: one line for Claude Code's `statusLine` command — today's spend,
//! the most-used budget and the worst backend status — read from the database read-only in a
//! few milliseconds (no gateway, no Demo server, no keychain). Installing it as Claude Code's
//! status line is the Tools service's (`switchyard-tools`).

use crate::AppError;
use std::path::Path;
use switchyard_store::Store;

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

/// Local midnight today as Unix milliseconds ("today" on the status line and the tool cards).
pub fn local_midnight_ms() -> i64 {
    let now = chrono::Local::now();
    now.date_naive()
        .and_hms_opt(0, 0, 0)
        .and_then(|m| m.and_local_timezone(chrono::Local).earliest())
        .map_or(0, |m| m.timestamp_millis())
}
