//! Every way a gateway settings change lets in more callers (another machine, a browser origin,
//! a network, `/metrics` without a token, the browser panel), listed as `changes::ExposureChange`s for the change
//! path to ask about. Narrowing changes are not listed: they need no approval.

use super::settings::GatewaySettings;
use crate::changes::ExposureChange;

/// Every way `next` (the file's settings, as they would be saved) lets in more callers than
/// `now`. Narrowing changes are not listed: they need no approval.
pub(crate) fn exposure_changes(
    now: &GatewaySettings,
    next: &GatewaySettings,
) -> Vec<ExposureChange> {
    let mut out = Vec::new();
    let flag = |on: bool| if on { "on" } else { "off" }.to_string();
    let change = |setting: &str, from: String, to: String| ExposureChange {
        setting: setting.into(),
        from,
        to,
    };
    if next.allow_non_loopback && !now.allow_non_loopback {
        out.push(change("allowNonLoopback", flag(false), flag(true)));
    }
    if next.metrics_open_on_loopback && !now.metrics_open_on_loopback {
        out.push(change("metricsOpenOnLoopback", flag(false), flag(true)));
    }
    if next.serve_panel && !now.serve_panel {
        out.push(change("servePanel", flag(false), flag(true)));
    }
    if let Some(to) = widened(&now.allowed_origins, &next.allowed_origins) {
        out.push(change("allowedOrigins", list(&now.allowed_origins), to));
    }
    // Networks matter only while other machines may connect; an empty list means any network.
    if next.allow_non_loopback {
        let was_open_to_any = now.allow_non_loopback && now.allowed_networks.is_empty();
        let was = if now.allow_non_loopback {
            list(&now.allowed_networks).replace("none", "any network")
        } else {
            "this machine only".into()
        };
        if next.allowed_networks.is_empty() && !was_open_to_any {
            out.push(change("allowedNetworks", was, "any network".into()));
        } else if let Some(to) =
            widened(&now.allowed_networks, &next.allowed_networks).filter(|_| !was_open_to_any)
        {
            out.push(change("allowedNetworks", was, to));
        }
    }
    out
}

/// The entries of `next` that `now` does not have, joined, when there are any.
fn widened(now: &[String], next: &[String]) -> Option<String> {
    let added: Vec<&str> = next
        .iter()
        .filter(|n| !now.iter().any(|o| o.eq_ignore_ascii_case(n)))
        .map(String::as_str)
        .collect();
    (!added.is_empty()).then(|| format!("adds {}", added.join(", ")))
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    fn settings(f: impl FnOnce(&mut GatewaySettings)) -> GatewaySettings {
        let mut s = GatewaySettings::default();
        f(&mut s);
        s
    }

    #[test]
    fn opening_the_gateway_wider_is_listed_and_closing_it_is_not() {
        let closed = GatewaySettings::default();
        let open = settings(|s| {
            s.allow_non_loopback = true;
            s.metrics_open_on_loopback = true;
            s.allowed_origins = vec!["https://evil.example".into()];
        });
        let found: Vec<(String, String, String)> = exposure_changes(&closed, &open)
            .into_iter()
            .map(|e| (e.setting, e.from, e.to))
            .collect();
        assert_eq!(
            found,
            [
                ("allowNonLoopback".into(), "off".into(), "on".into()),
                ("metricsOpenOnLoopback".into(), "off".into(), "on".into()),
                (
                    "allowedOrigins".into(),
                    "none".into(),
                    "adds https://evil.example".into()
                ),
                (
                    "allowedNetworks".into(),
                    "this machine only".into(),
                    "any network".into()
                ),
            ]
        );
        assert!(
            exposure_changes(&open, &closed).is_empty(),
            "closing needs no approval"
        );
        assert!(
            exposure_changes(&open, &open).is_empty(),
            "a file that keeps the settings asks nothing"
        );
    }

    #[test]
    fn networks_widen_only_past_what_was_allowed() {
        let lan = settings(|s| {
            s.allow_non_loopback = true;
            s.allowed_networks = vec!["192.168.1.0/24".into()];
        });
        let wider = settings(|s| {
            s.allow_non_loopback = true;
            s.allowed_networks = vec!["192.168.1.0/24".into(), "0.0.0.0/0".into()];
        });
        let e = exposure_changes(&lan, &wider);
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!(
            (e[0].from.as_str(), e[0].to.as_str()),
            ("192.168.1.0/24", "adds 0.0.0.0/0")
        );
        let any = settings(|s| s.allow_non_loopback = true);
        assert_eq!(
            exposure_changes(&lan, &any)[0].to,
            "any network",
            "an empty list lets every network in"
        );
        assert!(
            exposure_changes(&any, &lan).is_empty(),
            "from any network to one is narrower"
        );
    }
}
