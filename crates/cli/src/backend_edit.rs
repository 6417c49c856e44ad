//! `switchyard backend edit NAME [--name NEW] [--base-url URL] [--model MODEL] [--max-in-flight N]
//! [--rpm N | --no-rpm] [--tpm N | --no-tpm] [--dry-run] [--approve-hosts]`: what is not given
//! stays as it is. An edit that would send the backend's
//! keys to an origin they are not approved for asks, as `config import` does (the change path's
//! check, `switchyard_app::changes`): it lists the move and changes nothing unless `--approve-hosts`
//! says the user trusts it; `--dry-run` only lists. The window's backend dialog shows the same
//! note before Save.

use super::io::find;
use switchyard_app::changes::{decide, Approved, Decision, Effects, HostChange, Writer};
use switchyard_app::{AppError, Switchyard};

#[derive(Debug, Clone, PartialEq, Eq, clap::Args)]
pub struct EditArgs {
    /// The backend's name or id
    backend: String,
    /// A new name
    #[arg(long, value_name = "NEW")]
    name: Option<String>,
    /// A new address (a new host for its keys needs --approve-hosts)
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// A new default model
    #[arg(long)]
    model: Option<String>,
    /// Only list what the edit would change
    #[arg(long)]
    dry_run: bool,
    /// Send the backend's keys to the new host (listed first; only if you trust it)
    #[arg(long)]
    approve_hosts: bool,
    #[command(flatten)]
    limits: super::backend_limits::EditLimitFlags,
}

impl EditArgs {
    /// What `--dry-run` says of the limits.
    fn dry_limits(
        &self,
        b: &switchyard_app::BackendView,
        limits: &switchyard_store::BackendLimits,
    ) -> String {
        if self.limits.given() && *limits != b.row.limits {
            format!("  limits: {}\n", super::backend_limits::described(limits))
        } else {
            String::new()
        }
    }

    pub async fn run(&self, app: &Switchyard) -> Result<String, AppError> {
        let b = find(app, &self.backend).await?;
        // Checked before anything is saved.
        let limits = self.limits.over(&b.row.limits)?;
        let draft = switchyard_domain::BackendDraft {
            name: self.name.clone().unwrap_or(b.row.name.clone()),
            kind: b.row.kind,
            base_url: self.base_url.clone().unwrap_or(b.row.base_url.clone()),
            default_model: self.model.clone().unwrap_or(b.row.default_model.clone()),
        };
        let hosts: Vec<Vec<String>> = b.keys.iter().map(|k| k.row.hosts.clone()).collect();
        let effects = Effects {
            hosts: switchyard_domain::unapproved_move(&hosts, &b.row.base_url, &draft.base_url)
                .map(|m| HostChange {
                    backend: b.row.name.clone(),
                    from: m.from,
                    to: m.to,
                    keys: u32::try_from(b.keys.len()).unwrap_or(u32::MAX),
                })
                .into_iter()
                .collect(),
            ..Effects::default()
        };
        let approved = if self.approve_hosts {
            Approved::All
        } else {
            Approved::Nothing
        };
        let listed: String = effects.lines().iter().map(|l| format!("  {l}\n")).collect();
        if self.dry_run {
            return Ok(if effects.needs_approval() {
                format!(
                    "would save {}; it needs --approve-hosts:\n{listed}",
                    b.row.name
                )
            } else {
                format!("would save {}\n", b.row.name)
            } + &self.dry_limits(&b, &limits));
        }
        if let Decision::Refuse(_) = decide(&Writer::User, &effects, &approved) {
            // Said here with the CLI's way to approve; the service decides again on save.
            return Err(AppError::Conflict(format!(
                "this edit sends {}'s keys to a host they are not approved for; nothing was \
                 changed:\n{listed}Only if you trust that host, run again with --approve-hosts.",
                b.row.name
            )));
        }
        let saved = app.backends().update(b.row.id, draft, approved).await?;
        self.limits.apply(app, &saved).await?;
        let mut out = format!("saved {}\n", saved.row.name);
        if self.limits.given() {
            out += &format!("limits: {}\n", super::backend_limits::described(&limits));
        }
        for h in &effects.hosts {
            out += &format!(
                "its {} key(s) will now be sent to {} (approved)\n",
                h.keys, h.to
            );
        }
        Ok(out)
    }
}
