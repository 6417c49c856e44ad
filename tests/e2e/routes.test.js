// Routes in the real app window: create a route on the Demo backend in the editor, ask the gateway
// for it by name with plain HTTP, watch the live breaker state, see the core's validation message
// in the editor, and delete the route.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { Key } from "webdriverio";
import { addBackend, artifacts, byTestId, closeApp, createGatewayToken, gatewayOpenaiUrl, openApp, pageReaders, press } from "./harness.js";

describe("Routes in the real app window", () => {
  let app;
  let b;
  let openaiUrl;
  let token;

  before(async () => ({ app, b } = await openApp()));
  after(() => closeApp({ app }));

  const { text, value } = pageReaders(() => b);
  const rowSel = (name) => `${byTestId("route-row")}[data-name="${name}"]`;
  const liveSel = (name) => `${byTestId("live-backend")}[data-name="${name}"]`;
  const candSel = (n) => `${byTestId("route-dialog")} ${byTestId("route-candidate")}:nth-child(${n})`;
  const dialog = () => b.$(byTestId("route-dialog"));
  const chat = (model) => fetch(`${openaiUrl}/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hello from the routes e2e" }] }),
  });

  it("gets a token and the gateway address from the Gateway page", async () => {
    openaiUrl = await gatewayOpenaiUrl(b);
    token = await createGatewayToken(b, "e2e-routes");
    assert.match(token, /^sy-[0-9a-f]{64}$/);
  });

  it("opens with Ctrl+6 and explains routes while there are none", async () => {
    await b.keys([Key.Ctrl, "6"]);
    await (await b.$(byTestId("page-routes"))).waitForDisplayed({ timeout: 5000, timeoutMsg: "Ctrl+6 did not open the Routes page" });
    assert.equal(await (await b.$(byTestId("nav-routes"))).getAttribute("aria-current"), "page");
    await (await b.$(byTestId("routes-empty"))).waitForExist({ timeout: 5000 });
    const empty = await text(byTestId("routes-empty"));
    assert.ok(empty.includes('model: "fast"'), `the empty state shows a usage example:\n${empty}`);
    assert.equal(await text(byTestId("routes-base-url")), openaiUrl, "with the gateway's real base URL");
  });

  it("creates a route on the Demo backend in the editor", async () => {
    await (await b.$(byTestId("route-new"))).click();
    await (await dialog()).waitForDisplayed({ timeout: 5000 });
    await (await b.$(byTestId("route-name"))).setValue("fast");
    assert.equal(await value(byTestId("route-strategy")), "priority");
    assert.equal((await b.$$(byTestId("route-candidate"))).length, 1, "a new route starts with one candidate");
    await (await b.$(`${candSel(1)} ${byTestId("candidate-backend")}`)).selectByVisibleText("Demo");
    assert.equal(await (await b.$(`${candSel(1)} ${byTestId("candidate-model")}`)).getAttribute("placeholder"), "demo-chat", "the backend's default model");
    await (await b.$(`${candSel(1)} ${byTestId("candidate-model")}`)).setValue("demo-fast");

    // A second candidate, moved up and back down, then removed again.
    await (await b.$(byTestId("candidate-add"))).click();
    await (await b.$(candSel(2))).waitForExist({ timeout: 5000 });
    await (await b.$(`${candSel(2)} ${byTestId("candidate-model")}`)).setValue("demo-chat");
    await (await b.$(`${candSel(2)} ${byTestId("candidate-up")}`)).click();
    assert.equal(await value(`${candSel(1)} ${byTestId("candidate-model")}`), "demo-chat", "moved up");
    assert.equal(await value(`${candSel(2)} ${byTestId("candidate-model")}`), "demo-fast");
    assert.equal(await b.execute(() => document.activeElement?.dataset.testid ?? null), "candidate-down", "focus stays on the moved row");
    await (await b.$(`${candSel(1)} ${byTestId("candidate-down")}`)).click();
    assert.equal(await value(`${candSel(1)} ${byTestId("candidate-model")}`), "demo-fast", "moved back down");
    await (await b.$(`${candSel(2)} ${byTestId("candidate-remove")}`)).click();
    assert.equal((await b.$$(byTestId("route-candidate"))).length, 1);

    // The weight only shows for the weighted strategy.
    assert.equal(await (await b.$(byTestId("candidate-weight"))).isExisting(), false);
    await (await b.$(byTestId("route-strategy"))).selectByVisibleText("Weighted");
    await (await b.$(byTestId("candidate-weight"))).waitForExist({ timeout: 2000 });
    // A weight that is no whole number stops the save, with the message on its own row.
    await (await b.$(byTestId("candidate-weight"))).setValue("1.5");
    await b.keys("Enter");
    const rowError = `${candSel(1)} ${byTestId("candidate-error")}`;
    await (await b.$(rowError)).waitForExist({ timeout: 5000, timeoutMsg: "no error on the candidate's row" });
    assert.match(await text(rowError), /Candidate 1: the weight must be a whole number/);
    assert.equal(await (await b.$(byTestId("candidate-weight"))).getAttribute("aria-invalid"), "true");
    await (await b.$(byTestId("candidate-weight"))).setValue("2");
    await (await b.$(rowError)).waitForExist({ reverse: true, timeout: 2000, timeoutMsg: "the row's error stayed after the weight was corrected" });
    await (await b.$(byTestId("route-strategy"))).selectByVisibleText("Priority");

    await (await b.$(byTestId("route-save"))).click();
    await (await dialog()).waitForExist({ reverse: true, timeout: 5000, timeoutMsg: "the editor did not close after saving" });
    await (await b.$(rowSel("fast"))).waitForExist({ timeout: 5000, timeoutMsg: "the new route was not listed" });
    assert.equal(await text(`${rowSel("fast")} ${byTestId("candidate-item")}`), "Demo · demo-fast");
    assert.equal(await text(`${rowSel("fast")} ${byTestId("route-strategy-text")}`), "Priority");
    assert.equal(await (await b.$(`${rowSel("fast")} ${byTestId("candidate-warning")}`)).isExisting(), false);
    await b.saveScreenshot(path.join(artifacts, "routes.png"));
  });

  it("serves the route by name through the gateway", async () => {
    const res = await chat("fast");
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal(res.headers.get("x-switchyard-model"), "demo-fast");
    assert.equal(res.headers.get("x-switchyard-backend"), "Demo");
    await res.json();
  });

  it("shows the Demo backend's closed breaker and its latency", async () => {
    const breaker = `${liveSel("Demo")} ${byTestId("breaker-state")}`;
    const latency = `${liveSel("Demo")} ${byTestId("live-latency")}`;
    await b.waitUntil(async () => (await text(breaker)) === "closed" && /^\d[\d,]* ms$/.test((await text(latency)) ?? ""), {
      timeout: 10000, timeoutMsg: `no closed breaker with a latency for Demo: ${await text(liveSel("Demo"))}`,
    });
    assert.match((await (await b.$(breaker)).getAttribute("title")) ?? "", /closed/i, "the state is explained in a tooltip");
    assert.equal(await text(`${liveSel("Demo")} ${byTestId("live-availability")}`), "100 %");
    await b.saveScreenshot(path.join(artifacts, "routes-live.png"));
  });

  it("shows the provider's rate-limit headroom on the Routes, Backends and Health pages", async () => {
    // The Demo provider sends OpenAI's x-ratelimit-* headers; the gateway keeps what they said.
    const live = `${liveSel("Demo")} ${byTestId("live-headroom")}`;
    await b.waitUntil(async () => /requests left/.test((await text(live)) ?? ""), {
      timeout: 10000, timeoutMsg: `no headroom on the live state: ${await text(liveSel("Demo"))}`,
    });
    const said = await text(live);
    await (await b.$(byTestId("nav-backends"))).click();
    const strip = `${byTestId("backend-row")}[data-name="Demo"] ${byTestId("headroom-strip")}`;
    await b.waitUntil(async () => (await text(`${strip} ${byTestId("headroom-pill")}`)) === said, {
      timeout: 10000, timeoutMsg: `the Backends page does not show the headroom: ${await text(strip)}`,
    });
    await (await b.$(byTestId("nav-health"))).click();
    await (await b.$(byTestId("page-health"))).waitForDisplayed({ timeout: 5000 });
    const healthStrip = `${byTestId("health-summary")} ${byTestId("headroom-strip")}`;
    await b.waitUntil(async () => /requests left/.test((await text(`${healthStrip} ${byTestId("headroom-pill")}`)) ?? ""), {
      timeout: 10000, timeoutMsg: "the Health page does not show the headroom",
    });
    await (await b.$(byTestId("nav-routes"))).click();
    await (await b.$(byTestId("page-routes"))).waitForDisplayed({ timeout: 5000 });
  });

  it("keeps the editor open with the core's message for a name with a space", async () => {
    await (await b.$(byTestId("route-new"))).click();
    await (await dialog()).waitForDisplayed({ timeout: 5000 });
    await (await b.$(byTestId("route-name"))).setValue("my route");
    await b.keys("Enter");
    await (await b.$(byTestId("route-error"))).waitForExist({ timeout: 5000, timeoutMsg: "no error shown in the editor" });
    assert.match(await text(byTestId("route-error")), /no spaces/);
    assert.ok(await (await dialog()).isDisplayed(), "the editor stays open");
    await b.saveScreenshot(path.join(artifacts, "routes-error.png"));
    await b.keys("Escape");
    await (await dialog()).waitForExist({ reverse: true, timeout: 5000 });
    assert.equal(await (await b.$(rowSel("my route"))).isExisting(), false, "nothing was saved");
  });

  it("says in the editor, before saving, that the route's requests would also go to another backend", async () => {
    await (await b.$(byTestId("nav-backends"))).click();
    await addBackend(b, { kind: "Ollama", name: "Local", baseUrl: "http://127.0.0.1:9" }, "the second backend was not saved");

    await (await b.$(byTestId("nav-routes"))).click();
    await (await b.$(`${rowSel("fast")} ${byTestId("route-edit")}`)).click();
    await (await dialog()).waitForDisplayed({ timeout: 5000 });
    const note = byTestId("route-move-note");
    assert.equal(await (await b.$(note)).isExisting(), false, "the backends it uses: nothing to say");
    await press(b, byTestId("candidate-add"));
    await (await b.$(candSel(2))).waitForExist({ timeout: 5000 });
    await (await b.$(`${candSel(2)} ${byTestId("candidate-backend")}`)).selectByVisibleText("Local");
    await (await b.$(note)).waitForExist({ timeout: 5000, timeoutMsg: "no note that the route moves" });
    assert.equal(await text(note), "Saving also sends this route's requests to Local.");
    await b.saveScreenshot(path.join(artifacts, "routes-move-note.png"));
    await (await b.$(`${candSel(2)} ${byTestId("candidate-remove")}`)).click();
    await (await b.$(note)).waitForExist({ reverse: true, timeout: 5000, timeoutMsg: "the note stayed without the new backend" });
    await b.keys("Escape");
    await (await dialog()).waitForExist({ reverse: true, timeout: 5000 });
  });

  it("deletes the route, after confirming", async () => {
    await (await b.$(`${rowSel("fast")} ${byTestId("route-delete")}`)).click();
    await (await b.$(byTestId("confirm-dialog"))).waitForDisplayed({ timeout: 5000 });
    await (await b.$(byTestId("confirm-yes"))).click();
    await (await b.$(rowSel("fast"))).waitForExist({ reverse: true, timeout: 5000, timeoutMsg: "the route was still listed" });
    await (await b.$(byTestId("routes-empty"))).waitForExist({ timeout: 5000 });
    assert.equal((await chat("fast")).status, 404, "the gateway no longer knows the name");
  });
});
