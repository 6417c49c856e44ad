//! The newer shapes' costs, each against a floor measured in the same run:
//! - a Responses request served natively (forwarded as is) and translated to an Anthropic
//!   backend, versus the same mock endpoint called directly and through a bare proxy hop;
//! - an estimated `count_tokens` versus a static responder that reads the body and answers a
//!   constant (the HTTP floor), for a short request and a Claude-Code-sized one (24 tools, a
//!   26 KB system prompt), plus the estimator alone (parse + estimate) in process.

use crate::measure::{percentile, run_sequential};
use axum::body::Bytes;
use serde_json::{json, Value};
use std::time::Instant;

/// Runs the measurements against a gateway at `via` (whose Demo backend is the mock at `mock`
/// and whose `Claude` backend is the same mock in Anthropic form).
pub async fn run(mock: &str, via: &str, n: usize) -> Result<(), String> {
    let body = json!({"model": "demo-chat", "max_output_tokens": 16, "input": "benchmark"});
    let direct = format!("{mock}/v1/responses");
    let native = format!("{via}/v1/responses");
    let bare = format!(
        "http://{}/v1/responses",
        crate::baseline::start(direct.clone()).await?
    );
    for url in [&direct, &native, &bare] {
        run_sequential(url, &body, 200).await?;
    }
    let mut d = run_sequential(&direct, &body, n).await?;
    let mut b = run_sequential(&bare, &body, n).await?;
    let mut g = run_sequential(&native, &body, n).await?;
    row(
        "Responses, native (Demo), 1 in flight",
        &mut d,
        &mut b,
        &mut g,
    );

    let translated =
        json!({"model": "claude-sonnet-4-5", "max_output_tokens": 16, "input": "benchmark"});
    let messages = json!({"model": "claude-sonnet-4-5", "max_tokens": 16,
        "messages": [{"role": "user", "content": "benchmark"}]});
    let direct_m = format!("{mock}/v1/messages");
    let bare_m = format!(
        "http://{}/v1/messages",
        crate::baseline::start(direct_m.clone()).await?
    );
    run_sequential(&direct_m, &messages, 200).await?;
    run_sequential(&bare_m, &messages, 200).await?;
    run_sequential(&native, &translated, 200).await?;
    let mut d = run_sequential(&direct_m, &messages, n).await?;
    let mut b = run_sequential(&bare_m, &messages, n).await?;
    let mut g = run_sequential(&native, &translated, n).await?;
    row(
        "Responses → Anthropic backend (translated), 1 in flight",
        &mut d,
        &mut b,
        &mut g,
    );

    cpu_rows(mock, via, &bare, n).await?;
    let floor = format!("http://{}/count", static_responder().await?);
    for (label, body) in [("short", short_count()), ("Claude-Code-sized", big_count())] {
        let url = format!("{via}/v1/messages/count_tokens");
        let mut body = body;
        // A backend without a counting endpoint: the gateway estimates.
        body["model"] = json!("bench-local");
        run_sequential(&floor, &body, 200).await?;
        run_sequential(&url, &body, 200).await?;
        let mut f = run_sequential(&floor, &body, n).await?;
        let mut g = run_sequential(&url, &body, n).await?;
        let bytes = body.to_string().len();
        println!(
            "count_tokens estimated, {label} ({bytes} B): static responder p50 {:.0} p99 {:.0}; via gateway p50 {:.0} p99 {:.0}; gateway work p50 {:.0} µs",
            percentile(&mut f, 50.0), percentile(&mut f, 99.0),
            percentile(&mut g, 50.0), percentile(&mut g, 99.0),
            percentile(&mut g, 50.0) - percentile(&mut f, 50.0),
        );
        let f_cpu = cpu_per_request(&floor, &body, n).await?;
        let g_cpu = cpu_per_request(&url, &body, n).await?;
        println!(
            "  CPU per request ({label}): static responder {f_cpu:.1} µs, via gateway {g_cpu:.1} µs: gateway CPU {:.1} µs",
            g_cpu - f_cpu
        );
        let raw = body.to_string();
        let (scan, tree) = estimator_alone(&raw, n.max(2000));
        println!("  the estimate alone ({label}): {scan:.1} µs (one scan of the bytes; parsing into a JSON tree first would cost {tree:.1} µs)");
    }
    Ok(())
}

/// Process CPU (user + system) per request, in µs, over `n` sequential requests: the client,
/// the mock and the gateway share this process, so a difference between two runs of the same
/// client is the CPU of what differs (far steadier than wall time on a shared VM).
async fn cpu_per_request(url: &str, body: &Value, n: usize) -> Result<f64, String> {
    let before = cpu_micros()?;
    run_sequential(url, body, n).await?;
    Ok((cpu_micros()? - before) / n as f64)
}

/// This process's user + system CPU time in µs, from /proc/self/stat (clock ticks).
fn cpu_micros() -> Result<f64, String> {
    let stat = std::fs::read_to_string("/proc/self/stat").map_err(|e| e.to_string())?;
    let after_name = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest)
        .ok_or("odd /proc/self/stat")?;
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // After the name: state is field 3, utime 14 and stime 15 (1-based, whole line).
    let ticks = |i: usize| {
        fields
            .get(i - 3)
            .and_then(|v| v.parse::<f64>().ok())
            .ok_or("no CPU time")
    };
    Ok((ticks(14)? + ticks(15)?) * 1e6 / 100.0)
}

/// Gateway CPU per request for chat (the floor: a bare proxy hop) and Responses, native and
/// translated.
async fn cpu_rows(mock: &str, via: &str, bare_responses: &str, n: usize) -> Result<(), String> {
    let chat = json!({"model": "demo-chat", "max_tokens": 16, "messages": [{"role": "user", "content": "benchmark"}]});
    let resp = json!({"model": "demo-chat", "max_output_tokens": 16, "input": "benchmark"});
    let translated =
        json!({"model": "claude-sonnet-4-5", "max_output_tokens": 16, "input": "benchmark"});
    let bare_chat = format!(
        "http://{}/v1/chat/completions",
        crate::baseline::start(format!("{mock}/v1/chat/completions")).await?
    );
    let rows = [
        (
            "Chat Completions, same format",
            bare_chat,
            format!("{via}/v1/chat/completions"),
            chat,
        ),
        (
            "Responses, native",
            bare_responses.to_string(),
            format!("{via}/v1/responses"),
            resp.clone(),
        ),
        (
            "Responses → Anthropic, translated",
            bare_responses.to_string(),
            format!("{via}/v1/responses"),
            translated,
        ),
    ];
    for (label, floor, url, body) in rows {
        let floor_body = if label.contains("translated") {
            resp.clone()
        } else {
            body.clone()
        };
        let f = cpu_per_request(&floor, &floor_body, n).await?;
        let g = cpu_per_request(&url, &body, n).await?;
        println!("CPU per request, {label}: bare hop {f:.1} µs, via gateway {g:.1} µs: gateway logic {:.1} µs", g - f);
    }
    Ok(())
}

fn row(label: &str, direct: &mut [f64], bare: &mut [f64], via: &mut [f64]) {
    let p = |v: &mut [f64], q| percentile(v, q);
    println!(
        "{label} (µs): direct p50 {:.0} p99 {:.0}; bare hop p50 {:.0} p99 {:.0}; via gateway p50 {:.0} p99 {:.0}; added p50 {:.0}, of which gateway logic over the bare hop {:.0}",
        p(direct, 50.0), p(direct, 99.0), p(bare, 50.0), p(bare, 99.0), p(via, 50.0), p(via, 99.0),
        p(via, 50.0) - p(direct, 50.0), p(via, 50.0) - p(bare, 50.0)
    );
}

/// Mean µs of the gateway's estimate of `raw` (one scan of the bytes), in process; and, for
/// comparison, of parsing it into a JSON tree first.
fn estimator_alone(raw: &str, n: usize) -> (f64, f64) {
    let fields = &switchyard_wire::estimate::ANTHROPIC;
    let started = Instant::now();
    let mut total = 0u64;
    for _ in 0..n {
        total += switchyard_wire::estimate::scan(raw.as_bytes(), fields).map_or(0, |s| s.tokens);
    }
    let scan = started.elapsed().as_secs_f64() * 1e6 / n as f64;
    let started = Instant::now();
    for _ in 0..n {
        let v: Value = serde_json::from_str(raw).unwrap_or(Value::Null);
        total += switchyard_wire::estimate::input_tokens(&v, fields);
    }
    std::hint::black_box(total);
    (scan, started.elapsed().as_secs_f64() * 1e6 / n as f64)
}

fn short_count() -> Value {
    json!({"messages": [{"role": "user", "content": "How many tokens is this?"}]})
}

/// The shape and size of a Claude Code request: a long system prompt, 24 tools with schemas and
/// long descriptions, a few turns.
fn big_count() -> Value {
    let prose = "Use the tools to read, search and edit the user's files; explain briefly. ";
    let tools: Vec<Value> = (0..24)
        .map(|i| {
            json!({"name": format!("Tool{i}"), "description": prose.repeat(12),
            "input_schema": {"type": "object", "properties": {
                "path": {"type": "string", "description": prose},
                "pattern": {"type": "string", "description": prose},
                "limit": {"type": "integer"}}, "required": ["path"]}})
        })
        .collect();
    json!({"system": [{"type": "text", "text": prose.repeat(350)}], "tools": tools,
        "messages": [
            {"role": "user", "content": [{"type": "text", "text": prose.repeat(20)}, {"type": "text", "text": "Fix the bug"}]},
            {"role": "assistant", "content": [{"type": "tool_use", "id": "t1", "name": "Tool1", "input": {"path": "src/main.rs"}}]},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t1", "content": prose.repeat(40)}]}]})
}

/// An HTTP server that reads the body and answers `{"input_tokens":1}`: the floor for counting.
async fn static_responder() -> Result<std::net::SocketAddr, String> {
    let app = axum::Router::new().route(
        "/count",
        axum::routing::post(|body: Bytes| async move {
            std::hint::black_box(body.len());
            (
                [("content-type", "application/json")],
                r#"{"input_tokens":1}"#,
            )
        }),
    );
    crate::baseline::serve_loopback(app).await
}
