//! The CLI end to end: the `switchyard` commands through `switchyard_cli::run` (the seam the
//! binary uses) and the real `switchyard-serve` process, on a core started by switchyard-app's
//! harness (`switchyard_app_testing`) with the interfaces mounted as the binaries mount them;
//! team replicas and their passwords, the readiness check, shutdown, updates, and the tests of
//! app behaviour that drive a `switchyard` command too. The app's own tests are in
//! `crates/app/tests/`, the drills', tools' and interfaces' beside their crates.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test helpers")]

#[cfg(unix)]
#[path = "cli/authz.rs"]
mod authz;
#[path = "cli/catalogue_bounds.rs"]
mod catalogue_bounds;
#[path = "cli/catalogue_choice.rs"]
mod catalogue_choice;
#[path = "cli/cli.rs"]
mod cli;
#[path = "cli/cli_manage.rs"]
mod cli_manage;
#[path = "cli/cli_serve.rs"]
mod cli_serve;
#[path = "cli/config_file.rs"]
mod config_file;
#[path = "cli/drills_live.rs"]
mod drills_live;
#[cfg(unix)]
#[path = "cli/my_machines.rs"]
mod my_machines;
#[path = "cli/price_sync.rs"]
mod price_sync;
#[path = "cli/readiness.rs"]
mod readiness;
#[path = "cli/shutdown.rs"]
mod shutdown;
#[cfg(unix)]
#[path = "cli/team.rs"]
mod team;
#[cfg(unix)]
#[path = "cli/team_api.rs"]
mod team_api;
#[cfg(unix)]
#[path = "cli/team_books.rs"]
mod team_books;
#[cfg(unix)]
#[path = "cli/team_config.rs"]
mod team_config;
#[cfg(unix)]
#[path = "cli/team_locked.rs"]
mod team_locked;
#[cfg(unix)]
#[path = "cli/team_neighbour.rs"]
mod team_neighbour;
#[path = "cli/team_outbox.rs"]
mod team_outbox;
#[cfg(unix)]
#[path = "cli/team_passwords.rs"]
mod team_passwords;
#[path = "cli/tools_repair.rs"]
mod tools_repair;
#[path = "cli/update_cli.rs"]
mod update_cli;
#[path = "cli/usage.rs"]
mod usage;
#[path = "cli/usage_bounds.rs"]
mod usage_bounds;
#[path = "cli/usage_packed.rs"]
mod usage_packed;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use switchyard_app::secrets::MemoryStore;
use switchyard_app::{AppPaths, Environment, Options, Switchyard};
use switchyard_app_testing::*;
use switchyard_domain::BackendKind;
use switchyard_mock::MockConfig;
use switchyard_notify::RecordingNotifier;

/// Mounts the interfaces (`/metrics`, `/mcp`, the team API) as the binaries do.
fn mount(opts: &mut Options) {
    opts.mounted = Some(switchyard_interfaces::mount());
}

// `start`, `start_with`, `start_in` and `start_in_custom`: the harness's, with the interfaces
// mounted.
switchyard_app_testing::starters!(mount);

/// As the harness's, with the interfaces mounted.
pub async fn start_monitored(dir: &Path) -> (Switchyard, Arc<RecordingNotifier>) {
    switchyard_app_testing::monitored::start_monitored_custom(dir, mount).await
}

/// As the harness's, with the interfaces mounted.
pub async fn start_alerting(dir: &Path) -> (Switchyard, Arc<RecordingNotifier>) {
    let (app, recorder) = start_monitored(dir).await;
    switchyard_app_testing::monitored::no_cooldown(&app).await;
    (app, recorder)
}

/// The text of `/metrics` on the gateway at `addr`, scraped with `token`.
pub async fn scrape_metrics(addr: std::net::SocketAddr, token: &str) -> String {
    reqwest::Client::new()
        .get(format!("http://{addr}/metrics"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// The drills of a harness's core: one instance, built on first use, as the window's core holds.
trait WithDrills {
    fn drills(&self) -> &switchyard_drills::Drills;
}

impl WithDrills for Harness {
    fn drills(&self) -> &switchyard_drills::Drills {
        self.above(switchyard_drills::Drills::new)
    }
}

/// The Tools service of a harness's core, as the window's core builds it.
trait WithTools {
    fn tools(&self) -> switchyard_tools::Tools;
}

impl WithTools for Harness {
    fn tools(&self) -> switchyard_tools::Tools {
        switchyard_tools::Tools::new(&self.app)
    }
}
