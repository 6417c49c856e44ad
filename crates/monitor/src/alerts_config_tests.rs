//! Alert configuration: the JSON shape the UI edits, defaults for missing fields, validation.

use super::*;

#[test]
fn rules_round_trip_through_json_in_the_shape_the_ui_edits() {
    let json = serde_json::to_value(AlertRule::defaults()).unwrap();
    assert_eq!(
        json[2],
        serde_json::json!({
            "id": "errorRate", "enabled": true, "kind": "errorRate",
            "percent": 20.0, "windowSecs": 300, "minSamples": 20, "source": "requests"
        })
    );
    let config = AlertConfig {
        quiet_hours: Some(QuietHours {
            start: 1320,
            end: 420,
        }),
        ..AlertConfig::default()
    };
    let text = serde_json::to_string(&config).unwrap();
    assert_eq!(serde_json::from_str::<AlertConfig>(&text).unwrap(), config);
    let edited: AlertRule = serde_json::from_str(
        r#"{"id":"slow","enabled":true,"kind":"latencyP95","thresholdMs":800,"windowSecs":600,"minSamples":3,"source":"requests"}"#,
    )
    .unwrap();
    assert!(matches!(
        edited.kind,
        RuleKind::LatencyP95 {
            threshold_ms: 800,
            ..
        }
    ));
    let partial: AlertConfig = serde_json::from_str(r#"{"cooldownSecs": 60}"#).unwrap();
    assert_eq!(
        partial.rules,
        AlertRule::defaults(),
        "missing fields take their defaults"
    );
}

#[test]
fn invalid_configurations_are_refused() {
    let mut config = AlertConfig::default();
    config.rules.push(config.rules[0].clone());
    assert_eq!(
        config.validate(),
        Err(AlertError::DuplicateRule("backendDown".into()))
    );
    let zero = AlertRule {
        id: "x".into(),
        enabled: true,
        kind: RuleKind::BackendDown { failures: 0 },
    };
    assert!(matches!(
        zero.validate(),
        Err(AlertError::InvalidRule { .. })
    ));
    let night = AlertConfig {
        quiet_hours: Some(QuietHours {
            start: 1440,
            end: 0,
        }),
        ..AlertConfig::default()
    };
    assert!(matches!(
        AlertEngine::new(night),
        Err(AlertError::InvalidQuietHours)
    ));
}

#[test]
fn a_stored_configuration_from_before_the_metric_ranges_still_runs_but_a_change_to_it_is_held_to_them(
) {
    // Saved by an older version (its `[alerts]` section took any finite threshold): a budget
    // rule at 1500 %, unrouted usage at half a token, a ten-day window.
    let mut config = AlertConfig::default();
    for rule in &mut config.rules {
        if let RuleKind::Metric(m) = &mut rule.kind {
            match rule.id.as_str() {
                "budget50" => m.threshold = 1500.0,
                "unroutedUsage" => m.threshold = 0.5,
                "cacheHitRate" => m.window_secs = 10 * 86_400,
                _ => {}
            }
        }
    }
    assert_eq!(config.validate_runnable(), Ok(()));
    assert!(
        AlertEngine::new(config.clone()).is_ok(),
        "the monitor starts with it"
    );
    assert!(config.validate().is_err(), "saving it again is refused");
    for id in ["budget50", "unroutedUsage", "cacheHitRate"] {
        let rule = config.rules.iter().find(|r| r.id == id).unwrap();
        assert!(
            matches!(rule.validate(), Err(AlertError::InvalidRule { .. })),
            "{id}: a change is held to the range"
        );
    }
    let mut infinite = AlertConfig::default();
    if let RuleKind::Metric(m) = &mut infinite.rules.last_mut().unwrap().kind {
        m.threshold = f64::NAN;
    }
    assert!(
        infinite.validate_runnable().is_err(),
        "a threshold that is not a number never runs"
    );
}
