//! "Find keys on this machine": fixture profiles with keys of several kinds and look-alikes give
//! exact findings; moving one tests it, stores it in the keychain (the real Secret Service in the
//! ignored variant), comments the line out, and the key then appears in no file of the data
//! folder; a key the provider refuses stays where it was; "Put back" restores the bytes.

use super::tools::{start_tools_with, write};
use super::*;
use switchyard_app::secrets::{KeychainStore, SecretStore};
use switchyard_mock::MockServer;

const CANARY: &str = "sk-proj-CANARYc4n4ryC4N4RYc4n4ryC4N4RYc4n4ryC4N4RY01";
const REFUSED: &str = "sk-ant-api03-REFUSEDrefusedREFUSEDrefusedREFUSED0123";

fn bashrc() -> String {
    format!(
        "# ~/.bashrc\nexport PATH=\"$HOME/bin:$PATH\"\nexport OPENAI_API_KEY={CANARY}  # work key\nexport DESKTOP_SESSION=desk-top-session-name-here\nalias safe='echo risk-free-sk-thing'\nexport GROQ_API_KEY=$(pass groq)\n"
    )
}

async fn sweep_end_to_end(secrets: Arc<dyn SecretStore>) {
    let (app, data, home) = start_tools_with(secrets.clone()).await;
    let mock = MockServer::start(MockConfig {
        accepted_keys: Some(vec![CANARY.into()]),
        ..MockConfig::instant()
    })
    .await
    .unwrap();
    let openai = add_on_mock(&app, BackendKind::OpenAi, "OpenAI test", &mock, None).await;
    // Keyless at the mock's address: a found key joins it only when the user picks it.
    let anthropic = app
        .backends()
        .create(
            draft(BackendKind::Anthropic, "Anthropic test", &mock.base_url()),
            None,
        )
        .await
        .unwrap();
    let rc = home.path().join(".bashrc");
    write(&rc, &bashrc());
    write(
        &home.path().join(".zshrc"),
        &format!("export ANTHROPIC_API_KEY=\"{REFUSED}\"\n"),
    );
    let env_file = home.path().join("project/.env");
    write(
        &env_file,
        "MISTRAL_API_KEY=abcdEFGHijklMNOPqrstUVWXyz012345\nNOT_A_KEY=sk-...\n",
    );

    let scan = app
        .key_sweep()
        .find_keys(vec![env_file.clone()])
        .await
        .unwrap();
    let got: Vec<(String, u32, String, BackendKind)> = scan
        .findings
        .iter()
        .map(|f| (f.path.clone(), f.line, f.variable.clone(), f.kind))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "~/.bashrc".into(),
                3,
                "OPENAI_API_KEY".into(),
                BackendKind::OpenAi
            ),
            (
                "~/.zshrc".into(),
                1,
                "ANTHROPIC_API_KEY".into(),
                BackendKind::Anthropic
            ),
            (
                "~/project/.env".into(),
                1,
                "MISTRAL_API_KEY".into(),
                BackendKind::Mistral
            ),
        ],
        "{scan:?}"
    );
    assert!(!format!("{scan:?}").contains(CANARY), "findings are masked");
    // Where each key goes without a pick is said before the move: a keyless backend of the kind
    // at another address ("Anthropic test", at the mock) is not trusted with it (issue 53).
    assert_eq!(
        scan.findings[1].goes_to,
        "a new Anthropic backend at https://api.anthropic.com"
    );
    let openai_finding = scan.findings[0].clone();
    assert!(
        openai_finding.masked.starts_with("sk-proj-…"),
        "{openai_finding:?}"
    );

    // A key the provider refuses is not moved, and its file is not touched.
    let zshrc_before = std::fs::read_to_string(home.path().join(".zshrc")).unwrap();
    let err = app
        .key_sweep()
        .move_key(
            scan.findings[1].id.clone(),
            vec![env_file.clone()],
            Some(anthropic.row.id.clone()),
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("refused this key"), "{err}");
    assert_eq!(
        std::fs::read_to_string(home.path().join(".zshrc")).unwrap(),
        zshrc_before
    );

    let moved = app
        .key_sweep()
        .move_key(
            openai_finding.id.clone(),
            vec![env_file.clone()],
            Some(openai.row.id.clone()),
        )
        .await
        .unwrap();
    assert_eq!(moved.backend, "OpenAI test");
    assert_eq!(moved.tested.as_deref(), Some("valid"));
    let rc_now = std::fs::read_to_string(&rc).unwrap();
    assert!(!rc_now.contains(CANARY), "the key left the file:\n{rc_now}");
    assert!(
        rc_now.contains("# export OPENAI_API_KEY="),
        "commented out with a note:\n{rc_now}"
    );
    let view = app.backends().get(&openai.row.id).await.unwrap();
    assert_eq!(view.keys.len(), 1);
    let stored = secrets.get(&view.keys[0].row.id).unwrap();
    assert_eq!(stored.expose(), CANARY, "read back from the keychain");

    let rescan = app
        .key_sweep()
        .find_keys(vec![env_file.clone()])
        .await
        .unwrap();
    assert!(
        rescan.findings.iter().all(|f| f.path != "~/.bashrc"),
        "{rescan:?}"
    );
    app.flush_ledger();
    assert_eq!(
        files_containing(data.path(), CANARY),
        Vec::<String>::new(),
        "no log, database or backup holds it"
    );

    let history = app.key_sweep().key_moves().await.unwrap();
    assert_eq!(history.len(), 1);
    app.key_sweep()
        .restore_key(history[0].id.clone())
        .await
        .unwrap();
    assert_eq!(
        std::fs::read_to_string(&rc).unwrap(),
        bashrc(),
        "put back byte for byte"
    );
    assert!(app.key_sweep().key_moves().await.unwrap()[0].restored);
    assert_eq!(files_containing(data.path(), CANARY), Vec::<String>::new());
}

#[tokio::test]
async fn sweep_finds_moves_and_puts_back_keys() {
    sweep_end_to_end(Arc::new(MemoryStore::new())).await;
}

#[tokio::test]
#[ignore = "needs an unlocked Secret Service: runs in ./dev test's session"]
async fn sweep_moves_a_key_into_the_real_secret_service() {
    let service = format!("switchyard-test-sweep-{}", std::process::id());
    let keychain = Arc::new(KeychainStore::platform(service));
    sweep_end_to_end(keychain).await;
}
