//! The headless CLI's `backend` commands through `cli::run` against a core with the in-memory
//! keychain: add → list round trip, keys, warnings, refusals, usage errors.

use super::*;
use switchyard_cli::{self as cli, Io};

/// What one command printed and returned.
pub(super) struct Ran {
    pub code: u8,
    pub out: String,
    pub err: String,
}

/// `run` with the arguments as one line split at spaces (none of them holds one).
pub(super) async fn run_line(app: &Switchyard, line: &str, stdin: &str) -> Ran {
    let args: Vec<&str> = line.split_whitespace().collect();
    run(app, &args, stdin).await
}

pub(super) async fn run(app: &Switchyard, args: &[&str], stdin: &str) -> Ran {
    let (mut input, mut out, mut err) = (stdin.as_bytes(), Vec::new(), Vec::new());
    let code = cli::run(
        app,
        args,
        &mut Io {
            stdin: &mut input,
            stdout: &mut out,
            stderr: &mut err,
        },
    )
    .await;
    Ran {
        code,
        out: String::from_utf8(out).unwrap(),
        err: String::from_utf8(err).unwrap(),
    }
}

pub(super) const KEY: &str = "sk-clitest-0000000000000000000000";

#[tokio::test]
async fn add_prints_only_the_id_and_list_shows_the_backend_with_its_key() {
    let h = start().await;
    let add = run_line(&h.app, "backend add Mock --kind openai --base-url http://127.0.0.1:9/v1 --model gpt-4o-mini --key-stdin", &format!("{KEY}\n"),
    )
    .await;
    assert_eq!(add.code, 0, "{}", add.err);
    let id = add.out.trim_end();
    assert_eq!(
        add.out,
        format!("{id}\n"),
        "stdout is exactly one line: the id"
    );
    let made = h.app.backends().get(id).await.unwrap();
    assert!(made.row.enabled, "an added backend is enabled");
    assert_eq!(made.row.default_model, "gpt-4o-mini");
    assert_eq!(made.keys.len(), 1);
    assert_eq!(made.keys[0].row.label, "default");
    assert_eq!(h.keychain.len(), 1, "the key went to the keychain");
    assert!(!add.err.contains(KEY) && !add.out.contains(KEY));

    let list = run_line(&h.app, "backend list --json", "").await;
    assert_eq!(list.code, 0, "{}", list.err);
    let json: serde_json::Value = serde_json::from_str(&list.out).unwrap();
    let mock = json
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["name"] == "Mock")
        .unwrap();
    assert_eq!(mock["id"], id);
    assert_eq!(mock["kind"], "openAi");
    assert_eq!(mock["baseUrl"], "http://127.0.0.1:9/v1");
    assert_eq!(mock["enabled"], true);
    assert_eq!(mock["keyCount"], 1);

    let human = run_line(&h.app, "backend list", "").await;
    let line = human.out.lines().find(|l| l.starts_with("Mock")).unwrap();
    assert!(
        line.contains("openAi") && line.contains("http://127.0.0.1:9/v1"),
        "{line}"
    );
    assert!(!human.out.contains(KEY) && !list.out.contains(KEY));
}

#[tokio::test]
async fn without_a_model_the_kinds_default_is_used_and_the_label_can_be_chosen() {
    let h = start().await;
    let add = run_line(&h.app, "backend add Anthropic --kind anthropic --base-url https://api.anthropic.com/v1 --key-stdin --key-label work", "sk-ant-api03-clitest000000000000000000\n",
    )
    .await;
    assert_eq!(add.code, 0, "{}", add.err);
    let made = h.app.backends().get(add.out.trim()).await.unwrap();
    assert_eq!(
        made.row.default_model,
        BackendKind::Anthropic.spec().default_model
    );
    assert_eq!(made.keys[0].row.label, "work");
}

#[tokio::test]
async fn warnings_are_shown_on_stderr_but_do_not_block() {
    let h = start().await;
    let add = run_line(
        &h.app,
        "backend add Groq --kind groq --base-url https://api.groq.com/openai/v1 --key-stdin",
        "not-a-groq-looking-key-0000000000\n",
    )
    .await;
    assert_eq!(add.code, 0, "{}", add.err);
    assert!(
        add.err.contains("switchyard: warning: keyValue: "),
        "the prefix warning is shown: {}",
        add.err
    );
    assert!(!add.err.contains("not-a-groq"), "the key is never quoted");
}

#[tokio::test]
async fn errors_exit_1_with_each_field_and_leave_nothing_behind() {
    let h = start().await;
    let before = h.app.backends().list().await.unwrap().len();
    let add = run(
        &h.app,
        &[
            "backend",
            "add",
            "Bad",
            "--kind",
            "openai",
            "--base-url",
            "http://api.example.com/v1",
            "--model",
            "has space",
            "--key-stdin",
        ],
        "sk-bad key with spaces\n",
    )
    .await;
    assert_eq!(add.code, 1);
    assert!(add.out.is_empty(), "no id on failure");
    for field in ["baseUrl", "defaultModel", "keyValue"] {
        assert!(
            add.err.contains(&format!("switchyard: error: {field}: ")),
            "{field} named: {}",
            add.err
        );
    }
    assert!(
        !add.err.contains("sk-bad"),
        "the key is never quoted: {}",
        add.err
    );
    assert_eq!(h.app.backends().list().await.unwrap().len(), before);
    assert_eq!(h.keychain.len(), 0);

    let taken = run_line(
        &h.app,
        "backend add demo --kind ollama --base-url http://127.0.0.1:11434/v1 --model llama3",
        "",
    )
    .await;
    assert_eq!(taken.code, 1);
    assert!(taken.err.contains("error: name: "), "{}", taken.err);
}

#[tokio::test]
async fn an_unavailable_keychain_creates_no_backend() {
    let h = start().await;
    h.keychain.set_unavailable(true);
    let add = run_line(
        &h.app,
        "backend add Mock --kind openai --base-url https://api.openai.com/v1 --key-stdin",
        &format!("{KEY}\n"),
    )
    .await;
    assert_eq!(add.code, 1);
    assert!(
        add.err.contains("keychain") && add.err.contains("hint: "),
        "{}",
        add.err
    );
    let names = names(&h.app.backends().list().await.unwrap());
    assert_eq!(names, ["Demo"], "the backend and its key are made together");
}

#[tokio::test]
async fn usage_errors_exit_2() {
    let h = start().await;
    for args in [
        &["backend"][..],
        &["backend", "remove"],
        &["backend", "frobnicate", "x"],
        &["route", "add", "x"],
        &["config", "import"],
        &[
            "backend",
            "add",
            "X",
            "--kind",
            "cohere",
            "--base-url",
            "https://x.org",
        ],
        &["backend", "list", "--yaml"],
        &["requests", "--limit", "0"],
    ] {
        let r = run(&h.app, args, "").await;
        assert_eq!(r.code, 2, "{args:?}");
        assert!(
            r.err.contains("Usage: switchyard") || r.err.contains("try '--help'"),
            "the usage or where to read it follows the problem: {args:?}: {}",
            r.err
        );
        assert!(r.out.is_empty());
    }
}

#[tokio::test]
async fn a_kind_without_a_default_model_asks_for_one() {
    let h = start().await;
    let add = run_line(
        &h.app,
        "backend add Local --kind openai-compatible --base-url http://127.0.0.1:8080/v1",
        "",
    )
    .await;
    assert_eq!(add.code, 1);
    assert!(add.err.contains("error: defaultModel: "), "{}", add.err);
    assert!(add.err.contains("pass --model MODEL"), "{}", add.err);
}
