//! `team-bench`: what the team gateway's shared state costs (issue 44), against a throw-away
//! PostgreSQL and Redis on this machine, each measurement beside its floor in the same run:
//!
//! - the team ledger: records queued with `TeamLedger::record` until the pump has written them
//!   all, against PostgreSQL's own fastest path for the same rows (`COPY … FROM STDIN` into a
//!   twin table);
//! - a shared rate-limit admission (`SharedWindow::admit`: one Lua script, one round trip)
//!   against a bare `PING` on the same kind of connection, both one at a time;
//! - a budget reservation in PostgreSQL (Redis away) against a bare `SELECT 1`.
#![allow(clippy::print_stdout, reason = "a benchmark prints its numbers")]
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "a benchmark")]

#[cfg(unix)]
mod bench {
    use futures_util::SinkExt;
    use std::time::{Duration, Instant};
    use switchyard_domain::RequestRecord;
    use switchyard_gateway::Ledger;
    use switchyard_team::testing::{TempPostgres, TempRedis};
    use switchyard_team::{SharedWindow, TeamDb, TeamLedger};
    use tokio_util::sync::CancellationToken;

    const ROWS: usize = 20_000;
    const ADMISSIONS: u32 = 5_000;

    fn record(n: usize) -> RequestRecord {
        RequestRecord {
            id: format!("bench-{n:06}"),
            started_at: "2026-11-26T10:00:00Z".into(),
            token_name: Some("claude-code".into()),
            inbound: "anthropic".into(),
            requested_model: "claude-sonnet-4-5".into(),
            backend: Some("Anthropic".into()),
            model: Some("claude-sonnet-4-5".into()),
            status: 200,
            input_tokens: 1200,
            output_tokens: 340,
            cost_usd: Some(0.0087),
            latency_ms: 812,
            ..Default::default()
        }
    }

    async fn count(client: &tokio_postgres::Client, table: &str) -> i64 {
        let row = client
            .query_one(&format!("SELECT count(*) FROM {table}"), &[])
            .await
            .unwrap();
        row.get(0)
    }

    async fn ledger(pg: &TempPostgres) {
        let db = TeamDb::connect(&pg.address()).await.unwrap();
        let (client, conn) = tokio_postgres::connect(&pg.url(), tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(conn);

        // The floor: COPY of the same rows (the columns the ledger writes, and its JSON).
        client
            .batch_execute("CREATE TABLE floor_requests (LIKE team_requests INCLUDING ALL)")
            .await
            .unwrap();
        let mut text = String::new();
        for n in 0..ROWS {
            let r = record(n);
            let json = serde_json::to_string(&r).unwrap().replace('\\', "\\\\");
            text.push_str(&format!(
                "{}\tbench\t{}\t\\N\tclaude-code\t{}\t{}\tAnthropic\t{}\t200\t1200\t340\t0.0087\t812\t{}\n",
                r.id, r.started_at, r.inbound, r.requested_model, r.requested_model, json
            ));
        }
        let started = Instant::now();
        let sink = client
            .copy_in::<_, bytes::Bytes>("COPY floor_requests FROM STDIN")
            .await
            .unwrap();
        futures_util::pin_mut!(sink);
        sink.send(bytes::Bytes::from(text)).await.unwrap();
        sink.close().await.unwrap();
        let floor = started.elapsed();
        assert_eq!(count(&client, "floor_requests").await, ROWS as i64);

        // Through a file outbox, as a replica writes it.
        let folder = tempfile::tempdir().unwrap();
        let (ledger, pump) = TeamLedger::new(db, "bench", ROWS);
        let pump = pump.with_outbox(folder.path().join(switchyard_team::OUTBOX_FILE));
        let stop = CancellationToken::new();
        let pumping = tokio::spawn(pump.run(stop.clone().cancelled_owned()));
        let started = Instant::now();
        let mut queued = Duration::ZERO;
        for n in 0..ROWS {
            let t = Instant::now();
            ledger.record(record(n), Some("token".into()));
            queued += t.elapsed();
        }
        while count(&client, "team_requests").await < ROWS as i64 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let written = started.elapsed();
        stop.cancel();
        pumping.await.unwrap();

        let per_s = |d: Duration| ROWS as f64 / d.as_secs_f64();
        println!("team ledger, {ROWS} requests:");
        println!("  COPY (floor)          {:>9.0} rows/s", per_s(floor));
        println!(
            "  TeamLedger (outbox, batches) {:>9.0} rows/s   {:.2}x the floor's time",
            per_s(written),
            written.as_secs_f64() / floor.as_secs_f64()
        );
        println!(
            "  record() on the request path: {:.2} µs per request",
            queued.as_secs_f64() * 1e6 / ROWS as f64
        );
    }

    /// The floor: [`ADMISSIONS`] bare `PING`s, one at a time, on a multiplexed connection.
    async fn ping_floor(redis: &TempRedis) -> Duration {
        let client = redis::Client::open(redis.url()).unwrap();
        let mut conn = client.get_multiplexed_async_connection().await.unwrap();
        let started = Instant::now();
        for _ in 0..ADMISSIONS {
            let _: String = redis::cmd("PING").query_async(&mut conn).await.unwrap();
        }
        started.elapsed()
    }

    async fn limits(redis: &TempRedis) {
        let ping = ping_floor(redis).await;
        let window = SharedWindow::new(Some(std::sync::Arc::new(
            switchyard_team::Link::new(&redis.address()).unwrap(),
        )));
        window.admit("warm", 1, Duration::from_secs(60)).await;
        let started = Instant::now();
        for _ in 0..ADMISSIONS {
            let v = window
                .admit("bench", u32::MAX, Duration::from_secs(60))
                .await;
            assert!(v.shared && v.admitted);
        }
        let admit = started.elapsed();
        let each = |d: Duration| d.as_secs_f64() * 1e6 / f64::from(ADMISSIONS);
        println!("shared rate limit, {ADMISSIONS} admissions one at a time:");
        println!("  PING round trip (floor)   {:>7.1} µs", each(ping));
        println!(
            "  SharedWindow::admit       {:>7.1} µs   {:.2}x the floor",
            each(admit),
            admit.as_secs_f64() / ping.as_secs_f64()
        );
    }

    /// A budget reservation in PostgreSQL (Redis away), then settled, one at a time, beside a
    /// bare `SELECT 1`.
    async fn budgets_in_postgres(pg: &TempPostgres) {
        use switchyard_gateway::SharedBudgets;
        const RESERVATIONS: u32 = 1_000;
        let db = switchyard_team::TeamDb::connect(&pg.address())
            .await
            .unwrap();
        let (client, conn) = tokio_postgres::connect(&pg.url(), tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(conn);
        let started = Instant::now();
        for _ in 0..RESERVATIONS {
            client.query_one("SELECT 1", &[]).await.unwrap();
        }
        let floor = started.elapsed();
        let budgets = switchyard_team::TeamBudgets::new(None, Some(db));
        budgets.set(vec![switchyard_team::TeamBudget {
            name: "bench".into(),
            scope: switchyard_team::BudgetScope::All,
            limit_usd: 1e9,
            period_start_ms: 0,
            period_end_ms: 4_000_000_000_000,
            spent_usd: 0.0,
            message: String::new(),
        }]);
        let started = Instant::now();
        for _ in 0..RESERVATIONS {
            let held = budgets.reserve(None, "b", None, 0.001).await.unwrap();
            held.expect("reserved in PostgreSQL").settle(0.0005);
        }
        let reserve = started.elapsed();
        let each = |d: Duration| d.as_secs_f64() * 1e6 / f64::from(RESERVATIONS);
        println!("team budgets with Redis away, {RESERVATIONS} reservations one at a time:");
        println!("  SELECT 1 round trip (floor)  {:>7.1} µs", each(floor));
        println!(
            "  TeamBudgets::reserve (PG)    {:>7.1} µs   {:.2}x the floor",
            each(reserve),
            reserve.as_secs_f64() / floor.as_secs_f64()
        );
    }

    /// A budget reservation and a shared-cache lookup, one at a time, beside a bare `PING`.
    async fn budgets_and_cache(redis: &TempRedis) {
        use switchyard_gateway::SharedBudgets;
        let link = std::sync::Arc::new(switchyard_team::Link::new(&redis.address()).unwrap());
        let ping = ping_floor(redis).await;
        let budgets = switchyard_team::TeamBudgets::new(Some(std::sync::Arc::clone(&link)), None);
        budgets.set(vec![switchyard_team::TeamBudget {
            name: "bench".into(),
            scope: switchyard_team::BudgetScope::All,
            limit_usd: 1e9,
            period_start_ms: 0,
            period_end_ms: i64::MAX / 4,
            spent_usd: 0.0,
            message: String::new(),
        }]);
        let started = Instant::now();
        for _ in 0..ADMISSIONS {
            let held = budgets.reserve(None, "b", None, 0.001).await.unwrap();
            held.expect("reserved").settle(0.0005);
        }
        let reserve = started.elapsed();
        let tier = switchyard_team::TeamCache::new(link, 1 << 30);
        let key = switchyard_cache::CacheKey([7; 32]);
        use switchyard_cache::RemoteTier;
        tier.put(key, vec![1; 2048], Duration::from_secs(600));
        while tier.get(&key).await.is_none() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let started = Instant::now();
        for _ in 0..ADMISSIONS {
            assert!(tier.get(&key).await.is_some());
        }
        let hit = started.elapsed();
        let each = |d: Duration| d.as_secs_f64() * 1e6 / f64::from(ADMISSIONS);
        let ratio = |d: Duration| d.as_secs_f64() / ping.as_secs_f64();
        println!("team budgets and cache, {ADMISSIONS} calls one at a time:");
        println!("  PING round trip (floor)      {:>7.1} µs", each(ping));
        println!(
            "  TeamBudgets::reserve         {:>7.1} µs   {:.2}x the floor",
            each(reserve),
            ratio(reserve)
        );
        println!(
            "  TeamCache::get (2 KiB hit)   {:>7.1} µs   {:.2}x the floor",
            each(hit),
            ratio(hit)
        );
    }

    pub fn main() {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap();
        let (pg, redis) = (TempPostgres::start(), TempRedis::start());
        rt.block_on(async {
            ledger(&pg).await;
            limits(&redis).await;
            budgets_and_cache(&redis).await;
            budgets_in_postgres(&pg).await;
        });
    }
}

#[cfg(unix)]
fn main() {
    bench::main();
}

#[cfg(not(unix))]
fn main() {}
