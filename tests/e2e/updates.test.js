// Settings → Updates in the real app window, against a release server on 127.0.0.1: a release
// source over plain HTTP to another machine is refused under its field; "Check for updates"
// shows the newer version and its notes; this copy (a build no installer manages) says how it
// is updated instead of offering an install that would fail.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { byTestId, pageReaders, startApp } from "./harness.js";

/** A release server announcing 9.0.0 for every Linux x86_64 install. */
async function releaseServer() {
  const server = http.createServer((req, res) => {
    if (req.url !== "/latest.json") {
      res.writeHead(404).end();
      return;
    }
    const origin = `http://127.0.0.1:${server.address().port}`;
    const manifest = {
      version: "9.0.0",
      notes: "Routes learn from latency.\nFaster failover.",
      pub_date: "2026-11-27T10:00:00Z",
      platforms: { "linux-x86_64": { url: `${origin}/switchyard.AppImage`, signature: "c2lnbmF0dXJl" } },
    };
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(manifest));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${server.address().port}/latest.json` };
}

describe("Settings → Updates in the real app window", () => {
  let app;
  let b;
  let release;

  before(async () => {
    release = await releaseServer();
    app = await startApp();
    b = app.browser;
    await (await b.$(byTestId("nav-settings"))).click();
    await (await b.$(byTestId("updates-card"))).waitForDisplayed({ timeout: 5000 });
  });
  after(async () => {
    await app?.stop();
    release?.server.close();
  });

  const { text, screenshot } = pageReaders(() => b);
  const state = () => b.execute((s) => document.querySelector(s)?.dataset.state ?? null, byTestId("updates-status"));

  async function setSource(value) {
    const input = await b.$(byTestId("update-source"));
    await input.setValue(value);
    await b.keys("Tab");
  }

  it("has not checked yet, and refuses a release source over plain HTTP to another machine", async () => {
    await b.waitUntil(async () => (await state()) === "unchecked", { timeout: 5000, timeoutMsg: "no update status" });
    await setSource("http://mirror.example.org/latest.json");
    await (await b.$(byTestId("update-source-error"))).waitForDisplayed({ timeout: 5000, timeoutMsg: "no error for a plain-HTTP mirror" });
    assert.match(await text(byTestId("update-source-error")), /plain HTTP to another machine/);
  });

  it("shows the newer release and its notes, and how this copy is updated", async () => {
    await setSource(release.url);
    await (await b.$(byTestId("update-source-error"))).waitForExist({ reverse: true, timeout: 5000 });
    await (await b.$(byTestId("updates-check"))).click();
    await b.waitUntil(async () => (await state()) === "available", { timeout: 10000, timeoutMsg: "the check did not find 9.0.0" });
    assert.equal(await text(byTestId("updates-latest")), "9.0.0");
    assert.match(await text(byTestId("updates-notes")), /Routes learn from latency\.\s+Faster failover\./);
    assert.equal(await (await b.$(byTestId("updates-install"))).isExisting(), false, "no install a build from source cannot take");
    assert.match(await text(byTestId("updates-how")), /no installer manages/);
    await b.execute((s) => document.querySelector(s)?.scrollIntoView(), byTestId("updates-card"));
    await screenshot("settings-updates.png");
  });
});
