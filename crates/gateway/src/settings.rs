//! The user's gateway settings: port, whether other machines may connect, which browser
//! origins may call it, whether programs on this machine may read `/metrics` without a
//! token, and whether the control panel is served to a browser. Saved by the app (its settings table) and applied when the gateway starts (an explicit `--port`
//! or `SWITCHYARD_GATEWAY_PORT` still wins for the port).
//!
//! `/metrics` is closed by default. The setting that opens it is `metricsOpenOnLoopback`; the
//! old `metricsRequireToken` (whose default, `false`, left it open) is ignored when read, so every
//! install starts closed after the upgrade.

use crate::resilience::Resilience;
use crate::{GatewayConfig, DEFAULT_PORT};
use serde::{Deserialize, Serialize};
use std::net::{Ipv4Addr, SocketAddr};
use switchyard_domain::Validation;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename = "GatewaySettingsForm")]
#[serde(rename_all = "camelCase", default)]
pub struct GatewaySettings {
    pub port: u16,
    /// Listen on every interface for other machines (tokens are still required, and `Host`
    /// must still name this machine: its host name, `<name>.local`, or the address used).
    pub allow_non_loopback: bool,
    /// Browser origins allowed to call the gateway, e.g. `http://localhost:5173`.
    pub allowed_origins: Vec<String>,
    /// With other machines allowed: the networks they may connect from, e.g. `192.168.1.0/24`
    /// or one address (empty: any network).
    pub allowed_networks: Vec<String>,
    /// Breakers, retries and the first-byte timeout.
    pub resilience: Resilience,
    /// Programs on this machine may read `GET /metrics` without a token (off: a gateway or
    /// scrape token is needed; other machines always need one). Opening it lets any program or
    /// other user account on this machine see the backend, model, route and token names, the
    /// request counts and the spend.
    pub metrics_open_on_loopback: bool,
    /// Serve the control panel to a browser at `/panel/` beside the gateway (this machine only;
    /// signed in with a panel token). `switchyard serve --ui` serves it whatever this says.
    pub serve_panel: bool,
}

impl Default for GatewaySettings {
    fn default() -> Self {
        GatewaySettings {
            port: DEFAULT_PORT,
            allow_non_loopback: false,
            allowed_origins: Vec::new(),
            allowed_networks: Vec::new(),
            resilience: Resilience::default(),
            metrics_open_on_loopback: false,
            serve_panel: false,
        }
    }
}

/// This machine's host name, lower-case (`uname` on Unix, `COMPUTERNAME` on Windows).
pub fn host_name() -> String {
    #[cfg(unix)]
    let name = rustix::system::uname()
        .nodename()
        .to_string_lossy()
        .into_owned();
    #[cfg(windows)]
    let name = std::env::var("COMPUTERNAME").unwrap_or_default();
    name.trim().to_ascii_lowercase()
}

/// This machine's names as a `Host` header may give them: its host name and `<name>.local`.
fn machine_names() -> Vec<String> {
    let name = host_name();
    if name.is_empty() || name == "localhost" {
        return Vec::new();
    }
    let short = name.split('.').next().unwrap_or(&name).to_string();
    let mut names = vec![name.clone(), format!("{short}.local")];
    if short != name {
        names.push(short);
    }
    names
}

/// `192.168.1.0/24`, or one address (`192.168.1.7`, a /32 or /128).
fn parse_network(text: &str) -> Option<ipnet::IpNet> {
    text.parse::<ipnet::IpNet>()
        .ok()
        .map(|n| n.trunc())
        .or_else(|| {
            text.parse::<std::net::IpAddr>()
                .ok()
                .map(ipnet::IpNet::from)
        })
}

impl GatewaySettings {
    /// Applies these settings to `config`, keeping its port when `keep_port`.
    pub fn apply(&self, config: &mut GatewayConfig, keep_port: bool) {
        let port = if keep_port {
            config.bind.port()
        } else {
            self.port
        };
        let ip = if self.allow_non_loopback {
            Ipv4Addr::UNSPECIFIED
        } else {
            Ipv4Addr::LOCALHOST
        };
        config.bind = SocketAddr::from((ip, port));
        config.allow_non_loopback = self.allow_non_loopback;
        config.allowed_origins = self.allowed_origins.clone();
        config.host_names = if self.allow_non_loopback {
            machine_names()
        } else {
            Vec::new()
        };
        config.allowed_networks = self
            .allowed_networks
            .iter()
            .filter_map(|n| parse_network(n))
            .collect();
        self.resilience.apply(config);
        config.metrics_open_on_loopback = self.metrics_open_on_loopback;
    }

    /// Trims and checks every field; the message says what to change.
    pub fn validated(mut self) -> Result<Self, Validation> {
        use switchyard_domain::{Field, Issue, IssueCode};
        let bad = |f: Field, m: String| Err(Validation::one(Issue::error(f, IssueCode::Format, m)));
        if self.port < 1024 {
            return bad(Field::Port, format!(
                "Use a port from 1024 to 65535 (ports below 1024 need administrator rights); the default is {DEFAULT_PORT}."
            ));
        }
        let mut origins = Vec::new();
        for raw in &self.allowed_origins {
            let o = raw.trim().trim_end_matches('/').to_string();
            if o.is_empty() {
                continue;
            }
            if o == "*" {
                return bad(
                    Field::Origins,
                    "“*” would let every web page spend your keys; list each origin.".into(),
                );
            }
            let Ok(url) = url::Url::parse(&o) else {
                return bad(
                    Field::Origins,
                    format!("“{o}” is not an origin like http://localhost:5173."),
                );
            };
            let plain = matches!(url.scheme(), "http" | "https")
                && url.host().is_some()
                && url.path() == "/"
                && url.query().is_none()
                && url.username().is_empty();
            if !plain || o.matches('/').count() != 2 {
                return bad(Field::Origins, format!(
                    "“{o}” is not an origin: scheme, host and optional port only, like http://localhost:5173."
                ));
            }
            if !origins.contains(&o) {
                origins.push(o);
            }
        }
        if origins.len() > 20 {
            return bad(Field::Origins, "At most 20 origins.".into());
        }
        self.allowed_origins = origins;
        let mut networks = Vec::new();
        for raw in &self.allowed_networks {
            let text = raw.trim();
            if text.is_empty() {
                continue;
            }
            let Some(net) = parse_network(text) else {
                return bad(Field::Networks, format!(
                    "“{text}” is not a network: give an address range like 192.168.1.0/24, or one address."
                ));
            };
            let shown = net.to_string();
            if !networks.contains(&shown) {
                networks.push(shown);
            }
        }
        if networks.len() > 50 {
            return bad(Field::Networks, "At most 50 networks.".into());
        }
        self.allowed_networks = networks;
        self.resilience = self.resilience.validated()?;
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_origins(o: &[&str]) -> GatewaySettings {
        GatewaySettings {
            allowed_origins: o.iter().map(|s| (*s).to_string()).collect(),
            ..GatewaySettings::default()
        }
    }

    #[test]
    fn origins_are_normalised_and_deduplicated() {
        let s = with_origins(&[" http://localhost:5173/ ", "http://localhost:5173", ""])
            .validated()
            .unwrap();
        assert_eq!(s.allowed_origins, ["http://localhost:5173"]);
    }

    #[test]
    fn bad_settings_are_refused_with_the_reason() {
        for (s, expect) in [
            (with_origins(&["*"]), "every web page"),
            (with_origins(&["localhost:5173"]), "not an origin"),
            (with_origins(&["http://x.test/path"]), "not an origin"),
            (with_origins(&["ftp://x.test"]), "not an origin"),
            (
                GatewaySettings {
                    port: 80,
                    ..GatewaySettings::default()
                },
                "1024 to 65535",
            ),
        ] {
            let err = s
                .validated()
                .unwrap_err()
                .first_error()
                .map(|i| i.message.clone())
                .unwrap_or_default();
            assert!(err.contains(expect), "{err}");
        }
    }

    #[test]
    fn applying_keeps_an_explicit_port_and_opens_the_bind_only_when_asked() {
        let mut config = GatewayConfig::default();
        config.bind.set_port(0);
        let s = GatewaySettings {
            port: 5000,
            allow_non_loopback: true,
            allowed_origins: vec!["http://a.test".into()],
            allowed_networks: vec!["192.168.1.0/24".into(), "10.1.2.3".into()],
            resilience: Resilience::default(),
            metrics_open_on_loopback: true,
            serve_panel: false,
        };
        s.apply(&mut config, true);
        assert_eq!(config.bind.to_string(), "0.0.0.0:0");
        assert!(config.allow_non_loopback);
        assert!(config.metrics_open_on_loopback, "the user opened /metrics");
        let nets: Vec<String> = config
            .allowed_networks
            .iter()
            .map(|n| n.to_string())
            .collect();
        assert_eq!(nets, ["192.168.1.0/24", "10.1.2.3/32"]);
        let host = host_name();
        assert!(
            host.is_empty() || host == "localhost" || config.host_names.contains(&host),
            "this machine's name {host} is accepted: {:?}",
            config.host_names
        );
        GatewaySettings::default().apply(&mut config, false);
        assert!(
            !config.metrics_open_on_loopback,
            "/metrics needs a token by default"
        );
        assert_eq!(config.bind.to_string(), "127.0.0.1:4141");
        assert!(config.allowed_origins.is_empty());
        assert!(config.host_names.is_empty() && config.allowed_networks.is_empty());
    }

    /// The window's form is this type (issue 72), and a form's missing fields take the defaults:
    /// a caller that sends only a port (or a wrong type) must open nothing.
    #[test]
    fn a_form_with_only_its_port_opens_nothing() {
        let s: GatewaySettings = serde_json::from_value(serde_json::json!({"port": 5000})).unwrap();
        assert_eq!(
            s,
            GatewaySettings {
                port: 5000,
                ..GatewaySettings::default()
            }
        );
        let mut config = GatewayConfig::default();
        s.validated().unwrap().apply(&mut config, false);
        assert_eq!(config.bind.to_string(), "127.0.0.1:5000");
        assert!(!config.allow_non_loopback && !config.metrics_open_on_loopback);
        assert!(config.allowed_origins.is_empty() && config.allowed_networks.is_empty());
        for bad in [
            serde_json::json!({"port": 5000, "allowNonLoopback": "yes"}),
            serde_json::json!({"port": "5000"}),
            serde_json::json!({"allowedOrigins": "*"}),
        ] {
            assert!(
                serde_json::from_value::<GatewaySettings>(bad.clone()).is_err(),
                "{bad}: refused as a whole, not half read"
            );
        }
    }

    #[test]
    fn settings_saved_before_the_upgrade_leave_metrics_closed() {
        // The old default, stored by every install that never touched the setting.
        for old in [
            serde_json::json!({"port": 5000, "metricsRequireToken": false}),
            serde_json::json!({"port": 5000, "metricsRequireToken": true}),
        ] {
            let s: GatewaySettings = serde_json::from_value(old.clone()).unwrap();
            assert_eq!(s.port, 5000, "the rest of the settings is kept");
            assert!(
                !s.metrics_open_on_loopback,
                "{old}: the old field must not open /metrics"
            );
            let mut config = GatewayConfig::default();
            s.apply(&mut config, false);
            assert!(!config.metrics_open_on_loopback, "{old}");
        }
        let opened: GatewaySettings =
            serde_json::from_value(serde_json::json!({"metricsOpenOnLoopback": true})).unwrap();
        assert!(opened.metrics_open_on_loopback, "the new field is read");
    }

    #[test]
    fn networks_are_checked_and_normalised() {
        let with = |n: &[&str]| GatewaySettings {
            allowed_networks: n.iter().map(|s| s.to_string()).collect(),
            ..GatewaySettings::default()
        };
        let ok = with(&[
            "192.168.1.7/24",
            " 10.0.0.1 ",
            "",
            "fd00::/8",
            "192.168.1.0/24",
        ])
        .validated()
        .unwrap();
        assert_eq!(
            ok.allowed_networks,
            ["192.168.1.0/24", "10.0.0.1/32", "fd00::/8"]
        );
        for bad in ["192.168.1.0/33", "my-lan", "*"] {
            let err = with(&[bad])
                .validated()
                .unwrap_err()
                .first_error()
                .map(|i| i.message.clone())
                .unwrap_or_default();
            assert!(err.contains("not a network"), "{bad}: {err}");
        }
    }
}
