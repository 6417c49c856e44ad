//! `Fanout` and `RecordingNotifier`: several channels behind one `Arc<dyn Notifier>`.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test helpers")]

use std::sync::Arc;

use switchyard_notify::{
    ChannelResult, Fanout, Kind, Notification, Notifier, NotifyError, RecordingNotifier, Urgency,
    HINT_NO_NOTIFICATION_SERVICE,
};

fn resolved() -> Notification {
    Notification::new(
        Kind::AlertResolved,
        Urgency::Low,
        "Backend Demo recovered",
        "",
    )
}

fn unavailable() -> NotifyError {
    NotifyError::Unavailable {
        reason: "no daemon".into(),
        hint: HINT_NO_NOTIFICATION_SERVICE,
    }
}

#[tokio::test]
async fn recorder_keeps_what_was_sent_in_order() {
    let rec = RecordingNotifier::new();
    rec.send(&Notification::test()).await.unwrap();
    rec.send(&resolved()).await.unwrap();
    assert_eq!(rec.sent(), vec![Notification::test(), resolved()]);
    rec.clear();
    assert!(rec.sent().is_empty());
}

#[tokio::test]
async fn recorder_can_be_told_to_fail_and_still_records_the_attempt() {
    let rec = RecordingNotifier::failing(unavailable());
    assert_eq!(rec.send(&resolved()).await, Err(unavailable()));
    assert_eq!(rec.sent().len(), 1, "failed attempts are recorded too");
    rec.set_failure(None);
    assert_eq!(rec.send(&resolved()).await, Ok(()));
}

#[tokio::test]
async fn fanout_reports_each_channel_and_keeps_going_after_a_failure() {
    let desktop = Arc::new(RecordingNotifier::failing(unavailable()));
    let slack = Arc::new(RecordingNotifier::new());
    let fanout = Fanout::new()
        .with("desktop", desktop.clone())
        .with("slack", slack.clone());

    let report = fanout.send_all(&resolved()).await;

    assert_eq!(
        report,
        vec![
            ChannelResult {
                channel: "desktop".into(),
                result: Err(unavailable())
            },
            ChannelResult {
                channel: "slack".into(),
                result: Ok(())
            },
        ]
    );
    assert_eq!(
        slack.sent(),
        vec![resolved()],
        "one failing channel must not stop the others"
    );
}

#[tokio::test]
async fn fanout_as_a_notifier_fails_naming_the_failed_channels() {
    let fanout: Arc<dyn Notifier> = Arc::new(
        Fanout::new()
            .with(
                "desktop",
                Arc::new(RecordingNotifier::failing(unavailable())),
            )
            .with("slack", Arc::new(RecordingNotifier::new())),
    );
    let err = fanout.send(&resolved()).await.unwrap_err();
    assert_eq!(
        err,
        NotifyError::ChannelsFailed {
            failures: vec![("desktop".into(), unavailable())],
            total: 2
        }
    );
    assert!(
        err.to_string()
            .starts_with("1 of 2 notification channels failed: desktop:"),
        "{err}"
    );
}

#[tokio::test]
async fn empty_fanout_succeeds() {
    assert_eq!(Fanout::new().send(&resolved()).await, Ok(()));
}

#[test]
fn unavailable_carries_its_hint() {
    let e = unavailable();
    assert!(e.is_unavailable());
    assert_eq!(e.hint(), Some(HINT_NO_NOTIFICATION_SERVICE));
    assert!(
        e.to_string()
            .contains("install and start a notification daemon"),
        "{e}"
    );
}
