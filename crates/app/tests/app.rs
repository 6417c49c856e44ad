//! switchyard-app end to end, without a window: real SQLite files in a temp folder, real HTTP
//! providers on 127.0.0.1 (the mock), and the in-memory keychain (the real one is covered by
//! switchyard-secrets' keychain tests and the WebDriver suite). One test binary, one module per
//! feature; the harness is `switchyard_app_testing`. Nothing is mounted on the gateway: the
//! tests of /metrics, /mcp and the team API are switchyard-interfaces' and the CLI's.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test helpers")]

#[path = "app/alerts.rs"]
mod alerts;
#[path = "app/alerts_canary.rs"]
mod alerts_canary;
#[path = "app/backends.rs"]
mod backends;
#[path = "app/budgets.rs"]
mod budgets;
#[path = "app/cache.rs"]
mod cache;
#[path = "app/catalogue.rs"]
mod catalogue;
#[path = "app/costs.rs"]
mod costs;
#[path = "app/costs_api.rs"]
mod costs_api;
#[path = "app/import.rs"]
mod import;
#[path = "app/keys.rs"]
mod keys;
#[path = "app/monitor.rs"]
mod monitor;
#[path = "app/notify_dbus.rs"]
mod notify_dbus;
#[path = "app/routes.rs"]
mod routes;
#[cfg(unix)]
#[path = "app/synced_records.rs"]
mod synced_records;
#[cfg(unix)]
#[path = "app/synced_replay.rs"]
mod synced_replay;
#[cfg(unix)]
#[path = "app/synced_rows.rs"]
mod synced_rows;
// A throw-away PostgreSQL: Unix.
#[cfg(unix)]
#[path = "app/synced_scope.rs"]
mod synced_scope;

use std::sync::Arc;
use std::time::Duration;
use switchyard_app::secrets::MemoryStore;
use switchyard_app::{AppPaths, BackendView, Environment, Options, Switchyard};
use switchyard_app_testing::*;
use switchyard_domain::BackendKind;
use switchyard_mock::MockConfig;
