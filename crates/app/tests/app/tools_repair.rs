//! A connect that dies half-way (an injected abort in the real `switchyard-serve` process) is
//! repaired at the next start: before the rename it is rolled back (file untouched, temp file
//! gone, token revoked); after the rename it is finished (connected, and Disconnect restores
//! the original bytes). Uses the real keychain, so it runs in ./dev test's session.

use std::path::Path;
use std::process::{Command, Output};

const CODEX: &str = "# mine\nmodel = \"gpt-5\"\n\n[profiles.fast]\nmodel = \"gpt-5-mini\"\n";

fn serve(data: &Path, home: &Path, service: &str, fault: Option<&str>, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_switchyard-serve"));
    cmd.args(args)
        .env("SWITCHYARD_DATA_DIR", data)
        .env("SWITCHYARD_KEYRING_SERVICE", service)
        .env("SWITCHYARD_GATEWAY_PORT", "4999")
        .env("HOME", home)
        .env_remove("CODEX_HOME")
        .env_remove("XDG_CONFIG_HOME")
        .env_remove("SWITCHYARD_FAULT");
    if let Some(f) = fault {
        cmd.env("SWITCHYARD_FAULT", f);
    }
    cmd.output().unwrap()
}

fn tools_json(data: &Path, home: &Path, service: &str) -> serde_json::Value {
    let out = serve(data, home, service, None, &["tools", "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn codex_connected(list: &serde_json::Value) -> bool {
    list.as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == "codex")
        .unwrap()["connected"]
        == true
}

#[test]
#[ignore = "needs an unlocked Secret Service: runs in ./dev test's session"]
fn an_interrupted_connect_is_rolled_back_or_finished_at_the_next_start() {
    let (data, home) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let service = format!("switchyard-test-repair-{}", std::process::id());
    let config = home.path().join(".codex/config.toml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(&config, CODEX).unwrap();
    let tmp = home.path().join(".codex/config.toml.switchyard-tmp");

    // Dies between the journal and the rename.
    let out = serve(
        data.path(),
        home.path(),
        &service,
        Some("connect-before-rename"),
        &["connect", "codex"],
    );
    assert!(!out.status.success(), "the injected fault aborts");
    assert_eq!(
        std::fs::read_to_string(&config).unwrap(),
        CODEX,
        "the rename never happened"
    );
    assert!(tmp.exists(), "the staged file is left behind by the crash");
    let list = tools_json(data.path(), home.path(), &service);
    assert!(!codex_connected(&list), "rolled back: {list}");
    assert!(!tmp.exists(), "the next start removes the temp file");
    assert_eq!(std::fs::read_to_string(&config).unwrap(), CODEX);
    let tokens = serve(data.path(), home.path(), &service, None, &["token", "list"]);
    let tokens = String::from_utf8_lossy(&tokens.stdout);
    assert!(
        tokens.contains("codex") && tokens.contains("revoked"),
        "its token is revoked: {tokens}"
    );

    // Dies after the rename, before the journal's end: finished at the next start.
    let out = serve(
        data.path(),
        home.path(),
        &service,
        Some("connect-after-rename"),
        &["connect", "codex"],
    );
    assert!(!out.status.success());
    assert!(std::fs::read_to_string(&config)
        .unwrap()
        .contains("model_provider = \"switchyard\""));
    let list = tools_json(data.path(), home.path(), &service);
    assert!(codex_connected(&list), "finished: {list}");
    let out = serve(
        data.path(),
        home.path(),
        &service,
        None,
        &["disconnect", "codex"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(&config).unwrap(),
        CODEX,
        "byte for byte"
    );

    // A reconnect that dies before its rename: rolled back to "not connected", the previous
    // connection's keys undone too (its record was kept until the new one was done).
    let out = serve(
        data.path(),
        home.path(),
        &service,
        None,
        &["connect", "codex"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = serve(
        data.path(),
        home.path(),
        &service,
        Some("connect-before-rename"),
        &["connect", "codex", "--model", "other"],
    );
    assert!(!out.status.success());
    let list = tools_json(data.path(), home.path(), &service);
    assert!(!codex_connected(&list), "rolled back: {list}");
    assert_eq!(
        std::fs::read_to_string(&config).unwrap(),
        CODEX,
        "back to the user's bytes"
    );
    let tokens = serve(data.path(), home.path(), &service, None, &["token", "list"]);
    let tokens = String::from_utf8_lossy(&tokens.stdout);
    assert!(
        !tokens
            .lines()
            .any(|l| l.starts_with("codex") && !l.contains("revoked")),
        "no codex token left active: {tokens}"
    );

    // The tool saves its file while Switchyard connects: nothing is replaced, no token is left.
    let out = serve(
        data.path(),
        home.path(),
        &service,
        Some("touch-before-rename"),
        &["connect", "codex"],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("changed while Switchyard was connecting"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(&config).unwrap(),
        format!("{CODEX}\n"),
        "the tool's save is kept"
    );
    assert!(!tmp.exists());
    let list = tools_json(data.path(), home.path(), &service);
    assert!(!codex_connected(&list), "{list}");
    let tokens = serve(data.path(), home.path(), &service, None, &["token", "list"]);
    let tokens = String::from_utf8_lossy(&tokens.stdout);
    assert!(
        !tokens
            .lines()
            .any(|l| l.starts_with("codex") && !l.contains("revoked")),
        "{tokens}"
    );
}
