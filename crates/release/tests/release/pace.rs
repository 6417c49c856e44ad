//! Servers that do not play fair, on 127.0.0.1 for real: a manifest or a package dripped one
//! byte every few seconds is stopped at its overall deadline with a typed error (the deadlines
//! are made short here; what is measured is only that the error comes, long before the drip
//! would end); a package longer than the cap is refused as it arrives, its length unannounced;
//! a package is on disk as it arrives, never whole in memory, and memory stays bounded while a
//! large one downloads; a download a crash left in the data folder goes a day later.

use super::*;
use std::sync::Arc;
use std::time::{Duration, Instant};
use switchyard_release::testing::raw::{self, Body, Pace, Raw};
use switchyard_release::Limits;

/// Short deadlines and a small package cap, so the tests are quick.
fn tight() -> Limits {
    Limits {
        manifest_deadline: Duration::from_millis(800),
        package_deadline: Duration::from_millis(800),
        ..Limits::default()
    }
}

/// A release whose manifest is served well and whose package comes from `raw`.
async fn package_from(raw: Raw, signature: &str) -> (String, raw::Served) {
    let served = raw::start(raw).await;
    let files = Files::default();
    let origin = server::start(files.clone()).await;
    let url = format!("{}/v0.2.0/switchyard_0.2.0_amd64.deb", served.origin);
    files.put("latest.json", manifest("0.2.0", &url, signature));
    (origin, served)
}

fn empty(dir: &tempfile::TempDir) -> bool {
    std::fs::read_dir(dir.path()).unwrap().next().is_none()
}

#[tokio::test]
async fn a_manifest_that_drips_is_stopped_at_its_deadline_with_a_typed_error() {
    let body = manifest("0.2.0", "https://example.org/s_amd64.deb", "c2ln");
    let served = raw::start(Raw {
        body: Body::bytes(body),
        pace: Pace::Drip {
            every: Duration::from_secs(5),
        },
        length: true,
    })
    .await;
    let u = Updater::new("0.1.0", deb()).unwrap().with_limits(tight());
    let began = Instant::now();
    let found = u.check(&format!("{}/latest.json", served.origin)).await;
    let took = began.elapsed();
    let Err(e @ UpdateError::TimedOut { .. }) = found else {
        panic!("a manifest that never ends is refused: {found:?}");
    };
    assert!(
        e.to_string().contains(&served.origin),
        "says which address: {e}"
    );
    assert!(
        took < Duration::from_secs(30),
        "stopped at the deadline, not read for the drip's ~25 minutes (took {took:?})"
    );
    assert_eq!(served.requests(), 1);
}

#[tokio::test]
async fn a_package_that_drips_is_stopped_at_its_deadline_and_nothing_is_kept() {
    let signer = Signer::new();
    let signature = signer.sign("switchyard_0.2.0_amd64.deb", PACKAGE, Some("0.2.0"));
    let dripping = Raw {
        body: Body::bytes(PACKAGE),
        pace: Pace::Drip {
            every: Duration::from_secs(5),
        },
        length: true,
    };
    let (origin, _served) = package_from(dripping, &signature).await;
    let downloads = tempfile::tempdir().unwrap();
    let u = updater(&signer)
        .with_limits(tight())
        .downloads_in(downloads.path().into());
    let began = Instant::now();
    let e = u.download(&offer(&u, &origin).await, &mut |_, _| {}).await;
    assert!(
        matches!(e, Err(UpdateError::TimedOut { .. })),
        "a package that never ends is refused: {:?}",
        e.err()
    );
    assert!(
        began.elapsed() < Duration::from_secs(30),
        "stopped at the deadline"
    );
    assert!(empty(&downloads), "the part received is not kept");
}

#[tokio::test]
async fn a_package_longer_than_the_cap_is_refused_as_it_arrives() {
    let signer = Signer::new();
    let signature = signer.sign("switchyard_0.2.0_amd64.deb", PACKAGE, Some("0.2.0"));
    let long = Raw {
        body: Body::Made { len: 256 * 1024 },
        pace: Pace::Whole,
        length: false,
    };
    let (origin, _served) = package_from(long, &signature).await;
    let downloads = tempfile::tempdir().unwrap();
    let limits = Limits {
        package_bytes: 64 * 1024,
        ..Limits::default()
    };
    let u = updater(&signer)
        .with_limits(limits)
        .downloads_in(downloads.path().into());
    let e = u.download(&offer(&u, &origin).await, &mut |_, _| {}).await;
    assert!(
        matches!(e, Err(UpdateError::TooLarge { limit: 65536, .. })),
        "a body past the cap is refused though no length was announced: {:?}",
        e.err()
    );
    assert!(empty(&downloads), "the part received is not kept");
}

#[tokio::test]
async fn a_package_is_on_disk_as_it_arrives_not_in_memory() {
    let signer = Signer::new();
    let signature = signer.sign("switchyard_0.2.0_amd64.deb", PACKAGE, Some("0.2.0"));
    let go = Arc::new(tokio::sync::Notify::new());
    let half = PACKAGE.len() / 2;
    let held = Raw {
        body: Body::bytes(PACKAGE),
        pace: Pace::Held {
            first: half,
            go: Arc::clone(&go),
        },
        length: true,
    };
    let (origin, _served) = package_from(held, &signature).await;
    let downloads = tempfile::tempdir().unwrap();
    let u = updater(&signer).downloads_in(downloads.path().into());
    let offer = offer(&u, &origin).await;
    let download = tokio::spawn(async move { u.download(&offer, &mut |_, _| {}).await });
    let mut on_disk = None;
    for _ in 0..500 {
        on_disk = files_under(downloads.path())
            .into_iter()
            .find(|f| std::fs::metadata(f).is_ok_and(|m| m.len() == half as u64));
        if on_disk.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(
        on_disk.is_some(),
        "the first half is in a file under the downloads folder while the rest is awaited: {:?}",
        files_under(downloads.path())
    );
    go.notify_one();
    let verified = download.await.unwrap().unwrap();
    assert_eq!(std::fs::read(&verified.path).unwrap(), PACKAGE);
    assert!(verified.path.starts_with(downloads.path()));
}

fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        match path.is_dir() {
            true => found.extend(files_under(&path)),
            false => found.push(path),
        }
    }
    found
}

/// This process's resident memory and its peak, in bytes (`/proc/self/status`).
#[cfg(target_os = "linux")]
fn memory() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let field = |name: &str| {
        let line = status.lines().find(|l| l.starts_with(name)).unwrap();
        let kb: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
        kb * 1024
    };
    (field("VmRSS:"), field("VmHWM:"))
}

#[cfg(target_os = "linux")]
#[tokio::test]
async fn downloading_a_large_package_keeps_memory_bounded() {
    const SIZE: u64 = 128 << 20;
    let signer = Signer::new();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("switchyard_0.2.0_amd64.deb");
    raw::write_made(&file, SIZE);
    let signature = signer.sign_file(&file, Some("0.2.0"));
    std::fs::remove_file(&file).unwrap();
    let large = Raw {
        body: Body::Made { len: SIZE },
        pace: Pace::Whole,
        length: true,
    };
    let (origin, _served) = package_from(large, &signature).await;
    let downloads = tempfile::tempdir().unwrap();
    let u = updater(&signer).downloads_in(downloads.path().into());
    let offer = offer(&u, &origin).await;
    // The peak is counted from here ("5" resets VmHWM to the current resident size).
    std::fs::write("/proc/self/clear_refs", "5").unwrap();
    let (before, _) = memory();
    let verified = u.download(&offer, &mut |_, _| {}).await.unwrap();
    let (_, peak) = memory();
    assert_eq!(std::fs::metadata(&verified.path).unwrap().len(), SIZE);
    let grew = peak.saturating_sub(before);
    assert!(
        grew < 32 << 20,
        "a 128 MiB package is streamed to disk and verified from it, not held: memory grew {} MiB",
        grew >> 20
    );
}

#[tokio::test]
async fn a_download_a_crash_left_behind_goes_a_day_later_and_a_fresh_one_stays() {
    let signer = Signer::new();
    let files = Files::default();
    let origin = release(&signer, &files).await;
    let downloads = tempfile::tempdir().unwrap();
    let left = downloads.path().join("switchyard-release-crashed");
    let fresh = downloads.path().join("switchyard-release-running");
    let theirs = downloads.path().join("switchyard.sqlite");
    for dir in [&left, &fresh] {
        std::fs::create_dir(dir).unwrap();
        std::fs::write(dir.join("switchyard_0.2.0_amd64.deb"), PACKAGE).unwrap();
    }
    std::fs::write(&theirs, b"the user's data").unwrap();
    let two_days = std::time::SystemTime::now() - Duration::from_secs(2 * 24 * 3600);
    std::fs::File::open(&left)
        .unwrap()
        .set_modified(two_days)
        .unwrap();
    std::fs::File::options()
        .write(true)
        .open(&theirs)
        .unwrap()
        .set_modified(two_days)
        .unwrap();
    let u = updater(&signer).downloads_in(downloads.path().into());
    let verified = u
        .download(&offer(&u, &origin).await, &mut |_, _| {})
        .await
        .unwrap();
    assert!(!left.exists(), "a day-old download folder is removed");
    assert!(
        fresh.exists(),
        "a younger one may be another process's download"
    );
    assert!(theirs.exists(), "nothing but download folders is touched");
    drop(verified);
}
