// The gateway in the real app window: create a token on the Gateway page, send requests through
// the gateway to the Demo backend with plain HTTP (as curl would), and watch them arrive on the
// Requests page.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { artifacts, byTestId, closeApp, filesContaining, openApp, pageReaders } from "./harness.js";

describe("Gateway in the real app window", () => {
  let app;
  let b;
  let openaiUrl;
  let token;

  before(async () => ({ app, b } = await openApp()));
  after(() => closeApp({ app }));

  const { text } = pageReaders(() => b);

  it("shows where tools should point", async () => {
    await (await b.$(byTestId("nav-gateway"))).click();
    await (await b.$(byTestId("page-gateway"))).waitForDisplayed({ timeout: 5000 });
    await b.waitUntil(async () => /^http:\/\/127\.0\.0\.1:\d+\/v1$/.test((await text(byTestId("gateway-openai-url"))) ?? ""), {
      timeout: 5000, timeoutMsg: "no OpenAI-shaped base URL shown",
    });
    openaiUrl = await text(byTestId("gateway-openai-url"));
    assert.equal(await text(byTestId("gateway-anthropic-url")), openaiUrl.replace(/\/v1$/, ""));
    assert.equal(await text(byTestId("gateway-gemini-url")), openaiUrl.replace(/\/v1$/, ""), "Gemini clients use the root");
    await (await b.$(byTestId("snippet-tab-codex"))).click();
    await b.waitUntil(async () => (await text(byTestId("snippet-code")))?.includes('wire_api = "responses"'), {
      timeout: 5000, timeoutMsg: "the Codex snippet does not configure the Responses API",
    });
    assert.ok((await text(byTestId("snippet-code"))).includes(`base_url = "${openaiUrl}"`), "Codex points at this gateway");
  });

  it("creates a token that is shown once", async () => {
    await (await b.$(byTestId("create-token"))).click();
    await (await b.$(byTestId("field-token-name"))).setValue("e2e-curl");
    await (await b.$(byTestId("save-token"))).click();
    const value = await b.$(byTestId("new-token-value"));
    await value.waitForExist({ timeout: 5000 });
    token = (await value.getValue()) || (await text(byTestId("new-token-value")));
    assert.match(token, /^sy-[0-9a-f]{64}$/);
    await b.keys("Escape");
    await (await b.$(`${byTestId("token-row")}[data-name="e2e-curl"]`)).waitForExist({ timeout: 5000 });
    assert.ok(!(await text(byTestId("page-gateway"))).includes(token), "the token is not shown again");
    assert.deepEqual(filesContaining(app.dataDir, token), [], "only a hash of the token is stored");
  });

  it("serves requests through the gateway and lists them on the Requests page", async () => {
    const chat = (body) => fetch(`${openaiUrl}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const plain = await chat({ model: "demo-chat", messages: [{ role: "user", content: "hello from e2e" }] });
    assert.equal(plain.status, 200);
    assert.equal(plain.headers.get("x-switchyard-backend"), "Demo");
    const json = await plain.json();
    assert.match(json.choices[0].message.content, /hello from e2e/);
    const streamed = await chat({ model: "demo-chat", stream: true, messages: [{ role: "user", content: "stream please" }] });
    assert.match(await streamed.text(), /data: \[DONE\]/);
    const refused = await fetch(`${openaiUrl}/chat/completions`, { method: "POST", headers: { authorization: "Bearer sy-nope" }, body: "{}" });
    assert.equal(refused.status, 401);

    await (await b.$(byTestId("nav-requests"))).click();
    await b.waitUntil(async () => (await b.$$(`${byTestId("request-row")}[data-backend="Demo"]`)).length >= 2, {
      timeout: 10000, timeoutMsg: "the requests did not appear on the Requests page",
    });
    const first = await b.$(`${byTestId("request-row")}[data-backend="Demo"]`);
    assert.equal(await first.getAttribute("data-status"), "200");
    await b.saveScreenshot(path.join(artifacts, "requests.png"));
  });

  it("filters the Requests page by API: a Codex-style Responses request and a Gemini one", async () => {
    const responses = await fetch(`${openaiUrl}/responses`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "demo-chat", input: "hello from the Responses API" }),
    });
    assert.equal(responses.status, 200);
    assert.equal((await responses.json()).object, "response");
    const root = openaiUrl.replace(/\/v1$/, "");
    const gemini = await fetch(`${root}/v1beta/models/demo-chat:generateContent`, {
      method: "POST",
      headers: { "x-goog-api-key": token, "content-type": "application/json" },
      body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "hello from Gemini" }] }] }),
    });
    assert.equal(gemini.status, 200);
    const api = await b.$(byTestId("filter-api"));
    await api.selectByAttribute("value", "responses");
    await b.waitUntil(async () => {
      const apis = await b.execute((s) => [...document.querySelectorAll(s)].map((r) => r.getAttribute("data-inbound")), byTestId("request-row"));
      return apis.length >= 1 && apis.every((a) => a === "responses");
    }, { timeout: 10000, timeoutMsg: "the API filter did not narrow the list to Responses requests" });
    await (await b.$(byTestId("filter-clear"))).click();
    await b.waitUntil(async () => {
      const apis = await b.execute((s) => [...document.querySelectorAll(s)].map((r) => r.getAttribute("data-inbound")), byTestId("request-row"));
      return ["openai", "responses", "gemini"].every((a) => apis.includes(a));
    }, { timeout: 10000, timeoutMsg: "clearing the filter did not bring every API back" });
  });

  it("filters the Requests page by why a request failed, from the ledger's closed set of classes", async () => {
    const unknown = await fetch(`${openaiUrl}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "no-such-model", messages: [{ role: "user", content: "hello" }] }),
    });
    assert.equal(unknown.status, 404);
    const errors = await b.$(byTestId("filter-error"));
    await errors.selectByAttribute("value", "unknown_model");
    await b.waitUntil(async () => {
      const rows = await b.execute((s) => [...document.querySelectorAll(s)].map((r) => [r.getAttribute("data-error"), r.getAttribute("data-status")]), byTestId("request-row"));
      return rows.length >= 1 && rows.every(([e, st]) => e === "unknown_model" && st === "404");
    }, { timeout: 10000, timeoutMsg: "the error filter did not narrow the list to the unknown model's request" });
    await (await b.$(`${byTestId("request-row")}[data-error="unknown_model"] ${byTestId("request-toggle")}`)).click();
    await b.waitUntil(async () => (await text(byTestId("request-error-class"))) === "Unknown model", {
      timeout: 5000, timeoutMsg: "the row does not name its error in words",
    });
    await (await b.$(byTestId("filter-clear"))).click();
  });
});
