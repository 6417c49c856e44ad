//! `switchyard key add|list|remove|test`: a backend's keys without a window, through the
//! services the Backends page uses. A backend is named by its name or id.
//!
//! Invariants: a key is read only from stdin (one line; never an argument) and never printed
//! (listings show the masked hint); errors go to stderr with exit 1, usage errors exit 2 before
//! anything is opened; `--json` prints one JSON document and nothing else on stdout.

use super::io::{find, pretty, Io};
use serde_json::json;
use switchyard_app::{AppError, BackendView, NewKey, Switchyard};
use switchyard_reconcile::AdminKey;
use switchyard_secrets::SecretString;

#[derive(Debug, clap::Subcommand)]
pub enum KeyCommand {
    /// Add a key to a backend: it is read from one line of stdin
    Add {
        /// The backend's name or id
        backend: String,
        /// A label to tell the backend's keys apart
        #[arg(long, default_value = "default")]
        label: String,
        /// An organization admin key: used only to read the provider's usage and cost reports
        /// (`switchyard reconcile`), never for a request or a tool
        #[arg(long)]
        admin: bool,
    },
    /// List keys (masked), of one backend or all
    List {
        /// The backend's name or id
        backend: Option<String>,
        /// As JSON
        #[arg(long)]
        json: bool,
    },
    /// Remove a key from the keychain and the backend
    Remove {
        /// The backend's name or id
        backend: String,
        /// The key's label
        label: String,
        /// The backend's admin key of that label
        #[arg(long)]
        admin: bool,
    },
    /// Test a key with a zero-cost request (the backend's first key without a label)
    Test {
        /// The backend's name or id
        backend: String,
        /// The key's label
        label: Option<String>,
    },
}

impl KeyCommand {
    pub async fn run(&self, app: &Switchyard, io: &mut Io<'_>) -> u8 {
        let done = self.go(app, io).await;
        io.finish(done)
    }

    async fn go(&self, app: &Switchyard, io: &mut Io<'_>) -> Result<String, AppError> {
        match self {
            KeyCommand::Add {
                backend,
                label,
                admin: true,
            } => {
                let value = read_key(io)?;
                let label = if label == "default" { "admin" } else { label };
                let books = switchyard_reconcile::Reconcile::new(app)?;
                let k = books
                    .add_admin_key(backend.clone(), label.to_string(), value)
                    .await?;
                Ok(format!(
                    "added admin key {} ({}) to {}: used only to read {}'s usage reports\n",
                    k.label, k.hint, k.backend, k.origin
                ))
            }
            KeyCommand::Add { backend, label, .. } => {
                let b = find(app, backend).await?;
                let value = read_key(io)?;
                let new = NewKey {
                    label: label.clone(),
                    value,
                };
                let row = app.keys().add(b.row.id.clone(), new).await?;
                Ok(format!(
                    "added key {} ({}) to {}\n",
                    row.label, row.hint, b.row.name
                ))
            }
            KeyCommand::List { backend, json } => {
                let list = match backend {
                    Some(name) => vec![find(app, name).await?],
                    None => app.backends().list().await?,
                };
                let ids: Vec<&str> = list.iter().map(|b| b.row.id.as_str()).collect();
                let admin = switchyard_reconcile::Reconcile::new(app)?
                    .admin_keys()
                    .await?
                    .into_iter()
                    .filter(|k| ids.contains(&k.backend_id.as_str()))
                    .collect::<Vec<_>>();
                Ok(listing(&list, &admin, *json))
            }
            KeyCommand::Remove {
                backend,
                label,
                admin: true,
            } => {
                let books = switchyard_reconcile::Reconcile::new(app)?;
                let b = find(app, backend).await?;
                let key = books
                    .admin_keys()
                    .await?
                    .into_iter()
                    .find(|k| k.backend_id == b.row.id && k.label == *label)
                    .ok_or(AppError::NotFound("Admin key"))?;
                books.remove_admin_key(key.id).await?;
                Ok(format!("removed admin key {label} from {}\n", b.row.name))
            }
            KeyCommand::Remove { backend, label, .. } => {
                let b = find(app, backend).await?;
                app.keys().delete(key_id(&b, label)?).await?;
                Ok(format!("removed key {label} from {}\n", b.row.name))
            }
            KeyCommand::Test { backend, label } => test(app, backend, label.as_deref()).await,
        }
    }
}

/// Tests a backend's key (its first without a label): the result's line, or an error with it.
pub(super) async fn test(
    app: &Switchyard,
    backend: &str,
    label: Option<&str>,
) -> Result<String, AppError> {
    let b = find(app, backend).await?;
    let key = label.map(|l| key_id(&b, l)).transpose()?;
    let r = app.keys().test(&b.row.id, key.as_deref()).await?;
    let line = format!("{}: {}", b.row.name, r.message);
    if matches!(r.outcome, switchyard_domain::CheckOutcome::Valid) {
        Ok(line + "\n")
    } else {
        Err(AppError::Invalid(line))
    }
}

/// The keys (masked), then the admin keys: those marked `admin` (usage reports only).
fn listing(list: &[BackendView], admin: &[AdminKey], json: bool) -> String {
    let rows: Vec<_> = list
        .iter()
        .flat_map(|b| {
            b.keys.iter().map(move |k| {
                json!({"backend": b.row.name, "label": k.row.label, "hint": k.row.hint,
                    "checked": k.check.as_ref().map(|c| format!("{:?}", c.outcome).to_lowercase())})
            })
        })
        .chain(admin.iter().map(
            |k| json!({"backend": k.backend, "label": k.label, "hint": k.hint, "admin": true}),
        ))
        .collect();
    if json {
        return pretty(&rows);
    }
    let cell = |r: &serde_json::Value, k: &str| r[k].as_str().unwrap_or("").to_string();
    rows.iter()
        .map(|r| {
            let admin = if r["admin"] == true {
                "\tadmin (usage reports only)"
            } else {
                ""
            };
            format!(
                "{}\t{}\t{}{admin}\n",
                cell(r, "backend"),
                cell(r, "label"),
                cell(r, "hint")
            )
        })
        .collect()
}

fn key_id(b: &BackendView, label: &str) -> Result<String, AppError> {
    b.keys
        .iter()
        .find(|k| k.row.label == label)
        .map(|k| k.row.id.clone())
        .ok_or_else(|| AppError::NoSuch {
            what: "key labelled",
            name: label.to_string(),
        })
}

/// One line of stdin, trimmed; never echoed.
fn read_key(io: &mut Io<'_>) -> Result<SecretString, AppError> {
    let key = super::io::read_key(io.stdin)
        .map_err(|e| AppError::File(format!("The key could not be read from stdin: {e}.")))?;
    if key.expose().is_empty() {
        return Err(AppError::field(
            switchyard_domain::Field::KeyValue,
            switchyard_domain::IssueCode::Required,
            "No key on stdin: pipe it in, e.g. printf %s \"$KEY\" | switchyard key add NAME.",
        ));
    }
    Ok(key)
}
