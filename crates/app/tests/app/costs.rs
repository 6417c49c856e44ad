//! Costs through the app: the overview's totals match the ledger, exports round-trip the
//! totals in CSV and JSON, prices (overrides, price files, unpriced models) price new requests
//! and the earlier unpriced ones, and bad input is refused with nothing saved.

use super::*;
use switchyard_app::{
    AppError, CostRange, CostSettings, ExportFormat, ExportKind, PriceOverride, RequestFilter,
    SplitBy,
};
use switchyard_app_testing::costs::{all_time, ask, priced};

async fn ledger(app: &Switchyard) -> Vec<switchyard_app::RequestRecord> {
    app.flush_ledger();
    app.gateway_control()
        .recent_requests(RequestFilter {
            limit: 100,
            ..Default::default()
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn the_overview_matches_the_ledger_and_exports_round_trip_the_totals() {
    let h = start().await;
    let (_mock, token) = priced(&h.app).await;
    for model in ["Priced/gpt-4o-mini", "Priced/gpt-4o-mini", "Priced/gpt-4o"] {
        assert_eq!(ask(&h.app, &token, model).await.0, 200);
    }
    let o = h
        .app
        .costs()
        .overview(all_time(), SplitBy::Model)
        .await
        .unwrap();
    let rows = ledger(&h.app).await;
    let cost: f64 = rows.iter().map(|r| r.cost_usd.unwrap()).sum();
    assert_eq!(o.totals.requests, 3);
    assert!(cost > 0.0);
    assert!((o.totals.cost_usd - cost).abs() < 1e-12);
    assert_eq!(o.bucket_ms, 86_400_000, "3 days → per day");
    let keys: Vec<&str> = o.by_model.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, ["gpt-4o", "gpt-4o-mini"], "costliest first");
    let series_cost: f64 = o.series.iter().map(|p| p.totals.cost_usd).sum();
    assert!((series_cost - cost).abs() < 1e-12);
    assert_eq!(o.hourly.iter().map(|p| p.totals.requests).sum::<u64>(), 3);
    let day = CostRange {
        since_ms: all_time().until_ms - 86_400_000,
        ..all_time()
    };
    let by_hour = h.app.costs().overview(day, SplitBy::Backend).await.unwrap();
    assert_eq!(by_hour.bucket_ms, 3_600_000);
    let hourly_cost: f64 = by_hour.series.iter().map(|p| p.totals.cost_usd).sum();
    assert!((hourly_cost - cost).abs() < 1e-12, "{:?}", by_hour.series);
    let latency = o.latency_overall.expect("answered requests have latencies");
    assert_eq!(latency.count, 3);
    assert!(latency.p50 <= latency.p99);

    for kind in [ExportKind::Requests, ExportKind::Daily, ExportKind::Hourly] {
        for format in [ExportFormat::Csv, ExportFormat::Json] {
            let done = h
                .app
                .costs()
                .export(all_time(), kind, format, None)
                .await
                .unwrap();
            let text = std::fs::read_to_string(&done.path).unwrap();
            assert!(done.path.starts_with(h.dir.path().to_str().unwrap()));
            let total = match format {
                ExportFormat::Csv => csv_cost_total(&text),
                ExportFormat::Json => serde_json::from_str::<Vec<serde_json::Value>>(&text)
                    .unwrap()
                    .iter()
                    .map(|r| r["cost_usd"].as_f64().unwrap())
                    .sum(),
            };
            assert!(
                (total - o.totals.cost_usd).abs() < 1e-12,
                "{kind:?} {format:?}: {total} vs {}",
                o.totals.cost_usd
            );
            assert!((done.cost_usd - o.totals.cost_usd).abs() < 1e-12);
            let expected_rows = if kind == ExportKind::Requests { 3 } else { 2 };
            assert_eq!(done.rows, expected_rows, "{kind:?}: one row per model");
        }
    }
}

/// Sums the `cost_usd` column of a CSV export (no cell in these tests holds a comma).
fn csv_cost_total(text: &str) -> f64 {
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = header.iter().position(|c| *c == "cost_usd").unwrap();
    lines
        .map(|l| l.split(',').nth(col).unwrap().parse::<f64>().unwrap())
        .sum()
}

#[tokio::test]
async fn bad_ranges_and_currencies_are_typed_errors_and_nothing_is_saved() {
    let h = start().await;
    let r = all_time();
    let reversed = CostRange {
        since_ms: r.until_ms,
        until_ms: r.since_ms,
        ..r
    };
    let err = h.app.costs().overview(reversed, SplitBy::Backend).await;
    let err = err.unwrap_err();
    assert!(err.to_string().contains("ends before it starts"), "{err}");
    assert_eq!(
        refused_fields(&err),
        [(switchyard_domain::Field::To, None)],
        "placed at the end date"
    );
    let export = h
        .app
        .costs()
        .export(reversed, ExportKind::Requests, ExportFormat::Csv, None)
        .await;
    assert_eq!(
        refused_fields(&export.unwrap_err()),
        [(switchyard_domain::Field::To, None)]
    );
    let nowhere = h.dir.path().join("no/such/folder/x.csv");
    let export = h
        .app
        .costs()
        .export(r, ExportKind::Daily, ExportFormat::Csv, Some(nowhere))
        .await;
    assert!(matches!(export, Err(AppError::File(_))));
    let chosen = h.dir.path().join("chosen.json");
    let done = h
        .app
        .costs()
        .export(
            r,
            ExportKind::Daily,
            ExportFormat::Json,
            Some(chosen.clone()),
        )
        .await
        .unwrap();
    assert_eq!(done.path, chosen.display().to_string());
    assert_eq!(std::fs::read_to_string(&chosen).unwrap().trim(), "[\n]");
    use switchyard_domain::Field;
    for (currency, per_usd, field) in [
        ("EURO", 0.9, Field::Currency),
        ("EUR", 0.0, Field::Rate),
        ("EUR", f64::NAN, Field::Rate),
        ("USD", 2.0, Field::Rate),
    ] {
        let s = CostSettings {
            currency: currency.into(),
            per_usd,
        };
        let err = h.app.costs().set_settings(s).await.unwrap_err();
        assert_eq!(
            refused_fields(&err),
            [(field, None)],
            "{currency} {per_usd}"
        );
    }
    assert_eq!(
        h.app.costs().settings().await.unwrap(),
        CostSettings::default()
    );
    let eur = CostSettings {
        currency: "eur".into(),
        per_usd: 0.92,
    };
    let saved = h.app.costs().set_settings(eur).await.unwrap();
    assert_eq!(saved.currency, "EUR");
    assert_eq!(h.app.costs().settings().await.unwrap(), saved);
}

fn price(model: &str, input: f64, output: f64) -> PriceOverride {
    PriceOverride {
        model: model.into(),
        input_per_mtok: input,
        output_per_mtok: output,
        cache_read_per_mtok: None,
        cache_write_per_mtok: None,
    }
}

#[tokio::test]
async fn an_unpriced_model_is_flagged_until_its_price_is_set_which_prices_its_past_requests() {
    let h = start().await;
    let (_mock, token) = priced(&h.app).await;
    assert_eq!(ask(&h.app, &token, "Priced/house-finetune-7").await.0, 200);
    let r = all_time();
    let unpriced_now = || async {
        let costs = h.app.costs();
        costs.unpriced_models(r.since_ms, r.until_ms).await.unwrap()
    };
    let unpriced = unpriced_now().await;
    assert_eq!(unpriced.len(), 1);
    assert_eq!(
        (unpriced[0].model.as_str(), unpriced[0].requests),
        ("house-finetune-7", 1)
    );
    let o = h.app.costs().overview(r, SplitBy::Backend).await.unwrap();
    assert_eq!((o.totals.unpriced, o.totals.cost_usd), (1, 0.0), "never $0");

    use switchyard_domain::Field;
    for (bad, field) in [
        (price("house-finetune-7", -1.0, 2.0), Field::Input),
        (price("house-finetune-7", 1.0, f64::INFINITY), Field::Output),
        (price("house-finetune-7", 1.0, 50_000.0), Field::Output),
        (price("  ", 1.0, 2.0), Field::Model),
    ] {
        let err = h.app.costs().set_price_override(bad).await.unwrap_err();
        assert_eq!(refused_fields(&err), [(field, None)], "{err}");
    }
    assert!(h.app.costs().prices().await.unwrap().overrides.is_empty());

    h.app
        .costs()
        .set_price_override(price("house-finetune-7", 2.0, 8.0))
        .await
        .unwrap();
    assert_eq!(ask(&h.app, &token, "Priced/house-finetune-7").await.0, 200);
    let rows = ledger(&h.app).await;
    // The new request is priced when recorded, and the earlier one was priced by the change.
    for row in &rows[..2] {
        let expected = row.input_tokens as f64 * 2e-6 + row.output_tokens as f64 * 8e-6;
        assert!(expected > 0.0);
        assert!((row.cost_usd.unwrap() - expected).abs() < 1e-15, "{row:?}");
    }
    let unpriced = unpriced_now().await;
    assert!(unpriced.is_empty(), "nothing left unpriced: {unpriced:?}");
    let o = h.app.costs().overview(r, SplitBy::Backend).await.unwrap();
    let ledger_sum: f64 = rows[..2].iter().filter_map(|row| row.cost_usd).sum();
    assert_eq!(o.totals.unpriced, 0);
    assert!(
        (o.totals.cost_usd - ledger_sum).abs() < 1e-12,
        "the rollups moved too"
    );

    // The Demo backend has its stated price, and an override of its model wins.
    let demo_token = token.clone();
    assert_eq!(ask(&h.app, &demo_token, "demo-chat").await.0, 200);
    let stated = ledger(&h.app).await[0].clone();
    let at = |input: f64, output: f64| {
        stated.input_tokens as f64 * input + stated.output_tokens as f64 * output
    };
    let demo = switchyard_pricing::DEMO_PRICE;
    assert_eq!(stated.cost_usd, Some(at(demo.input, demo.output)));
    h.app
        .costs()
        .set_price_override(price("demo-chat", 1.0, 1.0))
        .await
        .unwrap();
    assert_eq!(ask(&h.app, &demo_token, "demo-chat").await.0, 200);
    let overridden = ledger(&h.app).await[0].clone();
    let per_token = 1.0 / 1e6;
    assert!(
        (overridden.cost_usd.unwrap()
            - (overridden.input_tokens + overridden.output_tokens) as f64 * per_token)
            .abs()
            < 1e-15
    );
    let view = h
        .app
        .costs()
        .remove_price_override("demo-chat".into())
        .await
        .unwrap();
    assert_eq!(view.overrides.len(), 1);
}

#[tokio::test]
async fn a_newer_price_file_is_loaded_a_malformed_one_refused_and_reset_restores_the_bundle() {
    let h = start().await;
    let (_mock, token) = priced(&h.app).await;
    let dir = h.dir.path();
    let bad = dir.join("bad.json");
    std::fs::write(
        &bad,
        "{\"gpt-4o-mini\": {\"input_cost_per_token\": \"cheap\"",
    )
    .unwrap();
    let negative = dir.join("negative.json");
    std::fs::write(
        &negative,
        r#"{"gpt-4o-mini": {"litellm_provider": "openai", "mode": "chat",
            "input_cost_per_token": -1e-6, "output_cost_per_token": 1e-6}}"#,
    )
    .unwrap();
    for path in [&bad, &negative, &dir.join("missing.json")] {
        let err = h.app.costs().load_price_file(path.clone()).await;
        assert!(
            matches!(err, Err(AppError::Invalid(_) | AppError::File(_))),
            "{path:?}: {err:?}"
        );
    }
    let view = h.app.costs().prices().await.unwrap();
    assert_eq!(view.source, "bundled", "nothing changed");
    assert!(!dir.join("prices.json").exists());

    let newer = dir.join("newer.json");
    std::fs::write(
        &newer,
        r#"{"gpt-4o-mini": {"litellm_provider": "openai", "mode": "chat",
            "input_cost_per_token": 1e-4, "output_cost_per_token": 2e-4}}"#,
    )
    .unwrap();
    let view = h.app.costs().load_price_file(newer.clone()).await.unwrap();
    assert_eq!((view.source.as_str(), view.models), ("file", 1));
    assert_eq!(ask(&h.app, &token, "Priced/gpt-4o-mini").await.0, 200);
    let r = &ledger(&h.app).await[0];
    let expected = r.input_tokens as f64 * 1e-4 + r.output_tokens as f64 * 2e-4;
    assert!((r.cost_usd.unwrap() - expected).abs() < 1e-15);

    // Survives a restart, then back to the bundle.
    drop(h.app);
    let app = start_in(dir, &h.keychain, vec![]).await;
    assert_eq!(app.costs().prices().await.unwrap().source, "file");
    let view = app.costs().reset_price_file().await.unwrap();
    assert_eq!(view.source, "bundled");
    assert!(view.models > 100);
}
