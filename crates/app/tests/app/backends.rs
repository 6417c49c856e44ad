use super::*;
use switchyard_app::AppError;
use switchyard_domain::{BackendStatus, CheckOutcome};

#[tokio::test]
async fn a_fresh_install_has_an_enabled_demo_backend_that_checks_healthy() {
    let h = start().await;
    let list = h.app.backends().list().await.unwrap();
    assert_eq!(names(&list), ["Demo"]);
    assert_eq!(list[0].status, BackendStatus::Untested, "not checked yet");
    h.app.run_startup_checks().await;
    let demo = &h.app.backends().list().await.unwrap()[0];
    assert_eq!(demo.status, BackendStatus::Healthy);
    assert_eq!(demo.check.as_ref().unwrap().outcome, CheckOutcome::Valid);
    assert!(
        demo.effective_base_url.starts_with("http://127.0.0.1:"),
        "{}",
        demo.effective_base_url
    );
}

#[tokio::test]
async fn a_deleted_demo_backend_stays_deleted_after_restart() {
    let h = start().await;
    let demo = h.app.backends().list().await.unwrap().remove(0);
    h.app.backends().delete(demo.row.id).await.unwrap();
    drop(h.app);
    let again = start_in(h.dir.path(), &h.keychain, vec![]).await;
    assert!(again.backends().list().await.unwrap().is_empty());
}

#[tokio::test]
async fn backends_survive_a_restart_in_order() {
    let h = start().await;
    h.add(
        draft(BackendKind::Groq, "Groq", "https://api.groq.com/openai/v1"),
        None,
    )
    .await;
    drop(h.app);
    let again = start_in(h.dir.path(), &h.keychain, vec![]).await;
    assert_eq!(
        names(&again.backends().list().await.unwrap()),
        ["Demo", "Groq"]
    );
}

#[tokio::test]
async fn invalid_input_is_refused_with_field_issues_and_changes_nothing() {
    let h = start().await;
    let proxy = draft(BackendKind::OpenAiCompatible, "Proxy", "not a url");
    let err = h
        .app
        .backends()
        .create(proxy, Some(key("k", "sk-abcdefghijklmnopqrstu")))
        .await
        .unwrap_err();
    let AppError::Validation(v) = err else {
        panic!("expected a validation error, got {err:?}")
    };
    assert_eq!(
        v.first_error().unwrap().field,
        switchyard_domain::Field::BaseUrl
    );
    assert_eq!(h.backend_names().await, ["Demo"]);
    assert!(
        h.keychain.is_empty(),
        "a refused backend must not leave a key in the keychain"
    );
}

#[tokio::test]
async fn duplicate_names_are_refused_case_insensitively() {
    let h = start().await;
    let err = h
        .app
        .backends()
        .create(openai("demo"), None)
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Validation(_)), "{err:?}");
}

#[tokio::test]
async fn edit_enable_reorder_and_delete() {
    let h = start().await;
    let a = h.add(openai("A"), None).await;
    let b = h
        .add(
            draft(BackendKind::Mistral, "B", "https://api.mistral.ai/v1"),
            None,
        )
        .await;
    let edited = h.update(&a.row.id, openai("A prime")).await.unwrap();
    assert_eq!(edited.row.name, "A prime");
    let off = h
        .app
        .backends()
        .set_enabled(b.row.id.clone(), false)
        .await
        .unwrap();
    assert_eq!(off.status, BackendStatus::Disabled);
    let demo_id = h.app.backends().list().await.unwrap()[0].row.id.clone();
    let list = h
        .app
        .backends()
        .reorder(vec![b.row.id.clone(), demo_id.clone(), a.row.id.clone()])
        .await
        .unwrap();
    assert_eq!(names(&list), ["B", "Demo", "A prime"]);
    let partial = h
        .app
        .backends()
        .reorder(vec![b.row.id.clone()])
        .await
        .unwrap_err();
    assert!(
        matches!(partial, AppError::Conflict(_)),
        "a partial order is refused: {partial:?}"
    );
    h.app.backends().delete(b.row.id).await.unwrap();
    assert_eq!(h.backend_names().await, ["Demo", "A prime"]);
    assert!(matches!(
        h.app.backends().delete("missing".into()).await,
        Err(AppError::NotFound(_))
    ));
}

#[tokio::test]
async fn the_demo_backend_cannot_change_kind_or_be_added_twice() {
    let h = start().await;
    let demo = h.app.backends().list().await.unwrap().remove(0);
    let err = h.update(&demo.row.id, openai("Demo")).await;
    assert!(
        matches!(&err, Err(AppError::Validation(v)) if v.issues[0].field == switchyard_domain::Field::Kind),
        "the kind field is refused: {err:?}"
    );
    let err = h
        .app
        .backends()
        .create(draft(BackendKind::Demo, "Demo 2", ""), None)
        .await;
    assert!(matches!(err, Err(AppError::Validation(_))), "{err:?}");
}

#[tokio::test]
async fn no_backend_can_become_demo() {
    let h = start().await;
    let b = h.add(openai("OpenAI"), None).await;
    let err = h
        .update(&b.row.id, draft(BackendKind::Demo, "Demo 2", ""))
        .await;
    assert!(
        matches!(&err, Err(AppError::Validation(v)) if v.issues[0].field == switchyard_domain::Field::Kind),
        "the kind field is refused: {err:?}"
    );
}

#[tokio::test]
async fn changing_the_endpoint_forgets_old_checks() {
    let h = start().await;
    h.app.run_startup_checks().await;
    let demo = h.app.backends().list().await.unwrap().remove(0);
    assert_eq!(demo.status, BackendStatus::Healthy);
    let b = h
        .add(
            draft(
                BackendKind::Ollama,
                "Ollama",
                &demo.effective_base_url.replace("/v1", ""),
            ),
            None,
        )
        .await;
    h.app.keys().test(&b.row.id, None).await.unwrap();
    assert_eq!(h.backend(&b.row.id).await.status, BackendStatus::Healthy);
    let moved_to = |name| draft(BackendKind::Ollama, name, "http://127.0.0.1:9");
    let moved = h.update(&b.row.id, moved_to("Ollama")).await.unwrap();
    assert_eq!(
        moved.status,
        BackendStatus::Untested,
        "a check of the old URL says nothing about the new one"
    );
    let renamed = h.update(&b.row.id, moved_to("Local")).await.unwrap();
    assert_eq!(renamed.row.name, "Local");
}

#[tokio::test]
async fn deleting_with_the_keychain_down_changes_nothing() {
    let h = start().await;
    let b = h
        .add(openai("OpenAI"), Some(key("a", "sk-abcdefghijklmnopqrst1")))
        .await;
    h.add_key(&b, "b", "sk-abcdefghijklmnopqrst2")
        .await
        .unwrap();
    h.keychain.set_unavailable(true);
    let err = h.app.backends().delete(b.row.id.clone()).await.unwrap_err();
    assert!(matches!(err, AppError::Keychain(_)), "{err:?}");
    h.keychain.set_unavailable(false);
    assert_eq!(h.keychain.len(), 2, "no key was removed");
    assert_eq!(h.backend(&b.row.id).await.keys.len(), 2);
}

#[tokio::test]
async fn a_save_that_moves_a_keyed_backend_approves_only_the_host_the_user_was_shown() {
    use switchyard_app::config_file::{Approved, HostChange};
    let h = start().await;
    let b = h
        .add(
            draft(BackendKind::OpenAi, "Main", "https://api.openai.com/v1"),
            Some(key("main", "sk-proj-hostmove00000000000000000000000001")),
        )
        .await;
    let shown = |to: &str| Approved::Listed {
        hosts: vec![HostChange {
            backend: "Main".into(),
            from: String::new(),
            to: to.into(),
            keys: 0,
        }],
        exposure: vec![],
    };
    let to = draft(BackendKind::OpenAi, "Main", "https://eu.example/v1");
    for (approved, what) in [
        (Approved::Nothing, "no note was shown"),
        (
            shown("https://other.example"),
            "the note showed another host",
        ),
    ] {
        let err = h
            .app
            .backends()
            .update(b.row.id.clone(), to.clone(), approved)
            .await
            .expect_err(what);
        assert!(matches!(err, AppError::Conflict(_)), "{what}: {err:?}");
        let now = h.find_backend(|x| x.row.id == b.row.id).await;
        assert_eq!(
            now.row.base_url, "https://api.openai.com/v1",
            "{what}: nothing saved"
        );
    }
    let saved = h
        .app
        .backends()
        .update(b.row.id.clone(), to, shown("https://eu.example"))
        .await
        .unwrap();
    assert_eq!(saved.row.base_url, "https://eu.example/v1");
    assert!(
        saved.keys[0]
            .row
            .hosts
            .contains(&"https://eu.example".to_string()),
        "the shown host is approved for the key: {:?}",
        saved.keys[0].row.hosts
    );
}

/// A restarted core (an update, a login) opens its port only with its routes in it: a tool that
/// finds the port open never hears "no such model" for a model it used a moment ago.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_gateway_knows_its_models_from_its_first_answer() {
    let h = start().await;
    let token = h.app.tokens().create("tool".into()).await.unwrap();
    let token = token.token.expose().to_string();
    let addr = h.app.gateway_addr().unwrap();
    h.app.shutdown(Duration::from_secs(1)).await;
    drop(h.app);
    // Three callers knocking from before the port opens until each has an answer.
    let started = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let asking: Vec<_> = (0..3)
        .map(|_| tokio::spawn(knock(addr, token.clone(), started.clone())))
        .collect();
    let again = start_in_custom(h.dir.path(), &h.keychain, vec![], |o| {
        o.gateway.as_mut().unwrap().bind = addr;
        o.gateway_port_fixed = true;
    })
    .await;
    started.store(true, std::sync::atomic::Ordering::SeqCst);
    let mut answers = vec![];
    for one in asking {
        answers.extend(one.await.unwrap());
    }
    assert!(answers.iter().all(|s| *s == 200), "{answers:?}");
    assert_eq!(again.gateway_addr().unwrap(), addr);
}

/// Asks for Demo's model at `addr` until `started` and one answer came; the statuses.
async fn knock(
    addr: std::net::SocketAddr,
    token: String,
    started: Arc<std::sync::atomic::AtomicBool>,
) -> Vec<u16> {
    let client = reqwest::Client::new();
    let mut answers = vec![];
    while !started.load(std::sync::atomic::Ordering::SeqCst) || answers.is_empty() {
        let sent = client
            .post(format!("http://{addr}/v1/chat/completions"))
            .bearer_auth(&token)
            .json(&serde_json::json!({
                "model": "Demo/demo-chat",
                "messages": [{"role": "user", "content": "hi"}]
            }))
            .send()
            .await;
        match sent {
            Ok(r) => answers.push(r.status().as_u16()),
            Err(_) => tokio::task::yield_now().await,
        }
    }
    answers
}
