//! Reading the tools' own usage back: sums grouped by tool, model, day, project or session,
//! and the answers of one tool in time order (for plan-window estimates).
//!
//! Invariant: no stored value makes a read fail. The import keeps every count within
//! `switchyard_usage::MAX_TOKENS`, but a store written before that bound can hold absurd rows
//! (capped at `i64::MAX`): token sums are `TOTAL()` (a float, which cannot overflow, read back
//! saturated), never `SUM()` (an "integer overflow" error), and a row's counts are added in
//! Rust, saturating, never with SQL's `+` (which turns into a float on overflow). A full rescan
//! removes such rows (`forget_implausible_tool_usage`).

use crate::tables::ToolUsageTable;

use crate::StoreError;
use rusqlite::params;

/// What the tools' usage is grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsageGroup {
    Tool,
    Model,
    /// The user's day: UTC shifted by an offset in minutes.
    Day(i32),
    Project,
    Session,
}

/// One group's sums: of the tools' answers, or the gateway's (`LedgerTable::gateway_spend`).
/// A tool's answers also seen by the gateway (`via_gateway`) are not in the token and cost
/// sums: they are the gateway's, counted there once.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolUsageRow {
    pub group: String,
    /// A tool's answers that bypassed the gateway; the gateway's requests.
    pub requests: u64,
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub cache_read_tokens: u64,
    pub cache_write_tokens: u64,
    /// Of `output_tokens`, hidden reasoning.
    pub reasoning_tokens: u64,
    /// USD of the priced answers.
    pub cost_usd: f64,
    /// Answers whose model has no price: not in `cost_usd`, never $0.
    pub unpriced: u64,
    /// Answers the gateway carried (matched to its ledger), counted there.
    pub via_gateway: u64,
}

impl ToolUsageRow {
    /// Adds `o`'s sums (not its `via_gateway`), saturating: sums read from an old store can be
    /// near `u64::MAX`.
    pub fn add(&mut self, o: &ToolUsageRow) {
        self.requests = self.requests.saturating_add(o.requests);
        self.input_tokens = self.input_tokens.saturating_add(o.input_tokens);
        self.output_tokens = self.output_tokens.saturating_add(o.output_tokens);
        self.cache_read_tokens = self.cache_read_tokens.saturating_add(o.cache_read_tokens);
        self.cache_write_tokens = self.cache_write_tokens.saturating_add(o.cache_write_tokens);
        self.reasoning_tokens = self.reasoning_tokens.saturating_add(o.reasoning_tokens);
        self.cost_usd += o.cost_usd;
        self.unpriced = self.unpriced.saturating_add(o.unpriced);
    }
}

/// One answer of a tool, for windows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spent {
    pub at_ms: i64,
    /// Every token of the answer (cache included).
    pub tokens: u64,
    pub cost_usd: Option<f64>,
}

fn u64_of(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}

/// A `TOTAL()` of counts: saturated at `u64::MAX`, 0 for negatives and NaN (`as` saturates).
fn count_of(v: f64) -> u64 {
    v as u64
}

/// A summary row: group, requests, input, output, cache read, cache write, reasoning (token
/// `TOTAL()`s), cost, unpriced, via the gateway.
fn row_at(r: &rusqlite::Row<'_>) -> rusqlite::Result<ToolUsageRow> {
    Ok(ToolUsageRow {
        group: r.get(0)?,
        requests: u64_of(r.get(1)?),
        input_tokens: count_of(r.get(2)?),
        output_tokens: count_of(r.get(3)?),
        cache_read_tokens: count_of(r.get(4)?),
        cache_write_tokens: count_of(r.get(5)?),
        reasoning_tokens: count_of(r.get(6)?),
        cost_usd: r.get(7)?,
        unpriced: u64_of(r.get(8)?),
        via_gateway: u64_of(r.get(9)?),
    })
}

impl ToolUsageTable {
    /// Sums of the answers between `since_ms` (inclusive) and `until_ms` (exclusive), biggest
    /// spend first (days in order).
    pub fn tool_usage_summary(
        &self,
        since_ms: i64,
        until_ms: i64,
        group: UsageGroup,
    ) -> Result<Vec<ToolUsageRow>, StoreError> {
        let (expr, order) = match group {
            UsageGroup::Tool => ("tool".to_string(), "cost DESC, g"),
            UsageGroup::Model => ("model".to_string(), "cost DESC, g"),
            UsageGroup::Project => ("COALESCE(project, '(unknown)')".to_string(), "cost DESC, g"),
            UsageGroup::Session => ("COALESCE(session, '(unknown)')".to_string(), "cost DESC, g"),
            UsageGroup::Day(offset) => (
                format!(
                    "date((at_ms + {}) / 1000, 'unixepoch')",
                    i64::from(offset) * 60_000
                ),
                "g",
            ),
        };
        let sql = format!(
            "SELECT {expr} AS g,
               SUM(ledger_id IS NULL),
               TOTAL(CASE WHEN ledger_id IS NULL THEN input_tokens END),
               TOTAL(CASE WHEN ledger_id IS NULL THEN output_tokens END),
               TOTAL(CASE WHEN ledger_id IS NULL THEN cache_read_tokens END),
               TOTAL(CASE WHEN ledger_id IS NULL THEN cache_write_5m_tokens END)
                 + TOTAL(CASE WHEN ledger_id IS NULL THEN cache_write_1h_tokens END),
               TOTAL(CASE WHEN ledger_id IS NULL THEN reasoning_tokens END),
               COALESCE(SUM(CASE WHEN ledger_id IS NULL THEN cost_usd END), 0.0) AS cost,
               SUM(ledger_id IS NULL AND cost_usd IS NULL),
               SUM(ledger_id IS NOT NULL)
             FROM tool_usage WHERE at_ms >= ?1 AND at_ms < ?2
             GROUP BY g ORDER BY {order}"
        );
        self.db.with(|c| {
            let mut s = c.prepare(&sql)?;
            let rows = s.query_map(params![since_ms, until_ms], row_at)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// What each project cost between `since_ms` and `until_ms`, costliest first: every answer
    /// a tool recorded there, those the gateway carried counted with the ledger's tokens and
    /// cost (`via_gateway`), the others with the tool's own (`requests`); then the gateway's
    /// requests no tool record names, as `(gateway, no tool record)`.
    pub fn project_spend(
        &self,
        since_ms: i64,
        until_ms: i64,
    ) -> Result<Vec<ToolUsageRow>, StoreError> {
        let pick =
            |t: &str, r: &str| format!("CASE WHEN t.ledger_id IS NULL THEN {t} ELSE {r} END");
        let sql = format!(
            "SELECT COALESCE(t.project, '(unknown)') AS g, SUM(t.ledger_id IS NULL),
               TOTAL({}), TOTAL({}), TOTAL({}), TOTAL({}), TOTAL({}),
               COALESCE(SUM({}), 0.0) AS cost, SUM({} IS NULL), SUM(t.ledger_id IS NOT NULL)
             FROM tool_usage t LEFT JOIN requests r ON r.id = t.ledger_id
             WHERE t.at_ms >= ?1 AND t.at_ms < ?2
             GROUP BY g ORDER BY cost DESC, g",
            pick("t.input_tokens", "r.input_tokens"),
            pick("t.output_tokens", "r.output_tokens"),
            pick("t.cache_read_tokens", "r.cache_read_tokens"),
            pick(
                "t.cache_write_5m_tokens + t.cache_write_1h_tokens",
                "r.cache_write_tokens"
            ),
            pick("t.reasoning_tokens", "COALESCE(r.reasoning_tokens, 0)"),
            pick("t.cost_usd", "r.cost_usd"),
            pick("t.cost_usd", "r.cost_usd"),
        );
        self.db.with(|c| {
            let mut s = c.prepare(&sql)?;
            let mut rows: Vec<ToolUsageRow> = s
                .query_map(params![since_ms, until_ms], row_at)?
                .collect::<Result<_, _>>()?;
            let (low, high) = (
                crate::usage::rfc3339_nanos(since_ms.max(0)),
                crate::usage::rfc3339_nanos(until_ms.clamp(0, 253_402_300_799_999)),
            );
            let alone = c.query_row(
                "SELECT COUNT(*), TOTAL(input_tokens), TOTAL(output_tokens), TOTAL(cache_read_tokens),
                   TOTAL(cache_write_tokens), TOTAL(COALESCE(reasoning_tokens, 0)),
                   COALESCE(SUM(cost_usd), 0.0), TOTAL(cost_usd IS NULL)
                 FROM requests r WHERE r.started_at >= ?1 AND r.started_at < ?2
                   AND NOT EXISTS (SELECT 1 FROM tool_usage t WHERE t.ledger_id = r.id)",
                params![low, high],
                |r| {
                    Ok(ToolUsageRow {
                        group: "(gateway, no tool record)".into(),
                        requests: 0,
                        input_tokens: count_of(r.get(1)?),
                        output_tokens: count_of(r.get(2)?),
                        cache_read_tokens: count_of(r.get(3)?),
                        cache_write_tokens: count_of(r.get(4)?),
                        reasoning_tokens: count_of(r.get(5)?),
                        cost_usd: r.get(6)?,
                        unpriced: count_of(r.get(7)?),
                        via_gateway: u64_of(r.get(0)?),
                    })
                },
            )?;
            if alone.via_gateway > 0 {
                rows.push(alone);
            }
            Ok(rows)
        })
    }

    /// Every answer of `tool` since `since_ms`, oldest first, through the gateway or not (a
    /// plan's window counts both).
    pub fn tool_spent(&self, tool: &str, since_ms: i64) -> Result<Vec<Spent>, StoreError> {
        self.db.with(|c| {
            let mut s = c.prepare_cached(
                "SELECT at_ms, cost_usd, input_tokens, output_tokens, cache_read_tokens,
                   cache_write_5m_tokens, cache_write_1h_tokens
                 FROM tool_usage WHERE tool = ?1 AND at_ms >= ?2 ORDER BY at_ms",
            )?;
            let rows = s.query_map(params![tool, since_ms], |r| {
                let mut tokens = 0u64;
                for i in 2..7 {
                    tokens = tokens.saturating_add(u64_of(r.get(i)?));
                }
                Ok(Spent {
                    at_ms: r.get(0)?,
                    tokens,
                    cost_usd: r.get(1)?,
                })
            })?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// How many answers are kept, and how many of them the gateway carried.
    pub fn tool_usage_count(&self) -> Result<(u64, u64), StoreError> {
        self.db.with(|c| {
            let (all, matched): (i64, i64) = c.query_row(
                "SELECT COUNT(*), COALESCE(SUM(ledger_id IS NOT NULL), 0) FROM tool_usage",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            Ok((u64_of(all), u64_of(matched)))
        })
    }
}
