// Costs in the real app window: give the Demo model a price (over its stated one), send
// requests through the gateway to the Demo backend, and the Costs page shows the expected
// totals (computed here from the usage each answer reported) with its charts drawn; a budget
// shows its share; a quick export writes every request; a reversed custom range is refused at
// its field; a model without a price is flagged, and setting its price prices its past requests.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import {
  answerFileDialog, artifacts, byTestId, createGatewayToken, gatewayOpenaiUrl, keychainClear, pageReaders, privateHome, startApp, startMock,
} from "./harness.js";

const PRICE_IN = 2; // USD per million input tokens
const PRICE_OUT = 8; // USD per million output tokens
const QUESTIONS = ["What is a switchyard?", "Who routes the trains?", "Why points and frogs?"];

describe("Costs in the real app window", () => {
  let app;
  let b;
  let openaiUrl;
  let token;
  let expectedUsd = 0;

  // A HOME of its own with one Claude Code answer that bypassed the gateway (in Claude Code's
  // real transcript format, ten minutes ago): the app imports it at start.
  const home = privateHome();
  const claudeAt = new Date(Date.now() - 10 * 60_000).toISOString();

  before(async () => {
    const project = path.join(home, ".claude", "projects", "-tmp-proj");
    fs.mkdirSync(project, { recursive: true });
    fs.writeFileSync(path.join(project, "s1.jsonl"), JSON.stringify({
      type: "assistant", sessionId: "s1", cwd: "/tmp/proj", version: "2.1.197", timestamp: claudeAt, requestId: "req_e2e_1",
      message: { id: "msg_e2e_1", model: "claude-sonnet-4-5", usage: { input_tokens: 1000, output_tokens: 100, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 } },
    }) + "\n");
    app = await startApp({ env: { HOME: home } });
    b = app.browser;
  });

  after(async () => {
    await app?.stop();
    if (app) keychainClear(app.service);
    fs.rmSync(home, { recursive: true, force: true });
  });

  const page = pageReaders(() => b);
  const { text, attr } = page;
  const until = (check, timeoutMsg, timeout = 10000) => b.waitUntil(check, { timeout, timeoutMsg });
  const screenshot = (name) => page.screenshot(name, { top: true });
  const openPage = async (id) => {
    await (await b.$(byTestId(`nav-${id}`))).click();
    await (await b.$(byTestId(`page-${id}`))).waitForDisplayed({ timeout: 5000 });
  };

  it("shows an empty Costs page that explains itself before any request", async () => {
    openaiUrl = await gatewayOpenaiUrl(b);
    token = await createGatewayToken(b, "e2e-costs");
    await openPage("costs");
    await (await b.$(byTestId("cost-chart"))).waitForExist({ timeout: 5000 });
    await until(async () => (await attr(byTestId("cost-chart"), "data-empty")) !== null, "the cost chart shows no empty state");
  });

  it("sets a price for the Demo model from the Prices card", async () => {
    await (await b.$(byTestId("price-add"))).click();
    await (await b.$(byTestId("set-price-dialog"))).waitForDisplayed({ timeout: 5000 });
    await (await b.$(byTestId("set-price-model"))).setValue("demo-chat");
    await (await b.$(byTestId("set-price-input"))).setValue(String(PRICE_IN));
    await (await b.$(byTestId("set-price-output"))).setValue(String(PRICE_OUT));
    await (await b.$(byTestId("set-price-save"))).click();
    await (await b.$(byTestId("set-price-dialog"))).waitForDisplayed({ reverse: true, timeout: 5000, timeoutMsg: "the price dialog did not close" });
    await (await b.$(`${byTestId("price-override-row")}[data-model="demo-chat"]`)).waitForExist({ timeout: 5000 });
  });

  it("sends requests through the gateway to the Demo backend and shows their exact totals and charts", async () => {
    for (const q of QUESTIONS) {
      const res = await fetch(`${openaiUrl}/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "demo-chat", messages: [{ role: "user", content: q }] }),
      });
      const body = await res.json();
      assert.equal(res.status, 200, JSON.stringify(body));
      const u = body.usage;
      assert.ok(u.prompt_tokens > 0 && u.completion_tokens > 0, JSON.stringify(u));
      expectedUsd += (u.prompt_tokens * PRICE_IN + u.completion_tokens * PRICE_OUT) / 1e6;
    }
    await until(async () => (await attr(byTestId("costs-requests"), "data-requests")) === String(QUESTIONS.length), "the Costs page never counted the requests");
    await until(async () => Math.abs(Number(await attr(byTestId("costs-spend"), "data-usd")) - expectedUsd) < 1e-9, `the spend never reached ${expectedUsd}`);
    assert.match(await text(byTestId("costs-spend")), /^\$\s?0\.\d+/);
    // All of it is Demo's, and the page says so: its stated price, and that nothing is billed.
    assert.ok(Math.abs(Number(await attr(byTestId("costs-demo-note"), "data-usd")) - expectedUsd) < 1e-9, "the Demo note names the Demo spend");
    assert.match(await text(byTestId("costs-demo-note")), /Demo backend's \(3 requests\).*\$2\.50 in and \$10\.00 out per million tokens.*Nothing is billed/s);
    for (const chart of ["cost-chart", "tokens-chart", "requests-chart", "latency-chart"]) {
      await until(async () => (await attr(byTestId(chart), "data-drawn")) === "true", `${chart} was not drawn`);
    }
    const painted = await b.execute((s) => {
      const canvas = document.querySelector(`${s} canvas`);
      const ctx = canvas?.getContext("2d");
      if (!ctx || canvas.width === 0) return 0;
      const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 3; i < px.length; i += 4) if (px[i] > 0) n++;
      return n;
    }, byTestId("cost-chart"));
    assert.ok(painted > 100, `the cost chart's canvas has ${painted} painted pixels`);
    const row = `${byTestId("costs-breakdown-row")}[data-key="Demo"]`;
    await (await b.$(row)).waitForExist({ timeout: 5000, timeoutMsg: "the breakdown lists no Demo row" });
    assert.equal(await b.execute((s) => document.querySelectorAll(s).length, byTestId("costs-unpriced")), 0, "no unpriced models");
    await (await b.$(byTestId("costs-breakdown-tab-api"))).click();
    const api = `${byTestId("costs-breakdown-row")}[data-key="openai"]`;
    await (await b.$(api)).waitForExist({ timeout: 5000, timeoutMsg: "the By API breakdown lists no OpenAI Chat row" });
    assert.match(await text(api), /OpenAI Chat/);
    await until(async () => Math.abs(Number(await attr(api, "data-usd")) - expectedUsd) < 1e-9, "the API breakdown does not add up to the spend");
    // Prompt-cache reads per API (the Demo provider reports none).
    assert.match(await text(byTestId("costs-sort-cacheReadTokens")), /Cache read/);
    assert.equal(await attr(api, "data-cache-read"), "0", "the Demo backend reads no prompt cache");
    await (await b.$(byTestId("costs-breakdown-tab-backend"))).click();
    await screenshot("costs.png");
  });

  it("splits the spend by source, and shows Claude Code's 5-hour window on the Overview", async () => {
    const gatewayRow = `${byTestId("source-row")}[data-source="gateway"]`;
    await (await b.$(gatewayRow)).waitForExist({ timeout: 10000, timeoutMsg: "the By source card lists no gateway row" });
    await until(async () => (await attr(gatewayRow, "data-requests")) === String(QUESTIONS.length), "the gateway row does not count the requests");
    await until(async () => Math.abs(Number(await attr(gatewayRow, "data-usd")) - expectedUsd) < 1e-9, "the gateway row does not add up to the spend");
    const claudeRow = `${byTestId("source-row")}[data-source="claude-code"]`;
    await (await b.$(claudeRow)).waitForExist({ timeout: 10000, timeoutMsg: "Claude Code's own record was not imported" });
    assert.equal(await attr(claudeRow, "data-requests"), "1");
    assert.ok(Number(await attr(claudeRow, "data-usd")) > 0, "priced like the ledger");
    assert.match(await text(claudeRow), /Claude Code/);
    await openPage("overview");
    const window = `${byTestId("limit-window")}[data-tool="Claude Code"][data-name="5-hour"]`;
    await (await b.$(window)).waitForExist({ timeout: 10000, timeoutMsg: "no Claude Code 5-hour window on the Overview" });
    assert.equal(await attr(window, "data-source"), "estimate");
    assert.match(await text(window), /resets in \d+ h \d+ m/);
    assert.match(await text(window), /1\.1k tokens/);
    await screenshot("overview-limits.png");
    await openPage("costs");
    await b.execute((s) => document.querySelector(s)?.scrollIntoView(), byTestId("costs-sources"));
    await b.saveScreenshot(path.join(artifacts, "costs-sources.png"));
    // By project: Claude Code's folder (no repository: itself), and the gateway's requests that no
    // tool record names, at the gateway's spend.
    const claudeProject = `${byTestId("project-row")}[data-project="/tmp/proj"]`;
    await (await b.$(claudeProject)).waitForExist({ timeout: 10000, timeoutMsg: "the By project card lists no /tmp/proj row" });
    assert.ok(Number(await attr(claudeProject, "data-usd")) > 0);
    const gatewayOnly = `${byTestId("project-row")}[data-project="(gateway, no tool record)"]`;
    await (await b.$(gatewayOnly)).waitForExist({ timeout: 10000, timeoutMsg: "the By project card lists no gateway row" });
    await until(async () => Math.abs(Number(await attr(gatewayOnly, "data-usd")) - expectedUsd) < 1e-9, "the gateway's project row does not add up to the spend");
    await b.execute((s) => document.querySelector(s)?.scrollIntoView(), byTestId("costs-projects"));
    await b.saveScreenshot(path.join(artifacts, "costs-projects.png"));
  });

  it("adds a monthly budget and shows its share of the spend", async () => {
    await (await b.$(byTestId("budget-add"))).click();
    await (await b.$(byTestId("budget-name"))).setValue("E2E monthly");
    await (await b.$(byTestId("budget-limit"))).setValue("0");
    await (await b.$(byTestId("budget-save"))).click();
    await (await b.$(byTestId("budget-error"))).waitForExist({ timeout: 5000, timeoutMsg: "a budget of 0 was not refused" });
    await (await b.$(byTestId("budget-limit"))).setValue("1");
    await (await b.$(byTestId("budget-save"))).click();
    const budgetRow = `${byTestId("budget-row")}[data-name="E2E monthly"]`;
    await (await b.$(budgetRow)).waitForExist({ timeout: 5000, timeoutMsg: "the budget is not listed" });
    const pct = expectedUsd * 100;
    await until(async () => ((await text(`${budgetRow} ${byTestId("budget-percent")}`)) ?? "").length > 0, "no percentage on the budget");
    const shown = pct > 0 && pct < 1 ? "<1 %" : `${Math.floor(pct)} %`;
    await until(async () => (await text(`${budgetRow} ${byTestId("budget-percent")}`)) === shown, `the budget never showed ${shown}`);
  });

  it("exports every request to the data folder as CSV", async () => {
    await (await b.$(byTestId("export-kind"))).selectByAttribute("value", "requests");
    await (await b.$(byTestId("export-format"))).selectByAttribute("value", "csv");
    await (await b.$(byTestId("export-quick"))).click();
    await (await b.$(byTestId("export-path"))).waitForExist({ timeout: 10000, timeoutMsg: "the export reported no file" });
    const file = await text(byTestId("export-path"));
    assert.ok(file.startsWith(app.dataDir), `${file} is in the test's data folder`);
    const lines = fs.readFileSync(file, "utf8").trim().split("\n");
    assert.equal(lines.length, 1 + QUESTIONS.length, "a header and one line per request");
    const col = lines[0].split(",").indexOf("cost_usd");
    const total = lines.slice(1).reduce((s, l) => s + Number(l.split(",")[col]), 0);
    assert.ok(Math.abs(total - expectedUsd) < 1e-9, `the export's total ${total} is the page's ${expectedUsd}`);
  });

  it("saves an export where the user says in the save dialog, private to the user", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "switchyard-e2e-export-"));
    const target = path.join(dir, "my usage.json");
    await (await b.$(byTestId("export-format"))).selectByAttribute("value", "json");
    await (await b.$(byTestId("export-save-as"))).click();
    await answerFileDialog("Save the export", target, { save: true });
    await until(async () => (await text(byTestId("export-path"))) === target, "the export did not report the chosen file", 10000);
    const rows = JSON.parse(fs.readFileSync(target, "utf8"));
    assert.equal(rows.length, QUESTIONS.length, "one entry per request");
    assert.equal(fs.statSync(target).mode & 0o777, 0o600, "the export is readable by its owner only");
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("refuses a custom range that ends before it starts, at its field", async () => {
    await (await b.$(byTestId("costs-range-custom"))).click();
    await (await b.$(byTestId("costs-from"))).waitForExist({ timeout: 5000 });
    await b.execute((from, to) => {
      const set = (sel, v) => {
        const el = document.querySelector(sel);
        el.value = v;
        el.dispatchEvent(new Event("change", { bubbles: true }));
      };
      set(from, "2026-03-10");
      set(to, "2026-03-01");
    }, byTestId("costs-from"), byTestId("costs-to"));
    await (await b.$(byTestId("costs-error"))).waitForExist({ timeout: 5000, timeoutMsg: "no message for a reversed range" });
    assert.match(await text(byTestId("costs-error")), /ends before it starts/);
    // The core refuses it too, with a typed error, if it is sent anyway.
    const err = await b.executeAsync((done) => {
      window.__TAURI_INTERNALS__
        .invoke("costs_overview", { range: { sinceMs: 2e12, untilMs: 1e12, offsetMinutes: 0 }, split: "backend" })
        .then(() => done({ unexpected: "accepted" }), (e) => done(e));
    });
    assert.equal(err.kind, "validation");
    await screenshot("costs-range-error.png");
  });

  it("flags a model without a price, and one click on Set price prices its earlier requests", async () => {
    const mock = await startMock();
    try {
      const created = await b.executeAsync((url, done) => {
        window.__TAURI_INTERNALS__
          .invoke("create_backend", {
            draft: { name: "House", kind: "openAiCompatible", baseUrl: url, defaultModel: "house-finetune-7" },
            key: null,
          })
          .then(done, (e) => done({ error: e }));
      }, `${mock.url}/v1`);
      assert.ok(!created.error, JSON.stringify(created));
      const res = await fetch(`${openaiUrl}/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "House/house-finetune-7", messages: [{ role: "user", content: "Price me later." }] }),
      });
      const body = await res.json();
      assert.equal(res.status, 200, JSON.stringify(body));
      const u = body.usage;
      assert.ok(u.prompt_tokens > 0 && u.completion_tokens > 0, JSON.stringify(u));

      await (await b.$(byTestId("costs-range-24h"))).click();
      const flagged = `${byTestId("costs-unpriced-model")}[data-model="house-finetune-7"]`;
      await (await b.$(flagged)).waitForExist({ timeout: 10000, timeoutMsg: "the model without a price is not flagged" });
      const before = Number(await attr(byTestId("costs-spend"), "data-usd"));
      assert.ok(Math.abs(before - expectedUsd) < 1e-9, `an unpriced request adds nothing, not $0 guessed: ${before}`);

      await (await b.$(`${flagged} ${byTestId("costs-set-price")}`)).click();
      await (await b.$(byTestId("set-price-dialog"))).waitForDisplayed({ timeout: 5000 });
      assert.match(await text(`${byTestId("set-price-dialog")} h2`), /house-finetune-7/, "the dialog names the flagged model");
      await (await b.$(byTestId("set-price-input"))).setValue("1");
      await (await b.$(byTestId("set-price-output"))).setValue("4");
      await (await b.$(byTestId("set-price-save"))).click();
      await (await b.$(byTestId("set-price-dialog"))).waitForDisplayed({ reverse: true, timeout: 5000 });

      await until(async () => (await b.$$(byTestId("costs-unpriced"))).length === 0, "the banner stayed after the price was set");
      expectedUsd += (u.prompt_tokens * 1 + u.completion_tokens * 4) / 1e6;
      await until(async () => Math.abs(Number(await attr(byTestId("costs-spend"), "data-usd")) - expectedUsd) < 1e-9, `the spend never reached ${expectedUsd}`);
    } finally {
      mock.stop();
    }
  });

  it("checks newer prices from a URL, says what they change, applies them and rolls them back", async () => {
    const file = JSON.stringify({
      "gpt-4o": { litellm_provider: "openai", mode: "chat", input_cost_per_token: 0.00009, output_cost_per_token: 0.00036 },
      "brand-new-model": { litellm_provider: "openai", mode: "chat", input_cost_per_token: 0.000001, output_cost_per_token: 0.000002 },
    });
    const server = http.createServer((req, res) => {
      res.setHeader("content-type", "application/json");
      if (req.url === "/broken.json") res.end("{\"gpt-4o\": {");
      else res.end(file);
    });
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${server.address().port}`;
    try {
      const check = async (url) => {
        const input = await b.$(byTestId("prices-url"));
        await input.clearValue();
        await input.setValue(url);
        await (await b.$(byTestId("prices-check"))).click();
      };
      await check(`${base}/broken.json`);
      await (await b.$(byTestId("prices-error"))).waitForDisplayed({ timeout: 10000, timeoutMsg: "a broken price file was not refused" });
      assert.match(await text(byTestId("prices-error")), /cannot be used/);
      await check(`${base}/prices.json`);
      const checked = byTestId("prices-checked");
      await (await b.$(checked)).waitForDisplayed({ timeout: 10000, timeoutMsg: "the check showed nothing" });
      assert.match(await text(checked), /1 model changed, 1 model added/);
      assert.match(await text(checked), /gpt-4o: \$[\d.]+ → \$90\.00 in/);
      await (await b.$(byTestId("prices-apply"))).click();
      await until(async () => (await attr(byTestId("prices-source"), "data-source")) === "file", "the checked prices were not applied");
      await (await b.$(byTestId("prices-rollback"))).click();
      await until(async () => (await attr(byTestId("prices-source"), "data-source")) === "bundled", "the rollback did not bring the bundled prices back");
    } finally {
      server.close();
    }
  });

  it("reprices recorded requests only when asked, after confirming", async () => {
    const spent = async () => Number(await attr(byTestId("costs-spend"), "data-usd"));
    const before = await spent();
    // Double the Demo model's price: recorded requests keep their cost...
    await (await b.$(byTestId("price-add"))).click();
    await (await b.$(byTestId("set-price-dialog"))).waitForDisplayed({ timeout: 5000 });
    await (await b.$(byTestId("set-price-model"))).setValue("demo-chat");
    await (await b.$(byTestId("set-price-input"))).setValue(String(2 * PRICE_IN));
    await (await b.$(byTestId("set-price-output"))).setValue(String(2 * PRICE_OUT));
    await (await b.$(byTestId("set-price-save"))).click();
    await (await b.$(byTestId("set-price-dialog"))).waitForDisplayed({ reverse: true, timeout: 5000 });
    assert.equal(await spent(), before, "a new price does not rewrite recorded costs");
    // ...until the user reprices them.
    await (await b.$(byTestId("prices-reprice"))).click();
    await (await b.$(byTestId("confirm-dialog"))).waitForDisplayed({ timeout: 5000 });
    await (await b.$(byTestId("confirm-yes"))).click();
    await until(async () => /^\d+ of \d+ requests in the last 30 days repriced: \+\$/.test((await text(`${byTestId("prices-card")} .done`)) ?? ""),
      "no repricing result in the Prices card");
    await until(async () => (await spent()) > before, `the spend did not follow the new price: ${await spent()} ≤ ${before}`);
  });
});
