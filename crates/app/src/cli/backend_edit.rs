//! `switchyard backend edit NAME [--name NEW] [--base-url URL] [--model MODEL]`: what is not
//! given stays as it is. The user's own edit is their approval of a new host for the backend's
//! keys, and the command says what it approved.

use super::io::find;
use crate::{AppError, HostApproval, Switchyard};

#[derive(Debug, Clone, PartialEq, Eq, clap::Args)]
pub struct EditArgs {
    /// The backend's name or id
    backend: String,
    /// A new name
    #[arg(long, value_name = "NEW")]
    name: Option<String>,
    /// A new address (its keys will be sent there: this edit approves it)
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// A new default model
    #[arg(long)]
    model: Option<String>,
}

impl EditArgs {
    pub async fn run(&self, app: &Switchyard) -> Result<String, AppError> {
        let b = find(app, &self.backend).await?;
        let draft = switchyard_core::BackendDraft {
            name: self.name.clone().unwrap_or(b.row.name.clone()),
            kind: b.row.kind,
            base_url: self.base_url.clone().unwrap_or(b.row.base_url.clone()),
            default_model: self.model.clone().unwrap_or(b.row.default_model.clone()),
        };
        let hosts: Vec<Vec<String>> = b.keys.iter().map(|k| k.row.hosts.clone()).collect();
        let approves = switchyard_core::unapproved_move(&hosts, &b.row.base_url, &draft.base_url);
        let saved = app
            .backends()
            .update(b.row.id, draft, HostApproval::Approve)
            .await?;
        let mut out = format!("saved {}\n", saved.row.name);
        if let Some(moved) = approves {
            out += &format!(
                "its {} key(s) will now be sent to {} (approved by this edit)\n",
                saved.keys.len(),
                moved.to
            );
        }
        Ok(out)
    }
}
