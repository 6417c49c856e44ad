//! Whether the port the tools are pointed at is this app's gateway: proven by the data folder's
//! record (`switchyard_gateway::presence`), not by "something answers there". `switchyard check`
//! runs its own private gateway, so it asks about the port the tools use: the published one, else
//! the configured one (`SWITCHYARD_GATEWAY_PORT`, else the saved setting).

use super::Readiness;
use switchyard_domain::readiness::CheckResult;
use switchyard_domain::readiness::Importance::{Critical, Info, Normal};
use switchyard_gateway::presence::{self, PortState};

const ID: &str = "gateway.ours";
const LABEL: &str = "Tools reach this app's gateway";

/// The check, and one more when another program held the port at start (the gateway moved).
pub async fn checks(app: &Readiness) -> Vec<CheckResult> {
    let dir = &app.core.paths().data_dir;
    let mut out = Vec::new();
    if let Some(squat) = app.core.gateway_control().info().squat {
        if let Some(to) = squat.moved_to {
            out.push(CheckResult::fail(
                "gateway.moved",
                "The gateway holds the port it was given",
                Normal,
                squat.message,
                format!("Point anything you set to port {} by hand at {to}, and find out what holds {}.", squat.port, squat.port),
            ));
        }
    }
    let port = match presence::find(dir).await {
        Some(p) => p,
        None => configured(app).await,
    };
    out.push(match presence::examine(port, dir).await {
        PortState::Ours { pid } => CheckResult::pass(
            ID,
            LABEL,
            Critical,
            format!("127.0.0.1:{port} is this app's gateway (process {pid}), proven"),
        ),
        PortState::Free => CheckResult::pass(
            ID,
            LABEL,
            Info,
            format!("nothing listens at 127.0.0.1:{port} now: Switchyard takes it when it starts"),
        ),
        PortState::Other(holder) => CheckResult::fail(
            ID,
            LABEL,
            Critical,
            presence::Squat { port, holder, moved_to: None }.message(),
            "Stop that program, or start Switchyard without a fixed port (it then moves to a free port and re-points your connected tools).",
        ),
    });
    out
}

/// The port the tools are set up for when no gateway of this data folder runs.
async fn configured(app: &Readiness) -> u16 {
    let env = switchyard_app::gateway_config_from_env()
        .ok()
        .map(|c| c.bind.port())
        .filter(|p| *p != 0 && std::env::var_os(switchyard_app::GATEWAY_PORT_ENV).is_some());
    match env {
        Some(p) => p,
        None => app
            .core
            .gateway_control()
            .settings()
            .await
            .map_or(switchyard_gateway::DEFAULT_PORT, |s| s.port),
    }
}
