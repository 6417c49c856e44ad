//! The Tauri-free application: paths, logging, and the services behind every UI action
//! (backends, keys, key tests, import, settings) plus the built-in Demo server.
//! Domain events leave through a broadcast channel; the shell decides how to show them.

mod backends;
mod blocking;
mod cache;
mod catalogue;
/// The check every writer of configuration takes (pure: the core crate's).
pub use switchyard_domain::changes;
mod clock;
pub mod config_file;
pub mod costs;
mod egress;
mod error;
mod events;
mod external;
mod gateway;
mod gateway_control;
mod ledger;
pub use switchyard_os::login_item;
mod monitor;
mod notify;
mod routes;
mod service;
mod settings;
pub mod statusline;
pub mod sync;
pub mod team;
pub use clock::now_ms;
mod tokens;
pub mod tools;
pub mod usage;

pub use backends::import::{
    Environment, Finding, FindingSource, ImportProblem, ImportReport, ImportScan,
};
pub use backends::keys::{Keys, NewKey};
pub use backends::{check_limits, BackendView, Backends, KeyView};
pub use blocking::OffThread;
pub use cache::{
    Cache, CacheOverview, CacheRouteView, CacheScope, CacheSettings, CACHE_FILE, HIT_RATE_METRIC,
    HIT_RATE_MIN_LOOKUPS,
};
pub use catalogue::{
    Catalogue, ModelCheck, ModelList, ModelTarget, ModelView, Pricing, MAX_AGE as CATALOGUE_MAX_AGE,
};
pub use costs::budgets::{Budget, BudgetScope, BudgetStatus};
pub use costs::export::{ExportDone, ExportFormat, ExportKind};
pub use costs::forecast::{Forecast, Period};
pub use costs::prices::{PriceOverride, PricesView, UnpricedModel};
pub use costs::{
    CostRange, CostSettings, Costs, CostsOverview, LatencyStats, SeriesPoint, SplitBy,
};
pub use error::{AppError, Unavailable};
pub use events::{DomainEvent, DrillProgress, EventSink, Progress};
pub use external::WATCH_EVERY;
pub use gateway::{gateway_config_from_env, GATEWAY_PORT_ENV};
pub use gateway_control::resilience::Resilience;
pub use gateway_control::settings::GatewaySettings;
pub use gateway_control::{GatewayControl, GatewayInfo, Running as GatewayRunning};
pub use ledger::{LedgerSink, LedgerWriter};
pub use monitor::{AlertView, BackendHealthView, Health, HealthBucket, HealthRange};
pub use notify::{Channel as NotifyChannel, Notifications, NotifyFailure};
pub use routes::{
    BackendLive, CandidateView, RouteDraft, RouteView, Routes, SavedRoute, MAX_CANDIDATES,
    MAX_WEIGHT,
};
pub use service::{
    BooksHandles, DatabaseState, DrillTables, GatewayStatus, Mounted, Options, Switchyard,
    ToolHandles, WeakSwitchyard,
};
pub use settings::{Preferences, Settings, Theme};
pub use switchyard_domain::{AttemptRecord, RequestRecord, TokenScope};
pub use switchyard_gateway::probe::ProbeResult;
pub use switchyard_gateway::serve::Peer;
pub use switchyard_gateway::{
    CacheMode, GatewayConfig, RouteCache, RouteCandidate, TlsFiles, TrackState, DEFAULT_PORT,
};
pub use switchyard_monitor::{AlertConfig, RuleText, Status as HealthStatus};
pub use switchyard_policy::{CompositeWeights, Headroom, Quota, Strategy};
pub use switchyard_runtime::paths::AppPaths;
pub use switchyard_secrets as secrets;
pub use switchyard_store::{
    BackendLimits, BackendRow, CheckRow, KeyRow, MonitorSettings, RequestFilter, TokenRow,
    UsageTotals,
};
pub use switchyard_store::{ToolUsageRow, UsageGroup};
pub use switchyard_usage::Tool as UsageTool;
pub use team::attach::TeamLink;
pub use tokens::{Caller, NewToken, TokenIndex, Tokens, TOKEN_PREFIX};
pub use tools::sweep::{KeyFinding, KeyMove, KeyScan};

/// Now as RFC 3339 (UTC), the format every stored timestamp uses.
pub(crate) fn now_rfc3339() -> String {
    switchyard_store::now()
}

/// A fresh random id for rows and keychain accounts.
pub(crate) fn new_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}
