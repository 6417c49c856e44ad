//! The Costs page's shapes from and to the core's types. Counters and times become `f64`
//! (exact below 2^53, far above any count or Unix millisecond the ledger holds).

use super::dto::{
    Budget, BudgetPeriod, BudgetScope, BudgetStatus, CostSettings, CostsOverview, ExportDone,
    ExportFormat, ExportKind, Forecast, LatencyStats, PriceOverride, Prices, QueriedRange,
    SeriesPoint, UnpricedModel, UsageTotals,
};
use switchyard_app as core;

impl From<core::UsageTotals> for UsageTotals {
    fn from(t: core::UsageTotals) -> Self {
        UsageTotals {
            requests: t.requests as f64,
            errors: t.errors as f64,
            cache_hits: t.cache_hits as f64,
            input_tokens: t.input_tokens as f64,
            output_tokens: t.output_tokens as f64,
            cache_read_tokens: t.cache_read_tokens as f64,
            cache_write_tokens: t.cache_write_tokens as f64,
            cost_usd: t.cost_usd,
            unpriced: t.unpriced as f64,
            saved_usd: t.saved_usd,
            latency_ms_sum: t.latency_ms_sum as f64,
            cache_lookups: t.cache_lookups as f64,
            cache_shared: t.cache_shared as f64,
            cache_skipped: t.cache_skipped as f64,
        }
    }
}

impl From<core::SeriesPoint> for SeriesPoint {
    fn from(p: core::SeriesPoint) -> Self {
        SeriesPoint {
            start_ms: p.start_ms as f64,
            key: p.key,
            totals: p.totals.into(),
        }
    }
}

impl From<core::LatencyStats> for LatencyStats {
    fn from(l: core::LatencyStats) -> Self {
        LatencyStats {
            start_ms: l.start_ms as f64,
            count: l.count as f64,
            p50: l.p50,
            p90: l.p90,
            p95: l.p95,
            p99: l.p99,
        }
    }
}

/// `[key, totals]` pairs, in the core's order.
fn breakdown(rows: Vec<(String, core::UsageTotals)>) -> Vec<(String, UsageTotals)> {
    rows.into_iter().map(|(k, t)| (k, t.into())).collect()
}

fn all<T, U: From<T>>(items: Vec<T>) -> Vec<U> {
    items.into_iter().map(U::from).collect()
}

impl From<core::CostsOverview> for CostsOverview {
    fn from(o: core::CostsOverview) -> Self {
        CostsOverview {
            range: QueriedRange {
                since_ms: o.range.since_ms as f64,
                until_ms: o.range.until_ms as f64,
                offset_minutes: f64::from(o.range.offset_minutes),
            },
            bucket_ms: o.bucket_ms as f64,
            totals: o.totals.into(),
            series: all(o.series),
            hourly: all(o.hourly),
            by_backend: breakdown(o.by_backend),
            by_model: breakdown(o.by_model),
            by_route: breakdown(o.by_route),
            by_token: breakdown(o.by_token),
            by_inbound: breakdown(o.by_inbound),
            latency: all(o.latency),
            latency_overall: o.latency_overall.map(Into::into),
        }
    }
}

impl From<core::CostSettings> for CostSettings {
    fn from(s: core::CostSettings) -> Self {
        CostSettings {
            currency: s.currency,
            per_usd: s.per_usd,
        }
    }
}

impl From<CostSettings> for core::CostSettings {
    fn from(s: CostSettings) -> Self {
        core::CostSettings {
            currency: s.currency,
            per_usd: s.per_usd,
        }
    }
}

impl From<core::PriceOverride> for PriceOverride {
    fn from(o: core::PriceOverride) -> Self {
        PriceOverride {
            model: o.model,
            input_per_mtok: o.input_per_mtok,
            output_per_mtok: o.output_per_mtok,
            cache_read_per_mtok: o.cache_read_per_mtok,
            cache_write_per_mtok: o.cache_write_per_mtok,
        }
    }
}

impl From<PriceOverride> for core::PriceOverride {
    fn from(o: PriceOverride) -> Self {
        core::PriceOverride {
            model: o.model,
            input_per_mtok: o.input_per_mtok,
            output_per_mtok: o.output_per_mtok,
            cache_read_per_mtok: o.cache_read_per_mtok,
            cache_write_per_mtok: o.cache_write_per_mtok,
        }
    }
}

impl From<core::PricesView> for Prices {
    fn from(p: core::PricesView) -> Self {
        Prices {
            source: p.source,
            snapshot_date: p.snapshot_date,
            models: p.models as f64,
            file_loaded_at: p.file_loaded_at,
            overrides: all(p.overrides),
        }
    }
}

impl From<core::UnpricedModel> for UnpricedModel {
    fn from(m: core::UnpricedModel) -> Self {
        UnpricedModel {
            model: m.model,
            requests: m.requests as f64,
        }
    }
}

mirror_enum!(core::Period, BudgetPeriod { Day, Month });

impl From<core::BudgetScope> for BudgetScope {
    fn from(s: core::BudgetScope) -> Self {
        match s {
            core::BudgetScope::All => BudgetScope::All,
            core::BudgetScope::Backend(id) => BudgetScope::Backend(id),
            core::BudgetScope::Route(id) => BudgetScope::Route(id),
        }
    }
}

impl From<BudgetScope> for core::BudgetScope {
    fn from(s: BudgetScope) -> Self {
        match s {
            BudgetScope::All => core::BudgetScope::All,
            BudgetScope::Backend(id) => core::BudgetScope::Backend(id),
            BudgetScope::Route(id) => core::BudgetScope::Route(id),
        }
    }
}

mirror_struct!(
    core::Budget,
    Budget {
        id,
        name,
        period,
        scope,
        limit_usd,
        hard_stop,
    }
);

impl From<core::Forecast> for Forecast {
    fn from(f: core::Forecast) -> Self {
        Forecast {
            burn_usd_per_day: f.burn_usd_per_day,
            projected_usd: f.projected_usd,
            crosses_at_ms: f.crosses_at_ms.map(|t| t as f64),
        }
    }
}

impl From<core::BudgetStatus> for BudgetStatus {
    fn from(s: core::BudgetStatus) -> Self {
        BudgetStatus {
            budget: s.budget.into(),
            scope_name: s.scope_name,
            period_start_ms: s.period_start_ms as f64,
            period_end_ms: s.period_end_ms as f64,
            spent_usd: s.spent_usd,
            unpriced_requests: s.unpriced_requests as f64,
            percent: s.percent,
            forecast: s.forecast.into(),
            stopped: s.stopped,
        }
    }
}

mirror_enum!(ExportKind => core::ExportKind { Requests, Daily, Hourly });

mirror_enum!(ExportFormat => core::ExportFormat { Csv, Json });

impl From<core::ExportDone> for ExportDone {
    fn from(d: core::ExportDone) -> Self {
        ExportDone {
            path: d.path,
            rows: d.rows as f64,
            cost_usd: d.cost_usd,
        }
    }
}
