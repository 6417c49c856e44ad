//! The desktop app's IPC surface, without Tauri: every command body, the input forms and the
//! views that add to a domain type (every other UI type is the domain's own, derived behind its
//! crate's `specta` feature; [`types`] names them all), and the one list of commands
//! ([`for_each_command!`]) that both processes are generated from.
//!
//! The desktop app is two processes. The **core process** (`switchyard-tray`: the core, the
//! gateway, the monitor and the tray; no GUI toolkit linked) owns all state and runs the command
//! bodies through [`dispatch`]. The **window process** (`switchyard`, Tauri) is a view: each of
//! its Tauri commands forwards its typed arguments over the local socket ([`wire`]) and returns
//! the typed answer; core events come back on the same socket as [`UiEvent`]s. Closing the window
//! ends the window process, so a closed window costs no WebKit memory.
//!
//! Invariant: these types are the wire format in both hops (core → window → page), so a type
//! the page sees is exactly what the core produced, and the bindings check covers both.

pub mod app;
pub mod backends;
pub mod books;
pub mod cache;
pub mod config;
pub mod costs;
mod dispatch;
pub mod drills;
mod error;
pub mod event;
pub mod files;
pub mod gateway;
pub mod issues;
mod list;
pub mod monitor;
pub mod readiness;
pub mod routes;
pub mod sync;
pub mod team;
pub mod tools;
pub mod wire;

pub use dispatch::{dispatch, COMMAND_ARGS, PAGE_COMMANDS};
pub use error::{ErrorKind, IpcError};
pub use event::UiEvent;

/// The core's values as their IPC shapes, in order.
pub(crate) fn dtos<T, U: From<T>>(items: Vec<T>) -> Vec<U> {
    items.into_iter().map(U::from).collect()
}

use app::dto::AppInfo;

/// The data folder's folder for the panel's uploads and download places.
pub const PANEL_FILES: &str = "panel-files";
use switchyard_app::Switchyard;

/// Every IPC type, for code generated from [`for_each_command!`].
pub mod types {
    pub use crate::app::dto::*;
    pub use crate::backends::dto::*;
    pub use crate::backends::forms::*;
    pub use crate::backends::models::{ListedModel, ModelList};
    pub use crate::books::{AdminKey, BooksRead};
    pub use crate::cache::dto::*;
    pub use crate::config::dto::*;
    pub use crate::costs::dto::*;
    pub use crate::costs::usage::{UsageScan, UsageSourceRow, UsageWindowView};
    pub use crate::drills::dto::*;
    pub use crate::files::{ChosenFile, FileHandle, FilePurpose};
    pub use crate::gateway::dto::*;
    pub use crate::issues::*;
    pub use crate::monitor::dto::*;
    pub use crate::readiness::dto::*;
    pub use crate::routes::dto::*;
    pub use crate::sync::dto::*;
    pub use crate::team::console::{CreatedTeamToken, TeamConsole};
    pub use crate::team::dto::*;
    pub use crate::tools::dto::*;
    pub use std::collections::BTreeMap;
    pub use switchyard_app::config_file::{ExposureChange, ImportOutcome};
    pub use switchyard_app::costs::price_sync::PriceCheck;
    pub use switchyard_app::costs::reprice::RepriceReport;
    pub use switchyard_app::sync::{Keep, Kind, SyncSettings};
    pub use switchyard_app::team::TeamToken;
    pub use switchyard_app::GatewayInfo as GatewayStatus;
    pub use switchyard_app::ImportReport as ImportResult;
    pub use switchyard_app::KeyMove as MovedKey;
    pub use switchyard_app::{
        AlertView, BackendHealthView, BackendLimits, Budget, BudgetStatus, CacheOverview,
        CacheScope, CacheSettings, CostSettings, CostsOverview, ExportDone, ExportFormat,
        ExportKind, GatewaySettings, HealthBucket, HealthRange, KeyScan, ModelCheck,
        MonitorSettings, PriceOverride, PricesView, RouteView, SplitBy, UnpricedModel,
    };
    pub use switchyard_domain::reconcile::Reconciliation;
    pub use switchyard_domain::{
        AttemptRecord, AuthStyle, BackendKind, BackendStatus, CheckOutcome, ErrorClass, Field, Fix,
        Issue, IssueCode, RequestRecord, Severity, TokenScope,
    };
    pub use switchyard_drills::{DrillName, LivePlan};
    pub use switchyard_report::{Format as ReportFormat, Report};
    pub use switchyard_team::overview::TeamOverview;
    pub use switchyard_tools::ToolStatus as ToolInfo;
    pub use switchyard_tools::{FilesReport as FilesChanged, ToolReport as ToolResult};
    pub use switchyard_updates::UpdateStatus;
}

/// The state behind every command in the core process: the running core, or why it failed to
/// start (every command then answers with that failure, so the window can show it). Cheap to
/// clone: the window's channel and the browser panel share one.
#[derive(Clone)]
pub struct Core {
    app: Result<Running, IpcError>,
}

/// The running core and the features built above it.
#[derive(Clone)]
struct Running {
    app: Switchyard,
    files: files::FileGrants,
    drills: switchyard_drills::Drills,
    readiness: switchyard_readiness::Readiness,
    tools: switchyard_tools::Tools,
    updates: switchyard_updates::Updates,
    books: Result<switchyard_reconcile::Reconcile, IpcError>,
}

impl Core {
    pub fn new(app: Result<Switchyard, IpcError>) -> Self {
        let app = app.map(|app| Running {
            drills: switchyard_drills::Drills::new(&app),
            readiness: switchyard_readiness::Readiness::new(&app),
            tools: switchyard_tools::Tools::new(&app),
            updates: switchyard_updates::Updates::new(&app),
            books: switchyard_reconcile::Reconcile::new(&app).map_err(IpcError::from),
            files: files::FileGrants::new(app.paths().data_dir.join(PANEL_FILES)),
            app,
        });
        Core { app }
    }

    /// The running core, or the start-up failure as a typed error the UI can show.
    pub fn app(&self) -> Result<&Switchyard, IpcError> {
        self.app.as_ref().map(|r| &r.app).map_err(Clone::clone)
    }

    /// The files callers may name: handles handed out by the window's dialogs and the panel.
    pub fn files(&self) -> Result<&files::FileGrants, IpcError> {
        self.app.as_ref().map(|r| &r.files).map_err(Clone::clone)
    }

    /// The drills of the running core (one run at a time, cancelled from any command).
    pub fn drills(&self) -> Result<&switchyard_drills::Drills, IpcError> {
        self.app.as_ref().map(|r| &r.drills).map_err(Clone::clone)
    }

    /// The readiness checks of the running core.
    pub fn readiness(&self) -> Result<&switchyard_readiness::Readiness, IpcError> {
        self.app
            .as_ref()
            .map(|r| &r.readiness)
            .map_err(Clone::clone)
    }

    /// Updates of the running core: the last check, checking now, installing at Quit.
    pub fn updates(&self) -> Result<&switchyard_updates::Updates, IpcError> {
        self.app.as_ref().map(|r| &r.updates).map_err(Clone::clone)
    }

    /// The coding tools of the running core: detect, connect, the status line.
    pub fn tools(&self) -> Result<&switchyard_tools::Tools, IpcError> {
        self.app.as_ref().map(|r| &r.tools).map_err(Clone::clone)
    }

    /// The providers' books and the admin keys that read them.
    pub fn books(&self) -> Result<&switchyard_reconcile::Reconcile, IpcError> {
        let running = self.app.as_ref().map_err(Clone::clone)?;
        running.books.as_ref().map_err(Clone::clone)
    }

    /// Version and folders; the window adds its own first-paint time.
    pub fn info(&self) -> Result<AppInfo, IpcError> {
        let app = self.app()?;
        let paths = app.paths();
        Ok(AppInfo {
            version: env!("CARGO_PKG_VERSION").into(),
            data_dir: paths.data_dir.display().to_string(),
            log_dir: paths.log_dir.display().to_string(),
            db_file: paths.db_file.display().to_string(),
            demo_base_url: app.demo_base_url(),
            first_paint_ms: None,
        })
    }
}

#[cfg(test)]
mod tests;
