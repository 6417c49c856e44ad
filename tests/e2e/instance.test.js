// Desktop integration of the real app: a second launch hands over to the running window (single
// instance) and exits, and pausing the gateway from the Gateway page makes it answer 503 until
// resumed (the tray menu uses the same command).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { appBinary, byTestId, pageReaders, startApp } from "./harness.js";

describe("Single instance and gateway pause", () => {
  let app;
  let b;

  before(async () => {
    app = await startApp();
    b = app.browser;
    await (await b.$(byTestId("nav-overview"))).waitForDisplayed({ timeout: 10000 });
  });
  after(async () => app?.stop());

  const { text } = pageReaders(() => b);

  it("a second launch exits at once and leaves the first window running", async () => {
    const started = Date.now();
    const second = spawn(appBinary, [], {
      stdio: "ignore",
      env: { ...process.env, SWITCHYARD_DATA_DIR: app.dataDir, SWITCHYARD_GATEWAY_PORT: "0" },
    });
    const code = await new Promise((resolve) => {
      const timer = setTimeout(() => { second.kill("SIGKILL"); resolve("still running"); }, 15000);
      second.on("exit", (c) => { clearTimeout(timer); resolve(c); });
    });
    assert.equal(code, 0, "the second instance handed over and exited");
    assert.ok(Date.now() - started < 15000);
    assert.ok(await (await b.$(byTestId("nav-overview"))).isDisplayed(), "the first window still answers");
  });

  it("pausing the gateway answers 503 until resumed", async () => {
    await (await b.$(byTestId("nav-gateway"))).click();
    await b.waitUntil(async () => /^http:\/\/127\.0\.0\.1:\d+\/v1$/.test((await text(byTestId("gateway-openai-url"))) ?? ""), {
      timeout: 5000, timeoutMsg: "no base URL",
    });
    const base = await text(byTestId("gateway-openai-url"));
    const ask = () => fetch(`${base}/models`, { headers: { authorization: "Bearer sy-not-a-token" } });
    assert.equal((await ask()).status, 401, "running: the token is checked");
    await (await b.$(byTestId("gateway-pause"))).click();
    await b.waitUntil(async () => (await b.$(byTestId("gateway-status")).getAttribute("data-state")) === "paused", {
      timeout: 5000, timeoutMsg: "the status card did not show paused",
    });
    const paused = await ask();
    assert.equal(paused.status, 503);
    assert.match(await paused.text(), /paused/);
    await (await b.$(byTestId("gateway-pause"))).click();
    await b.waitUntil(async () => (await b.$(byTestId("gateway-status")).getAttribute("data-state")) === "listening", {
      timeout: 5000, timeoutMsg: "the status card did not show listening again",
    });
    assert.equal((await ask()).status, 401);
  });
});
