//! The changes no writer may make without the user's say-so. A file can come from anyone (a
//! teammate, a blog post, a dotfiles repo), and so can a synced record or a found key, so these
//! are found before anything is written, listed, and applied only when the user approved them
//! (`--approve-hosts`, or the dialog's one question):
//! - **a key to a new host**: a keyed backend's base URL moved to an origin its keys are not
//!   approved for ([`HostChange`], old → new);
//! - **the gateway opened wider**: another machine, browser origin or network let in, or
//!   `/metrics` opened to this machine without a token ([`ExposureChange`], found by
//!   `gateway_control::exposure`);
//! - **other team servers** (`team.database`, `team.redis`): where a replica sends the team
//!   database's password and whose records it takes ([`team_changes`], listed as exposure).
//!
//! Invariant: an approval covers only what it names. The window sends back the list it showed,
//! so a file changed between the preview and the click is refused, not applied.

use serde::{Deserialize, Serialize};

/// A keyed backend the file moves to an origin its keys are not approved for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename = "KeyHostChange")]
#[serde(rename_all = "camelCase")]
pub struct HostChange {
    pub backend: String,
    /// The origin its keys go to now.
    pub from: String,
    /// The origin the file names.
    pub to: String,
    /// How many keys would go there.
    pub keys: u32,
}

/// A gateway setting the file changes so that more callers can reach the gateway.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename = "GatewayExposureChange")]
#[serde(rename_all = "camelCase")]
pub struct ExposureChange {
    /// The setting's name in the file (`allowNonLoopback`, `allowedOrigins`, …).
    pub setting: String,
    /// What it is now, in words (`off`, `none`, `192.168.1.0/24`).
    pub from: String,
    /// What the file makes it.
    pub to: String,
}

/// What the user approved of an import's [`HostChange`]s and [`ExposureChange`]s.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Approved {
    /// Nothing: an import that needs an approval is refused.
    #[default]
    Nothing,
    /// Whatever the file does (`config import --approve-hosts`, after the list was printed).
    All,
    /// Exactly these (the import dialog sends back what it showed).
    Listed {
        hosts: Vec<HostChange>,
        exposure: Vec<ExposureChange>,
    },
}

impl Approved {
    /// Whether every change in `hosts` and `exposure` was approved.
    pub fn covers(&self, hosts: &[HostChange], exposure: &[ExposureChange]) -> bool {
        match self {
            Approved::All => true,
            Approved::Nothing => hosts.is_empty() && exposure.is_empty(),
            Approved::Listed {
                hosts: ok_hosts,
                exposure: ok_exposure,
            } => {
                hosts.iter().all(|h| {
                    ok_hosts
                        .iter()
                        .any(|o| o.backend == h.backend && o.to == h.to)
                }) && exposure.iter().all(|e| ok_exposure.contains(e))
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    #[test]
    fn an_approval_covers_only_what_it_lists() {
        let h = |to: &str| HostChange {
            backend: "Main".into(),
            from: "https://api.openai.com".into(),
            to: to.into(),
            keys: 1,
        };
        let e = ExposureChange {
            setting: "metricsOpenOnLoopback".into(),
            from: "off".into(),
            to: "on".into(),
        };
        let shown = Approved::Listed {
            hosts: vec![h("https://a.example")],
            exposure: vec![],
        };
        assert!(shown.covers(&[h("https://a.example")], &[]));
        assert!(
            !shown.covers(&[h("https://b.example")], &[]),
            "the file changed after the preview: another host"
        );
        assert!(
            !shown.covers(&[h("https://a.example")], std::slice::from_ref(&e)),
            "and a setting the user never saw"
        );
        assert!(Approved::All.covers(&[h("https://b.example")], std::slice::from_ref(&e)));
        assert!(!Approved::Nothing.covers(&[], &[e]));
        assert!(Approved::Nothing.covers(&[], &[]));
    }
}
