//! The sweep over the Windows and macOS places, on Linux: a PowerShell profile (PowerShell 7's
//! place here, `~/.config/powershell`), and the user's environment store — Linux has none, so an
//! in-memory one named `HKCU\Environment` stands in; the real registry runs the same moves under
//! Wine (`tests/wine/check_wine.py`). A variable moved out is gone from the store, its key in the
//! keychain, and "Put back" sets it again with its type; a variable changed since the scan, a
//! store that refuses, and a value set again meanwhile each leave everything as it was.

use super::tools::{start_tools_custom, write};
use super::*;
use std::io;
use std::sync::Mutex;
use switchyard_app::tools::user_env::{EnvVar, UserEnv};
use switchyard_mock::MockServer;

pub const STORE: &str = r"HKCU\Environment";
const KEY: &str = "sk-proj-CANARYenvSt0reK3yXq2Lm9Rt4Wv8Yz3Bc6Df1Gh5Jk7";
const PS_KEY: &str = "sk-ant-api03-CANARYpsProfi1eK3y7Hq2Lm9Rt4Wv8Yz3Bc6Df1";

/// An in-memory `HKCU\Environment`.
#[derive(Default)]
pub struct Registry {
    pub vars: Mutex<Vec<EnvVar>>,
    pub refuse_writes: Mutex<bool>,
}

impl Registry {
    pub fn with(vars: &[(&str, &str, bool)]) -> Arc<Registry> {
        let r = Registry::default();
        *r.vars.lock().unwrap() = vars
            .iter()
            .map(|&(name, value, expand)| EnvVar {
                name: name.into(),
                value: value.into(),
                expand,
            })
            .collect();
        Arc::new(r)
    }

    pub fn get(&self, name: &str) -> Option<EnvVar> {
        self.vars
            .lock()
            .unwrap()
            .iter()
            .find(|v| v.name == name)
            .cloned()
    }
}

impl UserEnv for Registry {
    fn name(&self) -> Option<&str> {
        Some(STORE)
    }
    fn vars(&self, _names: &[&str]) -> io::Result<Vec<EnvVar>> {
        Ok(self.vars.lock().unwrap().clone())
    }
    fn remove(&self, name: &str) -> io::Result<()> {
        if *self.refuse_writes.lock().unwrap() {
            return Err(io::Error::from(io::ErrorKind::PermissionDenied));
        }
        self.vars.lock().unwrap().retain(|v| v.name != name);
        Ok(())
    }
    fn set(&self, var: &EnvVar) -> io::Result<()> {
        self.remove(&var.name)?;
        self.vars.lock().unwrap().push(var.clone());
        Ok(())
    }
}

async fn start(registry: &Arc<Registry>) -> (Switchyard, tempfile::TempDir, tempfile::TempDir) {
    let env: Arc<dyn UserEnv> = registry.clone();
    start_tools_custom(Arc::new(MemoryStore::new()), move |o| o.user_env = env).await
}

async fn openai_backend(app: &Switchyard, mock: &MockServer) -> String {
    add_on_mock(app, BackendKind::OpenAi, "OpenAI", mock, None)
        .await
        .row
        .id
}

async fn mock_accepting(keys: &[&str]) -> MockServer {
    MockServer::start(MockConfig {
        accepted_keys: Some(keys.iter().map(|k| k.to_string()).collect()),
        ..MockConfig::instant()
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn registry_variables_and_powershell_profiles_are_found_moved_and_put_back() {
    let registry = Registry::with(&[
        (
            "Path",
            r"%USERPROFILE%\AppData\Local\Microsoft\WindowsApps;",
            true,
        ),
        ("OPENAI_API_KEY", KEY, true),
        ("TEMP", r"%USERPROFILE%\AppData\Local\Temp", true),
    ]);
    let (app, data, home) = start(&registry).await;
    let mock = mock_accepting(&[KEY]).await;
    let openai = openai_backend(&app, &mock).await;
    let profile = home
        .path()
        .join(".config/powershell/Microsoft.PowerShell_profile.ps1");
    let profile_text =
        format!("Set-PSReadLineOption -EditMode Emacs\r\n$env:ANTHROPIC_API_KEY = '{PS_KEY}'\r\n");
    write(&profile, &profile_text);

    let scan = app.key_sweep().find_keys(vec![]).await.unwrap();
    let got: Vec<(&str, u32, &str)> = scan
        .findings
        .iter()
        .map(|f| (f.path.as_str(), f.line, f.variable.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "~/.config/powershell/Microsoft.PowerShell_profile.ps1",
                2,
                "ANTHROPIC_API_KEY"
            ),
            (STORE, 0, "OPENAI_API_KEY"),
        ],
        "{scan:?}"
    );
    assert!(!format!("{scan:?}").contains(KEY));

    let env_finding = scan.findings[1].clone();
    let moved = app
        .key_sweep()
        .move_key(env_finding.id.clone(), vec![], Some(openai.clone()))
        .await
        .unwrap();
    assert_eq!((moved.path.as_str(), moved.line), (STORE, 0));
    assert_eq!(
        (
            moved.backend.as_str(),
            moved.tested.as_deref().unwrap_or("")
        ),
        ("OpenAI", "valid")
    );
    assert!(
        registry.get("OPENAI_API_KEY").is_none(),
        "taken out of the store"
    );
    assert!(registry.get("Path").is_some(), "nothing else touched");
    let view = app.backends().get(&openai).await.unwrap();
    assert_eq!(view.keys.len(), 1);
    assert_eq!(view.keys[0].row.label, "environment");
    app.flush_ledger();
    assert_eq!(files_containing(data.path(), KEY), Vec::<String>::new());
    assert!(app
        .key_sweep()
        .find_keys(vec![])
        .await
        .unwrap()
        .findings
        .iter()
        .all(|f| f.path != STORE));

    app.key_sweep().restore_key(moved.id.clone()).await.unwrap();
    let back = registry.get("OPENAI_API_KEY").unwrap();
    assert_eq!(
        (back.value.as_str(), back.expand),
        (KEY, true),
        "set again, type kept"
    );
    assert_eq!(std::fs::read_to_string(&profile).unwrap(), profile_text);
}

#[tokio::test]
async fn a_variable_changed_since_the_scan_or_a_store_that_refuses_leaves_everything() {
    let other = "sk-proj-CANARYanotherK3yPastedIn7Xq2Lm9Rt4Wv8Yz3Bc6Df";
    let registry = Registry::with(&[("OPENAI_API_KEY", KEY, false)]);
    let (app, _data, _home) = start(&registry).await;
    let mock = mock_accepting(&[KEY, other]).await;
    let openai = openai_backend(&app, &mock).await;
    let id = app.key_sweep().find_keys(vec![]).await.unwrap().findings[0]
        .id
        .clone();

    // The store refuses the removal: the key stays in the store, no move is recorded.
    *registry.refuse_writes.lock().unwrap() = true;
    let err = app
        .key_sweep()
        .move_key(id.clone(), vec![], Some(openai.clone()))
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains(&format!("Cannot remove OPENAI_API_KEY from {STORE}")),
        "{err}"
    );
    assert!(!err.to_string().contains(KEY));
    assert_eq!(registry.get("OPENAI_API_KEY").unwrap().value, KEY);
    assert!(app.key_sweep().key_moves().await.unwrap().is_empty());
    *registry.refuse_writes.lock().unwrap() = false;

    // Changed after the scan: the finding no longer matches.
    registry
        .set(&EnvVar {
            name: "OPENAI_API_KEY".into(),
            value: other.into(),
            expand: false,
        })
        .unwrap();
    let err = app
        .key_sweep()
        .move_key(id, vec![], Some(openai.clone()))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("scan again"), "{err}");
    assert_eq!(registry.get("OPENAI_API_KEY").unwrap().value, other);

    // Moved, then set again by the user to another value: "Put back" leaves theirs.
    let id = app.key_sweep().find_keys(vec![]).await.unwrap().findings[0]
        .id
        .clone();
    let moved = app
        .key_sweep()
        .move_key(id, vec![], Some(openai))
        .await
        .unwrap();
    registry
        .set(&EnvVar {
            name: "OPENAI_API_KEY".into(),
            value: KEY.into(),
            expand: false,
        })
        .unwrap();
    let err = app.key_sweep().restore_key(moved.id).await.unwrap_err();
    assert!(err.to_string().contains("set again"), "{err}");
    assert_eq!(registry.get("OPENAI_API_KEY").unwrap().value, KEY);
}
