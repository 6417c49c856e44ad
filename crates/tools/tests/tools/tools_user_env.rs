//! Copilot CLI on Windows: it reads its provider from the environment only, and a Windows shell
//! (cmd, PowerShell, Git Bash) starts with the user's `HKCU\Environment`, so that is where
//! Connect sets its variables. Linux has no such store: the in-memory one of the sweep's tests
//! stands in (the registry itself runs under Wine, `tests/wine/check_wine.py`). Connect sets only
//! Copilot's variables, with a token that answers through the gateway, and writes no file;
//! Disconnect puts back each variable as it was (value and type); a store that refuses leaves
//! nothing set and nothing connected.

use super::tools::start_tools_custom;
use super::tools_sweep_env::{Registry, STORE};
use super::*;
use std::path::PathBuf;
use switchyard_app::tools::user_env::{EnvVar, UserEnv};
use switchyard_toolconfig::ToolId;
use switchyard_tools::ConnectChoice;

/// A core whose tools' home keeps shell variables in `registry`, as Windows does.
async fn start(registry: &Arc<Registry>) -> (Switchyard, tempfile::TempDir, tempfile::TempDir) {
    let env: Arc<dyn UserEnv> = registry.clone();
    start_tools_custom(Arc::new(MemoryStore::new()), move |o| {
        o.user_env = env;
        if let Some(home) = o.tools_home.as_mut() {
            home.env_store = Some(STORE.into());
        }
    })
    .await
}

fn sorted(registry: &Registry) -> Vec<EnvVar> {
    let mut vars = registry.vars.lock().unwrap().clone();
    vars.sort_by(|a, b| a.name.cmp(&b.name));
    vars
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[tokio::test]
async fn copilot_cli_is_set_in_the_user_environment_and_put_back_as_it_was() {
    let registry = Registry::with(&[
        (
            "Path",
            r"%USERPROFILE%\AppData\Local\Microsoft\WindowsApps;",
            true,
        ),
        // The user's own model choice, an expandable string: replaced, then put back as one.
        ("COPILOT_MODEL", "%MY_MODEL%", true),
        ("COPILOT_OFFLINE", "true", false),
    ]);
    let before = sorted(&registry);
    let (app, _data, home) = start(&registry).await;
    let tools = switchyard_tools::Tools::new(&app);
    let report = tools
        .connect(ToolId::CopilotCli, ConnectChoice::default())
        .await
        .unwrap();
    assert_eq!(report.files.changed, [STORE], "{report:?}");
    assert!(report.files.backups.len() == 1, "{report:?}");
    assert!(
        files_under(home.path()).is_empty(),
        "no file is written: {:?}",
        files_under(home.path())
    );
    let addr = app.gateway_addr().unwrap();
    let base = registry.get("COPILOT_PROVIDER_BASE_URL").unwrap();
    assert_eq!(base.value, format!("http://{addr}/v1"));
    let model = registry.get("COPILOT_MODEL").unwrap();
    assert_eq!(Some(&model.value), report.model.as_ref());
    assert!(model.expand, "the variable keeps its type");
    let token = registry.get("COPILOT_PROVIDER_API_KEY").unwrap().value;
    assert!(
        token.starts_with("sy-"),
        "a gateway token, not a provider key"
    );
    let answer = say_hi(addr, &token, &model.value).await;
    assert_eq!(
        answer.status(),
        200,
        "the token Copilot CLI is given answers"
    );
    for untouched in ["Path", "COPILOT_OFFLINE"] {
        assert_eq!(
            registry.get(untouched),
            before.iter().find(|v| v.name == untouched).cloned()
        );
    }
    // The Tools page reads where Copilot CLI points from the store.
    let status = tools.list().await.unwrap();
    let copilot = status
        .iter()
        .find(|s| s.tool == ToolId::CopilotCli)
        .unwrap();
    assert!(copilot.connected && !copilot.needs_reconnect, "{copilot:?}");
    assert_eq!(copilot.points_at.as_deref(), Some(base.value.as_str()));
    // The backup holds what the store held, with no token in it.
    let backup = std::fs::read_to_string(&report.files.backups[0]).unwrap();
    assert!(backup.contains("COPILOT_MODEL=%MY_MODEL%"), "{backup}");

    // A reconnect with another model, then Disconnect: every variable as it was.
    tools
        .connect(
            ToolId::CopilotCli,
            ConnectChoice {
                model: Some("mock-mini".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(registry.get("COPILOT_MODEL").unwrap().value, "mock-mini");
    let off = tools.disconnect(ToolId::CopilotCli).await.unwrap();
    assert_eq!(off.files.changed, [STORE]);
    assert_eq!(sorted(&registry), before, "the store is back as it was");
    assert!(files_under(home.path()).is_empty());
    let answer = say_hi(addr, &token, &model.value).await;
    assert_eq!(answer.status(), 401, "Disconnect revokes the token");
}

#[tokio::test]
async fn a_variable_the_user_changed_meanwhile_stays_on_disconnect() {
    let registry = Registry::with(&[]);
    let (app, _data, _home) = start(&registry).await;
    let tools = switchyard_tools::Tools::new(&app);
    tools
        .connect(ToolId::CopilotCli, ConnectChoice::default())
        .await
        .unwrap();
    registry
        .set(&EnvVar {
            name: "COPILOT_MODEL".into(),
            value: "my-own".into(),
            expand: false,
        })
        .unwrap();
    let off = tools.disconnect(ToolId::CopilotCli).await.unwrap();
    assert_eq!(off.files.kept, [format!("{STORE}: COPILOT_MODEL")]);
    let left: Vec<String> = sorted(&registry).into_iter().map(|v| v.name).collect();
    assert_eq!(
        left,
        ["COPILOT_MODEL"],
        "only the user's own change is left"
    );
}

#[tokio::test]
async fn a_store_that_refuses_leaves_nothing_set_and_nothing_connected() {
    let registry = Registry::with(&[("COPILOT_MODEL", "mine", false)]);
    *registry.refuse_writes.lock().unwrap() = true;
    let before = sorted(&registry);
    let (app, _data, _home) = start(&registry).await;
    let tools = switchyard_tools::Tools::new(&app);
    let e = tools
        .connect(ToolId::CopilotCli, ConnectChoice::default())
        .await
        .unwrap_err();
    let message = e.to_string();
    assert!(
        message.contains(&format!("in {STORE}")) && message.contains("Nothing was changed."),
        "{message}"
    );
    assert!(
        !message.contains("sy-"),
        "no token in the message: {message}"
    );
    assert_eq!(sorted(&registry), before);
    let status = tools.list().await.unwrap();
    let copilot = status
        .iter()
        .find(|s| s.tool == ToolId::CopilotCli)
        .unwrap();
    assert!(!copilot.connected, "{copilot:?}");
    let live: Vec<_> = app
        .tokens()
        .list()
        .await
        .unwrap()
        .into_iter()
        .filter(|t| t.revoked_at.is_none())
        .collect();
    assert!(
        live.is_empty(),
        "the token made for it is revoked: {live:?}"
    );
}
