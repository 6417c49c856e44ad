//! The order of giving way at the connection cap, on tickets driven by hand.

use super::*;
use futures_util::task::noop_waker;

fn said(held: &Held) -> Signal {
    held.ticket().signal(&noop_waker())
}

/// A connection that was answered once and is now idle (kept alive), vouched or not.
fn idle(slots: &Arc<Slots>, vouched: bool) -> Held {
    let held = slots.hold_now();
    held.ticket().begin();
    if vouched {
        held.ticket().vouch();
    }
    held.ticket().end();
    held
}

impl Slots {
    fn hold_now(self: &Arc<Self>) -> Held {
        let permit = Arc::clone(&self.free).try_acquire_owned().unwrap();
        self.hold(permit)
    }
}

/// Lets the idle clock (milliseconds) move on, so "longest idle" is well defined.
fn tick() {
    std::thread::sleep(Duration::from_millis(3));
}

#[test]
fn connections_that_sent_no_whole_request_head_give_way_first_oldest_first() {
    let slots = Slots::new(8);
    let kept = idle(&slots, false);
    tick();
    let older = slots.hold_now();
    let newer = slots.hold_now();
    assert!(slots.make_room());
    assert_eq!(
        said(&older),
        Signal::Drop,
        "the oldest fresh connection goes first, at once"
    );
    assert_eq!(said(&newer), Signal::None);
    assert_eq!(
        said(&kept),
        Signal::None,
        "an idle connection stays while a fresh one can go"
    );
    assert!(slots.make_room());
    assert_eq!(said(&newer), Signal::Drop);
    assert!(slots.make_room());
    assert_eq!(
        said(&kept),
        Signal::Finish,
        "then the idle one, closed gracefully"
    );
}

#[test]
fn idle_connections_without_a_valid_token_give_way_before_vouched_ones_longest_idle_first() {
    let slots = Slots::new(8);
    let tool = idle(&slots, true);
    tick();
    let stranger_long = idle(&slots, false);
    tick();
    let stranger_short = idle(&slots, false);
    assert!(slots.make_room());
    assert_eq!(said(&stranger_long), Signal::Finish);
    assert_eq!(said(&stranger_short), Signal::None);
    assert!(slots.make_room());
    assert_eq!(said(&stranger_short), Signal::Finish);
    assert_eq!(
        said(&tool),
        Signal::None,
        "a tool's connection goes only when no stranger's can"
    );
    assert!(slots.make_room());
    assert_eq!(said(&tool), Signal::Finish);
}

#[test]
fn a_connection_with_a_request_in_flight_is_never_chosen() {
    let slots = Slots::new(8);
    let busy = slots.hold_now();
    busy.ticket().begin();
    let chosen = slots.hold_now();
    assert!(slots.make_room());
    assert!(
        !slots.make_room(),
        "nothing else may give way: a request in flight is never cut, and a connection already \
         closing is not chosen twice"
    );
    assert_eq!(said(&busy), Signal::None);
    assert_eq!(said(&chosen), Signal::Drop);
}

#[test]
fn a_request_arriving_on_a_connection_chosen_while_idle_is_still_answered() {
    let slots = Slots::new(8);
    let held = idle(&slots, false);
    assert!(slots.make_room());
    held.ticket().begin();
    assert_eq!(
        said(&held),
        Signal::Finish,
        "finish the request in flight, then close: never drop it"
    );
    held.ticket().end();
    assert!(!slots.make_room(), "still closing: not chosen again");
}

#[test]
fn stopping_drops_connections_that_sent_nothing_whole_and_finishes_the_others() {
    let slots = Slots::new(8);
    let fresh = slots.hold_now();
    let busy = slots.hold_now();
    busy.ticket().begin();
    slots.stop_all();
    assert_eq!(said(&fresh), Signal::Drop);
    assert_eq!(said(&busy), Signal::Finish);
}

#[tokio::test]
async fn a_new_connection_at_the_cap_gets_the_slot_the_chosen_one_gives_up() {
    let slots = Slots::new(2);
    let busy = slots.hold_now();
    busy.ticket().begin();
    let quiet = slots.hold_now();
    assert_eq!(slots.open(), 2);
    let admit = tokio::spawn({
        let slots = Arc::clone(&slots);
        async move { slots.admit().await }
    });
    // The chosen connection's task sees the signal and drops its connection (and slot).
    for _ in 0..200 {
        if said(&quiet) == Signal::Drop {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(said(&quiet), Signal::Drop);
    drop(quiet);
    let held = tokio::time::timeout(Duration::from_secs(5), admit)
        .await
        .expect("the slot given up is taken at once")
        .unwrap();
    assert_eq!(said(&held), Signal::None);
    assert_eq!(
        said(&busy),
        Signal::None,
        "the busy connection kept its slot"
    );
    assert_eq!(slots.open(), 2);
}

#[test]
fn a_connection_admitted_while_the_gateway_stops_is_told_at_once() {
    let slots = Slots::new(8);
    slots.stop_all();
    let late = slots.hold_now();
    assert_eq!(
        said(&late),
        Signal::Drop,
        "no connection is left open because it came in as the gateway stopped"
    );
}
