//! The whole alert path over real D-Bus: the monitor sees a provider go down and come back, and
//! the "down" and "recovered" notifications go out as `Notify` calls on the session bus, read
//! back with dbus-monitor. Needs the `./dev test` session (private bus, Xvfb for dunst), so it
//! is ignored in a plain `cargo test` and run with `--include-ignored` there.

use super::*;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use switchyard_app::NotifyChannel;
use switchyard_mock::MockServer;

struct Monitor {
    child: Child,
    seen: Arc<Mutex<String>>,
}

impl Drop for Monitor {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn dbus_monitor() -> Monitor {
    let mut child = Command::new("dbus-monitor")
        .args([
            "--session",
            "interface=org.freedesktop.Notifications,member=Notify",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("dbus-monitor (package dbus-bin) must be installed");
    let seen = Arc::new(Mutex::new(String::new()));
    let out = child.stdout.take().unwrap();
    let sink = seen.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            let mut s = sink.lock().unwrap();
            s.push_str(&line);
            s.push('\n');
        }
    });
    Monitor { child, seen }
}

async fn wait_for(seen: &Mutex<String>, needle: &str) {
    for _ in 0..200 {
        if seen.lock().unwrap().contains(needle) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "no Notify call with “{needle}” on the bus: {}",
        seen.lock().unwrap()
    );
}

#[tokio::test]
#[ignore = "needs a session bus and a display: runs with --include-ignored in ./dev test"]
async fn backend_down_and_recovered_reach_the_desktop_over_real_dbus() {
    for var in ["DBUS_SESSION_BUS_ADDRESS", "DISPLAY"] {
        assert!(
            std::env::var_os(var).is_some(),
            "{var} is not set: run inside ./dev test's session"
        );
    }
    let bus = dbus_monitor();
    // dbus-monitor prints its own NameAcquired/NameLost lines once it is listening.
    wait_for(&bus.seen, "NameLost").await;

    let dir = tempfile::tempdir().unwrap();
    let mut opts = Options::new(AppPaths::under(dir.path()), Arc::new(MemoryStore::new()));
    opts.demo = MockConfig::instant();
    opts.gateway = None;
    opts.probe_timeout = Duration::from_millis(400);
    opts.environment = Environment::Fixed(Default::default());
    opts.notify = NotifyChannel::Desktop(switchyard_notify::DesktopNotifier::new());
    opts.monitor = true;
    opts.monitor_interval = Some(Duration::from_millis(100));
    // The tools' records of an empty HOME of its own, never the developer's.
    opts.tools_home = Some(switchyard_toolconfig::Home {
        home: dir.path().join("home"),
        vars: Default::default(),
        env_store: None,
    });
    let app = Switchyard::start(opts).await.unwrap();
    switchyard_app_testing::monitored::no_cooldown(&app).await;

    let mock = MockServer::start(MockConfig::instant()).await.unwrap();
    let port = mock.addr().port();
    app.backends()
        .create(
            draft(BackendKind::Ollama, "Bus Test", &mock.base_url()),
            None,
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(400)).await;
    mock.shutdown().await;
    wait_for(&bus.seen, "Bus Test is down").await;
    let back = MockServer::start_on(port, MockConfig::instant())
        .await
        .unwrap();
    wait_for(&bus.seen, "Recovered: Bus Test is down").await;
    let seen = bus.seen.lock().unwrap().clone();
    assert!(
        seen.contains("\"Switchyard\""),
        "sent as the app Switchyard: {seen}"
    );
    assert!(
        app.notifications().last_failure().is_none(),
        "delivered without error"
    );
    drop(back);
}
