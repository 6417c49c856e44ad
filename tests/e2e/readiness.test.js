// Readiness in the real app window: run every check with live progress, read the scorecard (the
// system components and the Demo backend, the verdict consistent with them), run again to compare
// with the previous run and pick a run in the history; send a test notification from Settings; set
// a backend's uptime target (refused out of range) and mark it required for readiness; a required
// backend whose only key is refused blocks, with its fix.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Key } from "webdriverio";
import { addBackend, answerFileDialog, artifacts, byTestId, closeApp, openApp, pageReaders, press, showInFrame, startApp } from "./harness.js";

const VALID = "sk-e2e-valid-key-000000000000004242";
const WRONG = "sk-e2e-wrong-key-000000000000009090";

describe("Readiness in the real app window", () => {
  let app;
  let mock;
  let b;
  let firstRunId;

  before(async () => ({ app, mock, b } = await openApp({ mock: ["--key", VALID] })));
  after(() => closeApp({ app, mock }));

  const { text, value, attr, count, exists, screenshot } = pageReaders(() => b);
  const componentSel = (name) => `${byTestId("readiness-component")}[data-name="${name}"]`;
  const demoRow = `${byTestId("backend-row")}[data-name="Demo"]`;
  // Every component of the scorecard on screen, as the user sees it.
  const components = () =>
    b.execute(
      (s) => Array.from(document.querySelectorAll(s)).map((el) => ({ name: el.dataset.name, status: el.dataset.status, required: el.dataset.required })),
      byTestId("readiness-component"),
    );
  /** Clicks Run and waits until a scorecard other than `previousId` is shown and the run is over. */
  const runChecks = async (previousId = null) => {
    await (await b.$(byTestId("readiness-run"))).click();
    await b.waitUntil(
      async () => {
        const id = await attr(byTestId("readiness-scorecard"), "data-id");
        return id !== null && id !== previousId && (await attr(byTestId("readiness-run"), "aria-disabled")) === "false";
      },
      { timeout: 30000, timeoutMsg: "no new scorecard within 30 s" },
    );
    return attr(byTestId("readiness-scorecard"), "data-id");
  };

  it("opens with Ctrl+8 and explains the checks before the first run", async () => {
    // Keys reach the page once it has focus: start from a click on the Overview.
    await (await b.$(byTestId("nav-overview"))).click();
    await (await b.$(byTestId("page-overview"))).waitForDisplayed({ timeout: 10000 });
    await b.keys([Key.Ctrl, "8"]);
    await (await b.$(byTestId("page-readiness"))).waitForDisplayed({ timeout: 5000, timeoutMsg: "Ctrl+8 did not open the Readiness page" });
    assert.equal(await (await b.$(byTestId("nav-readiness"))).getAttribute("aria-current"), "page");
    await (await b.$(byTestId("readiness-empty"))).waitForExist({ timeout: 5000, timeoutMsg: "no empty state before the first run" });
    assert.match(await text(byTestId("readiness-empty")), /Keychain.*Database.*Gateway/s);
    assert.equal(await exists(byTestId("readiness-verdict")), false, "nothing runs by itself");
    assert.equal(await text(byTestId("readiness-run")), "Run readiness checks");
  });

  it("runs every check with live progress and shows the scorecard", async () => {
    firstRunId = await runChecks();
    const progress = byTestId("readiness-progress");
    await b.waitUntil(async () => {
      const total = Number(await attr(progress, "data-total"));
      return total > 0 && Number(await attr(progress, "data-done")) === total;
    }, { timeout: 5000, timeoutMsg: `the progress never reached the end: ${await attr(progress, "data-done")} of ${await attr(progress, "data-total")}` });

    const list = await components();
    const names = list.map((c) => c.name);
    for (const name of ["Keychain", "Database", "Gateway", "Configuration", "Notifications", "Demo"]) {
      assert.ok(names.includes(name), `the scorecard lists ${name}: ${names.join(", ")}`);
    }
    assert.equal(Number(await attr(progress, "data-total")), list.length, "the progress counted every component");
    for (const name of ["Keychain", "Database", "Gateway", "Demo"]) {
      assert.equal(list.find((c) => c.name === name).status, "operational", `${name} is operational: ${await text(componentSel(name))}`);
    }

    const verdict = await text(byTestId("readiness-verdict"));
    assert.ok(["READY", "DEGRADED"].includes(verdict), `verdict ${verdict}`);
    const allOperational = list.every((c) => c.status === "operational");
    assert.equal(verdict === "READY", allOperational, `READY exactly when every component is operational: ${JSON.stringify(list)}`);
    assert.match(await text(byTestId("readiness-score")), /^\d{1,2}\.\d$/);
    assert.equal(await exists(byTestId("readiness-blocker")), false, "no blockers unless blocked");
    assert.equal(await exists(byTestId("readiness-previous")), false, "nothing to compare with on the first run");
    assert.equal(await count(byTestId("readiness-history-item")), 1);

    // Every component shows its checks; a passed one is marked ✓.
    assert.ok((await count(`${componentSel("Keychain")} ${byTestId("readiness-check")}[data-passed="true"]`)) >= 1);
    assert.match(await text(componentSel("Keychain")), /✓/);
    assert.match(await text(componentSel("Notifications")), /optional/, "notifications are optional");
    assert.match(await text(componentSel("Keychain")), /required/);
  });

  it("compares a second run with the first, and shows an older run from the history", async () => {
    const secondId = await runChecks(firstRunId);
    assert.notEqual(secondId, firstRunId);
    const previous = byTestId("readiness-previous");
    await (await b.$(previous)).waitForDisplayed({ timeout: 5000, timeoutMsg: "no comparison with the previous run" });
    assert.match(await text(previous), /was (READY|DEGRADED) \d{1,2}\.\d/);
    assert.ok(["up", "down", "same"].includes(await attr(previous, "data-trend")));
    assert.equal(await count(byTestId("readiness-history-item")), 2);
    await screenshot("readiness.png");

    await (await b.$(`${byTestId("readiness-history-item")}[data-id="${firstRunId}"]`)).click();
    await b.waitUntil(async () => (await attr(byTestId("readiness-scorecard"), "data-id")) === firstRunId, {
      timeout: 5000, timeoutMsg: "clicking the older run did not show its scorecard",
    });
    assert.equal(await exists(previous), false, "the first run had nothing before it");
    assert.equal(await attr(`${byTestId("readiness-history-item")}[data-id="${firstRunId}"]`, "aria-current"), "true");
    await (await b.$(`${byTestId("readiness-history-item")}[data-id="${secondId}"]`)).click();
    await (await b.$(previous)).waitForDisplayed({ timeout: 5000 });
  });

  it("exports the shown run as an HTML report that renders its verdict and chart in WebKit, and as JUnit", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "switchyard-e2e-report-"));
    const verdict = (await text(byTestId("readiness-verdict"))) ?? "";
    const save = async (format, file) => {
      await (await b.$(byTestId("report-format"))).selectByAttribute("value", format);
      await (await b.$(byTestId("report-save"))).click();
      await answerFileDialog("Save the report", file, { save: true });
      await b.waitUntil(async () => (await text(byTestId("report-path"))) === file, {
        timeout: 10000, timeoutMsg: `the ${format} report did not report ${file}`,
      });
      return fs.readFileSync(file, "utf8");
    };
    const html = await save("html", path.join(dir, "readiness.html"));
    assert.equal(fs.statSync(path.join(dir, "readiness.html")).mode & 0o777, 0o600);
    // The page as a browser shows it: loaded into a frame of the app's own WebKit.
    await showInFrame(b, html);
    const shown = await b.execute(() => {
      const d = document.querySelector('[data-testid="report-frame"]').contentDocument;
      const bars = [...d.querySelectorAll("rect.bar")].map((r) => r.getBoundingClientRect().width);
      return { verdict: d.querySelector(".verdict")?.textContent ?? null, bars, suites: d.querySelectorAll("section.suite").length };
    });
    assert.equal(shown.verdict, verdict.toUpperCase(), "the report's verdict is the page's");
    assert.ok(shown.suites >= 6, `one section per component: ${shown.suites}`);
    assert.equal(shown.bars.length, shown.suites, "one bar per component");
    assert.ok(shown.bars.every((w) => w > 0), `every bar is drawn: ${shown.bars}`);
    await screenshot("readiness-report.png");
    await b.execute(() => document.querySelector('[data-testid="report-frame"]')?.remove());

    const junit = await save("junit", path.join(dir, "readiness.xml"));
    assert.match(junit, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="Switchyard readiness"/);
    assert.equal((junit.match(/<testsuite /g) ?? []).length, shown.suites);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("sends a test notification from Settings: delivered, or the reason with a hint", async () => {
    await (await b.$(byTestId("nav-settings"))).click();
    await (await b.$(byTestId("page-settings"))).waitForDisplayed({ timeout: 5000 });
    await (await b.$(byTestId("notify-status"))).waitForExist({ timeout: 5000, timeoutMsg: "no notification status" });
    assert.ok((await text(byTestId("notify-status"))).length > 0);

    await (await b.$(byTestId("notify-test"))).click();
    const result = byTestId("notify-test-result");
    await (await b.$(result)).waitForExist({ timeout: 10000, timeoutMsg: "no outcome after sending a test notification" });
    if ((await attr(result, "data-ok")) === "true") {
      assert.match(await text(result), /^Sent\./);
      assert.equal(await attr(byTestId("notify-status"), "data-available"), "true");
      assert.equal(await exists(byTestId("notify-last-failure")), false, "no failure to report");
    } else {
      // Without a notification service in this session: the failure path (also covered below).
      assert.equal(await attr(result, "data-kind"), "notificationsUnavailable", await text(result));
      assert.ok((await text(byTestId("notify-test-message"))).length > 0, "the reason");
      assert.ok((await text(byTestId("notify-test-hint"))).length > 0, "a hint how to fix it");
    }
    assert.equal(await attr(byTestId("notify-test"), "disabled"), null, "the button is usable again");
    await b.execute((s) => document.querySelector(s)?.scrollIntoView({ block: "center" }), result);
    await screenshot("readiness-notifications.png");
  });

  it("refuses an uptime target of 150 % in the backend dialog, keeping it open", async () => {
    await (await b.$(byTestId("nav-backends"))).click();
    await (await b.$(demoRow)).waitForExist({ timeout: 5000 });
    assert.equal(await exists(`${demoRow} ${byTestId("backend-required")}`), false, "not required by default");
    await (await b.$(`${demoRow} ${byTestId("edit-backend")}`)).click();
    const dialog = await b.$(byTestId("backend-dialog"));
    await dialog.waitForDisplayed({ timeout: 5000 });
    assert.equal(await value(byTestId("monitor-interval")), "30");
    assert.equal(await value(byTestId("monitor-sla")), "99.9");
    assert.equal(await b.execute((s) => document.querySelector(s)?.checked ?? null, byTestId("monitor-required")), false);

    await (await b.$(byTestId("monitor-sla"))).setValue("150");
    await (await b.$(byTestId("save-backend"))).click();
    await (await b.$(byTestId("monitor-error"))).waitForExist({ timeout: 5000, timeoutMsg: "no error shown for an uptime target of 150 %" });
    assert.match(await text(byTestId("monitor-error")), /uptime target must be from 90 % to 100 %/);
    assert.equal(await attr(byTestId("monitor-sla"), "aria-invalid"), "true");
    assert.ok(await dialog.isDisplayed(), "the dialog stays open");
    await screenshot("readiness-monitor-error.png");
  });

  it("marks the Demo backend required for readiness and shows it on the row and the scorecard", async () => {
    await (await b.$(byTestId("monitor-sla"))).setValue("99.5");
    await (await b.$(byTestId("monitor-required"))).click();
    await (await b.$(byTestId("save-backend"))).click();
    await (await b.$(byTestId("backend-dialog"))).waitForExist({ reverse: true, timeout: 5000, timeoutMsg: "the dialog did not close after saving" });
    const tag = `${demoRow} ${byTestId("backend-required")}`;
    await (await b.$(tag)).waitForExist({ timeout: 5000, timeoutMsg: "the row does not say required" });
    assert.equal(await text(tag), "required");

    // Saved for real: the dialog shows the new values.
    await (await b.$(`${demoRow} ${byTestId("edit-backend")}`)).click();
    await (await b.$(byTestId("backend-dialog"))).waitForDisplayed({ timeout: 5000 });
    assert.equal(await value(byTestId("monitor-sla")), "99.5");
    assert.equal(await b.execute((s) => document.querySelector(s)?.checked ?? null, byTestId("monitor-required")), true);
    await b.keys("Escape");
    await (await b.$(byTestId("backend-dialog"))).waitForExist({ reverse: true, timeout: 5000 });
    await screenshot("readiness-backend-required.png");

    await (await b.$(byTestId("nav-readiness"))).click();
    await (await b.$(byTestId("page-readiness"))).waitForDisplayed({ timeout: 5000 });
    const shown = await attr(byTestId("readiness-scorecard"), "data-id");
    await runChecks(shown);
    const demo = (await components()).find((c) => c.name === "Demo");
    assert.deepEqual(demo, { name: "Demo", status: "operational", required: "true" });
    assert.notEqual(await text(byTestId("readiness-verdict")), "BLOCKED", "a required backend that works blocks nothing");
  });

  it("is blocked by a required backend whose key is refused, and says how to fix it", async () => {
    await (await b.$(byTestId("nav-backends"))).click();
    await addBackend(
      b,
      { kind: "OpenAI-compatible", name: "Broken mock", baseUrl: `${mock.url}/v1`, defaultModel: "demo-chat", keyLabel: "old", keyValue: WRONG },
      "the new backend was not saved",
    );
    const row = `${byTestId("backend-row")}[data-name="Broken mock"]`;
    await (await b.$(row)).waitForExist({ timeout: 5000 });
    await (await b.$(`${row} ${byTestId("edit-backend")}`)).click();
    await (await b.$(byTestId("backend-dialog"))).waitForDisplayed({ timeout: 5000 });
    await press(b, byTestId("monitor-required"));
    await b.waitUntil(() => b.execute((s) => document.querySelector(s)?.checked === true, byTestId("monitor-required")), {
      timeout: 5000,
      timeoutMsg: "the click did not tick Required",
    });
    await (await b.$(byTestId("save-backend"))).click();
    await (await b.$(byTestId("backend-dialog"))).waitForExist({ reverse: true, timeout: 5000 });
    await (await b.$(`${row} ${byTestId("backend-required")}`)).waitForExist({ timeout: 5000 });

    await (await b.$(byTestId("nav-readiness"))).click();
    await (await b.$(byTestId("page-readiness"))).waitForDisplayed({ timeout: 5000 });
    await runChecks(await attr(byTestId("readiness-scorecard"), "data-id"));
    assert.equal(await text(byTestId("readiness-verdict")), "BLOCKED");
    const broken = (await components()).find((c) => c.name === "Broken mock");
    assert.deepEqual(broken, { name: "Broken mock", status: "down", required: "true" });
    const blocker = `${byTestId("readiness-blocker")}[data-component="Broken mock"]`;
    await (await b.$(blocker)).waitForDisplayed({ timeout: 5000, timeoutMsg: "the refused key is not listed as a blocker" });
    assert.match(await text(blocker), /Fix: \S/, "with its fix");
    assert.equal(await attr(byTestId("readiness-previous"), "data-trend"), "down", "worse than the run before");
    assert.match(await text(`${componentSel("Broken mock")} ${byTestId("readiness-check")}[data-passed="false"]`), /✗/);
    assert.ok(await exists(`${componentSel("Broken mock")} ${byTestId("readiness-check-fix")}`), "the failed check shows its fix");
    await screenshot("readiness-blocked.png");
  });
});

// No session bus for this app (so no notification service, and no keychain either): the typed
// `notificationsUnavailable` error with its hint, the remembered failure, and a blocked scorecard.
describe("Readiness without a notification service", () => {
  let app;
  let b;

  before(async () => {
    app = await startApp({ env: { DBUS_SESSION_BUS_ADDRESS: "unix:path=/nonexistent/switchyard-e2e-bus" } });
    b = app.browser;
  });
  after(async () => app?.stop());

  const { text, attr } = pageReaders(() => b);

  it("says why notifications are unavailable, and how to fix it", async () => {
    await (await b.$(byTestId("nav-settings"))).click();
    await (await b.$(byTestId("page-settings"))).waitForDisplayed({ timeout: 10000 });
    const status = byTestId("notify-status");
    await b.waitUntil(async () => (await attr(status, "data-available")) === "false", { timeout: 10000, timeoutMsg: "the status does not say unavailable" });
    assert.match(await text(status), /Notifications unavailable/);

    await (await b.$(byTestId("notify-test"))).click();
    const result = byTestId("notify-test-result");
    await (await b.$(result)).waitForExist({ timeout: 10000, timeoutMsg: "no outcome after sending a test notification" });
    assert.equal(await attr(result, "data-ok"), "false");
    assert.equal(await attr(result, "data-kind"), "notificationsUnavailable");
    assert.match(await text(result), /^Notifications unavailable:/);
    assert.ok((await text(byTestId("notify-test-message"))).length > 0, "the reason");
    assert.ok((await text(byTestId("notify-test-hint"))).length > 0, "a hint how to fix it");
    await b.execute((s) => document.querySelector(s)?.scrollIntoView({ block: "center" }), result);
    await b.executeAsync((done) => requestAnimationFrame(() => requestAnimationFrame(() => done())));
    await b.saveScreenshot(path.join(artifacts, "readiness-notifications-unavailable.png"));

    // Back on the page later: the failure is remembered, with its time and hint.
    await (await b.$(byTestId("nav-overview"))).click();
    await (await b.$(byTestId("nav-settings"))).click();
    const last = byTestId("notify-last-failure");
    await (await b.$(last)).waitForExist({ timeout: 5000, timeoutMsg: "the failure is not listed as the last one" });
    assert.match(await text(last), /^Last delivery failed (just now|\d+s ago)\n.+\n.+/);
    assert.equal(await (await b.$(result)).isExisting(), false, "the old outcome belongs to the last visit");
  });

  it("blocks readiness on the keychain and degrades on notifications", async () => {
    await (await b.$(byTestId("nav-readiness"))).click();
    await (await b.$(byTestId("readiness-run"))).click();
    await (await b.$(byTestId("readiness-verdict"))).waitForExist({ timeout: 30000, timeoutMsg: "no verdict within 30 s" });
    assert.equal(await text(byTestId("readiness-verdict")), "BLOCKED");
    assert.equal(await attr(`${byTestId("readiness-component")}[data-name="Keychain"]`, "data-status"), "down");
    assert.notEqual(await attr(`${byTestId("readiness-component")}[data-name="Notifications"]`, "data-status"), "operational");
    await (await b.$(`${byTestId("readiness-blocker")}[data-component="Keychain"]`)).waitForDisplayed({ timeout: 5000 });
  });
});
