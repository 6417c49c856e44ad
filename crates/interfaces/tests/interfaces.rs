//! The interfaces mounted on a core's gateway (`switchyard_interfaces::mount`, as the binaries
//! mount them) on a core started by switchyard-app's harness: `/metrics` against the ledger, and
//! the saved gateway settings (token, origins, port) as the next start applies them. One test
//! binary, one module per interface; `/mcp` and the team API run on real replicas in the CLI's
//! tests (`crates/cli/tests/cli/authz.rs`, `team_api.rs`).
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test helpers")]

#[path = "interfaces/books.rs"]
mod books;
#[path = "interfaces/gateway_settings.rs"]
mod gateway_settings;
#[path = "interfaces/metrics.rs"]
mod metrics;

use std::sync::Arc;
use switchyard_app::{AppPaths, Options, Switchyard};
use switchyard_app_testing::*;
use switchyard_domain::BackendKind;
use switchyard_mock::MockConfig;

/// A core on a fresh temp folder and keychain with the interfaces mounted.
async fn start() -> Harness {
    start_with_custom(vec![], |o| o.mounted = Some(switchyard_interfaces::mount())).await
}
