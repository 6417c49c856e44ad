//! The Usage feature: what the coding tools spent by their own records (`switchyard_usage`),
//! imported into the store, matched to the gateway's ledger so nothing counts twice, and the
//! subscription windows (the provider's figures where a record or the gateway saw them, else
//! estimated from the records).
//!
//! Invariants: an import pass reads only what changed since the last (cursors in the store); a
//! full rescan forgets the cursors and reads everything again, which the upserts make harmless
//! (and first removes rows over the import's sanity bound, stored before there was one);
//! records are matched to ledger rows for 30 days after they happen (a ledger batch can land
//! after the tool wrote its line).

mod alerts;
mod watch;
mod windows;

pub(crate) use alerts::name_source;
pub(crate) use windows::all as windows_in;

pub use windows::{nearest_limit, resets_in, UsageWindow, WindowSource};

use crate::blocking::OffThread;
use crate::AppError;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use switchyard_pricing::PriceTable;
use switchyard_store::{
    BackendsTable, BalancesTable, KeysTable, LedgerTable, Store, ToolUsageRow, ToolUsageTable,
    UsageGroup,
};
use switchyard_usage::{Cursor, PlanWindow, Record, Report, Sink, Sources};

/// How often the tools' records are looked at for new lines.
pub const SCAN_EVERY: Duration = Duration::from_secs(30);
/// How far back records are matched to ledger rows on each pass.
const MATCH_BACK_MS: i64 = 30 * 86_400_000;

/// A key's credits, named.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BalanceView {
    pub backend: String,
    pub key: String,
    pub limit_usd: Option<f64>,
    pub used_usd: f64,
    pub remaining_usd: Option<f64>,
    pub read_at_ms: i64,
}

#[derive(Clone)]
pub struct ToolUsage {
    /// The tools' records, read cursors and plan windows.
    tool_usage: ToolUsageTable,
    /// The gateway's own spend, beside the tools'.
    ledger: LedgerTable,
    /// Each key's credits, named by backend and key label.
    balances: BalancesTable,
    backends: BackendsTable,
    keys: KeysTable,
    costs: crate::costs::Costs,
    gateway: Option<switchyard_gateway::GatewayHandle>,
    home: Option<switchyard_toolconfig::Home>,
    /// One pass at a time (the periodic one and a user's rescan).
    running: Arc<tokio::sync::Mutex<()>>,
    /// The alert engine's inputs (the limits as `limitPercent`).
    signals: tokio::sync::mpsc::UnboundedSender<switchyard_monitor::Signal>,
}

/// The sink that prices each record and writes it, its cursor and its windows to the store.
struct StoreSink<'a> {
    tool_usage: &'a ToolUsageTable,
    prices: &'a PriceTable,
}

impl Sink for StoreSink<'_> {
    fn records(&mut self, batch: &mut [Record]) -> Result<(), String> {
        let priced: Vec<(&Record, Option<f64>)> = batch
            .iter()
            .map(|r| (r, switchyard_usage::price(self.prices, r)))
            .collect();
        self.tool_usage
            .upsert_tool_usage(&priced)
            .map_err(|e| e.to_string())
    }
    fn windows(&mut self, windows: &[PlanWindow]) -> Result<(), String> {
        self.tool_usage
            .save_plan_windows(windows)
            .map_err(|e| e.to_string())
    }
    fn cursor(&mut self, cursor: &Cursor) -> Result<(), String> {
        self.tool_usage
            .save_tool_usage_cursor(cursor)
            .map_err(|e| e.to_string())
    }
}

impl ToolUsage {
    pub(crate) fn new(
        store: Store,
        costs: crate::costs::Costs,
        gateway: Option<switchyard_gateway::GatewayHandle>,
        home: Option<switchyard_toolconfig::Home>,
        signals: tokio::sync::mpsc::UnboundedSender<switchyard_monitor::Signal>,
    ) -> Self {
        ToolUsage {
            tool_usage: store.tool_usage(),
            ledger: store.ledger(),
            balances: store.balances(),
            backends: store.backends(),
            keys: store.keys(),
            costs,
            gateway,
            home,
            running: Arc::default(),
            signals,
        }
    }

    /// Where the tools keep their records: under the configured home (tests) with only its
    /// variables, else the user's home and environment.
    fn sources(&self) -> Result<Sources, AppError> {
        match &self.home {
            Some(h) => {
                let vars: HashMap<String, String> = h.vars.clone().into_iter().collect();
                Ok(Sources::from_env(&h.home, &move |k| vars.get(k).cloned()))
            }
            None => switchyard_toolconfig::Home::from_env()
                .map(|h| Sources::of_user(&h.home))
                .ok_or_else(|| AppError::Unavailable(crate::Unavailable::Home)),
        }
    }

    /// Reads what is new in the tools' records (everything again with `full`), then matches
    /// recent records to the gateway's ledger.
    pub async fn scan(&self, full: bool) -> Result<Report, AppError> {
        let sources = self.sources()?;
        let prices = self.costs.table().await?;
        let _one = self.running.lock().await;
        self.tool_usage
            .blocking(move |tool_usage| {
                if full {
                    // Rows over the import's bound, stored before it: their lines are read
                    // again below and reported as corrupt.
                    tool_usage.forget_implausible_tool_usage()?;
                    tool_usage.reset_tool_usage_cursors()?;
                }
                let cursors = tool_usage.tool_usage_cursors()?;
                let mut sink = StoreSink {
                    tool_usage,
                    prices: &prices,
                };
                let report = switchyard_usage::import(&sources, &cursors, &mut sink);
                tool_usage.match_tool_usage(crate::clock::now_ms() - MATCH_BACK_MS)?;
                Ok(report)
            })
            .await
    }

    /// Sums of what bypassed the gateway between `since_ms` and `until_ms`, by `group`; by
    /// project, everything each repository cost, the gateway's requests included once
    /// (`ToolUsageTable::project_spend`).
    pub async fn summary(
        &self,
        since_ms: i64,
        until_ms: i64,
        group: UsageGroup,
    ) -> Result<Vec<ToolUsageRow>, AppError> {
        if until_ms <= since_ms {
            return Err(AppError::field(
                switchyard_domain::Field::To,
                switchyard_domain::IssueCode::OutOfRange,
                "The range ends before it starts.",
            ));
        }
        self.tool_usage
            .blocking(move |t| {
                Ok(match group {
                    UsageGroup::Project => t.project_spend(since_ms, until_ms)?,
                    _ => t.tool_usage_summary(since_ms, until_ms, group)?,
                })
            })
            .await
    }

    /// Spend by source between `since_ms` and `until_ms`: the gateway's first (its ledger,
    /// exact at the range's ends, reasoning included), then each tool's answers that bypassed it.
    pub async fn by_source(
        &self,
        since_ms: i64,
        until_ms: i64,
    ) -> Result<Vec<ToolUsageRow>, AppError> {
        let tools = self.summary(since_ms, until_ms, UsageGroup::Tool).await?;
        let gateway = self
            .ledger
            .blocking(move |l| Ok(l.gateway_spend(since_ms, until_ms)?))
            .await?;
        Ok(std::iter::once(gateway).chain(tools).collect())
    }

    /// Each tool's subscription windows now: the provider's figures where seen, else estimates.
    pub async fn windows(&self) -> Result<Vec<UsageWindow>, AppError> {
        let now = crate::clock::now_ms();
        let seen = self
            .gateway
            .as_ref()
            .map(windows::gateway_plan_windows)
            .unwrap_or_default();
        self.tool_usage
            .blocking(move |t| windows::all(t, now, &seen))
            .await
    }

    /// The window nearest its limit in a few words (the tray's tooltip), if any is known.
    pub async fn nearest_limit(&self) -> Option<String> {
        let windows = self.windows().await.ok()?;
        nearest_limit(&windows, crate::clock::now_ms())
    }

    /// Tells the alert engine how much of each limit is used, and each key's credits (see
    /// [`alerts`]).
    pub async fn report_limits(&self) -> Result<(), AppError> {
        let now = crate::clock::now_ms();
        let windows = self.windows().await?;
        let balances = self.balances.blocking(|b| Ok(b.balances()?)).await?;
        let points = alerts::points(&windows, self.gateway.as_ref(), now)
            .into_iter()
            .chain(alerts::balance_points(&balances, now));
        for p in points {
            let _ = self.signals.send(p);
        }
        Ok(())
    }

    /// Each key's credits as its provider last said, with the backend's name and the key's
    /// label, newest first.
    pub async fn balances(&self) -> Result<Vec<BalanceView>, AppError> {
        self.blocking(|me| {
            let names = me.backends.backend_names()?;
            let labels: HashMap<String, String> = me
                .keys
                .list_keys()?
                .into_iter()
                .map(|k| (k.id, k.label))
                .collect();
            Ok(me
                .balances
                .balances()?
                .into_iter()
                .map(|b| BalanceView {
                    backend: names.get(&b.backend_id).cloned().unwrap_or_default(),
                    key: labels.get(&b.key_id).cloned().unwrap_or_default(),
                    limit_usd: b.limit_usd,
                    used_usd: b.used_usd,
                    remaining_usd: b.remaining_usd,
                    read_at_ms: b.read_at_ms,
                })
                .collect())
        })
        .await
    }

    /// One pass, then the limits to the alert engine; failures are logged (the next pass
    /// tries again).
    async fn pass(&self) {
        match self.scan(false).await {
            Ok(r) if !r.errors.is_empty() => {
                tracing::debug!(errors = ?r.errors, "tool usage: some records unreadable");
            }
            Ok(_) => {}
            Err(e) => tracing::debug!(error = %e, "tool usage import failed"),
        }
        if let Err(e) = self.report_limits().await {
            tracing::debug!(error = %e, "limits not reported");
        }
    }

    /// Imports at start, within a second of a change in a watched record folder, and every
    /// [`SCAN_EVERY`] (folders created later, filesystems without change events), under the
    /// supervisor.
    pub(crate) fn start(&self, tasks: &switchyard_runtime::Supervisor) {
        let this = self.clone();
        tasks.spawn("tool usage import", async move {
            let changed = Arc::new(tokio::sync::Notify::new());
            let roots = this.sources().map(|s| s.roots()).unwrap_or_default();
            let _watcher = watch::watch(&roots, Arc::clone(&changed));
            let mut tick = tokio::time::interval(SCAN_EVERY);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
            loop {
                tokio::select! {
                    _ = tick.tick() => {}
                    () = changed.notified() => {
                        // Let a burst of writes settle, then one pass covers it.
                        tokio::time::sleep(watch::QUIET).await;
                    }
                }
                this.pass().await;
            }
        });
    }
}

impl crate::blocking::OffThread for ToolUsage {}
