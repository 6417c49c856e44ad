//! What the panel does with each of the window's commands ([`route`]): the page's commands go to
//! the core as they are ([`switchyard_ipc::dispatch`]); a file command's file ids become the paths
//! the panel stored its uploads and downloads at; the window's own commands get the panel's
//! answer; what only a desktop can do says so. Every command the window has gets one of these
//! (a test in the window's crate walks its whole list), so a new window command without a panel
//! route fails the build's tests, not a user.

use crate::files::Files;
use serde_json::{json, Map, Value};
use switchyard_ipc::{dispatch, Core, ErrorKind, IpcError, FILE_COMMANDS, PAGE_COMMANDS};

/// How the panel answers one command.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// The core runs it as the page sent it.
    Core,
    /// The core runs it once its file ids are paths.
    File,
    /// The panel answers it itself (the window's own commands).
    Panel,
    /// Only the desktop app does it; the answer says so (and what to do instead).
    DesktopOnly,
}

/// Who calls, as the session's token and place decide (`api::role`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    /// This machine's panel token (or any token the table lets open a desktop's panel): every
    /// command, as the window.
    Operator,
    /// A team admin's token on a replica: the team console.
    TeamAdmin,
    /// A person's team token on a replica: the console narrowed to them.
    Person(String),
}

/// What a team token's session may call on a replica: the console, and what the page needs to
/// draw itself.
const TEAM_CONSOLE: &[&str] = &[
    "app_info",
    "get_settings",
    "report_first_paint",
    "revoke_team_token",
    "team_console",
];
/// What only a team admin adds.
const TEAM_ADMIN: &[&str] = &["create_team_token"];

/// `args` for `role`, or why the command is not for it. A person's session is narrowed to that
/// person whatever the page sent.
fn for_role(role: &Role, name: &str, mut args: Value) -> Result<Value, IpcError> {
    let allowed = match role {
        Role::Operator => return Ok(args),
        Role::TeamAdmin => TEAM_CONSOLE.contains(&name) || TEAM_ADMIN.contains(&name),
        Role::Person(_) => TEAM_CONSOLE.contains(&name),
    };
    if !allowed {
        return Err(IpcError::new(
            ErrorKind::Unavailable,
            "A team token opens the team console only: this replica's other settings need its panel token.",
        ));
    }
    if let (Role::Person(person), Value::Object(fields)) = (role, &mut args) {
        if fields.contains_key("person") || matches!(name, "team_console" | "revoke_team_token") {
            fields.insert("person".into(), json!(person));
        }
    }
    Ok(args)
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
    if FILE_COMMANDS.contains(&name) {
        return Some(Route::File);
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

/// Runs `name` for the panel, as `role` may.
pub async fn call(
    core: &Core,
    files: &Files,
    role: &Role,
    name: &str,
    args: Value,
) -> Result<Value, IpcError> {
    let Some(route) = route(name) else {
        return Err(IpcError::new(
            ErrorKind::NotFound,
            format!("The panel has no command “{name}”; is the page newer than the core?"),
        ));
    };
    let args = for_role(role, name, core_args(args))?;
    match route {
        Route::Core => dispatch(core, name, args).await,
        Route::File => Ok(files.shown(dispatch(core, name, files.core_args(name, args)?).await?)),
        Route::Panel => panel_command(core, files, name, args).await,
        Route::DesktopOnly => Err(desktop_only(
            "Install and restart belongs to the desktop app. On the machine running Switchyard, `switchyard update apply` installs the update.",
        )),
    }
}

async fn panel_command(
    core: &Core,
    files: &Files,
    name: &str,
    args: Value,
) -> Result<Value, IpcError> {
    match name {
        // The core's answer; there is no window whose first paint it could measure.
        "app_info" => dispatch(core, name, json!({})).await,
        "report_first_paint" => Ok(json!(0)),
        "choose_file" => files.choose(&args),
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

    #[test]
    fn a_team_token_gets_the_console_only_and_a_person_their_own() {
        let person = Role::Person("bo".into());
        let narrowed = for_role(&person, "team_console", json!({"person": null})).unwrap();
        assert_eq!(narrowed, json!({"person": "bo"}), "whatever the page asked");
        let narrowed = for_role(
            &person,
            "revoke_team_token",
            json!({"id": "t1", "person": "ana"}),
        );
        assert_eq!(narrowed.unwrap(), json!({"id": "t1", "person": "bo"}));
        for name in [
            "create_team_token",
            "list_backends",
            "create_token",
            "reveal_key",
        ] {
            assert!(
                for_role(&person, name, json!({})).is_err(),
                "{name} is not a person's"
            );
        }
        assert!(for_role(&Role::TeamAdmin, "create_team_token", json!({})).is_ok());
        assert!(for_role(&Role::TeamAdmin, "list_backends", json!({})).is_err());
        assert!(
            for_role(&Role::TeamAdmin, "reveal_key", json!({})).is_err(),
            "no team token reveals a key"
        );
        let admin = for_role(&Role::TeamAdmin, "team_console", json!({"person": null}));
        assert_eq!(
            admin.unwrap(),
            json!({"person": null}),
            "an admin sees the team"
        );
        assert!(for_role(&Role::Operator, "list_backends", json!({})).is_ok());
    }

    #[test]
    fn every_listed_command_has_a_route_and_unknown_ones_none() {
        for name in PAGE_COMMANDS {
            assert_eq!(route(name), Some(Route::Core), "{name}");
        }
        for name in FILE_COMMANDS {
            assert_eq!(route(name), Some(Route::File), "{name}");
        }
        assert_eq!(route("install_update"), Some(Route::DesktopOnly));
        assert_eq!(route("plugin:dialog|open"), None);
    }
}
