use super::*;
use crate::sample::Outcome;
use tokio::time::{advance, sleep, Instant};

const BASE_MS: i64 = 1_700_000_000_000;
const SEC: Duration = Duration::from_secs(1);

/// A wall clock that follows tokio's (paused) clock from `BASE_MS`.
fn clock() -> WallClock {
    let start = Instant::now();
    Arc::new(move || BASE_MS + i64::try_from(start.elapsed().as_millis()).unwrap_or(i64::MAX))
}

/// Records every call; answers OK after `delay` (per backend id, default none).
#[derive(Clone, Default)]
struct Fake {
    calls: Arc<Mutex<Vec<(TargetId, Instant)>>>,
    delays: Arc<HashMap<String, Duration>>,
}

impl Fake {
    fn slow(backend: &str, delay: Duration) -> Self {
        Fake {
            delays: Arc::new(HashMap::from([(backend.to_string(), delay)])),
            ..Fake::default()
        }
    }

    fn calls_for(&self, id: &TargetId) -> usize {
        self.calls
            .lock()
            .unwrap()
            .iter()
            .filter(|(t, _)| t == id)
            .count()
    }

    fn total(&self) -> usize {
        self.calls.lock().unwrap().len()
    }
}

impl Prober for Fake {
    fn probe(&self, target: &TargetId) -> BoxFuture<ProbeReport> {
        self.calls
            .lock()
            .unwrap()
            .push((target.clone(), Instant::now()));
        let delay = self.delays.get(&target.backend_id).copied();
        Box::pin(async move {
            if let Some(d) = delay {
                sleep(d).await;
            }
            ProbeReport::ok(120)
        })
    }
}

fn start(fake: &Fake) -> (Scheduler, mpsc::Receiver<ProbeSample>) {
    Scheduler::start(SchedulerConfig::default(), Arc::new(fake.clone()), clock())
}

fn t(backend: &str) -> ProbeTarget {
    ProbeTarget::new(TargetId::backend(backend))
}

fn hourly(backend: &str) -> ProbeTarget {
    t(backend).with_interval(Duration::from_secs(3600))
}

/// Receives samples until `n` of them are for `id`.
async fn samples_of(
    rx: &mut mpsc::Receiver<ProbeSample>,
    id: &TargetId,
    n: usize,
) -> Vec<ProbeSample> {
    let mut out = Vec::new();
    while out.len() < n {
        let s = rx.recv().await.unwrap();
        if &s.target == id {
            out.push(s);
        }
    }
    out
}

#[tokio::test(start_paused = true)]
async fn every_gap_stays_within_ten_percent_of_the_interval() {
    let fake = Fake::default();
    let (sched, mut rx) = start(&fake);
    let targets = [t("a"), t("b").with_interval(10 * SEC)];
    sched.set_targets(targets.to_vec()).unwrap();
    for target in &targets {
        let got = samples_of(&mut rx, &target.id, 60).await;
        let gaps: Vec<Duration> = got.windows(2).map(|w| w[1].at - w[0].at).collect();
        let (lo, hi) = (target.interval.mul_f64(0.9), target.interval.mul_f64(1.1));
        for g in &gaps {
            assert!(*g >= lo && *g <= hi, "{g:?} must lie in [{lo:?}, {hi:?}]");
        }
        let distinct: HashSet<Duration> = gaps.iter().copied().collect();
        assert!(
            distinct.len() > 10,
            "gaps must actually be jittered, got {distinct:?}"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn warm_up_probes_every_target_at_once_staggered_by_a_few_ms() {
    let fake = Fake::default();
    let (sched, mut rx) = start(&fake);
    let t0 = Instant::now();
    sched.set_targets(vec![t("c"), t("a"), t("b")]).unwrap();
    let mut firsts = Vec::new();
    for _ in 0..3 {
        let s = rx.recv().await.unwrap();
        firsts.push((
            s.target.backend_id.clone(),
            s.at - t0,
            s.at_unix_ms - BASE_MS,
        ));
    }
    let ms = Duration::from_millis;
    assert_eq!(
        firsts,
        vec![
            ("a".into(), ms(0), 0),
            ("b".into(), ms(5), 5),
            ("c".into(), ms(10), 10)
        ],
        "warm-up: all targets right away, in id order, 5 ms apart, wall clock stamped"
    );
}

#[tokio::test(start_paused = true)]
async fn a_probe_that_outlives_its_timeout_becomes_a_timeout_sample() {
    let fake = Fake::slow("slow", 10 * SEC);
    let (sched, mut rx) = start(&fake);
    let t0 = Instant::now();
    sched
        .set_targets(vec![t("slow").with_timeout(5 * SEC)])
        .unwrap();
    let s = rx.recv().await.unwrap();
    assert_eq!(s.outcome, Outcome::Timeout, "10 s probe with a 5 s timeout");
    assert_eq!(
        s.at - t0,
        5 * SEC,
        "the sample is taken when the timeout fires"
    );
    assert_eq!(s.message, "no answer within 5 s");
    assert_eq!((s.latency_ms, s.http_status), (None, None));
}

#[tokio::test(start_paused = true)]
async fn a_slow_target_does_not_delay_the_others() {
    let fake = Fake::slow("slow", 4 * SEC);
    let (sched, mut rx) = start(&fake);
    let t0 = Instant::now();
    sched.set_targets(vec![t("slow"), t("fast")]).unwrap();
    let first = rx.recv().await.unwrap();
    assert_eq!(
        first.target.backend_id, "fast",
        "fast answers while slow still waits"
    );
    assert!(first.at - t0 < SEC, "fast is not queued behind slow");
}

#[tokio::test(start_paused = true)]
async fn latest_returns_a_sample_only_while_it_is_fresh() {
    let fake = Fake::default();
    let (sched, mut rx) = start(&fake);
    let id = TargetId::backend("a");
    assert!(sched.latest(&id).is_none(), "nothing probed yet");
    sched.set_targets(vec![hourly("a")]).unwrap();
    let s = rx.recv().await.unwrap();
    assert_eq!(
        sched.latest(&id),
        Some(s.clone()),
        "fresh right after the probe"
    );
    advance(Duration::from_millis(59_999)).await;
    assert_eq!(
        sched.latest(&id),
        Some(s),
        "still fresh 1 ms before the 60 s TTL"
    );
    advance(Duration::from_millis(1)).await;
    assert!(sched.latest(&id).is_none(), "expired at exactly 60 s");
}

#[tokio::test(start_paused = true)]
async fn set_targets_starts_added_and_stops_removed_targets() {
    let fake = Fake::default();
    let (sched, mut rx) = start(&fake);
    let (a, b) = (TargetId::backend("a"), TargetId::backend("b"));
    sched.set_targets(vec![t("a")]).unwrap();
    samples_of(&mut rx, &a, 2).await;
    let t1 = Instant::now();
    sched.set_targets(vec![t("a"), t("b")]).unwrap();
    let warm = samples_of(&mut rx, &b, 1).await;
    assert!(
        warm[0].at - t1 < SEC,
        "an added target is warmed up right away"
    );
    sched.set_targets(vec![t("b")]).unwrap();
    assert!(
        sched.latest(&a).is_none(),
        "a removed target leaves the cache"
    );
    let a_calls = fake.calls_for(&a);
    samples_of(&mut rx, &b, 10).await;
    assert_eq!(
        fake.calls_for(&a),
        a_calls,
        "a removed target is never probed again"
    );
    assert_eq!(sched.targets(), vec![t("b")]);
}

#[tokio::test(start_paused = true)]
async fn a_changed_interval_applies_from_the_next_tick() {
    let fake = Fake::default();
    let (sched, mut rx) = start(&fake);
    let a = TargetId::backend("a");
    sched.set_targets(vec![t("a")]).unwrap();
    let first = samples_of(&mut rx, &a, 1).await.remove(0);
    sched
        .set_targets(vec![t("a").with_interval(5 * SEC)])
        .unwrap();
    let got = samples_of(&mut rx, &a, 4).await;
    let old_gap = got[0].at - first.at;
    assert!(
        old_gap >= 27 * SEC,
        "the pending tick keeps the old 30 s interval: {old_gap:?}"
    );
    for w in got.windows(2) {
        let gap = w[1].at - w[0].at;
        assert!(
            gap >= Duration::from_millis(4500) && gap <= Duration::from_millis(5500),
            "{gap:?}"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn set_targets_rejects_bad_lists_without_changing_anything() {
    let fake = Fake::default();
    let (sched, _rx) = start(&fake);
    sched.set_targets(vec![t("a")]).unwrap();
    let dup = sched.set_targets(vec![t("b"), t("b")]);
    assert_eq!(
        dup,
        Err(SchedulerError::DuplicateTarget(TargetId::backend("b")))
    );
    let zero = sched.set_targets(vec![t("c").with_interval(Duration::ZERO)]);
    assert!(
        matches!(zero, Err(SchedulerError::InvalidTarget { .. })),
        "{zero:?}"
    );
    assert_eq!(
        sched.targets(),
        vec![t("a")],
        "a refused list changes nothing"
    );
}

#[tokio::test(start_paused = true)]
async fn probe_now_probes_at_once_and_restarts_the_schedule() {
    let fake = Fake::default();
    let (sched, mut rx) = start(&fake);
    let a = TargetId::backend("a");
    sched.set_targets(vec![hourly("a")]).unwrap();
    samples_of(&mut rx, &a, 1).await;
    advance(Duration::from_secs(600)).await;
    let asked = Instant::now();
    let s = sched.probe_now(&a).await.unwrap();
    assert_eq!(s.at, asked, "the refresh does not wait for the hourly tick");
    assert_eq!(rx.recv().await.unwrap(), s, "the refresh is published too");
    assert_eq!(sched.latest(&a), Some(s.clone()), "and cached");
    let next = samples_of(&mut rx, &a, 1).await.remove(0);
    assert!(
        next.at - s.at >= Duration::from_secs(3240),
        "the schedule restarts from the refresh"
    );
    let unknown = sched.probe_now(&TargetId::backend("nope")).await;
    assert_eq!(
        unknown,
        Err(SchedulerError::UnknownTarget(TargetId::backend("nope")))
    );
}

#[tokio::test(start_paused = true)]
async fn probe_all_now_probes_every_target_concurrently() {
    let fake = Fake {
        delays: Arc::new(["a", "b", "c"].map(|b| (b.to_string(), SEC)).into()),
        ..Fake::default()
    };
    let (sched, mut rx) = start(&fake);
    sched
        .set_targets(vec![hourly("c"), hourly("a"), hourly("b")])
        .unwrap();
    for _ in 0..3 {
        rx.recv().await.unwrap();
    }
    let asked = Instant::now();
    let all = sched.probe_all_now().await.unwrap();
    let ids: Vec<&str> = all.iter().map(|s| s.target.backend_id.as_str()).collect();
    assert_eq!(ids, ["a", "b", "c"], "one sample per target, sorted");
    assert!(
        Instant::now() - asked < 2 * SEC,
        "three 1 s probes overlap, not 3 s in a row"
    );
    assert_eq!(fake.total(), 6, "warm-up + one refresh each");
}

#[tokio::test(start_paused = true)]
async fn shutdown_stops_all_probing_and_refuses_further_calls() {
    let fake = Fake::default();
    let (sched, mut rx) = start(&fake);
    sched.set_targets(vec![t("a"), t("b")]).unwrap();
    for _ in 0..4 {
        rx.recv().await.unwrap();
    }
    sched.shutdown().await;
    while rx.try_recv().is_ok() {}
    let calls = fake.total();
    advance(Duration::from_secs(3600)).await;
    sleep(SEC).await;
    assert_eq!(fake.total(), calls, "no probe after shutdown");
    assert!(rx.try_recv().is_err(), "no sample after shutdown");
    assert_eq!(
        sched.set_targets(vec![t("a")]),
        Err(SchedulerError::ShutDown)
    );
    assert_eq!(
        sched.probe_now(&TargetId::backend("a")).await,
        Err(SchedulerError::ShutDown)
    );
    assert!(sched.targets().is_empty(), "no target survives shutdown");
    assert!(rx.recv().await.is_none(), "the sample channel closes");
}

#[tokio::test(start_paused = true)]
async fn dropping_the_receiver_keeps_the_cache_up_to_date() {
    let fake = Fake::default();
    let (sched, rx) = start(&fake);
    drop(rx);
    let a = TargetId::backend("a");
    sched.set_targets(vec![t("a")]).unwrap();
    sleep(Duration::from_secs(100)).await;
    assert_eq!(
        fake.calls_for(&a),
        4,
        "warm-up and three ticks (27–33 s apart) despite nobody listening"
    );
    assert!(sched.latest(&a).is_some(), "the cache still fills");
}
