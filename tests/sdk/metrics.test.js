// Prometheus metrics after real traffic: the official `openai` SDK sends a scripted run through
// switchyard-serve on every backend format (buffered and streamed, plus a request the provider
// refuses), then `GET /metrics` is checked by Debian's `promtool check metrics` (the path is in
// PROMTOOL, set by ./dev) and every counter is compared with the ledger (`requests --json`):
// requests by backend and status, tokens by kind, cost. OpenMetrics is served when asked for.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import OpenAI from "openai";
import { FORMATS, scrubProviderEnv, startStack } from "./harness.js";

scrubProviderEnv(process.env);

/** Sum of the samples of `name` whose label set contains every `key="value"` of `having`. */
function sum(text, name, having = {}) {
  let total = 0;
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const m = line.match(/^([a-z_]+)(\{.*\})? (\S+)$/);
    if (!m || m[1] !== name) continue;
    const labels = m[2] ?? "";
    if (Object.entries(having).every(([k, v]) => labels.includes(`${k}="${v}"`))) total += Number(m[3]);
  }
  return total;
}

describe("Prometheus metrics match the ledger and pass promtool", () => {
  let stack;
  let openai;
  let text;
  let rows;

  before(async () => {
    stack = await startStack({ tokenName: "sdk-metrics" });
    openai = new OpenAI({ apiKey: stack.gw.token, baseURL: stack.gw.openaiBase, maxRetries: 0, timeout: 20000 });
    const messages = [{ role: "user", content: "Count this request" }];
    for (const [, model] of FORMATS) {
      await openai.chat.completions.create({ model, messages, max_tokens: 20 });
      const stream = await openai.chat.completions.create({ model, messages, max_tokens: 20, stream: true, stream_options: { include_usage: true } });
      for await (const _ of stream);
    }
    // `n: 2` cannot be carried to Anthropic: refused with a 400, in the ledger and the metrics.
    await assert.rejects(openai.chat.completions.create({ model: "claude-sonnet-4-5", messages, n: 2 }), OpenAI.BadRequestError);
    const expected = FORMATS.length * 2 + 1;
    rows = await stack.gw.waitForRequests((r) => r.length >= expected, { limit: 1000 });
    assert.equal(rows.length, expected, JSON.stringify(rows.map((r) => [r.backend, r.status])));
    const res = await fetch(`${stack.gw.origin}/metrics`);
    assert.equal(res.status, 200, "loopback scrapes need no token by default");
    assert.match(res.headers.get("content-type"), /^text\/plain; version=0\.0\.4/);
    text = await res.text();
  });

  after(async () => {
    if (stack) await stack.stop();
  });

  it("passes promtool check metrics", () => {
    const promtool = process.env.PROMTOOL || "promtool";
    let out;
    try {
      out = execFileSync(promtool, ["check", "metrics"], { input: text, encoding: "utf8", stdio: ["pipe", "pipe", "pipe"] });
    } catch (e) {
      assert.fail(`promtool check metrics failed (${e.status}):\n${e.stdout}${e.stderr}\n--- metrics\n${text}`);
    }
    assert.equal(out.trim(), "", out);
  });

  it("counts every request of the ledger, by backend and status", () => {
    assert.equal(sum(text, "switchyard_requests_total"), rows.length);
    for (const backend of new Set(rows.map((r) => r.backend))) {
      const mine = rows.filter((r) => r.backend === backend);
      // A request refused before any backend was tried is counted as backend "none".
      const label = backend ?? "none";
      assert.equal(sum(text, "switchyard_requests_total", { backend: label }), mine.length, label);
      const failed = mine.filter((r) => r.status >= 500).length;
      assert.equal(sum(text, "switchyard_requests_total", { backend: label, status: "5xx" }), failed, `${label} 5xx`);
    }
    assert.equal(sum(text, "switchyard_requests_total", { status: "4xx" }), rows.filter((r) => r.status >= 400 && r.status < 500).length);
    assert.ok(sum(text, "switchyard_requests_total", { status: "4xx" }) >= 1, "the refused request");
    assert.equal(sum(text, "switchyard_requests_total", { tool: "sdk-metrics" }), rows.length);
    assert.equal(sum(text, "switchyard_request_duration_seconds_count"), rows.length);
  });

  it("counts the ledger's tokens and cost exactly", () => {
    const total = (f) => rows.reduce((a, r) => a + (f(r) ?? 0), 0);
    assert.equal(sum(text, "switchyard_tokens_total", { kind: "input" }), total((r) => r.inputTokens));
    assert.equal(sum(text, "switchyard_tokens_total", { kind: "output" }), total((r) => r.outputTokens));
    const cost = total((r) => r.costUsd);
    assert.ok(cost > 0, "priced models were used");
    assert.ok(Math.abs(sum(text, "switchyard_cost_usd_total") - cost) < 1e-9, `${sum(text, "switchyard_cost_usd_total")} vs ${cost}`);
  });

  it("reads the gauges when scraped, and serves OpenMetrics to Prometheus", async () => {
    assert.equal(sum(text, "switchyard_in_flight_requests"), 0);
    assert.equal(sum(text, "switchyard_ledger_queue_depth"), 0);
    assert.match(text, /^switchyard_breaker_state\{backend="Demo"\} 0$/m);
    const res = await fetch(`${stack.gw.origin}/metrics`, { headers: { accept: "application/openmetrics-text;version=1.0.0,text/plain;q=0.5" } });
    assert.match(res.headers.get("content-type"), /^application\/openmetrics-text; version=1\.0\.0/);
    assert.match(await res.text(), /# TYPE switchyard_requests counter\n[\s\S]*# EOF\n$/);
  });
});
