// Prometheus metrics after real traffic: the official `openai` SDK sends a scripted run through
// switchyard-serve on every backend format (buffered and streamed, plus a request the provider
// refuses), then `GET /metrics`, read with a scrape token (`token create --metrics-only`), is
// checked by Debian's `promtool check metrics` (the path is in PROMTOOL, set by ./dev) and every
// counter is compared with the ledger (`requests --json`): requests by backend and status, tokens
// by kind, cost. OpenMetrics is served when asked for. Debian's Prometheus server itself (PROMETHEUS)
// scrapes the gateway with the scrape token in its `authorization` setting; the same target without
// it is down with a 401.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import OpenAI from "openai";
import { FORMATS, freePort, scrubProviderEnv, startStack } from "./harness.js";

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
  let scrapeToken;

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
    const bare = await fetch(`${stack.gw.origin}/metrics`);
    assert.equal(bare.status, 401, "a scrape from this machine needs a token by default");
    const { stdout } = await stack.gw.command("token", "create", "prometheus", "--metrics-only");
    scrapeToken = stdout.trim();
    // Made by another process: the running gateway knows it within a second.
    let res;
    for (const until = Date.now() + 5000; ; ) {
      res = await fetch(`${stack.gw.origin}/metrics`, { headers: { authorization: `Bearer ${scrapeToken}` } });
      if (res.status === 200 || Date.now() > until) break;
      await res.text();
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(res.status, 200, "the scrape token reads /metrics");
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
    const res = await fetch(`${stack.gw.origin}/metrics`, {
      headers: { accept: "application/openmetrics-text;version=1.0.0,text/plain;q=0.5", authorization: `Bearer ${scrapeToken}` },
    });
    assert.match(res.headers.get("content-type"), /^application\/openmetrics-text; version=1\.0\.0/);
    assert.match(await res.text(), /# TYPE switchyard_requests counter\n[\s\S]*# EOF\n$/);
  });

  it("is scraped by Prometheus with the scrape token in its authorization setting", async () => {
    const prometheus = process.env.PROMETHEUS;
    assert.ok(prometheus && fs.existsSync(prometheus), "PROMETHEUS names Debian's prometheus binary (set by ./dev)");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "switchyard-prometheus-"));
    const tokenFile = path.join(dir, "switchyard.token");
    fs.writeFileSync(tokenFile, scrapeToken, { mode: 0o600 });
    const target = new URL(stack.gw.origin).host;
    fs.writeFileSync(path.join(dir, "prometheus.yml"), [
      "global: { scrape_interval: 1s, scrape_timeout: 1s }",
      "scrape_configs:",
      "  - job_name: switchyard",
      `    authorization: { credentials_file: ${JSON.stringify(tokenFile)} }`,
      `    static_configs: [{ targets: [${JSON.stringify(target)}] }]`,
      "  - job_name: switchyard-without-token",
      `    static_configs: [{ targets: [${JSON.stringify(target)}] }]`,
    ].join("\n"));
    const port = await freePort();
    const server = spawn(prometheus, [
      `--config.file=${path.join(dir, "prometheus.yml")}`, `--storage.tsdb.path=${path.join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ], { stdio: ["ignore", "ignore", "pipe"] });
    let log = "";
    server.stderr.on("data", (d) => (log += d));
    try {
      const api = async (p) => (await (await fetch(`http://127.0.0.1:${port}/api/v1/${p}`)).json()).data;
      let targets = [];
      for (const until = Date.now() + 30000; Date.now() < until; ) {
        targets = await api("targets").then((d) => d.activeTargets).catch(() => []);
        if (targets.length === 2 && targets.every((t) => t.health !== "unknown")) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      const job = (name) => targets.find((t) => t.labels.job === name);
      assert.equal(job("switchyard")?.health, "up", `${JSON.stringify(targets)}\n${log}`);
      assert.equal(job("switchyard-without-token")?.health, "down", "no token, no metrics");
      assert.match(job("switchyard-without-token").lastError, /401/);
      const query = encodeURIComponent('sum(switchyard_requests_total{job="switchyard"})');
      const result = await api(`query?query=${query}`);
      assert.equal(Number(result.result[0]?.value[1]), rows.length, "Prometheus stored the same count as the ledger");
    } finally {
      if (server.exitCode === null && server.signalCode === null) {
        const exited = new Promise((r) => server.once("exit", r));
        server.kill("SIGTERM");
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

