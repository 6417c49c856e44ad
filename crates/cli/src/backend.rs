//! `switchyard backend add|list|show|edit|enable|disable|test|remove`: backends without a window,
//! through the same services (and so the same validation) as the Backends page. A backend is
//! named by its name or id.
//!
//! Invariants:
//! - `add` prints exactly one line to stdout, the new backend's id, and only on success; every
//!   other word goes to stderr;
//! - a key is read only from stdin (never an argument, which would land in shell history and
//!   `ps`), travels as a `SecretString`, and is never printed: issues are shown by field and
//!   message only (a suggested fix can echo an input, so fixes are not shown);
//! - the backend and its first key are created together (`create_backend` with the key, keychain
//!   first): a refused key leaves no backend behind;
//! - warnings are shown and do not block; errors exit 1, usage errors exit 2 before anything is
//!   opened.

use super::io::{find, pretty, read_key, Io};
use super::values;
use serde::Serialize;
use switchyard_app::{AppError, NewKey, Switchyard};
use switchyard_domain::{BackendDraft, BackendKind, Field};

#[derive(Debug, clap::Subcommand)]
pub enum BackendCommand {
    /// Add an enabled backend (prints its id); with --key-stdin, its first key is read from one
    /// line of stdin
    Add(AddArgs),
    /// List backends
    List {
        /// As JSON
        #[arg(long)]
        json: bool,
    },
    /// A backend's settings, state and keys (masked)
    Show {
        /// The backend's name or id
        backend: String,
        /// As JSON
        #[arg(long)]
        json: bool,
    },
    /// Change a backend's name, address, default model or traffic limits
    Edit(super::backend_edit::EditArgs),
    /// Route requests to the backend again
    Enable {
        /// The backend's name or id
        backend: String,
    },
    /// Stop routing requests to the backend (its keys stay)
    Disable {
        /// The backend's name or id
        backend: String,
    },
    /// Test the backend's first key with a zero-cost request
    Test {
        /// The backend's name or id
        backend: String,
    },
    /// Remove the backend and its keys
    Remove {
        /// The backend's name or id
        backend: String,
    },
}

/// `backend add`'s arguments.
#[derive(Debug, Clone, PartialEq, Eq, clap::Args)]
pub struct AddArgs {
    /// A name for the backend
    pub name: String,
    /// The provider
    #[arg(long, value_parser = values::kind())]
    pub kind: BackendKind,
    /// The API's address (every kind but openai-compatible has a default)
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// The default model (the kind's own when not given)
    #[arg(long)]
    pub model: Option<String>,
    /// Read the backend's first key from one line of stdin
    #[arg(long)]
    pub key_stdin: bool,
    /// The first key's label (default: "default")
    #[arg(long, value_name = "LABEL", requires = "key_stdin")]
    pub key_label: Option<String>,
    #[command(flatten)]
    pub limits: super::backend_limits::LimitFlags,
}

impl AddArgs {
    /// A usage error parsing cannot see: a kind without a default address needs `--base-url`.
    pub fn check(&self) -> Result<(), clap::Error> {
        if self.base_url.is_none() && self.kind.spec().default_base_url.is_empty() {
            return Err(values::usage_error(
                "backend add",
                format!(
                    "--base-url is required for kind {} (it has no default address)",
                    self.kind.cli_name()
                ),
            ));
        }
        Ok(())
    }

    pub(super) fn draft(&self) -> BackendDraft {
        let spec = self.kind.spec();
        BackendDraft {
            name: self.name.clone(),
            kind: self.kind,
            base_url: self
                .base_url
                .clone()
                .unwrap_or_else(|| spec.default_base_url.to_string()),
            default_model: self
                .model
                .clone()
                .unwrap_or_else(|| spec.default_model.to_string()),
        }
    }
}

impl BackendCommand {
    pub async fn run(&self, app: &Switchyard, io: &mut Io<'_>) -> u8 {
        match self {
            BackendCommand::Add(args) => add(app, args, io).await,
            BackendCommand::List { json } => list(app, *json, io).await,
            BackendCommand::Edit(args) => {
                let done = args.run(app).await;
                io.finish(done)
            }
            other => {
                let done = other.go(app).await;
                io.finish(done)
            }
        }
    }

    async fn go(&self, app: &Switchyard) -> Result<String, AppError> {
        match self {
            BackendCommand::Show { backend, json } => {
                let b = find(app, backend).await?;
                Ok(if *json {
                    pretty(&backend_json(&b))
                } else {
                    show(&b)
                })
            }
            BackendCommand::Remove { backend } => {
                let b = find(app, backend).await?;
                app.backends().delete(b.row.id.clone()).await?;
                Ok(format!("removed {} and its keys\n", b.row.name))
            }
            BackendCommand::Enable { backend } | BackendCommand::Disable { backend } => {
                let on = matches!(self, BackendCommand::Enable { .. });
                let b = find(app, backend).await?;
                let b = app.backends().set_enabled(b.row.id, on).await?;
                let word = if on { "enabled" } else { "disabled" };
                Ok(format!("{} {word}\n", b.row.name))
            }
            BackendCommand::Test { backend } => super::key::test(app, backend, None).await,
            BackendCommand::Add(_) | BackendCommand::List { .. } | BackendCommand::Edit(_) => {
                Ok(String::new())
            }
        }
    }
}

/// `switchyard backend add`: exit 0 (the id on stdout), 1 refused or failed.
async fn add(app: &Switchyard, args: &AddArgs, io: &mut Io<'_>) -> u8 {
    let key = match args.key_stdin.then(|| read_key(io.stdin)).transpose() {
        Ok(value) => value.map(|value| NewKey {
            label: args.key_label.clone().unwrap_or_else(|| "default".into()),
            value,
        }),
        Err(e) => return io.refuse(&format!("could not read the key from stdin: {e}")),
    };
    // Checked before anything is made: a refused limit leaves no backend behind.
    let limits = match args
        .limits
        .over(&switchyard_store::BackendLimits::default())
    {
        Ok(l) => l,
        Err(e) => return io.report(&e),
    };
    let draft = args.draft();
    let checked = app
        .backends()
        .validate(draft.clone(), None, key.clone())
        .await;
    match checked {
        Ok(v) if v.is_ok() => io.issues(&v),
        Ok(v) => {
            io.issues(&v);
            let no_model = v.issues.iter().any(|i| i.field == Field::DefaultModel);
            if no_model && args.model.is_none() {
                let _ = writeln!(
                    io.stderr,
                    "switchyard: hint: {} has no default model; pass --model MODEL",
                    args.kind.cli_name()
                );
            }
            return 1;
        }
        Err(e) => return io.report(&e),
    }
    let made = match app.backends().create(draft, key).await {
        Ok(view) => view,
        Err(e) => return io.report(&e),
    };
    if args.limits.given() {
        if let Err(e) = app.backends().set_limits(made.row.id.clone(), limits).await {
            // Checked above; should the save fail anyway, no backend stays without its limits.
            let _ = app.backends().delete(made.row.id.clone()).await;
            return io.report(&e);
        }
    }
    io.out(&format!("{}\n", made.row.id))
}

/// One backend as `backend list --json` prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BackendLine {
    pub id: String,
    pub name: String,
    /// The stable id (`openAi`, `openAiCompatible`, …), accepted by `--kind`.
    pub kind: &'static str,
    /// As saved (`""` for the built-in Demo backend, whose address changes every run).
    pub base_url: String,
    pub default_model: String,
    pub enabled: bool,
    pub key_count: u32,
}

/// `switchyard backend list [--json]`.
async fn list(app: &Switchyard, json: bool, io: &mut Io<'_>) -> u8 {
    let lines: Vec<BackendLine> = match app.backends().list().await {
        Ok(list) => list
            .into_iter()
            .map(|b| BackendLine {
                key_count: u32::try_from(b.keys.len()).unwrap_or(u32::MAX),
                id: b.row.id,
                name: b.row.name,
                kind: b.row.kind.as_str(),
                base_url: b.row.base_url,
                default_model: b.row.default_model,
                enabled: b.row.enabled,
            })
            .collect(),
        Err(e) => return io.report(&e),
    };
    let text = if json { pretty(&lines) } else { table(&lines) };
    io.out(&text)
}

/// The human listing: a header, then one aligned line per backend.
pub fn table(lines: &[BackendLine]) -> String {
    let mut rows = vec![[
        "NAME".to_string(),
        "KIND".into(),
        "BASE URL".into(),
        "ENABLED".into(),
        "KEYS".into(),
    ]];
    rows.extend(lines.iter().map(|l| {
        let url = match l.base_url.as_str() {
            "" => "(built in)".to_string(),
            u => u.to_string(),
        };
        let enabled = if l.enabled { "yes" } else { "no" };
        [
            l.name.clone(),
            l.kind.to_string(),
            url,
            enabled.to_string(),
            l.key_count.to_string(),
        ]
    }));
    super::io::aligned(&rows)
}

fn status(b: &switchyard_app::BackendView) -> String {
    format!("{:?}", b.status).to_lowercase()
}

fn show(b: &switchyard_app::BackendView) -> String {
    let keys: Vec<String> = b
        .keys
        .iter()
        .map(|k| format!("{} ({})", k.row.label, k.row.hint))
        .collect();
    format!(
        "{}\n  id: {}\n  kind: {}\n  base URL: {}\n  model: {}\n  enabled: {}\n  status: {}\n  limits: {}\n  keys: {}\n",
        b.row.name,
        b.row.id,
        b.row.kind.as_str(),
        b.row.base_url,
        b.row.default_model,
        b.row.enabled,
        status(b),
        super::backend_limits::described(&b.row.limits),
        if keys.is_empty() {
            "none".into()
        } else {
            keys.join(", ")
        }
    )
}

pub(crate) fn backend_json(b: &switchyard_app::BackendView) -> serde_json::Value {
    serde_json::json!({
        "id": b.row.id,
        "name": b.row.name,
        "kind": b.row.kind.as_str(),
        "baseUrl": b.row.base_url,
        "defaultModel": b.row.default_model,
        "enabled": b.row.enabled,
        "status": status(b),
        "maxInFlight": b.row.limits.max_in_flight,
        "requestsPerMinute": b.row.limits.rpm,
        "tokensPerMinute": b.row.limits.tpm,
        "keys": b.keys.iter().map(|k| serde_json::json!({"label": k.row.label, "hint": k.row.hint})).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
#[path = "backend_tests.rs"]
mod tests;
