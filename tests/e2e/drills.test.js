// Drills in the real app window: run them from the Readiness page with live progress and the
// breaker's timeline, export the HTML report and render it in the app's WebKit (verdict, chart,
// timelines); set Resilience on the Gateway page (an out-of-range value refused by name, a breaker
// that needs 1000 failures saved) and see the next run fail with the reason, compared with the run
// before; and run the live drill on a route whose second backend is a provider on 127.0.0.1, after
// its confirmation showed what it can spend.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { addBackend, answerFileDialog, byTestId, closeApp, openApp, pageReaders, showInFrame } from "./harness.js";

describe("Drills in the real app window", () => {
  let app;
  let mock;
  let b;
  let firstRunId;

  before(async () => ({ app, mock, b } = await openApp({ mock: [] })));
  after(() => closeApp({ app, mock }));

  const { text, attr, data, widths, screenshot } = pageReaders(() => b);
  const openPage = async (id) => {
    await (await b.$(byTestId(`nav-${id}`))).click();
    await (await b.$(byTestId(`page-${id}`))).waitForDisplayed({ timeout: 5000 });
  };
  /** Waits until a run other than `previousId` is shown and nothing runs any more. */
  const newRun = async (previousId) => {
    await b.waitUntil(
      async () => {
        const id = await attr(byTestId("drill-run"), "data-id");
        return id !== null && id !== previousId && (await (await b.$(byTestId("drills-run"))).isExisting());
      },
      { timeout: 90000, timeoutMsg: "the drills never finished" },
    );
    return attr(byTestId("drill-run"), "data-id");
  };

  it("runs the drills with live progress and draws the breaker's timeline", async () => {
    await openPage("readiness");
    // Every progress line the section shows, caught as it changes (a run takes a few seconds).
    await b.execute(() => {
      window.__drillSteps = [];
      new MutationObserver(() => {
        const t = document.querySelector('[data-testid="drills-progress"]')?.textContent?.trim();
        if (t && !window.__drillSteps.includes(t)) window.__drillSteps.push(t);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await (await b.$(byTestId("drills-empty"))).waitForExist({ timeout: 5000, timeoutMsg: "no empty state before the first run" });
    await (await b.$(byTestId("drills-run"))).click();
    firstRunId = await newRun(null);
    const steps = await b.execute(() => window.__drillSteps);
    assert.ok(steps.some((t) => /Running Failover \(1 of \d\)/.test(t)), `progress was shown: ${JSON.stringify(steps)}`);
    const names = await data(byTestId("drill-suite"), "name");
    const statuses = await data(byTestId("drill-suite"), "status");
    // Which suite failed, and why, when the verdict is not the expected one (a flake is named).
    const why = async () => JSON.stringify({ names, statuses, text: await (await b.$(byTestId("drill-run"))).getText() });
    assert.equal(await attr(byTestId("drill-run"), "data-verdict"), "passed", await why());
    assert.deepEqual(names, ["Failover", "Circuit breaker", "Rate limits", "Recovery", "Load distribution", "Cache stampede", "Configuration"]);
    assert.ok(statuses.every((st) => st === "passed"), JSON.stringify(statuses));
    assert.match(await text(byTestId("drill-run")), /Demo: opens after 3 failures/);
    const band = `${byTestId("drill-timeline")}[data-name="Demo: breaker"] .segment`;
    assert.deepEqual(await data(band, "state"), ["closed", "open", "half-open", "closed"]);
    const drawn = await widths(band);
    assert.ok(drawn.every((w) => w >= 3), `every state is visible: ${drawn}`);
    assert.equal(await (await b.$(byTestId("drill-compare"))).isExisting(), false, "nothing to compare the first run with");
    await b.execute(() => document.querySelector('[data-testid="drills"]')?.scrollIntoView());
    await screenshot("readiness-drills.png");
  });

  it("exports the run as HTML that shows its verdict, chart and timelines in WebKit", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "switchyard-e2e-drills-"));
    const file = path.join(dir, "drills.html");
    await (await b.$(byTestId("drill-report-save"))).click();
    await answerFileDialog("Save the report", file, { save: true });
    await b.waitUntil(async () => (await text(byTestId("drill-report-path"))) === file, { timeout: 10000, timeoutMsg: "the drill report was not saved" });
    const html = fs.readFileSync(file, "utf8");
    fs.rmSync(dir, { recursive: true, force: true });
    assert.match(html, /<h1>Switchyard drills<\/h1>/);
    await showInFrame(b, html);
    const shown = await b.execute(() => {
      const d = document.querySelector('[data-testid="report-frame"]').contentDocument;
      d.querySelector("svg.timeline")?.scrollIntoView();
      return {
        verdict: d.querySelector(".verdict")?.textContent ?? null,
        bars: [...d.querySelectorAll("rect.bar")].map((r) => r.getBoundingClientRect().width),
        timelines: [...d.querySelectorAll("svg.timeline")].map((t) => t.getAttribute("aria-label")),
        segments: [...d.querySelectorAll("svg.timeline rect.segment")].map((r) => r.getBoundingClientRect().width),
        configuration: d.querySelector("#configuration")?.textContent ?? "",
      };
    });
    assert.equal(shown.verdict, "PASSED");
    assert.equal(shown.bars.length, 7, "one bar per drill");
    assert.ok(shown.timelines.includes("Demo: breaker"), JSON.stringify(shown.timelines));
    assert.ok(shown.segments.length >= 4 && shown.segments.every((w) => w > 0), `every segment is drawn: ${shown.segments}`);
    assert.match(shown.configuration, /Demo.*demo-chat/s, "the configuration it ran on");
    assert.match(shown.configuration, /Failures to open a breaker\s*3/);
    await screenshot("drills-report.png");
    await b.execute(() => document.querySelector('[data-testid="report-frame"]')?.remove());
  });

  it("refuses an out-of-range resilience value by name and saves a breaker that needs 1000 failures", async () => {
    await openPage("gateway");
    const field = (f) => `${byTestId("resilience-settings")} ${byTestId(`res-${f}`)}`;
    await (await b.$(field("breakerFailures"))).waitForExist({ timeout: 5000, timeoutMsg: "no Resilience card" });
    assert.equal(await attr(byTestId("resilience-save"), "disabled"), "", "nothing to save yet");
    await (await b.$(field("breakerFailures"))).setValue("0");
    await (await b.$(byTestId("resilience-save"))).click();
    await (await b.$(byTestId("resilience-error"))).waitForExist({ timeout: 5000, timeoutMsg: "no message for 0 failures" });
    assert.match(await text(byTestId("resilience-error")), /Failures to open a breaker must be from 1 to 1000/);
    assert.equal(await attr(field("breakerFailures"), "aria-invalid"), "true");
    await (await b.$(field("breakerFailures"))).setValue("1000");
    await (await b.$(field("breakerFailureRatePct"))).setValue("0");
    await (await b.$(byTestId("resilience-save"))).click();
    await (await b.$(byTestId("resilience-restart"))).waitForDisplayed({ timeout: 5000, timeoutMsg: "no notice after saving" });
    assert.match(await text(byTestId("resilience-restart")), /drills use them now/);
    await b.execute(() => document.querySelector('[data-testid="resilience-settings"]')?.scrollIntoView());
    await screenshot("gateway-resilience.png");
  });

  it("fails the breaker drill with the reason and the fix, compared with the run before", async () => {
    await openPage("readiness");
    await (await b.$(byTestId("drills-run"))).click();
    await newRun(firstRunId);
    assert.equal(await attr(byTestId("drill-run"), "data-verdict"), "failed");
    const run = await text(byTestId("drill-run"));
    assert.match(run, /Demo: opens after 1000 failures/);
    assert.match(run, /Never opened in 40 failing requests/);
    assert.match(run, /Fix: Lower “Failures to open a breaker” in Gateway → Resilience/);
    assert.match(await text(byTestId("drill-compare")), /^Run before: passed\. Changed: Circuit breaker passed → failed\./);
    await screenshot("readiness-drills-failed.png");
  });

  it("runs the live drill on a route's second backend after showing what it can spend", async () => {
    await openPage("backends");
    await addBackend(b, { kind: "OpenAI-compatible", name: "Local", baseUrl: `${mock.url}/v1`, defaultModel: "m-live" }, "the backend dialog did not close");

    await openPage("routes");
    await (await b.$(byTestId("route-new"))).click();
    const editor = byTestId("route-dialog");
    await (await b.$(editor)).waitForDisplayed({ timeout: 5000 });
    await (await b.$(byTestId("route-name"))).setValue("pair");
    const cand = (n, id) => `${editor} ${byTestId("route-candidate")}:nth-child(${n}) ${byTestId(id)}`;
    await (await b.$(cand(1, "candidate-backend"))).selectByVisibleText("Demo");
    await (await b.$(cand(1, "candidate-model"))).setValue("demo-chat");
    await (await b.$(byTestId("candidate-add"))).click();
    await (await b.$(cand(2, "candidate-backend"))).selectByVisibleText("Local");
    await (await b.$(cand(2, "candidate-model"))).setValue("m-live");
    await (await b.$(byTestId("route-save"))).click();
    await (await b.$(editor)).waitForDisplayed({ reverse: true, timeout: 5000, timeoutMsg: "the route editor did not close" });

    await openPage("readiness");
    const before = await attr(byTestId("drill-run"), "data-id");
    await (await b.$(byTestId("live-drill-open"))).click();
    await (await b.$(byTestId("live-drill-dialog"))).waitForDisplayed({ timeout: 5000 });
    await (await b.$(byTestId("live-plan"))).waitForExist({ timeout: 10000, timeoutMsg: "no plan shown" });
    assert.match(await text(byTestId("live-plan")), /Demo is made unreachable; 3 requests .* then go to:\s*Local \(m-live\)/s);
    assert.equal(await text(byTestId("live-max")), "unknown (a model has no price)");
    await (await b.$(byTestId("live-requests"))).setValue("11");
    await (await b.$(byTestId("live-error"))).waitForExist({ timeout: 5000, timeoutMsg: "no message for 11 requests" });
    assert.match(await text(byTestId("live-error")), /1 to 10 requests/);
    assert.equal(await attr(byTestId("live-confirm"), "disabled"), "", "nothing to confirm while the plan is refused");
    await (await b.$(byTestId("live-requests"))).setValue("2");
    await b.waitUntil(async () => /2 requests/.test((await text(byTestId("live-plan"))) ?? ""), { timeout: 10000, timeoutMsg: "the plan did not follow the count" });
    assert.equal(await text(byTestId("live-confirm")), "Run (cost unknown)");
    await screenshot("live-drill-confirm.png");
    await (await b.$(byTestId("live-confirm"))).click();
    await (await b.$(byTestId("live-drill-dialog"))).waitForExist({ reverse: true, timeout: 5000 });
    await newRun(before);
    assert.equal(await attr(byTestId("drill-run"), "data-verdict"), "passed");
    assert.deepEqual(await data(byTestId("drill-suite"), "name"), ["Live failover"]);
    assert.match(await text(byTestId("drill-run")), /2 of 2 requests were answered \(100 %\) by Local/);
  });
});
