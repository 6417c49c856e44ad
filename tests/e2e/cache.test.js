// The response cache in the real app window: an OpenAI backend (a local mock, so its model has a
// price) answers once, the gateway answers the repeat from its cache; the Cache page and the
// Overview show the hit rate and the saving; clearing the route's answers makes the next request
// a miss again; a bad lifetime is refused at its field; the switch turns the cache off at once.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { addBackend, byTestId, closeApp, createGatewayToken, gatewayOpenaiUrl, openApp, pageReaders } from "./harness.js";

const KEY = "sk-e2e-cache-key-00000000000000004321";
const BACKEND = "Mock";
const MODEL = `${BACKEND}/gpt-4o-mini`;

describe("Response cache in the real app window", () => {
  let app;
  let mock;
  let b;
  let openaiUrl;
  let token;

  before(async () => ({ app, mock, b } = await openApp({ mock: [] })));
  after(() => closeApp({ app, mock }));

  const page = pageReaders(() => b);
  const { text, attr, value, count } = page;
  const routeRow = `${byTestId("cache-route-row")}[data-route="${MODEL}"]`;
  // The page scrolls inside <main>, which keeps its place across pages: start from the top.
  const screenshot = (name, { top = true } = {}) => page.screenshot(name, { top });
  const until = (check, timeoutMsg, timeout = 10000) => b.waitUntil(check, { timeout, timeoutMsg });
  const openPage = async (id) => {
    await (await b.$(byTestId(`nav-${id}`))).click();
    await (await b.$(byTestId(`page-${id}`))).waitForDisplayed({ timeout: 5000 });
  };
  /** The saved cache settings, read through the command the Cache page uses. */
  const savedSettings = async () => {
    const stats = await b.executeAsync((done) => {
      window.__TAURI_INTERNALS__.invoke("cache_stats", { since: "1970-01-01T00:00:00Z" }).then(done, (e) => done({ error: e }));
    });
    assert.ok(stats.settings, `cache_stats answered ${JSON.stringify(stats)}`);
    return stats.settings;
  };
  /** The deterministic chat request the cache answers; resolves to the `x-switchyard-cache` header (null: none). */
  const ask = async (model = MODEL, temperature = 0, bearer = token) => {
    const res = await fetch(`${openaiUrl}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json" },
      body: JSON.stringify({ model, temperature, messages: [{ role: "user", content: "What is a switchyard?" }] }),
    });
    const body = await res.text();
    assert.equal(res.status, 200, `the gateway answered ${res.status}: ${body}`);
    assert.ok(JSON.parse(body).choices[0].message.content, "an answer came back");
    return res.headers.get("x-switchyard-cache");
  };

  it("adds an OpenAI backend pointing at the mock provider, and a gateway token", async () => {
    await openPage("backends");
    await addBackend(b, { kind: "OpenAI", name: BACKEND, baseUrl: `${mock.url}/v1`, defaultModel: "gpt-4o-mini", keyValue: KEY });
    await (await b.$(`${byTestId("backend-row")}[data-name="${BACKEND}"]`)).waitForExist({ timeout: 5000 });

    openaiUrl = await gatewayOpenaiUrl(b);
    token = await createGatewayToken(b, "e2e-cache");
    assert.match(token, /^sy-[0-9a-f]{64}$/);
  });

  it("answers a repeated deterministic request from the cache", async () => {
    assert.equal(await ask(), "miss", "the first request goes to the provider");
    assert.equal(await ask(), "hit", "the same request again is answered from the cache");
  });

  it("shows the hit rate, the stored answer and the saving on the Cache page", async () => {
    await openPage("cache");
    assert.equal(await attr(byTestId("nav-cache"), "aria-current"), "page");
    await until(async () => (await text(byTestId("cache-hit-rate"))) === "50 %", "the Cache page never showed a 50 % hit rate");
    assert.equal(await text(byTestId("cache-entries")), "1", "one answer is stored");
    assert.match(await text(byTestId("cache-lookups")), /^1 of 2 lookups/);
    const saved = Number(await attr(byTestId("cache-saved"), "data-usd"));
    assert.ok(saved > 0, `a hit on a priced model saves money (saved ${saved})`);
    assert.match(await text(byTestId("cache-saved")), /^(\$|<\$)0\.\d+$/);
    assert.equal(await count(routeRow), 1, `the table lists ${MODEL}`);
    assert.equal(await text(`${routeRow} ${byTestId("cache-route-hit-rate")}`), "50 %");
    assert.match(await text(byTestId("cache-explain")), /temperature: 0/);
    await screenshot("cache.png");
  });

  it("shows today's hit rate on the Overview, and opens the Cache page from it", async () => {
    await openPage("overview");
    const tile = byTestId("totals-cache");
    await until(async () => ((await text(tile)) ?? "").startsWith("50 %"), "the Overview tile never showed the hit rate");
    assert.match(await text(tile), /Cache hit rate today · (\$|<\$)0\.\d+ saved/);
    await screenshot("overview-cache.png");
    await (await b.$(tile)).click();
    await (await b.$(byTestId("page-cache"))).waitForDisplayed({ timeout: 5000, timeoutMsg: "the tile did not open the Cache page" });
  });

  it("clears the route's answers from the table, so the next request is a miss again", async () => {
    await (await b.$(`${routeRow} ${byTestId("cache-route-clear")}`)).click();
    await (await b.$(byTestId("confirm-dialog"))).waitForDisplayed({ timeout: 5000, timeoutMsg: "no confirmation before clearing" });
    await (await b.$(byTestId("confirm-yes"))).click();
    await until(async () => ((await text(byTestId("cache-route-status"))) ?? "").includes("Removed 1 answer."), "no “Removed 1 answer.” feedback");
    await until(async () => (await text(byTestId("cache-entries"))) === "0", "the stored answer is still counted");
    assert.equal(await text(`${routeRow} ${byTestId("cache-route-entries")}`), "0");
    assert.equal(await ask(), "miss", "with its answer gone the request goes to the provider again");
  });

  it("refuses a lifetime of 0 at its field and saves nothing", async () => {
    const ttl = byTestId("cache-ttl");
    assert.equal(await value(ttl), "10");
    assert.equal(await value(byTestId("cache-ttl-unit")), "min");
    await (await b.$(ttl)).setValue("0");
    await (await b.$(byTestId("cache-settings-save"))).click();
    await (await b.$(byTestId("cache-ttl-error"))).waitForExist({ timeout: 5000, timeoutMsg: "no message at the lifetime field" });
    assert.match(await text(byTestId("cache-ttl-error")), /1 second to 30 days/);
    assert.equal(await attr(ttl, "aria-invalid"), "true");
    const saved = await savedSettings();
    assert.equal(saved.ttlSecs, 600, "the saved lifetime is unchanged");
    // The core refuses it too, with a typed error, if it is sent anyway.
    const err = await b.executeAsync((done) => {
      window.__TAURI_INTERNALS__
        .invoke("set_cache_settings", { settings: { enabled: true, shareBetweenTools: true, ttlSecs: 0, memoryEntries: 2000, diskMb: 256 } })
        .then(() => done({ unexpected: "accepted" }), (e) => done(e));
    });
    assert.equal(err.kind, "validation");
    assert.match(err.message, /lifetime/);
    await (await b.$(ttl)).setValue("10");
    await until(async () => (await b.$(byTestId("cache-ttl-error"))).isExisting().then((e) => !e), "the field message did not go away on typing", 3000);
  });

  it("refuses a command the UI never calls: the window is granted only what it uses", async () => {
    const answer = await b.executeAsync((done) => {
      window.__TAURI_INTERNALS__.invoke("get_cache_settings").then(() => done("allowed"), (e) => done(String(e)));
    });
    assert.match(answer, /not allowed/i, `get_cache_settings is not in the window's capability: ${answer}`);
  });

  it("turns the cache off at once with its switch", async () => {
    const input = byTestId("cache-enabled");
    assert.equal(await b.execute((s) => document.querySelector(s)?.checked ?? null, input), true);
    await (await b.$(byTestId("cache-enabled-switch"))).click();
    await (await b.$(byTestId("cache-off"))).waitForExist({ timeout: 5000, timeoutMsg: "the page does not say the cache is off" });
    assert.equal(await ask(), null, "with the cache off answers carry no x-switchyard-cache header");
    await (await b.$(byTestId("cache-enabled-switch"))).click();
    await (await b.$(byTestId("cache-off"))).waitForExist({ reverse: true, timeout: 5000 });
    assert.equal(await ask(), "hit", "back on, the answer stored by the miss above is used");
  });

  it("keeps each tool's cached answers to itself when sharing between tools is off", async () => {
    await openPage("gateway");
    const other = await createGatewayToken(b, "e2e-cache-other");
    await openPage("cache");
    const shared = async () => (await savedSettings()).shareBetweenTools;
    assert.equal(await shared(), true, "shared by default");
    assert.equal(await ask(MODEL, 0, other), "hit", "another tool gets the answer the first tool's request stored");
    await (await b.$(byTestId("cache-shared-switch"))).click();
    await until(async () => (await shared()) === false, "turning the switch off was not saved");
    assert.equal(await ask(MODEL, 0, other), "miss", "not shared: the other tool's question goes to the provider");
    assert.equal(await ask(MODEL, 0, other), "hit", "and its own answer is kept for it");
    assert.equal(await ask(), "miss", "the first tool no longer sees what was stored for everyone");
    await (await b.$(byTestId("cache-shared-switch"))).click();
    await until(async () => (await shared()) === true, "turning the switch on was not saved");
    assert.equal(await ask(MODEL, 0, other), "hit", "shared again");
  });

  it("lets a route cache every request for its own lifetime, checked in the editor", async () => {
    const dialog = byTestId("route-dialog");
    await openPage("routes");
    await (await b.$(byTestId("route-new"))).click();
    await (await b.$(dialog)).waitForDisplayed({ timeout: 5000 });
    await (await b.$(byTestId("route-name"))).setValue("cached");
    await (await b.$(`${dialog} ${byTestId("candidate-backend")}`)).selectByVisibleText(BACKEND);
    await (await b.$(byTestId("route-cache-mode"))).selectByAttribute("value", "always");
    await (await b.$(byTestId("route-cache-ttl"))).setValue("0");
    await (await b.$(byTestId("route-save"))).click();
    await (await b.$(byTestId("route-cache-ttl-error"))).waitForExist({ timeout: 5000, timeoutMsg: "no message at the route's lifetime" });
    assert.match(await text(byTestId("route-cache-ttl-error")), /1 to 2,592,000/);
    await screenshot("route-cache.png", { top: false });
    await (await b.$(byTestId("route-cache-ttl"))).setValue("3600");
    await (await b.$(byTestId("route-save"))).click();
    await (await b.$(dialog)).waitForDisplayed({ reverse: true, timeout: 5000, timeoutMsg: "the route editor did not close after saving" });
    const badge = `${byTestId("route-row")}[data-name="cached"] ${byTestId("route-cache-badge")}`;
    await (await b.$(badge)).waitForExist({ timeout: 5000, timeoutMsg: "the route list shows no cache badge" });
    assert.match(await text(badge), /^cache: every request · 1 h/);
    assert.equal(await ask("cached", 0.7), "miss", "an opted-in route caches a request whatever its temperature");
    assert.equal(await ask("cached", 0.7), "hit");
    assert.equal(await ask(MODEL, 0.7), "skip", "without the route, a request with temperature is not cached");
  });

  it("marks cached answers and their saving on the Requests page", async () => {
    await openPage("requests");
    const hit = `${byTestId("request-row")}[data-cache="hit"]`;
    await until(async () => (await count(hit)) >= 3, "the cache hits did not reach the Requests page");
    assert.match(await text(`${hit} ${byTestId("request-cached")}`), /^cached\b/);
    assert.match(await attr(`${hit} ${byTestId("request-cached")}`, "title"), /response cache/);
    assert.match(await text(`${hit} ${byTestId("request-saved")}`), /^saved (\$|<\$)0\.\d+$/);
    const miss = `${byTestId("request-row")}[data-cache="miss"]`;
    assert.equal(await count(`${miss} ${byTestId("request-cached")}`), 0, "a miss has no badge");
    assert.equal(await count(`${miss} ${byTestId("request-saved")}`), 0, "and saved nothing");
  });

  it("draws the Cache page in the dark theme", async () => {
    await openPage("settings");
    await (await b.$(byTestId("theme-select"))).selectByAttribute("value", "dark");
    await until(async () => (await b.execute(() => document.documentElement.dataset.theme ?? null)) === "dark", "the dark theme was not applied", 5000);
    await openPage("cache");
    await until(async () => (await count(byTestId("cache-route-row"))) === 2, "the Cache page did not list both routes");
    await screenshot("cache-dark.png");
    await b.execute((s) => document.querySelector(s)?.scrollIntoView({ block: "start" }), byTestId("cache-clear-card"));
    await screenshot("cache-dark-cards.png", { top: false });
    await openPage("settings");
    await (await b.$(byTestId("theme-select"))).selectByAttribute("value", "system");
  });
});
