//! What the panel does with each of the window's commands ([`route`]): the page's commands go to
//! the core as they are ([`switchyard_ipc::dispatch`]; the file commands take handles like any
//! other argument, which only the core resolves); the window's own commands get the panel's
//! answer; what only a desktop can do says so. Every command the window has gets one of these
//! (a test in the window's crate walks its whole list), so a new window command without a panel
//! route fails the build's tests, not a user.
//!
//! Who may call what is the authorization table's ([`Entry::panel_call`]: a command's own row,
//! or the row of every other command, which only the machine's operator — a panel token —
//! has). Where a row says `own`, the caller is narrowed by who it is, never by what the page
//! sent: a team token's console is its person's, its `app_info` names no folder of the
//! serving machine, and its team tokens are made and revoked through the team's [`Issuer`].

use serde_json::{json, Map, Value};
use switchyard_app::team::Issuer;
use switchyard_domain::authz::{self, Entry, Place, Sees, Verdict};
use switchyard_domain::TokenScope;
use switchyard_ipc::files::{FilePurpose, Holder};
use switchyard_ipc::team::console;
use switchyard_ipc::types::AppInfo;
use switchyard_ipc::{dispatch, Core, ErrorKind, IpcError, PAGE_COMMANDS};

/// How the panel answers one command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// The core runs it as the page sent it.
    Core,
    /// The panel answers it itself (the window's own commands).
    Panel,
    /// Only the desktop app does it; the answer says so (and what to do instead).
    DesktopOnly,
}

/// Who calls: the session's token's scope and person, where, and who its files belong to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub scope: TokenScope,
    pub owner: Option<String>,
    pub place: Place,
    /// The session's holder id for the files it reserves.
    pub holder: String,
}

impl Caller {
    /// The machine's operator: a panel token, which the table gives every command.
    fn is_operator(&self) -> bool {
        self.scope == TokenScope::Panel
    }

    fn verdict(&self, entry: Entry) -> Verdict {
        authz::verdict(entry, self.place, self.scope)
    }

    fn person(&self) -> Result<String, IpcError> {
        self.owner
            .clone()
            .ok_or_else(|| IpcError::new(ErrorKind::Forbidden, "This token belongs to no person."))
    }
}

fn not_yours() -> IpcError {
    IpcError::new(
        ErrorKind::Forbidden,
        "A team token opens the team console only: this replica's other settings need its panel token.",
    )
}

/// The window's own commands, and what the panel does for each.
const WINDOW_COMMANDS: &[(&str, Route)] = &[
    ("app_info", Route::Panel),
    ("choose_file", Route::Panel),
    ("install_update", Route::DesktopOnly),
    ("report_first_paint", Route::Panel),
    ("update_settings", Route::Panel),
];

/// The panel's route for `name`, or `None` for a command the window does not have.
pub fn route(name: &str) -> Option<Route> {
    if PAGE_COMMANDS.contains(&name) {
        return Some(Route::Core);
    }
    WINDOW_COMMANDS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, r)| *r)
}

/// The page's arguments under the names the core reads them by: the bindings send each
/// argument camelCased (`backendId`), as Tauri does; the core's command list names them in
/// snake case (`backend_id`). Only the top level: the values are the DTOs' own shapes.
pub fn core_args(args: Value) -> Value {
    let Value::Object(fields) = args else {
        return args;
    };
    let snake = |name: &str| {
        let mut out = String::with_capacity(name.len() + 4);
        for c in name.chars() {
            if c.is_ascii_uppercase() {
                out.push('_');
                out.push(c.to_ascii_lowercase());
            } else {
                out.push(c);
            }
        }
        out
    };
    Value::Object(fields.into_iter().map(|(k, v)| (snake(&k), v)).collect())
}

fn desktop_only(message: &str) -> IpcError {
    IpcError::new(ErrorKind::Unavailable, message)
}

/// What the window's `choose_file` is asked for, with the page's argument names in the core's
/// case (`fileName` → `file_name`, as every command's are: `core_args`).
#[derive(serde::Deserialize)]
struct Choose {
    purpose: FilePurpose,
    file_name: Option<String>,
}

/// `choose_file`: a place to write for an export or a report; a file to read must be
/// uploaded instead (the page does that before it calls).
pub fn choose(core: &Core, holder: &str, args: Value) -> Result<Value, IpcError> {
    let ask: Choose = serde_json::from_value(args).map_err(|_| {
        IpcError::new(
            ErrorKind::Validation,
            "The arguments of “choose_file” do not fit the command.",
        )
    })?;
    let name = ask.file_name.as_deref().unwrap_or("switchyard-export");
    let chosen = core
        .files()?
        .reserve(Holder::Session(holder.into()), ask.purpose, name)?;
    Ok(json!(chosen))
}

/// The arguments of a console command, as the page sends them.
#[derive(serde::Deserialize)]
struct NewTeamToken {
    name: String,
    owner: Option<String>,
    #[serde(default)]
    admin: bool,
}

#[derive(serde::Deserialize)]
struct TokenId {
    id: String,
}

fn parse<T: serde::de::DeserializeOwned>(name: &str, args: Value) -> Result<T, IpcError> {
    serde_json::from_value(args).map_err(|_| {
        IpcError::new(
            ErrorKind::Validation,
            format!("The arguments of “{name}” do not fit the command."),
        )
    })
}

/// The commands a team token's session calls as itself: narrowed by who it is.
async fn as_team_token(
    core: &Core,
    caller: &Caller,
    sees: Sees,
    name: &str,
    args: Value,
) -> Result<Option<Value>, IpcError> {
    let issuer = Issuer::console(caller.scope, caller.owner.clone());
    let value = match name {
        "team_console" => {
            let person = match sees {
                Sees::All => None,
                Sees::Own => Some(caller.person()?),
            };
            json!(console::team_console_for(core, person).await?)
        }
        "create_team_token" => {
            let ask: NewTeamToken = parse(name, args)?;
            let made = console::create_team_token_as(core, &issuer, ask.name, ask.owner, ask.admin);
            json!(made.await?)
        }
        "revoke_team_token" => {
            let TokenId { id } = parse(name, args)?;
            json!(console::revoke_team_token_as(core, &issuer, id).await?)
        }
        "app_info" if sees == Sees::Own => {
            let info: AppInfo = serde_json::from_value(dispatch(core, name, json!({})).await?)
                .map_err(|_| IpcError::new(ErrorKind::Internal, "The version cannot be read."))?;
            json!(info.without_paths())
        }
        _ => return Ok(None),
    };
    Ok(Some(value))
}

/// Runs `name` for the panel, as the table lets `caller`.
pub async fn call(
    core: &Core,
    caller: &Caller,
    name: &str,
    args: Value,
) -> Result<Value, IpcError> {
    let Some(route) = route(name) else {
        return Err(IpcError::new(
            ErrorKind::NotFound,
            format!("The panel has no command “{name}”; is the page newer than the core?"),
        ));
    };
    let Verdict::Allowed(sees) = caller.verdict(Entry::panel_call(name)) else {
        return Err(not_yours());
    };
    let args = core_args(args);
    if !caller.is_operator() {
        if let Some(answer) = as_team_token(core, caller, sees, name, args.clone()).await? {
            return Ok(answer);
        }
    }
    match route {
        Route::Core => dispatch(core, name, args).await,
        Route::Panel => panel_command(core, caller, name, args).await,
        Route::DesktopOnly => Err(desktop_only(
            "Install and restart belongs to the desktop app. On the machine running Switchyard, `switchyard update apply` installs the update.",
        )),
    }
}

async fn panel_command(
    core: &Core,
    caller: &Caller,
    name: &str,
    args: Value,
) -> Result<Value, IpcError> {
    match name {
        // The core's answer; there is no window whose first paint it could measure.
        "app_info" => dispatch(core, name, json!({})).await,
        "report_first_paint" => Ok(json!(0)),
        "choose_file" => choose(core, &caller.holder, args),
        "update_settings" => {
            let Some(form) = args.get("settings").cloned() else {
                return Err(IpcError::new(
                    ErrorKind::Validation,
                    "The arguments of “update_settings” do not fit the command.",
                ));
            };
            let saved = dispatch(core, "get_settings", json!({})).await?;
            if form.get("startAtLogin") != saved.get("startAtLogin") {
                return Err(desktop_only(
                    "Start at login belongs to the desktop app: turn it on in the window on the machine that should start Switchyard.",
                ));
            }
            let mut body = Map::new();
            body.insert("settings".into(), form);
            dispatch(core, "save_settings", Value::Object(body)).await
        }
        _ => Err(IpcError::new(
            ErrorKind::Internal,
            format!("The panel lists “{name}” but does not answer it."),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_are_renamed_at_the_top_level_only() {
        let args = json!({"backendId": "b", "runId": "r", "form": {"baseUrl": "x"}, "ids": [1]});
        assert_eq!(
            core_args(args),
            json!({"backend_id": "b", "run_id": "r", "form": {"baseUrl": "x"}, "ids": [1]})
        );
    }

    fn caller(scope: TokenScope, place: Place) -> Caller {
        Caller {
            scope,
            owner: Some("bo".into()),
            place,
            holder: "h".into(),
        }
    }

    #[test]
    fn a_team_token_gets_the_console_only_and_a_person_their_own() {
        let person = caller(TokenScope::Gateway, Place::Replica);
        let admin = caller(TokenScope::Admin, Place::Replica);
        for name in [
            "list_backends",
            "create_token",
            "reveal_key",
            "export_config",
            "choose_file",
            "scan_import",
            // The providers' books and the organization admin keys that read them.
            "books_report",
            "books_read",
            "admin_keys_list",
            "admin_key_add",
            "admin_key_remove",
            "books_choose_key",
        ] {
            for who in [&person, &admin] {
                assert_eq!(
                    who.verdict(Entry::panel_call(name)),
                    Verdict::Refused,
                    "{name} is the operator's, not a {:?} token's",
                    who.scope
                );
            }
        }
        assert_eq!(
            person.verdict(Entry::panel_call("team_console")),
            Verdict::Allowed(Sees::Own)
        );
        assert_eq!(
            person.verdict(Entry::panel_call("create_team_token")),
            Verdict::Refused
        );
        assert_eq!(
            admin.verdict(Entry::panel_call("team_console")),
            Verdict::Allowed(Sees::All)
        );
        assert_eq!(
            person.verdict(Entry::panel_call("app_info")),
            Verdict::Allowed(Sees::Own)
        );
        let operator = caller(TokenScope::Panel, Place::Desktop);
        assert!(operator.is_operator());
        assert_eq!(
            operator.verdict(Entry::panel_call("reveal_key")),
            Verdict::Allowed(Sees::All)
        );
    }

    #[test]
    fn every_listed_command_has_a_route_and_unknown_ones_none() {
        for name in PAGE_COMMANDS {
            assert_eq!(route(name), Some(Route::Core), "{name}");
        }
        assert_eq!(route("install_update"), Some(Route::DesktopOnly));
        assert_eq!(route("plugin:dialog|open"), None);
    }
}
