//! How a tool signed in to its own vendor's plan is connected (issue 74): with its plan first
//! and the user's keys or a route when the plan's window runs out (the default when a plan
//! sign-in is found), with its plan only, or with API keys through the gateway as any tool.
//! Connect asks, never assumes: a plan sign-in is looked for by its file's presence only (its
//! value is never read), and the user's word (`--plan`, `--keys`) wins.

use super::service::Tools;
use switchyard_app::AppError;
use switchyard_domain::{Overflow, PlanRefused, Subscription, Vendor};
use switchyard_toolconfig::{Home, ToolId};

/// How the user asked a tool to be connected.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Way {
    /// Its plan when a plan sign-in is found (overflow to the user's keys), else API keys.
    #[default]
    Auto,
    /// API keys through the gateway, as every tool (the plan's sign-in is not used).
    Keys,
    /// Its plan, with this overflow; at the vendor's own host unless `host` names another
    /// (a proxy of the user's, a test server).
    Plan {
        overflow: Overflow,
        host: Option<String>,
    },
}

/// The vendor whose plan `tool` signs in to, if it has one Switchyard can pass through.
pub fn plan_vendor(tool: ToolId) -> Option<Vendor> {
    match tool {
        ToolId::ClaudeCode => Some(Vendor::Anthropic),
        ToolId::Codex => Some(Vendor::ChatGpt),
        _ => None,
    }
}

/// Whether `tool` is signed in to its vendor's plan on this machine: its credential file is
/// there (presence only, never read); on macOS, Claude Code's login-keychain item.
pub fn plan_found(tool: ToolId, home: &Home) -> bool {
    let Some(file) = switchyard_toolconfig::sign_in_file(tool, home) else {
        return false;
    };
    file.is_file() || (cfg!(target_os = "macos") && mac_keychain_item(tool))
}

/// Whether the login keychain has the tool's plan item, asked without its value (`security`
/// prints the item's attributes only without `-w`/`-g`; its output is not read).
fn mac_keychain_item(tool: ToolId) -> bool {
    let service = match tool {
        ToolId::ClaudeCode => "Claude Code-credentials",
        _ => return false,
    };
    std::process::Command::new("/usr/bin/security")
        .args(["find-generic-password", "-s", service])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The plan `tool` is connected with for `way`, or `None` (API keys). `Auto` keeps the way of
/// the connection it replaces (`old`: a reconnect), else takes the plan when its sign-in is
/// found. Refused: a plan for a tool without one, through a team gateway, at a host a sign-in
/// may not go to, or overflowing to a route that does not exist.
pub(crate) fn subscription(
    inner: &Tools,
    (tool, way): (ToolId, &Way),
    team: bool,
    old: Option<&switchyard_store::ConnectionRow>,
    home: &Home,
) -> Result<Option<Subscription>, AppError> {
    let vendor = plan_vendor(tool);
    let kept = || -> Result<Option<Option<Subscription>>, AppError> {
        let Some(token) = old.and_then(|r| r.token_id.as_deref()) else {
            return Ok(None);
        };
        let rows = inner.token_rows.list_tokens()?;
        let row = rows.into_iter().find(|t| t.id == token);
        Ok(row.map(|t| t.subscription))
    };
    if matches!(way, Way::Auto) && vendor.is_some() && !team {
        if let Some(previous) = kept()? {
            return Ok(previous);
        }
    }
    let (overflow, host) = match (way, vendor) {
        (Way::Keys, _) | (Way::Auto, None) => return Ok(None),
        (Way::Auto, Some(_)) if team || !plan_found(tool, home) => return Ok(None),
        (Way::Auto, Some(_)) => (Overflow::Keys, None),
        (Way::Plan { .. }, None) => return Err(PlanRefused::NoPlan { tool: tool.label() }.into()),
        (Way::Plan { .. }, Some(_)) if team => return Err(PlanRefused::ThroughTeam.into()),
        (Way::Plan { overflow, host }, Some(_)) => (overflow.clone(), host.clone()),
    };
    let Some(vendor) = vendor else {
        return Ok(None);
    };
    if let Overflow::Route(name) = &overflow {
        let routes = inner.routes.list_routes()?;
        if !routes.iter().any(|r| r.name.eq_ignore_ascii_case(name)) {
            return Err(AppError::NoSuch {
                what: "route",
                name: name.clone(),
            });
        }
    }
    let host = match host {
        Some(h) => switchyard_domain::subscription::checked_host(&h).map_err(PlanRefused::Host)?,
        None => vendor.official_host().to_string(),
    };
    Ok(Some(Subscription {
        vendor,
        host,
        overflow,
    }))
}

/// Keeps the plan with the tool's token, and has the gateway read it at once.
pub(crate) fn keep(
    inner: &Tools,
    token_id: &str,
    subscription: Option<&Subscription>,
) -> Result<(), AppError> {
    inner.token_rows.set_subscription(token_id, subscription)?;
    inner.tokens.index().reload(&inner.token_rows)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plan_is_found_by_its_files_presence_only() {
        let dir = tempfile::tempdir().unwrap();
        let home = Home {
            home: dir.path().to_path_buf(),
            vars: Default::default(),
            env_store: None,
        };
        assert!(!plan_found(ToolId::ClaudeCode, &home));
        std::fs::create_dir_all(dir.path().join(".claude")).unwrap();
        // Unreadable content does not matter: it is never read.
        std::fs::write(dir.path().join(".claude/.credentials.json"), [0xff, 0xfe]).unwrap();
        assert!(plan_found(ToolId::ClaudeCode, &home));
        assert!(!plan_found(ToolId::Codex, &home));
    }
}
