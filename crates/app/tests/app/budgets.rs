//! Budgets through the app: validation with nothing saved, spend and forecast on a scripted
//! ledger, threshold notifications that fire once each, and the hard stop refusing and
//! resuming paid requests while free ones keep working.

use super::*;
use switchyard_app::{Budget, BudgetScope, Period, RequestRecord};
use switchyard_app_testing::costs::{ask, priced};
use switchyard_app_testing::monitored::{start_alerting, wait_until};
use switchyard_store::Store;

fn budget(name: &str, period: Period, scope: BudgetScope, limit_usd: f64) -> Budget {
    Budget {
        id: String::new(),
        name: name.into(),
        period,
        scope,
        limit_usd,
        hard_stop: false,
    }
}

#[tokio::test]
async fn invalid_budgets_are_refused_as_a_whole_and_nothing_is_saved() {
    let h = start().await;
    let ok = budget("Monthly", Period::Month, BudgetScope::All, 50.0);
    h.app.costs().set_budgets(vec![ok.clone()]).await.unwrap();
    use switchyard_domain::Field;
    let bad_sets = [
        (
            vec![budget("Zero", Period::Day, BudgetScope::All, 0.0)],
            Field::Limit,
        ),
        (
            vec![budget("Negative", Period::Day, BudgetScope::All, -5.0)],
            Field::Limit,
        ),
        (
            vec![budget("NaN", Period::Day, BudgetScope::All, f64::NAN)],
            Field::Limit,
        ),
        (
            vec![budget("Huge", Period::Day, BudgetScope::All, 1e12)],
            Field::Limit,
        ),
        (
            vec![budget(" ", Period::Day, BudgetScope::All, 5.0)],
            Field::Name,
        ),
        (
            vec![
                budget("Twice", Period::Day, BudgetScope::All, 5.0),
                budget("twice", Period::Month, BudgetScope::All, 5.0),
            ],
            Field::Name,
        ),
        (
            vec![
                ok.clone(),
                budget(
                    "Ghost",
                    Period::Day,
                    BudgetScope::Backend("nope".into()),
                    5.0,
                ),
            ],
            Field::Scope,
        ),
    ];
    for (set, field) in bad_sets {
        let err = h.app.costs().set_budgets(set.clone()).await.unwrap_err();
        assert_eq!(
            refused_fields(&err),
            [(field, None)],
            "{set:?}: the refusal names its field: {err:?}"
        );
    }
    let saved = h.app.costs().budgets().await.unwrap();
    assert_eq!(saved.len(), 1);
    assert_eq!(saved[0].name, "Monthly");
    assert!(!saved[0].id.is_empty(), "new budgets get an id");
}

/// A priced request record at `at_ms` costing `usd` on backend `backend`.
fn spent(id: &str, at_ms: i64, backend: &str, usd: f64) -> RequestRecord {
    let started_at = chrono::DateTime::from_timestamp_millis(at_ms)
        .unwrap()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    RequestRecord {
        id: id.into(),
        started_at,
        token_name: Some("tool".into()),
        inbound: "openai".into(),
        requested_model: "gpt-4o".into(),
        backend: Some(backend.into()),
        model: Some("gpt-4o".into()),
        status: 200,
        attempts: 1,
        latency_ms: 100,
        input_tokens: 10,
        output_tokens: 10,
        cost_usd: Some(usd),
        ..Default::default()
    }
}

const DAY: i64 = 86_400_000;

#[tokio::test]
async fn spend_percent_and_forecast_on_a_scripted_ledger() {
    let h = start().await;
    let backend = h.app.backends().list().await.unwrap()[0].row.clone();
    // November 2026 (UTC): $3 a day from the 1st to the 20th, on the Demo backend's name.
    let nov1 = switchyard_app::costs::forecast::local_ms(0, 2026, 11, 1, 0).unwrap();
    let now = nov1 + 20 * DAY;
    let store = Store::open(&h.app.paths().db_file).unwrap();
    let rows: Vec<RequestRecord> = (0..20)
        .map(|d| {
            spent(
                &format!("r{d}"),
                nov1 + d * DAY + 3_600_000,
                &backend.name,
                3.0,
            )
        })
        .collect();
    store.ledger().insert_requests(&rows).unwrap();
    // October's spend is not this month's.
    store
        .ledger()
        .insert_requests(&[spent("old", nov1 - DAY, &backend.name, 500.0)])
        .unwrap();
    h.app
        .costs()
        .set_budgets(vec![
            budget("Monthly", Period::Month, BudgetScope::All, 75.0),
            budget(
                "Demo daily",
                Period::Day,
                BudgetScope::Backend(backend.id.clone()),
                10.0,
            ),
        ])
        .await
        .unwrap();
    let s = h.app.costs().budget_statuses_at(now, 0).await.unwrap();
    let monthly = &s[0];
    assert!((monthly.spent_usd - 60.0).abs() < 1e-9, "{monthly:?}");
    assert!((monthly.percent - 80.0).abs() < 1e-9);
    assert!(
        (monthly.forecast.burn_usd_per_day - 3.0).abs() < 1e-9,
        "last 7 days"
    );
    assert!(
        (monthly.forecast.projected_usd - 90.0).abs() < 1e-9,
        "60 + 10 × 3"
    );
    assert_eq!(
        monthly.forecast.crosses_at_ms,
        Some(now + 5 * DAY),
        "$15 left at $3/day: Nov 26"
    );
    assert_eq!(monthly.period_end_ms, nov1 + 30 * DAY);
    let daily = &s[1];
    assert_eq!(daily.scope_name.as_deref(), Some(backend.name.as_str()));
    assert_eq!(daily.spent_usd, 0.0, "nothing yet on the 21st");
    let s = h.app.costs().budget_statuses_at(now - 1, 0).await.unwrap();
    assert!((s[1].spent_usd - 3.0).abs() < 1e-9, "the 20th: $3 of $10");
}

#[tokio::test]
async fn thresholds_notify_once_each_and_the_hard_stop_refuses_then_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let (app, recorder) = start_alerting(dir.path()).await;
    let (_mock, token) = priced(&app).await;
    assert_eq!(ask(&app, &token, "Priced/gpt-4o-mini").await.0, 200);
    let cost = app.costs().budget_statuses().await.unwrap();
    assert!(cost.is_empty());
    let one = app
        .costs()
        .overview(
            switchyard_app_testing::costs::all_time(),
            switchyard_app::SplitBy::Backend,
        )
        .await
        .unwrap()
        .totals
        .cost_usd;
    assert!(one > 0.0);

    // One request's cost is 60 % of the limit: the 50 % rule fires.
    let mut b = budget("Tiny", Period::Day, BudgetScope::All, one / 0.6);
    b.hard_stop = true;
    app.costs().set_budgets(vec![b]).await.unwrap();
    let budget_notes = || {
        recorder
            .sent()
            .iter()
            .filter(|n| n.summary.contains("Budget “Tiny”"))
            .count()
    };
    wait_until("the 50 % notification", || budget_notes() == 1).await;
    app.costs().enforce_budgets().await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(budget_notes(), 1, "fires once");

    // The next request crosses 100 %: 80 % and 100 % fire, and the hard stop engages.
    assert_eq!(ask(&app, &token, "Priced/gpt-4o-mini").await.0, 200);
    let (status, body) = ask(&app, &token, "Priced/gpt-4o-mini").await;
    assert_eq!(status, 402, "the gateway charged the first request itself");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("“Tiny”") && message.contains("Costs page"),
        "{message}"
    );
    assert_eq!(
        ask(&app, &token, "demo-chat").await.0,
        402,
        "the Demo backend has a stated price: the stop covers it too"
    );
    // Nothing calls the budget check here: the app runs it soon after requests are recorded.
    for _ in 0..300 {
        if budget_notes() == 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        budget_notes(),
        3,
        "the 80 and 100 % notifications came within 15 s"
    );
    let s = app.costs().budget_statuses().await.unwrap();
    assert!(s[0].stopped && s[0].percent >= 100.0);

    // Raising the limit resumes paid requests.
    let mut raised = s[0].budget.clone();
    raised.limit_usd = 100.0;
    app.costs().set_budgets(vec![raised]).await.unwrap();
    assert_eq!(ask(&app, &token, "Priced/gpt-4o-mini").await.0, 200);
}
