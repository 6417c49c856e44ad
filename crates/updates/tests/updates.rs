//! The Updates feature of the core: a check against a release server on 127.0.0.1 says what is
//! out and how this copy is updated; the start-up check runs only when the app allows it and
//! the user left it on, at most once a day, and notifies a version once; a version whose
//! install failed is not offered for installing again; a copy that cannot install an update
//! downloads nothing to install at Quit; a release source must be HTTPS (or this machine); a
//! release's notes reach Settings (the window and the browser panel) without control characters.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test helpers")]

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use switchyard_app::secrets::MemoryStore;
use switchyard_app::Switchyard;
use switchyard_app_testing::{refused_fields, start_in_custom};
use switchyard_notify::{Kind, RecordingNotifier};
use switchyard_release::testing::{server, Files, Signer};
use switchyard_updates::Updates;

/// A release server announcing `version`, with notes.
async fn release(version: &str) -> (Files, String) {
    release_with(version, "Routes learn from latency.").await
}

/// A release server announcing `version` with `notes`.
async fn release_with(version: &str, notes: &str) -> (Files, String) {
    let signer = Signer::new();
    let files = Files::default();
    let origin = server::start(files.clone()).await;
    let signature = signer.sign("switchyard.AppImage", b"\x7fELF new", Some(version));
    let manifest = serde_json::json!({
        "version": version,
        "notes": notes,
        "pub_date": "2026-11-27T10:00:00Z",
        "platforms": {
            "linux-x86_64": { "url": format!("{origin}/switchyard.AppImage"), "signature": signature }
        }
    });
    files.put("latest.json", manifest.to_string());
    (files, format!("{origin}/latest.json"))
}

async fn start(dir: &Path, check: bool) -> (Switchyard, Arc<RecordingNotifier>) {
    let recorder = Arc::new(RecordingNotifier::new());
    let notify = recorder.clone();
    let keychain = Arc::new(MemoryStore::new());
    let app = start_in_custom(dir, &keychain, vec![], move |o| {
        o.notify = switchyard_app::NotifyChannel::Recording(notify);
    })
    .await;
    // The start-up check, as the desktop app's core process starts it.
    if check {
        updates(&app).start(&switchyard_runtime::Supervisor::default());
    }
    (app, recorder)
}

fn updates(app: &Switchyard) -> Updates {
    Updates::new(app)
}

async fn use_source(app: &Switchyard, source: &str, check: bool) {
    let prefs = app.preferences();
    let settings = prefs.get().await.unwrap();
    prefs
        .update(switchyard_app::Settings {
            update_source: Some(source.into()),
            check_updates: check,
            ..settings
        })
        .await
        .unwrap();
}

/// Waits for the start-up check's work to show (it runs in the background).
async fn settle(files: &Files, hits: usize) {
    for _ in 0..100 {
        if files.hits("latest.json") >= hits {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
}

#[tokio::test]
async fn a_check_says_what_is_out_and_how_this_copy_is_updated() {
    let (_files, latest) = release("9.0.0").await;
    let dir = tempfile::tempdir().unwrap();
    let (app, _) = start(dir.path(), false).await;
    let before = updates(&app).status().await.unwrap();
    assert_eq!(
        (before.latest.as_deref(), before.available),
        (None, false),
        "not checked yet"
    );
    use_source(&app, &latest, true).await;
    let status = updates(&app).check().await.unwrap();
    assert!(
        status.available && status.latest.as_deref() == Some("9.0.0"),
        "{status:?}"
    );
    assert_eq!(status.notes.as_deref(), Some("Routes learn from latency."));
    assert_eq!(status.running, env!("CARGO_PKG_VERSION"));
    assert_eq!(
        status.installer, "unmanaged",
        "a test binary no installer manages"
    );
    assert!(!status.can_install);
    assert!(status.how.unwrap().contains("no installer manages"));
    assert_eq!(
        updates(&app).status().await.unwrap().latest.as_deref(),
        Some("9.0.0"),
        "kept"
    );
}

#[tokio::test]
async fn the_start_up_check_runs_once_a_day_and_notifies_a_version_once() {
    let (files, latest) = release("9.0.0").await;
    let dir = tempfile::tempdir().unwrap();
    {
        let (app, _) = start(dir.path(), false).await;
        use_source(&app, &latest, true).await;
        app.shutdown(Duration::from_secs(5)).await;
    }
    assert_eq!(
        files.hits("latest.json"),
        0,
        "a core the options do not allow reads nothing"
    );
    let (app, recorder) = start(dir.path(), true).await;
    settle(&files, 1).await;
    let sent: Vec<_> = recorder
        .sent()
        .into_iter()
        .filter(|n| n.kind == Kind::Update)
        .collect();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].summary, "Switchyard 9.0.0 is available");
    app.shutdown(Duration::from_secs(5)).await;
    drop(app);
    let (app, recorder) = start(dir.path(), true).await;
    settle(&files, 2).await;
    assert_eq!(
        files.hits("latest.json"),
        1,
        "checked less than a day ago: not again"
    );
    assert!(recorder.sent().iter().all(|n| n.kind != Kind::Update));
    app.shutdown(Duration::from_secs(5)).await;
}

#[tokio::test]
async fn with_the_check_turned_off_nothing_is_read_at_start() {
    let (files, latest) = release("9.0.0").await;
    let dir = tempfile::tempdir().unwrap();
    {
        let (app, _) = start(dir.path(), false).await;
        use_source(&app, &latest, false).await;
        app.shutdown(Duration::from_secs(5)).await;
    }
    let (app, recorder) = start(dir.path(), true).await;
    settle(&files, 1).await;
    assert_eq!(files.hits("latest.json"), 0);
    assert!(recorder.sent().is_empty());
    app.shutdown(Duration::from_secs(5)).await;
}

#[tokio::test]
async fn a_version_whose_install_failed_is_not_offered_for_installing_again() {
    let (_files, latest) = release("9.0.0").await;
    let dir = tempfile::tempdir().unwrap();
    let (app, _) = start(dir.path(), false).await;
    use_source(&app, &latest, true).await;
    updates(&app).check().await.unwrap();
    updates(&app)
        .install_failed("9.0.0".into(), "pkexec was dismissed".into())
        .await
        .unwrap();
    let status = updates(&app).check().await.unwrap();
    assert!(status.available && !status.can_install, "{status:?}");
    let how = status.how.unwrap();
    assert!(
        how.contains("Installing 9.0.0 failed (pkexec was dismissed)"),
        "{how}"
    );
}

#[tokio::test]
async fn a_copy_that_cannot_install_downloads_nothing_for_quit_and_says_how_it_is_updated() {
    let (files, latest) = release("9.0.0").await;
    let dir = tempfile::tempdir().unwrap();
    let (app, _) = start(dir.path(), false).await;
    use_source(&app, &latest, true).await;
    updates(&app).check().await.unwrap();
    let feature = updates(&app);
    let refused = feature.install_on_quit("9.0.0".into()).await;
    let Err(e @ switchyard_updates::UpdatesError::NotOffered { .. }) = refused else {
        panic!("staged on a copy no installer manages: {refused:?}");
    };
    assert!(e.to_string().contains("no installer manages"), "{e}");
    let other = feature.install_on_quit("8.0.0".into()).await;
    assert!(
        matches!(
            other,
            Err(switchyard_updates::UpdatesError::NotOffered { .. })
        ),
        "a version not on offer is the Updates feature's typed refusal: {other:?}"
    );
    assert_eq!(files.hits("switchyard.AppImage"), 0, "nothing downloaded");
    let status = updates(&app).cancel_install_on_quit().await.unwrap();
    assert_eq!(status.on_quit, None, "nothing waits for Quit");
    app.shutdown(Duration::from_secs(1)).await;
    assert_eq!(
        files.hits("switchyard.AppImage"),
        0,
        "nothing installed at Quit"
    );
}

#[tokio::test]
async fn a_release_source_must_be_https_or_this_machine() {
    let dir = tempfile::tempdir().unwrap();
    let (app, _) = start(dir.path(), false).await;
    let prefs = app.preferences();
    let settings = prefs.get().await.unwrap();
    for (source, code) in [
        ("http://mirror.example.org/latest.json", "unsafe"),
        ("not an address", "format"),
    ] {
        let e = prefs
            .update(switchyard_app::Settings {
                update_source: Some(source.into()),
                ..settings.clone()
            })
            .await
            .unwrap_err();
        let issues = serde_json::to_value(refused_fields(&e)).unwrap();
        assert!(issues.to_string().contains("url"), "{source}: {issues}");
        assert!(
            format!("{e:?}").to_lowercase().contains(code),
            "{source}: {e:?}"
        );
    }
    assert_eq!(
        prefs.get().await.unwrap().update_source,
        None,
        "nothing saved"
    );
}

#[tokio::test]
async fn the_trays_check_says_its_result_whatever_it_is() {
    let (_files, older) = release("0.0.1").await;
    let dir = tempfile::tempdir().unwrap();
    let (app, recorder) = start(dir.path(), false).await;
    use_source(&app, &older, true).await;
    updates(&app).check_and_tell().await.unwrap();
    use_source(&app, "http://127.0.0.1:9/latest.json", true).await;
    updates(&app).check_and_tell().await.unwrap();
    let said: Vec<_> = recorder
        .sent()
        .into_iter()
        .filter(|n| n.kind == Kind::Update)
        .map(|n| n.summary)
        .collect();
    let running = env!("CARGO_PKG_VERSION");
    assert_eq!(
        said,
        [
            format!("Switchyard {running} is up to date"),
            "Could not check for updates".to_string()
        ]
    );
}

#[tokio::test]
async fn a_releases_notes_reach_settings_without_control_characters() {
    let notes = "\u{1b}]0;pwned\u{7}\u{1b}[31mFaster\u{1b}[0m failover\r\n\u{202e}txet\u{202c} \u{9b}2Jdone";
    let (_files, latest) = release_with("9.0.0", notes).await;
    let dir = tempfile::tempdir().unwrap();
    let (app, _) = start(dir.path(), false).await;
    use_source(&app, &latest, true).await;
    let status = updates(&app).check().await.unwrap();
    assert_eq!(
        status.notes.as_deref(),
        Some("Faster failover\ntxet done"),
        "the window and the panel show the notes' text, never an escape sequence, a control character or a bidi override"
    );
    let kept = updates(&app).status().await.unwrap();
    assert_eq!(kept.notes, status.notes, "as kept between runs");
}
