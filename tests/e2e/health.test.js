// The health monitor in the real app window: the Overview's health cards (Demo healthy with 100 %
// uptime; a backend on a closed port goes down after three probes and opens a `backendDown`
// alert), the Health page's timeline and latency chart for Demo, and the Alerts page's rules
// editor (a refused threshold shown inline; quiet hours saved and still there after a reload).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { Key } from "webdriverio";
import { addBackend, byTestId, keychainClear, pageReaders, startApp, startMock } from "./harness.js";

describe("Health monitor in the real app window", () => {
  let app;
  let b;
  /** A base URL where nothing listens (a mock provider that was stopped). */
  let closedUrl;
  /** `Notify` calls seen on the session bus (the desktop notifications the app sends). */
  let bus = "";
  let busMonitor;

  before(async () => {
    busMonitor = spawn("dbus-monitor", ["--session", "interface=org.freedesktop.Notifications,member=Notify"], {
      stdio: ["ignore", "pipe", "ignore"],
    });
    busMonitor.stdout.on("data", (d) => { bus += d.toString(); });
    const mock = await startMock();
    closedUrl = mock.url;
    mock.stop();
    app = await startApp();
    b = app.browser;
  });
  after(async () => {
    busMonitor?.kill();
    await app?.stop();
    if (app) keychainClear(app.service);
  });

  const { text, value, attr, count, exists, checked, screenshot } = pageReaders(() => b);
  const cardSel = (name) => `${byTestId("health-card")}[data-name="${name}"]`;
  const ruleSel = (id) => `${byTestId("rule-row")}[data-rule="${id}"]`;
  /** Clicks Refresh on the Overview and waits until the probes are done. */
  const refresh = async () => {
    const button = byTestId("overview-refresh");
    await (await b.$(button)).click();
    await b.waitUntil(async () => (await attr(button, "aria-busy")) === "false", { timeout: 20000, timeoutMsg: "Refresh never finished probing" });
  };
  /** Replaces an input's text the way a user would (select all, type). */
  const type = async (sel, text) => {
    const input = await b.$(sel);
    await input.click();
    await input.clearValue();
    await input.setValue(text);
  };

  it("shows the Demo backend's health card, healthy with 100 % uptime over 24 h", async () => {
    await (await b.$(byTestId("page-overview"))).waitForDisplayed({ timeout: 10000 });
    const demo = cardSel("Demo");
    await (await b.$(demo)).waitForExist({ timeout: 10000, timeoutMsg: "no health card for Demo" });
    // The monitor probes Demo at start; Refresh probes it again if the first probe is still due.
    const started = Date.now();
    let refreshed = false;
    await b.waitUntil(
      async () => {
        if ((await attr(demo, "data-status")) === "healthy") return true;
        if (!refreshed && Date.now() - started > 6000) {
          refreshed = true;
          await refresh();
        }
        return false;
      },
      { timeout: 20000, interval: 300, timeoutMsg: `Demo never became healthy: ${await attr(demo, "data-status")}` },
    );
    console.log(`# Demo healthy on the Overview ${Date.now() - app.launched} ms after the session request`);
    assert.equal(await text(`${demo} ${byTestId("health-card-status")}`), "Healthy");
    // Samples reach the database in 15 s batches, and the page re-reads every 15 s.
    await b.waitUntil(async () => (await text(`${demo} ${byTestId("health-uptime-24h")}`)) === "100 %", {
      timeout: 35000, timeoutMsg: `uptime over 24 h: ${await text(`${demo} ${byTestId("health-uptime-24h")}`)}`,
    });
    assert.match(await text(`${demo} ${byTestId("health-p95")}`), /^[\d,]+ ms$/, "a p95 latency from the probes");
    assert.match(await text(`${demo} ${byTestId("health-sla")}`), /^Target 99\.9 %/);
    assert.ok(await exists(`${demo} ${byTestId("overview-backend")}[data-name="Demo"]`), "the card also shows the backend's own line");

    const totals = byTestId("overview-totals");
    assert.ok(await exists(totals));
    assert.match(await text(byTestId("totals-requests")), /^\d[\d,]*$/);
    assert.match(await text(byTestId("totals-errors")), /^\d[\d,]*$/);
    assert.equal(await attr(byTestId("overview-open-alerts"), "data-count"), "0");
    assert.equal(await text(byTestId("overview-no-alerts")), "No open alerts.");

    // Refresh shows it is probing, then is usable again.
    await refresh();
    assert.equal(await text(byTestId("overview-refresh")), "Refresh");
    assert.equal(await attr(demo, "data-status"), "healthy");
  });

  it("marks a backend on a closed port down after three probes and opens a backendDown alert", async () => {
    await (await b.$(byTestId("nav-backends"))).click();
    await addBackend(b, { kind: "Ollama", name: "Closed Ollama", baseUrl: closedUrl }, "the backend on a closed port was not saved");

    await (await b.$(byTestId("nav-overview"))).click();
    const card = cardSel("Closed Ollama");
    await (await b.$(card)).waitForExist({ timeout: 5000, timeoutMsg: "no health card for the new backend" });
    // The default rule (and the Down state) need three failed probes in a row: Refresh probes once.
    const started = Date.now();
    for (let i = 0; i < 5 && (await attr(card, "data-status")) !== "down"; i++) await refresh();
    await b.waitUntil(async () => (await attr(card, "data-status")) === "down", {
      timeout: 15000, timeoutMsg: `the card never said down: ${await attr(card, "data-status")} (${await text(card)})`,
    });
    console.log(`# closed port down on the Overview after ${Date.now() - started} ms of refreshing`);
    assert.equal(await text(`${card} ${byTestId("health-card-status")}`), "Down");
    assert.ok((await text(`${card} ${byTestId("health-reason")}`)).length > 0, "the first reason is shown");
    assert.ok((await attr(`${card} ${byTestId("health-card-status")}`, "title")).length > 0, "every reason in the pill's tooltip");
    assert.equal(await text(`${card} ${byTestId("health-p95")}`), "—", "no latency without a successful probe");

    const alertOnOverview = `${byTestId("overview-alert")}[data-rule="backendDown"]`;
    await (await b.$(alertOnOverview)).waitForExist({ timeout: 15000, timeoutMsg: "no backendDown alert among the open alerts" });
    assert.match(await text(alertOnOverview), /Closed Ollama/);
    assert.equal(await attr(cardSel("Demo"), "data-status"), "healthy", "Demo is unaffected");
    await b.waitUntil(async () => (await text(`${card} ${byTestId("health-uptime-24h")}`)) === "0 %", {
      timeout: 35000, timeoutMsg: `uptime over 24 h of the closed port: ${await text(`${card} ${byTestId("health-uptime-24h")}`)}`,
    });
    await screenshot("overview.png");

    await (await b.$(byTestId("overview-alerts-link"))).click();
    await (await b.$(byTestId("page-alerts"))).waitForDisplayed({ timeout: 5000 });
    const row = `${byTestId("alert-row")}[data-rule="backendDown"][data-state="open"]`;
    await (await b.$(row)).waitForExist({ timeout: 5000, timeoutMsg: "the Alerts page does not list the open alert" });
    assert.match(await text(row), /Closed Ollama/);
    assert.match(await text(`${row} ${byTestId("alert-rule")}`), /Backend down/);
    assert.ok((await text(`${row} ${byTestId("alert-detail")}`)).length > 0, "with its detail");
    assert.equal(await exists(`${byTestId("alert-row")}[data-state="open"]:not([data-rule="backendDown"])`), false, "nothing else opened");
    // The same alert went out as a desktop notification over the real session bus.
    await b.waitUntil(async () => bus.includes("Closed Ollama is down"), {
      timeout: 10000, timeoutMsg: `no "Closed Ollama is down" Notify call on the bus:\n${bus.slice(-2000)}`,
    });
    assert.match(bus, /"Switchyard"/, "sent as the app Switchyard");
  });

  it("draws Demo's status timeline and latency chart on the Health page, opened with Ctrl+2", async () => {
    await (await b.$(byTestId("nav-overview"))).click();
    await (await b.$(byTestId("page-overview"))).waitForDisplayed({ timeout: 5000 });
    await b.keys([Key.Ctrl, "2"]);
    await (await b.$(byTestId("page-health"))).waitForDisplayed({ timeout: 5000, timeoutMsg: "Ctrl+2 did not open the Health page" });
    assert.equal(await attr(byTestId("nav-health"), "aria-current"), "page");
    await (await b.$(byTestId("health-backend"))).selectByVisibleText("Demo");
    await (await b.$(`${byTestId("health-range")}[data-range="day"]`)).click();

    const cells = `${byTestId("health-timeline")} ${byTestId("health-cell")}`;
    await b.waitUntil(async () => (await count(cells)) === 24, { timeout: 5000, timeoutMsg: `not 24 hourly cells: ${await count(cells)}` });
    await b.waitUntil(async () => (await attr(`${byTestId("health-cell")}:last-child`, "data-uptime")) === "100", {
      timeout: 35000, timeoutMsg: "the current hour's cell does not say 100 % up",
    });
    const line = `${byTestId("health-latency-chart")} ${byTestId("latency-line")}[data-series="p95"]`;
    await (await b.$(line)).waitForExist({ timeout: 5000, timeoutMsg: "no latency chart" });
    assert.match(await attr(line, "d"), /^M[\d.]+,[\d.]+/, "the p95 line is drawn");
    assert.equal(await text(byTestId("health-range-uptime")), "100 %");

    // Read the newest hour with the keyboard: the tooltip says what it held.
    await (await b.$(byTestId("health-timeline"))).click();
    await b.keys("End");
    const tip = byTestId("health-timeline-tooltip");
    await (await b.$(tip)).waitForExist({ timeout: 3000, timeoutMsg: "no tooltip for the newest hour" });
    assert.match(await text(tip), /\d{2}:00–\d{2}:00\n100 % up · 0 of \d+ probes? failed/);
    assert.match(await attr(byTestId("health-timeline"), "aria-valuetext"), /100 % up/);
    await screenshot("health.png");

    await (await b.$(`${byTestId("health-range")}[data-range="week"]`)).click();
    await b.waitUntil(async () => (await count(cells)) === 168, { timeout: 5000, timeoutMsg: `not 168 hourly cells for 7 d: ${await count(cells)}` });
    assert.equal(await attr(`${byTestId("health-range")}[data-range="week"]`, "aria-checked"), "true");
    await (await b.$(`${byTestId("health-range")}[data-range="month"]`)).click();
    await b.waitUntil(async () => (await count(cells)) === 30, { timeout: 5000, timeoutMsg: `not 30 daily cells for 30 d: ${await count(cells)}` });

    // The backend on the closed port: only failures, so no latency to draw, said in words.
    await (await b.$(byTestId("health-backend"))).selectByVisibleText("Closed Ollama");
    await (await b.$(byTestId("health-latency-empty"))).waitForExist({ timeout: 5000, timeoutMsg: "no words for a chart without latency" });
    assert.match(await text(byTestId("health-latency-empty")), /No probe succeeded/);
    assert.ok((await count(`${byTestId("health-cell")}[data-uptime="0"]`)) >= 1, "today's cell is 0 % up");
  });

  it("refuses 0 failures inline, then saves quiet hours 22:00–07:00 that survive a reload", async () => {
    await (await b.$(byTestId("nav-alerts"))).click();
    await (await b.$(byTestId("rules-form"))).waitForDisplayed({ timeout: 5000 });
    const save = byTestId("alerts-save");
    const failures = `${ruleSel("backendDown")} ${byTestId("rule-failures")}`;
    assert.equal(await value(failures), "3", "the default threshold");
    assert.equal(await checked(byTestId("quiet-enabled")), false, "no quiet hours by default");
    assert.equal(await attr(save, "disabled"), "", "nothing to save yet");

    await type(failures, "0");
    await b.waitUntil(async () => (await attr(save, "disabled")) === null, { timeout: 3000, timeoutMsg: "Save stayed disabled after a change" });
    await (await b.$(save)).click();
    const error = byTestId("alerts-error");
    await (await b.$(error)).waitForExist({ timeout: 5000, timeoutMsg: "no error for 0 failures" });
    assert.match(await text(error), /^Backend down: failures must be at least 1/);
    assert.equal(await attr(failures, "aria-invalid"), "true");
    assert.equal(await value(failures), "0", "nothing typed is lost");
    await b.execute((s) => document.querySelector(s)?.scrollIntoView({ block: "center" }), error);
    await screenshot("alerts-error.png");

    await type(failures, "3");
    await (await b.$(byTestId("quiet-enabled"))).click();
    await type(byTestId("quiet-start"), "22:00");
    await type(byTestId("quiet-end"), "07:00");
    assert.match(await text(byTestId("quiet-summary")), /^22:00–07:00 \(over midnight\)/);
    await (await b.$(save)).click();
    await (await b.$(byTestId("alerts-saved"))).waitForExist({ timeout: 5000, timeoutMsg: "no “Saved.” after saving" });
    assert.equal(await exists(error), false, "the error is gone");
    assert.equal(await attr(save, "disabled"), "", "nothing left to save");
    await b.execute(() => window.scrollTo(0, 0));
    await b.execute((s) => document.querySelector(s)?.closest("main")?.scrollTo(0, 0), byTestId("page-alerts"));
    await screenshot("alerts.png");

    await b.refresh();
    await (await b.$(byTestId("page-overview"))).waitForDisplayed({ timeout: 15000, timeoutMsg: "the window did not come back after a reload" });
    await (await b.$(byTestId("nav-alerts"))).click();
    await (await b.$(byTestId("rules-form"))).waitForDisplayed({ timeout: 5000 });
    assert.equal(await checked(byTestId("quiet-enabled")), true);
    assert.equal(await value(byTestId("quiet-start")), "22:00");
    assert.equal(await value(byTestId("quiet-end")), "07:00");
    assert.equal(await value(failures), "3");
    assert.ok(await exists(`${byTestId("alert-row")}[data-rule="backendDown"][data-state="open"]`), "the open alert is still listed");
  });

  it("draws the Overview and the Health page in the dark theme", async () => {
    await (await b.$(byTestId("nav-settings"))).click();
    await (await b.$(byTestId("theme-select"))).selectByAttribute("value", "dark");
    await b.waitUntil(async () => (await b.execute(() => document.documentElement.dataset.theme ?? null)) === "dark", { timeout: 5000 });
    await (await b.$(byTestId("nav-overview"))).click();
    await (await b.$(cardSel("Demo"))).waitForExist({ timeout: 5000 });
    await screenshot("overview-dark.png");
    await (await b.$(byTestId("nav-health"))).click();
    await (await b.$(byTestId("health-backend"))).selectByVisibleText("Demo");
    await (await b.$(`${byTestId("health-range")}[data-range="day"]`)).click();
    await (await b.$(`${byTestId("health-latency-chart")} ${byTestId("latency-line")}`)).waitForExist({ timeout: 5000 });
    await (await b.$(byTestId("health-latency-chart"))).click();
    await b.keys("End");
    await (await b.$(byTestId("health-latency-chart-tooltip"))).waitForExist({ timeout: 3000, timeoutMsg: "no tooltip on the latency chart" });
    assert.match(await text(byTestId("health-latency-chart-tooltip")), /p50 [\d,]+ ms\np95 [\d,]+ ms\np99 [\d,]+ ms/);
    await b.execute((s) => document.querySelector(s)?.scrollIntoView({ block: "center" }), byTestId("health-latency-chart"));
    await screenshot("health-dark.png");
    await (await b.$(byTestId("nav-settings"))).click();
    await (await b.$(byTestId("theme-select"))).selectByAttribute("value", "system");
  });
});
