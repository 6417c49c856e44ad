//! The drills on a core started by switchyard-app's harness (`switchyard_app_testing`): shadow
//! cores of a fixture configuration, runs one at a time, cancel, storage, export. One test
//! binary, one module per group; the live drill's tests are the CLI's (they drive
//! `switchyard drill live` too).
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test helpers")]

#[path = "drills/drills.rs"]
mod drills;
#[path = "drills/drills_runs.rs"]
mod drills_runs;

use std::time::Duration;
use switchyard_app_testing::catalogue::{cand, save_route};
use switchyard_app_testing::*;
use switchyard_domain::BackendKind;
use switchyard_mock::MockConfig;

/// The drills of a harness's core: one instance, built on first use, as the window's core
/// holds one (a run under way is the instance's).
trait WithDrills {
    fn drills(&self) -> &switchyard_drills::Drills;
}

impl WithDrills for Harness {
    fn drills(&self) -> &switchyard_drills::Drills {
        self.above(switchyard_drills::Drills::new)
    }
}
