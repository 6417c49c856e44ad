//! What the composition root is given: paths, the keychain, the gateway's configuration and
//! the switches tests turn (timeouts, a fixed environment, no monitor, a notification recorder).

use crate::Environment;
use std::sync::Arc;
use std::time::Duration;
use switchyard_mock::MockConfig;
use switchyard_runtime::paths::AppPaths;
use switchyard_secrets::SecretStore;

/// How the services are put together. Tests shorten timeouts and fix the environment.
pub struct Options {
    /// `None`: no gateway (unit tests of the panel's services).
    pub gateway: Option<switchyard_gateway::GatewayConfig>,
    pub paths: AppPaths,
    pub secrets: Arc<dyn SecretStore>,
    /// Latency profile of the built-in Demo server.
    pub demo: MockConfig,
    pub probe_timeout: Duration,
    pub environment: Environment,
    /// Apply the user's saved gateway settings (port, LAN access, origins) to `gateway`.
    pub use_saved_gateway_settings: bool,
    /// Keep `gateway`'s port even so (it came from `--port` or the environment).
    pub gateway_port_fixed: bool,
    /// The user's gateway (the desktop core's, `serve`'s): it takes its port back from another
    /// program (`presence::claim`) and tells this user's other processes where it listens.
    pub publish_gateway: bool,
    /// Desktop notifications, or a recorder in tests.
    pub notify: crate::NotifyChannel,
    /// Run the health monitor (probes every enabled backend and key).
    pub monitor: bool,
    /// With the monitor: import the coding tools' own usage records (watched, and every 30 s).
    /// Off for a drill's shadow core.
    pub tool_usage: bool,
    /// Tests: probe every target at this interval instead of the backend's setting.
    pub monitor_interval: Option<Duration>,
    /// Where the coding tools' files are (`None`: `HOME` and the tools' variables).
    pub tools_home: Option<switchyard_toolconfig::Home>,
    /// The `PATH` tools are looked up on (`None`: the process's).
    pub tools_path: Option<String>,
    /// The user's environment outside files (`HKCU\Environment`, launchd's), which the key
    /// sweep reads; tests give one of their own.
    pub user_env: Arc<dyn crate::tools::user_env::UserEnv>,
    /// The gateway's policy clock (`None`: the system clock). The drills' shadows use a
    /// manual one, to step over a breaker's open period without waiting it out.
    pub gateway_clock: Option<Arc<dyn switchyard_gateway::Clock>>,
    /// A team gateway: the team's tokens are accepted too (`serve --team`).
    pub team: Option<crate::team::Team>,
    /// What the binary mounts on the gateway (`switchyard-interfaces`: `/metrics`, `/mcp`, the
    /// team API); `None`: the gateway's own routes only.
    pub mounted: Option<Arc<dyn crate::Mounted>>,
}

impl Options {
    pub fn new(paths: AppPaths, secrets: Arc<dyn SecretStore>) -> Self {
        Options {
            gateway: Some(switchyard_gateway::GatewayConfig::default()),
            paths,
            secrets,
            demo: MockConfig::demo(),
            probe_timeout: Duration::from_secs(10),
            environment: Environment::Process,
            use_saved_gateway_settings: false,
            gateway_port_fixed: false,
            publish_gateway: false,
            notify: crate::NotifyChannel::Desktop(switchyard_notify::DesktopNotifier::new()),
            monitor: true,
            tool_usage: true,
            monitor_interval: None,
            tools_home: None,
            tools_path: None,
            user_env: Arc::new(crate::tools::user_env::OsUserEnv),
            gateway_clock: None,
            team: None,
            mounted: None,
        }
    }
}
