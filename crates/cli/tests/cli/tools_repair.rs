//! A connect that dies half-way (an injected abort in the real `switchyard-serve` process) is
//! repaired at the next start: before the rename it is rolled back (file untouched, temp file
//! gone, token revoked); after the rename it is finished (connected, and Disconnect restores
//! the original bytes). A `serve` runs beside the commands throughout: a connect points a tool
//! only at a gateway this data folder runs. Uses the real keychain, so it runs in ./dev test's
//! session.

use std::path::Path;
use std::process::{Command, Output};
use switchyard_app_testing::process::Running;

const CODEX: &str = "# mine\nmodel = \"gpt-5\"\n\n[profiles.fast]\nmodel = \"gpt-5-mini\"\n";

/// `switchyard-serve` run on one data folder, HOME and keyring service.
struct Serve<'a> {
    data: &'a Path,
    home: &'a Path,
    service: &'a str,
}

impl Serve<'_> {
    /// Runs `args`, with the injected `fault` when given.
    fn run(&self, fault: Option<&str>, args: &[&str]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_switchyard-serve"));
        cmd.args(args)
            .env("SWITCHYARD_DATA_DIR", self.data)
            .env("SWITCHYARD_KEYRING_SERVICE", self.service)
            .env("HOME", self.home)
            .env_remove("CODEX_HOME")
            .env_remove("XDG_CONFIG_HOME")
            .env_remove("SWITCHYARD_FAULT");
        if let Some(f) = fault {
            cmd.env("SWITCHYARD_FAULT", f);
        }
        cmd.output().unwrap()
    }

    /// `serve` on a free port, once it listens; stopped when the guard drops.
    fn gateway(&self) -> Running {
        use std::io::BufRead;
        let mut child = Command::new(env!("CARGO_BIN_EXE_switchyard-serve"))
            .env("SWITCHYARD_DATA_DIR", self.data)
            .env("SWITCHYARD_KEYRING_SERVICE", self.service)
            .env("SWITCHYARD_GATEWAY_PORT", "0")
            .env("HOME", self.home)
            .env_remove("SWITCHYARD_FAULT")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
        let listening = lines
            .by_ref()
            .map_while(Result::ok)
            .any(|l| l.contains("listening on"));
        assert!(listening, "serve started");
        // Keep reading: a closed pipe would end serve at its next line.
        std::thread::spawn(move || lines.for_each(drop));
        Running(child)
    }

    /// Runs `args` without a fault; it must succeed.
    fn ok(&self, args: &[&str]) -> Output {
        let out = self.run(None, args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    /// Whether `tools --json` lists Codex as connected, with the list.
    fn codex_connected(&self) -> (bool, serde_json::Value) {
        let list: serde_json::Value =
            serde_json::from_slice(&self.ok(&["tools", "--json"]).stdout).unwrap();
        let codex = list.as_array().unwrap().iter().find(|t| t["id"] == "codex");
        let connected = codex.unwrap()["connected"] == true;
        (connected, list)
    }

    /// `token list`, as printed.
    fn tokens(&self) -> String {
        let out = self.run(None, &["token", "list"]);
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Whether `token list` shows a Codex token that is not revoked.
    fn codex_token_active(&self) -> (bool, String) {
        let tokens = self.tokens();
        let active = tokens
            .lines()
            .any(|l| l.starts_with("codex") && !l.contains("revoked"));
        (active, tokens)
    }
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
    let serve = Serve {
        data: data.path(),
        home: home.path(),
        service: &service,
    };
    let connect = ["connect", "codex"];
    let _gateway = serve.gateway();

    // Dies between the journal and the rename.
    let out = serve.run(Some("connect-before-rename"), &connect);
    assert!(
        !out.status.success(),
        "the injected fault aborts: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("before-rename: {}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        std::fs::read_to_string(&config).unwrap(),
        CODEX,
        "the rename never happened"
    );
    assert!(tmp.exists(), "the staged file is left behind by the crash");
    let (connected, list) = serve.codex_connected();
    assert!(!connected, "rolled back: {list}");
    assert!(!tmp.exists(), "the next start removes the temp file");
    assert_eq!(std::fs::read_to_string(&config).unwrap(), CODEX);
    let tokens = serve.tokens();
    assert!(
        tokens.contains("codex") && tokens.contains("revoked"),
        "its token is revoked: {tokens}"
    );

    // Dies after the rename, before the journal's end: finished at the next start.
    let out = serve.run(Some("connect-after-rename"), &connect);
    assert!(
        !out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("after-rename: {}", String::from_utf8_lossy(&out.stderr));
    let after = std::fs::read_to_string(&config).unwrap();
    assert!(
        after.contains("model_provider = \"switchyard\""),
        "renamed before the crash: {after}"
    );
    let (connected, list) = serve.codex_connected();
    assert!(connected, "finished: {list}");
    serve.ok(&["disconnect", "codex"]);
    assert_eq!(
        std::fs::read_to_string(&config).unwrap(),
        CODEX,
        "byte for byte"
    );

    // A reconnect that dies before its rename: rolled back to "not connected", the previous
    // connection's keys undone too (its record was kept until the new one was done).
    serve.ok(&connect);
    let out = serve.run(
        Some("connect-before-rename"),
        &["connect", "codex", "--model", "other"],
    );
    assert!(!out.status.success());
    let (connected, list) = serve.codex_connected();
    assert!(!connected, "rolled back: {list}");
    assert_eq!(
        std::fs::read_to_string(&config).unwrap(),
        CODEX,
        "back to the user's bytes"
    );
    let (active, tokens) = serve.codex_token_active();
    assert!(!active, "no codex token left active: {tokens}");

    // The tool saves its file while Switchyard connects: nothing is replaced, no token is left.
    let out = serve.run(Some("touch-before-rename"), &connect);
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
    let (connected, list) = serve.codex_connected();
    assert!(!connected, "{list}");
    let (active, tokens) = serve.codex_token_active();
    assert!(!active, "{tokens}");
}
