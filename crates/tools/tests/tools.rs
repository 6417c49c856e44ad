//! The Tools feature on a core started by switchyard-app's harness (`switchyard_app_testing`),
//! in a temp HOME: connect and disconnect each tool, a connection over time, the token a connect
//! makes, "Find keys on this machine" and the Windows user environment (in memory), and the
//! desktop core's start beside a squatted port. One test binary, one module per group; the
//! repair of a connect killed half-way runs the real binary and is the CLI's
//! (`crates/cli/tests/cli/tools_repair.rs`).
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test helpers")]

#[path = "tools/port_squat.rs"]
mod port_squat;
#[path = "tools/tools.rs"]
mod tools;
#[path = "tools/tools_lifecycle.rs"]
mod tools_lifecycle;
#[path = "tools/tools_plan.rs"]
mod tools_plan;
#[path = "tools/tools_scope.rs"]
mod tools_scope;
#[path = "tools/tools_sweep.rs"]
mod tools_sweep;
#[path = "tools/tools_sweep_env.rs"]
mod tools_sweep_env;
#[path = "tools/tools_user_env.rs"]
mod tools_user_env;

use std::path::Path;
use std::sync::Arc;
use switchyard_app::secrets::MemoryStore;
use switchyard_app::{Options, Switchyard};
use switchyard_app_testing::*;
use switchyard_domain::BackendKind;
use switchyard_mock::MockConfig;

/// The Tools service of a harness's core, as the window's core builds it.
trait WithTools {
    fn tools(&self) -> switchyard_tools::Tools;
}

impl WithTools for Harness {
    fn tools(&self) -> switchyard_tools::Tools {
        switchyard_tools::Tools::new(&self.app)
    }
}
