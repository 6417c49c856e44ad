//! The desktop core's start when another program holds the gateway's saved port (issue 70): the
//! gateway moves to a free port, the user gets a critical desktop notification naming the port,
//! the Gateway status carries the squat, and the moved port is kept; a fixed port is not moved
//! and says why. A listener in this process is the neighbour.

use std::sync::Arc;
use switchyard_app::{Options, Switchyard};
use switchyard_notify::{Kind, RecordingNotifier, Urgency};
use switchyard_runtime::paths::AppPaths;

fn options(dir: &std::path::Path, port: u16, fixed: bool) -> (Options, Arc<RecordingNotifier>) {
    let keychain = Arc::new(switchyard_app::secrets::MemoryStore::new());
    let mut opts = Options::new(AppPaths::under(dir), keychain);
    let mut gateway = switchyard_app::GatewayConfig::default();
    gateway.bind.set_port(port);
    opts.gateway = Some(gateway);
    opts.use_saved_gateway_settings = !fixed;
    opts.gateway_port_fixed = fixed;
    opts.publish_gateway = true;
    opts.monitor = false;
    let recorder = Arc::new(RecordingNotifier::new());
    opts.notify = switchyard_app::NotifyChannel::Recording(recorder.clone());
    (opts, recorder)
}

/// Saves `port` as the gateway's port, through the settings' own path.
async fn save_port(dir: &std::path::Path, port: u16) {
    let (mut opts, _) = options(dir, 0, true);
    opts.gateway = None;
    let app = Switchyard::start(opts).await.unwrap();
    let s = app.gateway_control().settings().await.unwrap();
    app.gateway_control()
        .update_settings(
            switchyard_app::GatewaySettings { port, ..s },
            &Default::default(),
        )
        .await
        .unwrap();
    app.shutdown(std::time::Duration::from_secs(2)).await;
}

#[tokio::test]
async fn a_held_saved_port_moves_the_gateway_notifies_and_keeps_the_new_port() {
    let dir = tempfile::tempdir().unwrap();
    let neighbour = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let held = neighbour.local_addr().unwrap().port();
    save_port(dir.path(), held).await;

    let (opts, recorder) = options(dir.path(), 4141, false);
    let app = Switchyard::start(opts).await.unwrap();
    let moved = app.gateway_addr().expect("the gateway started").port();
    assert_ne!(moved, held, "not on the neighbour's port");
    let squat = app
        .gateway_control()
        .info()
        .squat
        .expect("the squat is reported");
    assert_eq!((squat.port, squat.moved_to), (held, Some(moved)));
    #[cfg(target_os = "linux")]
    assert!(
        squat
            .holder
            .is_some_and(|h| h.ends_with(&format!("pid {}", std::process::id()))),
        "this user's own holder is named"
    );
    let sent = recorder.sent();
    let n = sent
        .iter()
        .find(|n| n.kind == Kind::PortTaken)
        .unwrap_or_else(|| panic!("a notification says so: {sent:?}"));
    assert_eq!(n.urgency, Urgency::Critical);
    assert!(n.summary.contains(&format!("127.0.0.1:{held}")), "{n:?}");
    assert!(n.body.contains(&format!("127.0.0.1:{moved}")), "{n:?}");
    assert_eq!(
        app.gateway_control().settings().await.unwrap().port,
        moved,
        "the moved port is kept, so the next start does not go back to the neighbour"
    );
    assert_eq!(
        switchyard_gateway::presence::find(&app.paths().data_dir).await,
        Some(moved),
        "this user's other processes find the gateway where it is, proven"
    );
    app.shutdown(std::time::Duration::from_secs(2)).await;
}

#[tokio::test]
async fn a_held_fixed_port_is_not_moved_and_the_reason_names_the_neighbour() {
    let dir = tempfile::tempdir().unwrap();
    let neighbour = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let held = neighbour.local_addr().unwrap().port();
    let (opts, recorder) = options(dir.path(), held, true);
    let app = Switchyard::start(opts).await.unwrap();
    let why = app.gateway_addr().expect_err("a fixed port is not moved");
    assert!(why.contains("your tools are talking to it"), "{why}");
    assert!(recorder.sent().iter().any(|n| n.kind == Kind::PortTaken));
    let err = switchyard_tools::Tools::new(&app)
        .connect(switchyard_toolconfig::ToolId::Codex, Default::default())
        .await
        .expect_err("no tool is pointed at a port the gateway does not hold");
    assert!(err.to_string().contains("Nothing was pointed"), "{err}");
    app.shutdown(std::time::Duration::from_secs(2)).await;
}
