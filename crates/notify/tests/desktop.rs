//! `DesktopNotifier` over real D-Bus (Linux/BSD).
//!
//! * The real-daemon test needs the session of `./dev test` (Xvfb, a private session bus): it
//!   starts its own dunst and dbus-monitor and checks the `Notify` calls on the bus.
//! * The failure tests run the notifier in a child copy of this binary whose
//!   `DBUS_SESSION_BUS_ADDRESS` points nowhere, or at a private `dbus-daemon` this test starts
//!   with no notification service (or one whose activation crashes, like dunst without a
//!   display). The address is read from the environment, so it needs its own process.
#![cfg(all(unix, not(target_os = "macos")))]
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test helpers")]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use switchyard_notify::{
    DesktopNotifier, Kind, Notification, Notifier, NotifyError, Urgency,
    HINT_NO_NOTIFICATION_SERVICE, HINT_NO_SESSION_BUS,
};

const CHILD_ENV: &str = "SWITCHYARD_NOTIFY_TEST_CHILD";

/// Child processes killed and reaped on drop, so a failed assertion leaves nothing running.
#[derive(Default)]
struct Children(Vec<(&'static str, Child)>);

impl Children {
    fn spawn(&mut self, name: &'static str, cmd: &mut Command) -> &mut Child {
        let child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name}: {e}"));
        self.0.push((name, child));
        &mut self.0.last_mut().unwrap().1
    }

    /// Fails the test if `name` has already exited (e.g. dunst could not open the display),
    /// showing `log` (where its stderr went).
    fn assert_running(&mut self, name: &str, log: &Path) {
        for (n, child) in &mut self.0 {
            if *n == name {
                if let Ok(Some(status)) = child.try_wait() {
                    let err = std::fs::read_to_string(log).unwrap_or_default();
                    panic!("{name} exited early ({status}): {err}");
                }
            }
        }
    }
}

impl Drop for Children {
    fn drop(&mut self) {
        for (_, child) in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn wait_until(timeout: Duration, mut done: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if done() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn notifications_owned() -> bool {
    Command::new("dbus-send")
        .args([
            "--session",
            "--print-reply",
            "--dest=org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus.NameHasOwner",
            "string:org.freedesktop.Notifications",
        ])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("boolean true"))
        .unwrap_or(false)
}

/// Collects a child's stdout into a shared string on a reader thread.
fn capture(child: &mut Child) -> Arc<Mutex<String>> {
    let out = Arc::new(Mutex::new(String::new()));
    let sink = out.clone();
    let stdout = child.stdout.take().expect("piped stdout");
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let mut s = sink.lock().unwrap();
            s.push_str(&line);
            s.push('\n');
        }
    });
    out
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
#[ignore = "needs a session bus and dunst: run with --include-ignored in ./dev test"]
fn real_daemon_receives_alert_notifications() {
    let started = Instant::now();
    for var in ["DBUS_SESSION_BUS_ADDRESS", "DISPLAY"] {
        assert!(
            std::env::var_os(var).is_some(),
            "{var} is not set: run this inside the test session (./dev test, or \
             `in_test_session cargo test -p switchyard-notify -- --include-ignored`)"
        );
    }
    let tmp = tempfile::tempdir().unwrap();
    let dunst_log = tmp.path().join("dunst.log");
    let mut children = Children::default();
    if notifications_owned() {
        eprintln!("a notification daemon already runs on this bus; using it");
    } else {
        children.spawn(
            "dunst",
            Command::new("dunst")
                .stdout(Stdio::null())
                .stderr(std::fs::File::create(&dunst_log).unwrap()),
        );
        let owned = wait_until(Duration::from_secs(5), || {
            children.assert_running("dunst", &dunst_log);
            notifications_owned()
        });
        assert!(
            owned,
            "dunst did not take org.freedesktop.Notifications within 5 s"
        );
    }
    let monitor = children.spawn(
        "dbus-monitor",
        Command::new("dbus-monitor")
            .args([
                "--session",
                "interface=org.freedesktop.Notifications,member=Notify",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null()),
    );
    let log = capture(monitor);
    // dbus-monitor prints NameLost for its own name once it has become a monitor.
    assert!(
        wait_until(Duration::from_secs(5), || log
            .lock()
            .unwrap()
            .contains("NameLost")),
        "dbus-monitor did not start: {}",
        log.lock().unwrap()
    );

    let notifier = DesktopNotifier::new().with_icon("dialog-warning");
    let rt = runtime();
    let info = rt.block_on(notifier.server_info()).expect("server info");
    assert_eq!(info.name, "dunst", "{info:?}");
    for n in [
        Notification::new(
            Kind::AlertOpened,
            Urgency::Critical,
            "Backend Demo is down",
            "3 probes failed",
        ),
        Notification::new(
            Kind::AlertResolved,
            Urgency::Low,
            "Backend Demo recovered",
            "",
        ),
    ] {
        rt.block_on(notifier.send(&n))
            .unwrap_or_else(|e| panic!("sending {:?}: {e}", n.summary));
    }

    let seen = wait_until(Duration::from_secs(5), || {
        let log = log.lock().unwrap();
        log.contains("\"Backend Demo is down\"") && log.contains("\"Backend Demo recovered\"")
    });
    let log = log.lock().unwrap().clone();
    assert!(seen, "both Notify calls must reach the bus:\n{log}");
    assert!(log.contains("string \"Switchyard\""), "app name:\n{log}");
    assert!(
        log.contains("x-switchyard.alert-opened"),
        "category hint:\n{log}"
    );
    eprintln!("real D-Bus round trip took {:?}", started.elapsed());
}

/// Runs `child_entry` in a copy of this binary with `bus` as the session bus address.
fn run_child(scenario: &str, bus: &str) {
    let out = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_entry", "--include-ignored", "--nocapture"])
        .env(CHILD_ENV, scenario)
        .env("DBUS_SESSION_BUS_ADDRESS", bus)
        .output()
        .expect("spawn child test");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "child failed:\n{stdout}\n{stderr}");
    eprint!("{stdout}");
    assert!(
        stdout.contains("CHILD-CHECKED"),
        "the child must really run its assertions:\n{stdout}\n{stderr}"
    );
}

#[test]
fn no_session_bus_is_a_typed_unavailable_error() {
    run_child("no-bus", "unix:path=/nonexistent/switchyard-test-bus");
}

#[test]
#[ignore = "needs dbus-daemon: run with --include-ignored in ./dev test"]
fn bus_without_notification_service_is_a_typed_unavailable_error() {
    let dir = tempfile::tempdir().unwrap();
    let mut children = Children::default();
    let bus = private_bus(&mut children, dir.path(), None);
    run_child("no-service", &bus);
}

#[test]
#[ignore = "needs dbus-daemon: run with --include-ignored in ./dev test"]
fn crashing_activation_is_a_typed_unavailable_error() {
    let dir = tempfile::tempdir().unwrap();
    let mut children = Children::default();
    // What dunst does when bus-activated without a display: it dies on a signal.
    let bus = private_bus(
        &mut children,
        dir.path(),
        Some("/bin/sh -c 'kill -ABRT $$'"),
    );
    run_child("activation-fails", &bus);
}

/// A private `dbus-daemon` with no standard service folders; with `exec`, a service file makes
/// `org.freedesktop.Notifications` activatable by running it. Returns the bus address.
fn private_bus(children: &mut Children, dir: &Path, exec: Option<&str>) -> String {
    let services = dir.join("services");
    std::fs::create_dir(&services).unwrap();
    if let Some(exec) = exec {
        std::fs::write(
            services.join("org.freedesktop.Notifications.service"),
            format!("[D-BUS Service]\nName=org.freedesktop.Notifications\nExec={exec}\n"),
        )
        .unwrap();
    }
    let config = dir.join("bus.conf");
    std::fs::write(
        &config,
        format!(
            r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={dir}</listen>
  <servicedir>{services}</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#,
            dir = dir.display(),
            services = services.display()
        ),
    )
    .unwrap();
    let daemon = children.spawn(
        "dbus-daemon",
        Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--print-address"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null()),
    );
    let mut address = String::new();
    BufReader::new(daemon.stdout.as_mut().unwrap())
        .read_line(&mut address)
        .unwrap();
    let address = address.trim().to_owned();
    assert!(
        address.starts_with("unix:"),
        "dbus-daemon address: {address:?}"
    );
    address
}

#[test]
#[ignore = "entry point for the child-process tests above"]
fn child_entry() {
    let Ok(scenario) = std::env::var(CHILD_ENV) else {
        return;
    };
    let rt = runtime();
    let notifier = DesktopNotifier::new();
    let n = Notification::new(
        Kind::AlertOpened,
        Urgency::Critical,
        "Backend Demo is down",
        "",
    );
    let started = Instant::now();
    let sent = rt
        .block_on(notifier.send(&n))
        .expect_err("nothing can show it");
    let info = rt.block_on(notifier.server_info()).expect_err("no server");
    let elapsed = started.elapsed();
    for err in [&sent, &info] {
        assert!(err.is_unavailable(), "{scenario}: {err:?}");
        let NotifyError::Unavailable { reason, hint } = err else {
            unreachable!()
        };
        match scenario.as_str() {
            "no-bus" => {
                assert_eq!(*hint, HINT_NO_SESSION_BUS, "{reason}");
                assert!(reason.contains("session bus"), "{reason}");
            }
            "no-service" => {
                assert_eq!(*hint, HINT_NO_NOTIFICATION_SERVICE, "{reason}");
                assert!(reason.contains("no service file"), "{reason}");
            }
            "activation-fails" => {
                assert_eq!(*hint, HINT_NO_NOTIFICATION_SERVICE, "{reason}");
                assert!(reason.contains("Spawn.Child"), "{reason}");
            }
            other => panic!("unknown scenario {other}"),
        }
        println!("{scenario}: {err}");
    }
    assert!(
        elapsed < DesktopNotifier::CALL_TIMEOUT,
        "a missing service must fail fast, not by timeout: {elapsed:?}"
    );
    println!("CHILD-CHECKED");
}

/// Toasts on Windows are shown under the AppUserModelID the installers give the Start menu
/// shortcut: the bundle identifier. Renaming one without the other would make them vanish.
#[test]
fn the_windows_app_id_is_the_bundle_identifier() {
    let conf: serde_json::Value = serde_json::from_str(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tauri.conf.json"
    )))
    .unwrap();
    assert_eq!(
        conf["identifier"].as_str(),
        Some(switchyard_notify::DesktopNotifier::WINDOWS_APP_ID)
    );
}
