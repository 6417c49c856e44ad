//! A core with its health monitor running (probes every 100 ms) and its notifications recorded,
//! and the waits its tests use: for a condition, for a notification.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use switchyard_app::secrets::MemoryStore;
use switchyard_app::{NotifyChannel, Options, Switchyard};
use switchyard_notify::RecordingNotifier;

/// A monitored core on `dir`, and its notifications.
pub async fn start_monitored(dir: &Path) -> (Switchyard, Arc<RecordingNotifier>) {
    start_monitored_custom(dir, |_| {}).await
}

/// As [`start_monitored`], with `custom` changing the options last (a crate above mounts its
/// routes there).
pub async fn start_monitored_custom(
    dir: &Path,
    custom: impl FnOnce(&mut Options),
) -> (Switchyard, Arc<RecordingNotifier>) {
    let keychain = Arc::new(MemoryStore::new());
    let recorder = Arc::new(RecordingNotifier::new());
    let mut opts = crate::options(dir, &keychain, vec![]);
    opts.notify = NotifyChannel::Recording(recorder.clone());
    opts.monitor = true;
    opts.monitor_interval = Some(Duration::from_millis(100));
    // The tools' records of a HOME of its own (empty unless a test writes some), never the
    // developer's.
    opts.tools_home = Some(switchyard_toolconfig::Home {
        home: dir.join("home"),
        vars: Default::default(),
        env_store: None,
    });
    custom(&mut opts);
    (Switchyard::start(opts).await.unwrap(), recorder)
}

/// Alerts notify at once: no cool-down between two of the same.
pub async fn no_cooldown(app: &Switchyard) {
    let mut config = app.health().alert_config().await.unwrap();
    config.cooldown_secs = 0;
    app.health().set_alert_config(config).await.unwrap();
}

/// As [`start_monitored`], with [`no_cooldown`].
pub async fn start_alerting(dir: &Path) -> (Switchyard, Arc<RecordingNotifier>) {
    let (app, recorder) = start_monitored(dir).await;
    no_cooldown(&app).await;
    (app, recorder)
}

/// Waits up to 5 s for `f` to hold; panics naming `what` if it never does.
pub async fn wait_until<F: Fn() -> bool>(what: &str, f: F) {
    for _ in 0..100 {
        if f() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting for {what}");
}

/// Waits for a notification whose summary contains `part`.
pub async fn wait_for_notification(what: &str, recorder: &RecordingNotifier, part: &str) {
    wait_until(what, || {
        recorder.sent().iter().any(|n| n.summary.contains(part))
    })
    .await;
}

/// The health status of backend `name` (empty when there is none).
pub async fn status_of(app: &Switchyard, name: &str) -> String {
    let all = app.health().overview().await.unwrap();
    all.into_iter()
        .find(|b| b.name == name)
        .map(|b| b.status.as_str().to_string())
        .unwrap_or_default()
}
