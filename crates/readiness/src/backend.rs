//! One enabled backend: key present, keys valid (a zero-cost probe each), latency, circuit
//! state, rate-limit headroom and a price for its default model.

use super::Readiness;
use super::LATENCY_THRESHOLD_MS;
use switchyard_app::{BackendLive, BackendView};
use switchyard_domain::readiness::{CheckResult, Component, ComponentKind, Importance};
use switchyard_domain::{BackendKind, CheckOutcome, Circuit};
use Importance::{Critical, Info, Normal};

pub async fn check(app: &Readiness, b: &BackendView, live: &[BackendLive]) -> Component {
    let row = &b.row;
    let spec = row.kind.spec();
    let mut checks = Vec::new();
    let mut latencies = Vec::new();
    if spec.needs_key {
        if b.keys.is_empty() {
            checks.push(CheckResult::fail(
                "backend.keyPresent",
                "Key present",
                Critical,
                "no key",
                "Add a key on the Backends page.",
            ));
        } else {
            checks.push(CheckResult::pass(
                "backend.keyPresent",
                "Key present",
                Critical,
                format!("{} key(s)", b.keys.len()),
            ));
            let tests = b
                .keys
                .iter()
                .map(|k| app.core.keys().test(&row.id, Some(&k.row.id)));
            let results = futures_util::future::join_all(tests).await;
            let mut valid = 0;
            let mut bad = Vec::new();
            for (k, r) in b.keys.iter().zip(results) {
                match r {
                    Ok(p) if p.outcome == CheckOutcome::Valid => {
                        valid += 1;
                        latencies.extend(p.latency_ms);
                    }
                    Ok(p) => bad.push(format!("{}: {}", k.row.label, p.message)),
                    Err(e) => bad.push(format!("{}: {e}", k.row.label)),
                }
            }
            checks.push(if valid > 0 {
                CheckResult::pass(
                    "backend.keyValid",
                    "A key is valid",
                    Critical,
                    format!("{valid} of {} valid", b.keys.len()),
                )
            } else {
                CheckResult::fail(
                    "backend.keyValid",
                    "A key is valid",
                    Critical,
                    bad.join("; "),
                    "Replace the key on the Backends page (Test key shows why it fails).",
                )
            });
            if valid > 0 && !bad.is_empty() {
                checks.push(CheckResult::fail(
                    "backend.allKeysValid",
                    "Every key valid",
                    Normal,
                    bad.join("; "),
                    "Replace or delete the failing keys.",
                ));
            }
        }
    } else {
        // A server that takes no key may still be given one (a local server behind a key):
        // reach it the way requests do, with the first key.
        let key = b.keys.first().map(|k| k.row.id.as_str());
        match app.core.keys().test(&row.id, key).await {
            Ok(p) if p.outcome == CheckOutcome::Valid => {
                latencies.extend(p.latency_ms);
                checks.push(CheckResult::pass(
                    "backend.reachable",
                    "Reachable",
                    Critical,
                    p.message,
                ));
            }
            Ok(p) if p.outcome == CheckOutcome::Invalid => checks.push(CheckResult::fail(
                "backend.reachable",
                "Reachable",
                Critical,
                p.message,
                "The server wants a key: add one to this backend on the Backends page.",
            )),
            Ok(p) => checks.push(CheckResult::fail(
                "backend.reachable",
                "Reachable",
                Critical,
                p.message,
                reach_fix(row.kind),
            )),
            Err(e) => checks.push(CheckResult::fail(
                "backend.reachable",
                "Reachable",
                Critical,
                e.to_string(),
                reach_fix(row.kind),
            )),
        }
    }
    if let Some(best) = latencies.iter().min() {
        checks.push(if *best <= LATENCY_THRESHOLD_MS {
            CheckResult::pass("backend.latency", "Latency", Normal, format!("{best} ms"))
        } else {
            CheckResult::fail(
                "backend.latency",
                "Latency",
                Normal,
                format!("{best} ms, over {LATENCY_THRESHOLD_MS} ms"),
                "Check the network or prefer a closer region.",
            )
        });
    }
    if let Some(l) = live.iter().find(|l| l.backend_id == row.id) {
        checks.push(match l.state.breaker {
            Circuit::Open => CheckResult::fail("backend.circuit", "Circuit closed", Critical, "open: the gateway stopped sending requests after repeated failures", "Wait for the trial request, or fix the provider errors shown on the Requests page."),
            Circuit::HalfOpen => CheckResult::fail("backend.circuit", "Circuit closed", Normal, "half-open: trial requests only", "Wait for the trial requests to succeed."),
            Circuit::Closed => CheckResult::pass("backend.circuit", "Circuit closed", Critical, "closed"),
        });
        let cooling: Vec<u64> = std::iter::once(&l.state)
            .chain(l.keys.iter().map(|(_, s)| s))
            .filter_map(|s| s.cooling_down_secs)
            .collect();
        checks.push(match cooling.iter().max() {
            Some(secs) => CheckResult::fail(
                "backend.rateLimit",
                "Rate-limit headroom",
                Normal,
                format!("rate-limited, cooling down {secs} s"),
                "Lower the request rate, add a key, or set a requests-per-minute limit.",
            ),
            None => CheckResult::pass(
                "backend.rateLimit",
                "Rate-limit headroom",
                Info,
                "no rate limit hit recently",
            ),
        });
    }
    let priced = row.kind == BackendKind::Demo
        || switchyard_pricing::cost_per_mtok(row.kind, &row.default_model).is_some();
    checks.push(if priced {
        CheckResult::pass(
            "backend.priced",
            "Default model priced",
            Normal,
            row.default_model.clone(),
        )
    } else {
        CheckResult::fail(
            "backend.priced",
            "Default model priced",
            Normal,
            format!("no price for {}: costs show as unknown", row.default_model),
            "Pick a listed model as the default, or set its price when cost tracking lands.",
        )
    });
    Component::new(
        format!("backend:{}", row.id),
        row.name.clone(),
        ComponentKind::Backend,
        row.monitor.required,
        checks,
    )
}

fn reach_fix(kind: BackendKind) -> &'static str {
    match kind {
        BackendKind::Ollama => "Start Ollama (`ollama serve`) or fix the base URL.",
        BackendKind::Demo => "Restart Switchyard (the Demo server runs inside it).",
        _ => "Check the base URL and that the server is running.",
    }
}
