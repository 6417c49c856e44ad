//! Usage from the tools' own records (`switchyard_usage`): one `tool_usage` row per model answer
//! (upserted by its key, the larger output kept), the import cursors, and the plan windows the
//! tools reported. A row that also went through the gateway gets its ledger row's id
//! (`ledger_id`) and is then the gateway's: only rows without one are added to the spend.
//!
//! Matching, in order: the tool's request id is the gateway's request id (Claude Code keeps the
//! `request-id` header, which the gateway sets to its own); the provider's answer id equals the
//! ledger's `provider_id` or the `client_id` the gateway gave the caller in its place; for tools that keep no id (Gemini CLI, opencode), a gateway request
//! that started up to 10 minutes before the answer and at most a minute after it, with the same
//! input and output tokens, not matched to another row.

use crate::tables::ToolUsageTable;

use crate::StoreError;
use rusqlite::{params, OptionalExtension};
use std::collections::HashMap;
use switchyard_usage::{Cursor, PlanWindow, Record, Tool};

/// A record with its price (`None`: unknown model).
pub type Priced<'a> = (&'a Record, Option<f64>);

fn i64_of(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

fn rfc3339(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000))
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

impl ToolUsageTable {
    /// Upserts records by key; a row already there keeps the larger output (and its match).
    pub fn upsert_tool_usage(&self, batch: &[Priced<'_>]) -> Result<(), StoreError> {
        if batch.is_empty() {
            return Ok(());
        }
        self.db.with(|c| {
            let tx = c.transaction()?;
            {
                let mut up = tx.prepare_cached(
                    "INSERT INTO tool_usage (key, tool, at_ms, model, provider, project, session,
                       provider_id, request_id, input_tokens, output_tokens, cache_read_tokens,
                       cache_write_5m_tokens, cache_write_1h_tokens, reasoning_tokens, cost_usd)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
                     ON CONFLICT (key) DO UPDATE SET at_ms = excluded.at_ms, model = excluded.model,
                       input_tokens = excluded.input_tokens, output_tokens = excluded.output_tokens,
                       cache_read_tokens = excluded.cache_read_tokens,
                       cache_write_5m_tokens = excluded.cache_write_5m_tokens,
                       cache_write_1h_tokens = excluded.cache_write_1h_tokens,
                       reasoning_tokens = excluded.reasoning_tokens, cost_usd = excluded.cost_usd
                     WHERE excluded.output_tokens >= tool_usage.output_tokens",
                )?;
                for (r, cost) in batch {
                    up.execute(params![
                        r.key,
                        r.tool.map_or("unknown", Tool::name),
                        r.at_ms,
                        r.model,
                        r.provider,
                        r.project,
                        r.session,
                        r.provider_id,
                        r.request_id,
                        i64_of(r.input_tokens),
                        i64_of(r.output_tokens),
                        i64_of(r.cache_read_tokens),
                        i64_of(r.cache_write_5m_tokens),
                        i64_of(r.cache_write_1h_tokens),
                        i64_of(r.reasoning_tokens),
                        cost,
                    ])?;
                }
            }
            tx.commit()?;
            Ok(())
        })
    }

    /// Matches rows since `since_ms` without a ledger row to theirs (see the module docs).
    /// Returns how many were matched.
    pub fn match_tool_usage(&self, since_ms: i64) -> Result<u64, StoreError> {
        self.db.with(|c| {
            // Nothing to match: no write (another process's change watcher counts commits).
            let open: bool = c.query_row(
                "SELECT EXISTS (SELECT 1 FROM tool_usage WHERE ledger_id IS NULL AND at_ms >= ?1)",
                [since_ms],
                |r| r.get(0),
            )?;
            if !open {
                return Ok(0);
            }
            let tx = c.transaction()?;
            let mut n = tx.execute(
                "UPDATE tool_usage SET ledger_id = request_id
                 WHERE ledger_id IS NULL AND at_ms >= ?1 AND request_id IS NOT NULL
                   AND EXISTS (SELECT 1 FROM requests r WHERE r.id = tool_usage.request_id)",
                [since_ms],
            )?;
            // The tool kept the provider's id or the one the gateway gave it (a Responses
            // caller served by another format): each lookup uses its own index.
            n += tx.execute(
                "UPDATE tool_usage SET ledger_id = COALESCE(
                   (SELECT r.id FROM requests r WHERE r.provider_id = tool_usage.provider_id LIMIT 1),
                   (SELECT r.id FROM requests r WHERE r.client_id = tool_usage.provider_id LIMIT 1))
                 WHERE ledger_id IS NULL AND at_ms >= ?1 AND provider_id IS NOT NULL
                   AND (EXISTS (SELECT 1 FROM requests r WHERE r.provider_id = tool_usage.provider_id)
                     OR EXISTS (SELECT 1 FROM requests r WHERE r.client_id = tool_usage.provider_id))",
                [since_ms],
            )?;
            let loose: Vec<(String, i64, i64, i64)> = tx
                .prepare(
                    "SELECT key, at_ms, input_tokens, output_tokens FROM tool_usage
                     WHERE ledger_id IS NULL AND at_ms >= ?1 AND provider_id IS NULL
                       AND request_id IS NULL ORDER BY at_ms",
                )?
                .query_map([since_ms], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
                .collect::<Result<_, _>>()?;
            {
                let mut find = tx.prepare_cached(
                    "SELECT r.id FROM requests r
                     WHERE r.started_at >= ?1 AND r.started_at <= ?2 AND r.status < 400
                       AND r.input_tokens = ?3 AND r.output_tokens = ?4
                       AND NOT EXISTS (SELECT 1 FROM tool_usage t WHERE t.ledger_id = r.id)
                     ORDER BY r.started_at DESC LIMIT 1",
                )?;
                let mut set = tx.prepare_cached("UPDATE tool_usage SET ledger_id = ?2 WHERE key = ?1")?;
                for (key, at, input, output) in loose {
                    let (low, high) = (rfc3339(at - 600_000), rfc3339(at + 61_000));
                    let id: Option<String> = find
                        .query_row(params![low, high, input, output], |r| r.get(0))
                        .optional()?;
                    if let Some(id) = id {
                        n += set.execute(params![key, id])?;
                    }
                }
            }
            tx.commit()?;
            Ok(n as u64)
        })
    }

    /// The import cursors, by path.
    pub fn tool_usage_cursors(&self) -> Result<HashMap<String, Cursor>, StoreError> {
        self.db.with(|c| {
            let mut s = c.prepare("SELECT cursor FROM tool_usage_cursors")?;
            let rows = s.query_map([], |r| r.get::<_, String>(0))?;
            let mut out = HashMap::new();
            for json in rows {
                // A cursor this version cannot read is dropped: its file is read again.
                if let Ok(cur) = serde_json::from_str::<Cursor>(&json?) {
                    out.insert(cur.path.clone(), cur);
                }
            }
            Ok(out)
        })
    }

    pub fn save_tool_usage_cursor(&self, cursor: &Cursor) -> Result<(), StoreError> {
        let json = serde_json::to_string(cursor).unwrap_or_default();
        self.db.with(|c| {
            c.execute(
                "INSERT INTO tool_usage_cursors (path, cursor) VALUES (?1, ?2)
                 ON CONFLICT (path) DO UPDATE SET cursor = excluded.cursor",
                params![cursor.path, json],
            )?;
            Ok(())
        })
    }

    /// Forgets every cursor: the next pass reads everything again (a full rescan; rows are
    /// upserted, so nothing is counted twice).
    pub fn reset_tool_usage_cursors(&self) -> Result<(), StoreError> {
        self.db.with(|c| {
            c.execute("DELETE FROM tool_usage_cursors", [])?;
            Ok(())
        })
    }

    /// Removes the rows with a count over `switchyard_usage::MAX_TOKENS` (stored before the
    /// import refused them; a full rescan calls this, then reports their lines as corrupt).
    /// Returns how many were removed.
    pub fn forget_implausible_tool_usage(&self) -> Result<u64, StoreError> {
        let max = i64_of(switchyard_usage::MAX_TOKENS);
        self.db.with(|c| {
            let n = c.execute(
                "DELETE FROM tool_usage WHERE max(input_tokens, output_tokens, cache_read_tokens,
                   cache_write_5m_tokens, cache_write_1h_tokens, reasoning_tokens) > ?1",
                [max],
            )?;
            Ok(n as u64)
        })
    }

    /// Keeps the newest report of each plan window.
    pub fn save_plan_windows(&self, windows: &[PlanWindow]) -> Result<(), StoreError> {
        self.db.with(|c| {
            for w in windows {
                c.execute(
                    "INSERT INTO plan_windows (tool, name, used_percent, window_minutes, resets_at, seen_at_ms, plan)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                     ON CONFLICT (tool, name) DO UPDATE SET used_percent = excluded.used_percent,
                       window_minutes = excluded.window_minutes, resets_at = excluded.resets_at,
                       seen_at_ms = excluded.seen_at_ms, plan = excluded.plan
                     WHERE excluded.seen_at_ms >= plan_windows.seen_at_ms",
                    params![
                        w.tool.name(),
                        w.name,
                        w.used_percent,
                        w.window_minutes.map(i64_of),
                        w.resets_at,
                        w.seen_at_ms,
                        w.plan
                    ],
                )?;
            }
            Ok(())
        })
    }

    pub fn plan_windows(&self) -> Result<Vec<PlanWindow>, StoreError> {
        self.db.with(|c| {
            let mut s = c.prepare(
                "SELECT tool, name, used_percent, window_minutes, resets_at, seen_at_ms, plan
                 FROM plan_windows ORDER BY tool, name",
            )?;
            let rows = s.query_map([], |r| {
                let tool: String = r.get(0)?;
                Ok(Tool::from_name(&tool).map(|tool| PlanWindow {
                    tool,
                    name: r.get(1).unwrap_or_default(),
                    used_percent: r.get(2).unwrap_or_default(),
                    window_minutes: r
                        .get::<_, Option<i64>>(3)
                        .ok()
                        .flatten()
                        .and_then(|m| u64::try_from(m).ok()),
                    resets_at: r.get(4).ok().flatten(),
                    seen_at_ms: r.get(5).unwrap_or_default(),
                    plan: r.get(6).ok().flatten(),
                }))
            })?;
            Ok(rows.filter_map(|r| r.ok().flatten()).collect())
        })
    }
}

#[cfg(test)]
#[path = "tool_usage_tests.rs"]
mod tests;
