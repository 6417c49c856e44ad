use super::*;
use switchyard_app::secrets::SecretStore;
use switchyard_app::{AppError, FindingSource};

const OPENAI: &str = "sk-proj-envenvenvenvenv0001";
const ANTHROPIC: &str = "sk-ant-api03-dotenvdotenv0002";
const GROQ: &str = "gsk_dotenvdotenvdotenv0003";

/// The fixture lives outside the data folder, so the data folder can be grepped for its keys.
fn write_env(dir: &tempfile::TempDir) -> std::path::PathBuf {
    let path = dir.path().join("fixture.env");
    let text = format!(
        "# keys for the project\nANTHROPIC_API_KEY=\"{ANTHROPIC}\"\nthis line is broken\nexport GROQ_API_KEY={GROQ} # groq\nOPENAI_API_KEY={OPENAI}\nUNRELATED=1\n"
    );
    std::fs::write(&path, text).unwrap();
    path
}

/// The ids of every finding a scan of the environment and `env` makes.
async fn all_finding_ids(h: &Harness, env: &std::path::Path) -> Vec<String> {
    let scan = h
        .app
        .backends()
        .scan_import(Some(env.to_path_buf()))
        .await
        .unwrap();
    scan.findings.iter().map(|f| f.id.clone()).collect()
}

#[tokio::test]
async fn scan_finds_environment_and_file_keys_masked_with_bad_lines_by_number() {
    let h = start_with(vec![
        ("OPENAI_API_KEY", OPENAI),
        ("OLLAMA_HOST", "0.0.0.0:11434"),
        ("PATH", "/bin"),
    ])
    .await;
    let src = tempfile::tempdir().unwrap();
    let env = write_env(&src);
    let scan = h.app.backends().scan_import(Some(env)).await.unwrap();
    let found: Vec<_> = scan
        .findings
        .iter()
        .map(|f| (f.variable.as_str(), f.display.as_str(), f.source.clone()))
        .collect();
    assert_eq!(
        found,
        [
            (
                "ANTHROPIC_API_KEY",
                "sk-ant-…0002",
                FindingSource::File { line: 2 }
            ),
            ("GROQ_API_KEY", "gsk_…0003", FindingSource::File { line: 4 }),
            (
                "OLLAMA_HOST",
                "http://127.0.0.1:11434",
                FindingSource::Environment
            ),
            (
                "OPENAI_API_KEY",
                "sk-proj-…0001",
                FindingSource::Environment
            ),
            (
                "OPENAI_API_KEY",
                "sk-proj-…0001",
                FindingSource::File { line: 5 }
            ),
        ]
    );
    assert_eq!(scan.problems.len(), 1);
    assert_eq!(scan.problems[0].line, 3);
}

#[tokio::test]
async fn import_stores_keys_enables_backends_and_skips_duplicates() {
    let h = start_with(vec![
        ("OPENAI_API_KEY", OPENAI),
        ("OLLAMA_HOST", "0.0.0.0:11434"),
    ])
    .await;
    let src = tempfile::tempdir().unwrap();
    let env = write_env(&src);
    let ids = all_finding_ids(&h, &env).await;
    let report = h
        .app
        .backends()
        .import_keys(Some(env.clone()), ids)
        .await
        .unwrap();
    assert_eq!(
        report.imported, 3,
        "three keys (the Ollama host is not a key): {report:?}"
    );
    assert!(report
        .backends
        .contains(&"Ollama at http://127.0.0.1:11434".to_string()));
    assert_eq!(
        report.skipped,
        ["OPENAI_API_KEY (.env line 5): already imported"]
    );
    let list = h.app.backends().list().await.unwrap();
    assert_eq!(
        names(&list),
        ["Demo", "Anthropic", "Groq", "Ollama", "OpenAI"]
    );
    assert!(list.iter().all(|b| b.row.enabled));
    let ollama = list
        .iter()
        .find(|b| b.row.kind == BackendKind::Ollama)
        .unwrap();
    assert_eq!(ollama.row.base_url, "http://127.0.0.1:11434");
    let anthropic = list
        .iter()
        .find(|b| b.row.kind == BackendKind::Anthropic)
        .unwrap();
    assert_eq!(anthropic.keys[0].row.label, ".env");
    assert_eq!(
        h.keychain.get(&anthropic.keys[0].row.id).unwrap().expose(),
        ANTHROPIC
    );
    assert_eq!(h.keychain.len(), 3);

    let rescan = h.app.backends().scan_import(Some(env)).await.unwrap();
    let openai = rescan
        .findings
        .iter()
        .find(|f| f.variable == "OPENAI_API_KEY")
        .unwrap();
    assert!(openai.already_imported, "a rescan marks imported keys");
    for key in [OPENAI, ANTHROPIC, GROQ] {
        assert!(
            files_containing(h.dir.path(), key).is_empty(),
            "no file under the data folder holds a key"
        );
    }
    let ollama = rescan
        .findings
        .iter()
        .find(|f| f.variable == "OLLAMA_HOST")
        .unwrap();
    assert!(
        ollama.already_imported,
        "the Ollama host is recognised as imported too"
    );
}

#[tokio::test]
async fn import_into_an_existing_disabled_backend_enables_it() {
    let h = start_with(vec![("OPENAI_API_KEY", OPENAI)]).await;
    let b = h
        .add(
            draft(
                BackendKind::OpenAi,
                "Work OpenAI",
                "https://api.openai.com/v1",
            ),
            None,
        )
        .await;
    h.app
        .backends()
        .set_enabled(b.row.id.clone(), false)
        .await
        .unwrap();
    let ids = vec![
        h.app.backends().scan_import(None).await.unwrap().findings[0]
            .id
            .clone(),
    ];
    let report = h.app.backends().import_keys(None, ids).await.unwrap();
    assert_eq!(report.backends, ["Work OpenAI at https://api.openai.com"]);
    let b = h.app.backends().get(&b.row.id).await.unwrap();
    assert!(b.row.enabled);
    assert_eq!(b.keys[0].row.label, "env");
}

/// Issue 53, finding 3: a keyless backend of the key's kind at a host the user never approved
/// for a key (from an imported file or another machine) is not where an environment key goes.
#[tokio::test]
async fn an_environment_key_never_joins_a_backend_at_a_host_no_key_was_approved_for() {
    let h = start_with(vec![("OPENAI_API_KEY", OPENAI)]).await;
    let stranger = h
        .add(
            draft(
                BackendKind::OpenAi,
                "OpenAI",
                "https://collector.example/v1",
            ),
            None,
        )
        .await;
    let ids = vec![
        h.app.backends().scan_import(None).await.unwrap().findings[0]
            .id
            .clone(),
    ];
    let report = h.app.backends().import_keys(None, ids).await.unwrap();
    assert_eq!(
        report.backends,
        ["OpenAI 2 at https://api.openai.com"],
        "a new backend at the provider's own address, and the report says where"
    );
    let stranger = h.app.backends().get(&stranger.row.id).await.unwrap();
    assert!(
        stranger.keys.is_empty(),
        "the key went to a host the user never saw: {:?}",
        stranger.keys
    );
}

#[tokio::test]
async fn stale_selections_change_nothing() {
    let h = start_with(vec![]).await;
    let ids = vec!["env:OPENAI_API_KEY:sk-proj-…0001".to_string()];
    let err = h.app.backends().import_keys(None, ids).await.unwrap_err();
    assert!(matches!(err, AppError::Conflict(_)), "{err:?}");
    assert_eq!(names(&h.app.backends().list().await.unwrap()), ["Demo"]);
}

#[tokio::test]
async fn unreadable_env_files_are_typed_errors() {
    let h = start().await;
    let missing = h
        .app
        .backends()
        .scan_import(Some(h.dir.path().join("nope.env")))
        .await
        .unwrap_err();
    assert!(matches!(missing, AppError::File(_)), "{missing:?}");
    let dir = h
        .app
        .backends()
        .scan_import(Some(h.dir.path().to_path_buf()))
        .await
        .unwrap_err();
    assert!(matches!(dir, AppError::File(_)), "{dir:?}");
    let big = h.dir.path().join("big.env");
    std::fs::write(&big, vec![b'A'; 2 * 1024 * 1024]).unwrap();
    assert!(matches!(
        h.app.backends().scan_import(Some(big)).await,
        Err(AppError::File(_))
    ));
    let binary = h.dir.path().join("bin.env");
    std::fs::write(&binary, [0xff, 0xfe, 0x00, 0x41]).unwrap();
    assert!(matches!(
        h.app.backends().scan_import(Some(binary)).await,
        Err(AppError::File(_))
    ));
}

#[tokio::test]
async fn import_with_the_keychain_down_is_typed_and_saves_nothing() {
    let h = start_with(vec![("OPENAI_API_KEY", OPENAI)]).await;
    h.keychain.set_unavailable(true);
    let ids = vec![
        h.app.backends().scan_import(None).await.unwrap().findings[0]
            .id
            .clone(),
    ];
    let err = h.app.backends().import_keys(None, ids).await.unwrap_err();
    assert!(matches!(err, AppError::Keychain(_)), "{err:?}");
    assert_eq!(names(&h.app.backends().list().await.unwrap()), ["Demo"]);
}

#[tokio::test]
async fn values_that_cannot_be_imported_are_skipped_and_leave_nothing_behind() {
    let h = start_with(vec![
        ("GROQ_API_KEY", "gsk_has a space inside it"),
        ("OLLAMA_HOST", "http://gpu-box.example.com:11434"),
        ("OPENAI_API_KEY", OPENAI),
    ])
    .await;
    let ids: Vec<_> = h
        .app
        .backends()
        .scan_import(None)
        .await
        .unwrap()
        .findings
        .into_iter()
        .map(|f| f.id)
        .collect();
    let report = h.app.backends().import_keys(None, ids).await.unwrap();
    assert_eq!(report.imported, 1);
    assert_eq!(report.backends, ["OpenAI at https://api.openai.com"]);
    assert_eq!(report.skipped.len(), 2, "{report:?}");
    assert!(report
        .skipped
        .iter()
        .any(|s| s.starts_with("GROQ_API_KEY (environment): Key contains spaces")));
    assert!(report
        .skipped
        .iter()
        .any(|s| s.starts_with("OLLAMA_HOST (environment): Use https://")));
    assert!(
        report.skipped.iter().all(|s| !s.contains("has a space")),
        "reasons never quote the value"
    );
    assert_eq!(
        names(&h.app.backends().list().await.unwrap()),
        ["Demo", "OpenAI"],
        "no half-made backends"
    );
}

#[tokio::test]
async fn a_value_changed_since_the_scan_is_a_conflict() {
    let src = tempfile::tempdir().unwrap();
    let h = start().await;
    let env = write_env(&src);
    let ids = all_finding_ids(&h, &env).await;
    let changed = std::fs::read_to_string(&env)
        .unwrap()
        .replace(GROQ, "gsk_replacedreplacedreplaced9999");
    std::fs::write(&env, changed).unwrap();
    let err = h
        .app
        .backends()
        .import_keys(Some(env), ids)
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Conflict(_)), "{err:?}");
    assert!(h.keychain.is_empty(), "nothing was imported");
}
