// Gateway settings and backend limits in the real app window: the core's validation message for a
// bad origin, the restart notice after a good save, and a requests-per-minute limit of 1 on the
// Demo backend set in its edit dialog, shown on its row and enforced by the gateway.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { byTestId, createGatewayToken, gatewayOpenaiUrl, pageReaders, startApp } from "./harness.js";

describe("Gateway settings and backend limits in the real app window", () => {
  let app;
  let b;

  before(async () => {
    app = await startApp();
    b = app.browser;
  });
  after(async () => app?.stop());

  const { text, value, screenshot } = pageReaders(() => b);
  const isDisabled = (sel) => b.execute((s) => document.querySelector(s)?.disabled ?? null, sel);
  const settings = (id) => `${byTestId("gateway-settings")} ${byTestId(id)}`;
  const demoRow = `${byTestId("backend-row")}[data-name="Demo"]`;

  it("shows the saved gateway settings, with Save off until something changes", async () => {
    await (await b.$(byTestId("nav-gateway"))).click();
    await (await b.$(byTestId("page-gateway"))).waitForDisplayed({ timeout: 5000 });
    await (await b.$(settings("gw-port"))).waitForExist({ timeout: 5000, timeoutMsg: "the settings form never loaded" });
    assert.equal(await value(settings("gw-port")), "4141", "the default port");
    assert.equal(await value(settings("gw-origins")), "");
    assert.equal(await b.execute((s) => document.querySelector(s)?.checked ?? null, settings("gw-allow-lan")), false);
    assert.equal(await isDisabled(settings("gw-save")), true, "nothing to save yet");
    assert.equal(await (await b.$(settings("gw-restart-needed"))).isExisting(), false);

    // The warning appears only while other machines are allowed.
    await (await b.$(settings("gw-allow-lan"))).click();
    await (await b.$(settings("gw-lan-warning"))).waitForDisplayed({ timeout: 2000 });
    assert.match(await text(settings("gw-lan-warning")), /all network interfaces, over plain HTTP/);
    assert.equal(await isDisabled(settings("gw-save")), false);
    // With other machines allowed, the networks they may come from; the core refuses a bad one.
    await (await b.$(settings("gw-networks"))).setValue("my-lan");
    await (await b.$(settings("gw-save"))).click();
    await (await b.$(settings("gw-settings-error"))).waitForExist({ timeout: 5000, timeoutMsg: "no error for a network that is not one" });
    assert.match(await text(settings("gw-settings-error")), /“my-lan” is not a network/);
    assert.equal(await value(settings("gw-networks")), "my-lan", "the form keeps the input");
    await (await b.$(settings("gw-networks"))).setValue(" "); // blank: no list
    await (await b.$(settings("gw-settings-error"))).waitForExist({ reverse: true, timeout: 2000, timeoutMsg: "editing did not clear the message" });
    await (await b.$(settings("gw-allow-lan"))).click();
    await (await b.$(settings("gw-lan-warning"))).waitForExist({ reverse: true, timeout: 2000 });
    assert.equal(await isDisabled(settings("gw-save")), true, "back to what is saved");
  });

  it("shows the core's message for the origin *, keeping what was typed", async () => {
    await (await b.$(settings("gw-origins"))).setValue("*");
    await (await b.$(settings("gw-save"))).click();
    await (await b.$(settings("gw-settings-error"))).waitForExist({ timeout: 5000, timeoutMsg: "no error shown for the origin *" });
    assert.match(await text(settings("gw-settings-error")), /every web page/);
    assert.equal(await value(settings("gw-origins")), "*", "the form keeps the input");
    assert.equal(await (await b.$(settings("gw-restart-needed"))).isExisting(), false, "nothing was saved");
    await screenshot("settings-gateway-error.png");
  });

  it("asks before letting a web page in: Cancel saves nothing, Save and allow saves, then asks for a restart", async () => {
    await (await b.$(settings("gw-origins"))).setValue("http://localhost:5173");
    const ask = async () => {
      await (await b.$(settings("gw-save"))).click();
      await (await b.$(byTestId("confirm-dialog"))).waitForDisplayed({ timeout: 5000, timeoutMsg: "no question before opening the gateway to a web page" });
      const items = await b.execute((s) => Array.from(document.querySelectorAll(s), (li) => li.textContent.trim()), byTestId("confirm-item"));
      assert.deepEqual(items, ["Web pages allowed to call the gateway: none → adds http://localhost:5173"]);
    };
    await ask();
    await screenshot("settings-gateway-approve.png");
    await (await b.$(byTestId("confirm-no"))).click();
    await (await b.$(byTestId("confirm-dialog"))).waitForExist({ reverse: true, timeout: 5000 });
    assert.equal(await (await b.$(settings("gw-restart-needed"))).isExisting(), false, "cancelled: nothing saved");
    assert.equal(await (await b.$(settings("gw-settings-error"))).isExisting(), false, "a cancel is no error");
    assert.equal(await isDisabled(settings("gw-save")), false, "still to save");
    assert.equal(await value(settings("gw-origins")), "http://localhost:5173", "the form keeps the input");

    await ask();
    await (await b.$(byTestId("confirm-yes"))).click();
    await (await b.$(settings("gw-restart-needed"))).waitForDisplayed({ timeout: 5000, timeoutMsg: "no restart notice after saving" });
    assert.equal(await text(settings("gw-restart-needed")), "Saved. Restart Switchyard to apply these settings.");
    assert.equal(await (await b.$(settings("gw-settings-error"))).isExisting(), false, "the old error is gone");
    assert.equal(await value(settings("gw-origins")), "http://localhost:5173");
    assert.equal(await isDisabled(settings("gw-save")), true, "saved: nothing left to save");
    await screenshot("settings-gateway.png");

    // Saved for real: the page shows it again after a round trip through another page.
    await (await b.$(byTestId("nav-backends"))).click();
    await (await b.$(byTestId("nav-gateway"))).click();
    await (await b.$(settings("gw-restart-needed"))).waitForDisplayed({ timeout: 5000 });
    await b.waitUntil(async () => (await value(settings("gw-origins"))) === "http://localhost:5173", {
      timeout: 5000, timeoutMsg: "the saved origin did not come back",
    });
  });

  it("keeps the edit dialog open with the core's message for an out-of-range limit", async () => {
    await (await b.$(byTestId("nav-backends"))).click();
    await (await b.$(demoRow)).waitForExist({ timeout: 5000 });
    assert.equal(await (await b.$(`${demoRow} ${byTestId("backend-limits")}`)).isExisting(), false, "default limits are not shown");
    await (await b.$(`${demoRow} ${byTestId("edit-backend")}`)).click();
    const dialog = await b.$(byTestId("backend-dialog"));
    await dialog.waitForDisplayed({ timeout: 5000 });
    assert.equal(await value(byTestId("limits-in-flight")), "50");
    assert.equal(await value(byTestId("limits-rpm")), "");
    assert.equal(await value(byTestId("limits-tpm")), "");

    await (await b.$(byTestId("limits-rpm"))).setValue("0");
    await (await b.$(byTestId("save-backend"))).click();
    await (await b.$(byTestId("limits-error"))).waitForExist({ timeout: 5000, timeoutMsg: "no error shown for 0 requests per minute" });
    assert.match(await text(byTestId("limits-error")), /Requests per minute must be from 1/);
    assert.ok(await dialog.isDisplayed(), "the dialog stays open");
    assert.equal(await (await b.$(byTestId("limits-rpm"))).getAttribute("aria-invalid"), "true");
    await screenshot("settings-limits-error.png");
  });

  it("sets the Demo backend to 1 request per minute and shows it on the row", async () => {
    await (await b.$(byTestId("limits-rpm"))).setValue("1");
    await (await b.$(byTestId("save-backend"))).click();
    await (await b.$(byTestId("backend-dialog"))).waitForExist({ reverse: true, timeout: 5000, timeoutMsg: "the dialog did not close after saving" });
    const limits = `${demoRow} ${byTestId("backend-limits")}`;
    await (await b.$(limits)).waitForExist({ timeout: 5000, timeoutMsg: "the row does not show the limit" });
    assert.equal(await text(limits), "≤ 1 req/min");
    await screenshot("settings-backend-limits.png");
  });

  it("the gateway refuses the second request in the minute", async () => {
    const openaiUrl = await gatewayOpenaiUrl(b);
    const token = await createGatewayToken(b, "e2e-limits");
    const chat = () => fetch(`${openaiUrl}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "demo-chat", messages: [{ role: "user", content: "hello from the limits e2e" }] }),
    });
    const first = await chat();
    assert.equal(first.status, 200, await first.clone().text());
    await first.json();
    const second = await chat();
    const body = await second.text();
    assert.equal(second.status, 429, body);
    assert.match(second.headers.get("retry-after") ?? "", /^\d+$/);
    assert.ok(body.includes("requests-per-minute limit (1)"), body);
  });

  it("keeps a key-reveal time out of range off, with the message under its field, and saves a good one", async () => {
    await (await b.$(byTestId("nav-settings"))).click();
    const reveal = byTestId("reveal-seconds");
    await (await b.$(reveal)).waitForExist({ timeout: 5000 });
    const saved = () => b.executeAsync((done) => window.__TAURI_INTERNALS__.invoke("get_settings").then((s) => done(s.revealSeconds), done));
    const before = await saved();
    await (await b.$(reveal)).setValue("0");
    await b.keys("Tab");
    const error = byTestId("reveal-seconds-error");
    await (await b.$(error)).waitForExist({ timeout: 5000, timeoutMsg: "no message for 0 seconds" });
    assert.match(await text(error), /from 1 to 60/);
    assert.equal(await (await b.$(reveal)).getAttribute("aria-invalid"), "true");
    assert.equal(await saved(), before, "nothing saved");
    await (await b.$(reveal)).setValue("7");
    await b.keys("Tab");
    await (await b.$(error)).waitForExist({ reverse: true, timeout: 5000, timeoutMsg: "the message stayed after a good value" });
    await b.waitUntil(async () => (await saved()) === 7, { timeout: 5000, timeoutMsg: "7 seconds was not saved" });
  });
});
