//! Command-line entry point: runs a standalone mock server until SIGINT/SIGTERM.
//! Prints exactly one line, `listening http://127.0.0.1:<port>`, once it accepts connections.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use switchyard_mock::{BooksExtra, ChatGptPlan, MockConfig, MockServer, PlanConfig};

/// Requests a plan window answers when `--plan-requests` / `--chatgpt-requests` is not given.
const DEFAULT_PLAN_REQUESTS: u64 = 50;

const USAGE: &str =
    "usage: switchyard-mock [--port N] [--key K]... [--rate-limited-key K]... [--rpm N] [--model M]...
       [--price M=IN,OUT]... [--demo] [--plan-token T]... [--plan-requests N] [--plan-reset SECS]
       [--chatgpt-token T]... [--chatgpt-account ID] [--chatgpt-requests N] [--chatgpt-reset SECS]
       [--record FILE] [--admin-key KEY] [--books-extra JSON] [--books-page-size N]
       [--books-429 N] [--books-malformed]

  --port N                 port on 127.0.0.1 (default 0 = ephemeral)
  --key K                  accept only these keys (repeatable; default: any key)
  --rate-limited-key K     answer 429 for this key (repeatable)
  --rpm N                  requests per minute per key before a 429 (default 1000000, or
                           10000 with --demo); OpenAI and Anthropic answers carry the
                           key's rate-limit headers
  --model M                list these models (repeatable; default demo-chat, demo-fast)
  --price M=IN,OUT         list model M at these USD per million input and output tokens
                           (repeatable); /v1/models then answers in OpenRouter's shape
  --demo                   demo latency (default: instant)
  --plan-token T           plan mode: accept this Claude subscription OAuth token as
                           `Authorization: Bearer T` with `anthropic-beta: oauth-2025-04-20`
                           (repeatable; each token has its own usage window)
  --plan-requests N        /v1/messages requests a plan window answers before 429 (default 50)
  --plan-reset SECS        a plan window's length from its first request (default 18000 = 5 h)
  --chatgpt-token T        ChatGPT mode: serve Codex signed in with ChatGPT on
                           /backend-api/codex/{responses,models}, accepting this access token
                           as `Authorization: Bearer T` (repeatable; each has its own window)
  --chatgpt-account ID     the `chatgpt-account-id` those requests must send (required)
  --chatgpt-requests N     responses a ChatGPT window answers before the 429
                           usage_limit_reached (default 50)
  --chatgpt-reset SECS     a ChatGPT window's length from its first request (default 18000 = 5 h)
  --record FILE            append one JSON line per request received (headers verbatim) to FILE
  --admin-key KEY          books mode: serve the books of what the mock served (per key, model
                           and UTC day) on OpenAI's /v1/organization/{usage/completions,costs,
                           projects}, Anthropic's /v1/organizations/{usage_report/messages,
                           cost_report,api_keys} and OpenRouter's /v1/activity and /v1/keys, to
                           this key only (it is refused on the generation endpoints)
  --books-extra JSON       usage on the books that never passed the mock: a JSON array of
                           {key, model, day: \"YYYY-MM-DD\", input, cachedInput, cacheWrite,
                           output, requests, costUsd}
  --books-page-size N      at most N buckets or list items per books page
  --books-429 N            the first N books requests get 429 with retry-after: 1
  --books-malformed        the books endpoints answer 200 with JSON of another shape

Serves OpenAI (/v1/chat/completions, /v1/responses, /v1/embeddings, /v1/models), Anthropic
(/v1/messages, /v1/messages/count_tokens) and Gemini (/v1beta/models/...) with deterministic
replies. For coding agents: a last user message containing `run: <command>` gets one call of the
declared shell tool (bash, shell, run_shell_command, exec_command, ...); the tool's result is
then answered with `Tool result: <output>`.";

/// What the command line asked for.
#[derive(Debug)]
enum Command {
    Run { port: u16, config: Box<MockConfig> },
    Help,
}

/// Parses the arguments after the program name.
fn parse(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut port = 0u16;
    let mut keys: Vec<String> = Vec::new();
    let mut limited: Vec<String> = Vec::new();
    let mut demo = false;
    let mut rpm: Option<u32> = None;
    let mut models: Vec<String> = Vec::new();
    let mut prices: Vec<(String, f64, f64)> = Vec::new();
    let mut plan_tokens: Vec<String> = Vec::new();
    let mut plan_requests: Option<u64> = None;
    let mut plan_reset: Option<Duration> = None;
    let mut chatgpt_tokens: Vec<String> = Vec::new();
    let mut chatgpt_account: Option<String> = None;
    let mut chatgpt_requests: Option<u64> = None;
    let mut chatgpt_reset: Option<Duration> = None;
    let mut record: Option<PathBuf> = None;
    let mut admin_key: Option<String> = None;
    let mut books_extra: Vec<BooksExtra> = Vec::new();
    let mut books_page_size: Option<usize> = None;
    let mut books_throttle = 0u64;
    let mut books_malformed = false;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--port" => {
                let raw = value("--port")?;
                port = raw
                    .parse()
                    .map_err(|_| format!("--port: not a port number: {raw}"))?;
            }
            "--key" => keys.push(value("--key")?),
            "--rate-limited-key" => limited.push(value("--rate-limited-key")?),
            "--rpm" => {
                let raw = value("--rpm")?;
                rpm = Some(
                    raw.parse()
                        .ok()
                        .filter(|n| *n > 0)
                        .ok_or_else(|| format!("--rpm: not a positive number: {raw}"))?,
                );
            }
            "--model" => models.push(value("--model")?),
            "--price" => prices.push(listed_price(&value("--price")?)?),
            "--demo" => demo = true,
            "--plan-token" => plan_tokens.push(value("--plan-token")?),
            "--plan-requests" => plan_requests = Some(count("--plan-requests", value)?),
            "--plan-reset" => plan_reset = Some(window("--plan-reset", value)?),
            "--chatgpt-token" => chatgpt_tokens.push(value("--chatgpt-token")?),
            "--chatgpt-account" => chatgpt_account = Some(value("--chatgpt-account")?),
            "--chatgpt-requests" => chatgpt_requests = Some(count("--chatgpt-requests", value)?),
            "--chatgpt-reset" => chatgpt_reset = Some(window("--chatgpt-reset", value)?),
            "--record" => record = Some(PathBuf::from(value("--record")?)),
            "--admin-key" => admin_key = Some(value("--admin-key")?),
            "--books-extra" => books_extra.extend(extra_lines(&value("--books-extra")?)?),
            "--books-page-size" => {
                let n = count("--books-page-size", value)?;
                let n = usize::try_from(n).ok().filter(|n| *n > 0);
                books_page_size = Some(n.ok_or("--books-page-size: not a positive number")?);
            }
            "--books-429" => books_throttle = count("--books-429", value)?,
            "--books-malformed" => books_malformed = true,
            "-h" | "--help" => return Ok(Command::Help),
            other => return Err(format!("unknown argument: {other}")),
        }
    }
    let mut config = if demo {
        MockConfig::demo()
    } else {
        MockConfig::instant()
    };
    config.accepted_keys = (!keys.is_empty()).then_some(keys);
    config.rate_limited_keys = limited;
    if let Some(n) = rpm {
        config.requests_per_minute = n;
    }
    if !models.is_empty() {
        config.models = models;
    }
    config.listed_prices = prices;
    config.record = record;
    config.admin_key = admin_key;
    config.books_extra = books_extra;
    config.books_page_size = books_page_size;
    config.books_throttle = books_throttle;
    config.books_malformed = books_malformed;
    if plan_tokens.is_empty() {
        if plan_requests.is_some() || plan_reset.is_some() {
            return Err("--plan-requests and --plan-reset need --plan-token".into());
        }
    } else {
        let mut plan = PlanConfig::new(plan_tokens, plan_requests.unwrap_or(DEFAULT_PLAN_REQUESTS));
        if let Some(reset) = plan_reset {
            plan.reset = reset;
        }
        config.plan = Some(plan);
    }
    if chatgpt_tokens.is_empty() {
        if chatgpt_account.is_some() || chatgpt_requests.is_some() || chatgpt_reset.is_some() {
            return Err(
                "--chatgpt-account, --chatgpt-requests and --chatgpt-reset need --chatgpt-token"
                    .into(),
            );
        }
    } else {
        let account = chatgpt_account.ok_or("--chatgpt-token needs --chatgpt-account")?;
        let requests = chatgpt_requests.unwrap_or(DEFAULT_PLAN_REQUESTS);
        let mut plan = ChatGptPlan::new(chatgpt_tokens, account, requests);
        if let Some(reset) = chatgpt_reset {
            plan.reset = reset;
        }
        config.chatgpt = Some(plan);
    }
    Ok(Command::Run {
        port,
        config: Box::new(config),
    })
}

/// The value of the flag `name` (read with `value`) as a count of requests.
fn count(name: &str, value: impl FnOnce(&str) -> Result<String, String>) -> Result<u64, String> {
    let raw = value(name)?;
    raw.parse()
        .map_err(|_| format!("{name}: not a number: {raw}"))
}

/// The value of the flag `name` (read with `value`) as a window length in whole seconds (> 0).
fn window(
    name: &str,
    value: impl FnOnce(&str) -> Result<String, String>,
) -> Result<Duration, String> {
    let raw = value(name)?;
    let secs: u64 = raw
        .parse()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("{name}: not a positive number: {raw}"))?;
    Ok(Duration::from_secs(secs))
}

/// The lines of `--books-extra`: a JSON array of [`BooksExtra`], each day a real `YYYY-MM-DD`.
fn extra_lines(raw: &str) -> Result<Vec<BooksExtra>, String> {
    let lines: Vec<BooksExtra> = serde_json::from_str(raw)
        .map_err(|err| format!("--books-extra: not a JSON array of usage lines: {err}"))?;
    for line in &lines {
        let digits = line.day.len() == 10
            && line.day.char_indices().all(|(i, c)| {
                if i == 4 || i == 7 {
                    c == '-'
                } else {
                    c.is_ascii_digit()
                }
            });
        if !digits {
            return Err(format!(
                "--books-extra: day {:?} is not YYYY-MM-DD",
                line.day
            ));
        }
    }
    Ok(lines)
}

/// `M=IN,OUT` → (M, IN, OUT), prices non-negative.
fn listed_price(raw: &str) -> Result<(String, f64, f64), String> {
    let bad = || format!("--price: expected MODEL=IN,OUT (USD per million tokens), got {raw}");
    let (model, pair) = raw.split_once('=').ok_or_else(bad)?;
    let (input, output) = pair.split_once(',').ok_or_else(bad)?;
    let num = |s: &str| {
        s.trim()
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite() && *x >= 0.0)
    };
    match (model.trim(), num(input), num(output)) {
        (m, Some(i), Some(o)) if !m.is_empty() => Ok((m.to_string(), i, o)),
        _ => Err(bad()),
    }
}

/// Resolves on SIGINT, or SIGTERM on Unix.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[allow(clippy::print_stdout)]
#[tokio::main]
async fn main() -> ExitCode {
    let (port, config) = match parse(std::env::args().skip(1)) {
        Ok(Command::Run { port, config }) => (port, *config),
        Ok(Command::Help) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("switchyard-mock: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let server = match MockServer::start_on(port, config).await {
        Ok(server) => server,
        Err(err) => {
            eprintln!("switchyard-mock: cannot listen on 127.0.0.1:{port}: {err}");
            return ExitCode::FAILURE;
        }
    };
    println!("listening {}", server.base_url());
    if std::io::stdout().flush().is_err() {
        return ExitCode::FAILURE;
    }
    stop_signal().await;
    server.shutdown().await;
    ExitCode::SUCCESS
}
