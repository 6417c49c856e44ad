//! What the MCP tools answer, as JSON values built from the core's services (no secret in any
//! of them), and `ask`, which goes through the gateway like any tool's request.

use super::access::Granted;
use super::{AskParams, OwnToken};
use serde_json::{json, Value};
use std::time::Duration;
use switchyard_app::{CostRange, SplitBy, Switchyard};
use switchyard_domain::authz::Sees;

const MAX_ANSWER_TOKENS: u32 = 32_768;
const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// The first route, else the first enabled backend's default model (as `Backend/model`).
async fn default_model(app: &Switchyard) -> Result<String, String> {
    let routes = app.routes().list().await.map_err(|e| e.to_string())?;
    if let Some(r) = routes.first() {
        return Ok(r.name.clone());
    }
    let backends = app.backends().list().await.map_err(|e| e.to_string())?;
    backends
        .iter()
        .find(|b| b.row.enabled)
        .map(|b| format!("{}/{}", b.row.name, b.row.default_model))
        .ok_or_else(|| "No route and no enabled backend: add a backend in Switchyard first.".into())
}

pub(super) async fn ask(
    app: &Switchyard,
    own: &OwnToken,
    parts: Option<&axum::http::request::Parts>,
    p: AskParams,
) -> Result<Value, String> {
    if p.prompt.trim().is_empty() {
        return Err("Give a prompt: `prompt` is empty.".into());
    }
    let max_tokens = p.max_tokens.unwrap_or(1024);
    if !(1..=MAX_ANSWER_TOKENS).contains(&max_tokens) {
        return Err(format!(
            "`max_tokens` must be from 1 to {MAX_ANSWER_TOKENS} (it was {max_tokens})."
        ));
    }
    let model = match p.model.filter(|m| !m.trim().is_empty()) {
        Some(m) => m.trim().to_string(),
        None => default_model(app).await?,
    };
    let addr = app
        .gateway_addr()
        .map_err(|e| format!("Switchyard's gateway is not running: {e}"))?;
    let presented = parts.and_then(|p| switchyard_gateway::presented_token(&p.headers));
    let token = match (presented.map(str::to_string), own) {
        (Some(t), _) => t,
        (None, OwnToken::Process(t)) => t.expose().to_string(),
        (None, OwnToken::None) => return Err("No gateway token came with the request.".into()),
    };
    let mut messages = Vec::new();
    if let Some(system) = p.system.filter(|s| !s.trim().is_empty()) {
        messages.push(json!({"role": "system", "content": system}));
    }
    messages.push(json!({"role": "user", "content": p.prompt}));
    let answer = reqwest::Client::builder()
        .timeout(Duration::from_secs(600))
        .no_proxy()
        .build()
        .map_err(|e| e.to_string())?
        .post(format!("http://{addr}/v1/chat/completions"))
        .bearer_auth(token)
        .json(&json!({"model": model, "max_tokens": max_tokens, "messages": messages}))
        .send()
        .await
        .map_err(|e| format!("Switchyard's gateway did not answer: {e}"))?;
    let status = answer.status();
    let header = |name: &str| {
        answer
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let (backend, served_model, cache) = (
        header("x-switchyard-backend"),
        header("x-switchyard-model"),
        header("x-switchyard-cache"),
    );
    let body: Value = answer
        .json()
        .await
        .map_err(|e| format!("The gateway's answer could not be read: {e}"))?;
    if !status.is_success() {
        let message = body["error"]["message"]
            .as_str()
            .unwrap_or("no reason given");
        return Err(format!("The gateway answered {status}: {message}"));
    }
    let input = body["usage"]["prompt_tokens"].as_u64().unwrap_or(0);
    let output = body["usage"]["completion_tokens"].as_u64().unwrap_or(0);
    let cost = cost_of(
        app,
        backend.as_deref(),
        served_model.as_deref(),
        input,
        output,
    )
    .await;
    Ok(json!({
        "answer": body["choices"][0]["message"]["content"].as_str().unwrap_or_default(),
        "backend": backend,
        "model": served_model,
        "route": model,
        "inputTokens": input,
        "outputTokens": output,
        "costUsd": if cache.as_deref() == Some("hit") { Some(0.0) } else { cost },
        "cache": cache,
    }))
}

/// What `input` and `output` tokens of `model` on `backend` cost at the prices in force.
async fn cost_of(
    app: &Switchyard,
    backend: Option<&str>,
    model: Option<&str>,
    input: u64,
    output: u64,
) -> Option<f64> {
    let backends = app.backends().list().await.ok()?;
    let kind = backends
        .iter()
        .find(|b| Some(b.row.name.as_str()) == backend)
        .map(|b| b.row.kind);
    let table = app.costs().table().await.ok()?;
    let usage = switchyard_wire::Usage {
        input_tokens: input,
        output_tokens: output,
        ..Default::default()
    };
    switchyard_pricing::cost_in(&table, kind, model, &usage)
}

pub(super) async fn status(app: &Switchyard) -> Result<Value, String> {
    let backends = app.health().overview().await.map_err(|e| e.to_string())?;
    Ok(json!({
        "backends": backends.iter().map(|b| json!({
            "name": b.name,
            "status": b.status.as_str(),
            "reasons": b.reasons,
            "uptime24hPct": b.uptime_24h,
            "latencyP50Ms": b.p50_ms,
            "latencyP95Ms": b.p95_ms,
            "latencyP99Ms": b.p99_ms,
        })).collect::<Vec<_>>(),
    }))
}

/// The spend a caller may see: the whole of it, or (a tool's token on a team replica) only its
/// owner's, from the team's ledger.
pub(super) async fn costs(
    app: &Switchyard,
    period: Option<&str>,
    granted: &Granted,
) -> Result<Value, String> {
    match granted.sees {
        Sees::All => all_costs(app, period).await,
        Sees::Own => owner_costs(app, period, granted.owner.as_deref()).await,
    }
}

/// The period's label and start (Unix ms), with now.
fn period_of(period: Option<&str>) -> Result<(&'static str, i64, i64), String> {
    let now = switchyard_app::now_ms();
    let offset_minutes = chrono::Local::now().offset().local_minus_utc() / 60;
    let (label, since_ms) = match period.unwrap_or("today") {
        "today" => {
            let local = now + i64::from(offset_minutes) * 60_000;
            ("today", now - local.rem_euclid(DAY_MS))
        }
        "week" => ("the last 7 days", now - 7 * DAY_MS),
        "month" => ("the last 30 days", now - 30 * DAY_MS),
        other => {
            return Err(format!(
                "Unknown period “{other}”: use today, week or month."
            ))
        }
    };
    Ok((label, since_ms, now))
}

/// The person's spend in the team's ledger; a token without an owner (a replica's own) has none.
async fn owner_costs(
    app: &Switchyard,
    period: Option<&str>,
    owner: Option<&str>,
) -> Result<Value, String> {
    let (label, since_ms, _) = period_of(period)?;
    let Some(owner) = owner else {
        return Err(
            "This token belongs to no person of the team, so it sees no spend: ask a team admin."
                .into(),
        );
    };
    let Some(team) = app.team() else {
        return Err("Only a team replica knows whose spend is whose.".into());
    };
    let person = switchyard_team::BudgetScope::Person(owner.to_string());
    let cost = team
        .db
        .spent_since(since_ms, &person)
        .await
        .map_err(|e| e.to_string())?;
    Ok(json!({"period": label, "person": owner, "costUsd": cost}))
}

async fn all_costs(app: &Switchyard, period: Option<&str>) -> Result<Value, String> {
    let (label, since_ms, now) = period_of(period)?;
    let offset_minutes = chrono::Local::now().offset().local_minus_utc() / 60;
    let range = CostRange {
        since_ms,
        until_ms: now + 1,
        offset_minutes,
    };
    let o = app
        .costs()
        .overview(range, SplitBy::Backend)
        .await
        .map_err(|e| e.to_string())?;
    let split = |rows: &[(String, switchyard_app::UsageTotals)]| {
        rows.iter()
            .map(|(name, t)| json!({"name": name, "totals": t}))
            .collect::<Vec<_>>()
    };
    // What the coding tools spent outside the gateway by their own records, and their windows.
    let sources = app
        .usage()
        .by_source(since_ms, now + 1)
        .await
        .map_err(|e| e.to_string())?;
    let windows = app.usage().windows().await.map_err(|e| e.to_string())?;
    Ok(json!({
        "period": label,
        "totals": o.totals,
        "byBackend": split(&o.by_backend),
        "byModel": split(&o.by_model),
        "byRoute": split(&o.by_route),
        "byTool": split(&o.by_token),
        "bySource": sources,
        "limits": windows,
    }))
}

pub(super) async fn backends(app: &Switchyard) -> Result<Value, String> {
    let list = app.backends().list().await.map_err(|e| e.to_string())?;
    Ok(json!({
        "backends": list.iter().map(|b| json!({
            "name": b.row.name,
            "kind": b.row.kind.as_str(),
            "endpoint": switchyard_domain::endpoint_shown(&b.effective_base_url),
            "defaultModel": b.row.default_model,
            "keys": b.keys.len(),
            "enabled": b.row.enabled,
            "status": format!("{:?}", b.status).to_lowercase(),
        })).collect::<Vec<_>>(),
    }))
}

pub(super) async fn routes(app: &Switchyard) -> Result<Value, String> {
    let list = app.routes().list().await.map_err(|e| e.to_string())?;
    Ok(json!({
        "routes": list.iter().map(|r| json!({
            "name": r.name,
            "strategy": r.strategy.name(),
            "candidates": r.candidates.iter().map(|c| json!({
                "backend": c.backend_name,
                "model": c.model,
                "weight": c.weight,
                "enabled": c.backend_enabled,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    }))
}
