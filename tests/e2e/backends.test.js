// The real Switchyard window, driven through WebDriver: first paint with the Demo backend, adding a
// backend whose key lands only in the Secret Service, Test key against a real local provider,
// inline validation, .env import, and bad input over IPC.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import {
  addBackend, answerFileDialog, artifacts, byTestId, closeApp, envFixture, filesContaining, keychainDump, listFiles, openApp, pageReaders, startApp,
} from "./harness.js";

const VALID = "sk-e2e-valid-key-000000000000001234";
const WRONG = "sk-e2e-wrong-key-000000000000005678";
const MISTRAL = "mistral0e2e0environment0key0000009911";
const ANTHROPIC = "sk-ant-api03-e2efixturee2efixture-7781";
const GROQ = "gsk_e2efixturee2efixturee2e_4421";

describe("Backends in the real app window", () => {
  let app;
  let mock;
  let b;

  before(async () => ({ app, mock, b } = await openApp({ mock: ["--key", VALID], env: { MISTRAL_API_KEY: MISTRAL } })));
  after(() => closeApp({ app, mock }));

  // Full selectors, re-queried on every use: a parent looked up before it existed would leave its
  // children unresolved.
  const rowSel = (name) => `${byTestId("backend-row")}[data-name="${name}"]`;
  const keySel = (name, label) => `${rowSel(name)} ${byTestId("key-row")}[data-label="${label}"]`;
  const el = (sel) => b.$(sel);
  // WebKitWebDriver's Get Element Text answers "" for some grid cells; innerText is what renders.
  const { text } = pageReaders(() => b);

  it("opens on the Overview with the Demo backend enabled and healthy", async () => {
    const demo = await b.$(`${byTestId("overview-backend")}[data-status="healthy"]`);
    await demo.waitForExist({ timeout: 10000, timeoutMsg: "the Demo backend never showed as healthy" });
    console.log(`# window to healthy Demo card: ${Date.now() - app.launched} ms after session request`);
  });

  it("adds a backend with a key: listed masked, stored in the Secret Service and in no file", async () => {
    await (await b.$(byTestId("nav-backends"))).click();
    await addBackend(
      b,
      { kind: "OpenAI-compatible", name: "Local mock", baseUrl: `${mock.url}/v1`, defaultModel: "demo-chat", keyLabel: "work", keyValue: VALID },
      "the dialog did not close after saving",
    );

    await (await el(keySel("Local mock", "work"))).waitForExist({ timeout: 5000, timeoutMsg: "the new backend was not listed with its key" });
    const hint = await text(`${keySel("Local mock", "work")} ${byTestId("key-hint")}`);
    assert.equal(hint, "sk-…1234", "the key is listed masked");
    const page = await text(byTestId("page-backends"));
    assert.ok(page.includes("Local mock") && !page.includes(VALID), "the page lists the backend but never shows the key");

    const dump = keychainDump(app.service);
    assert.ok(dump.includes(VALID), `the key must be in the Secret Service under ${app.service}:\n${dump}`);
    assert.ok(listFiles(app.dataDir).some((f) => f.endsWith(".sqlite")), "the data folder holds the database");
    assert.deepEqual(filesContaining(app.dataDir, VALID), [], "the key must be in no file under the data folder");
  });

  it("Test key reports valid and invalid against a local provider", async () => {
    await (await el(`${keySel("Local mock", "work")} ${byTestId("test-key")}`)).click();
    const check = `${keySel("Local mock", "work")} ${byTestId("key-check")}`;
    await b.waitUntil(async () => /^valid, \d+ ms$/.test(await text(check)), {
      timeout: 10000, timeoutMsg: "Test key never said valid",
    });

    await (await el(`${rowSel("Local mock")} ${byTestId("add-key")}`)).click();
    await (await b.$(byTestId("key-dialog"))).waitForDisplayed({ timeout: 5000 });
    await (await b.$(`${byTestId("key-dialog")} ${byTestId("field-key-label")}`)).setValue("stale");
    await (await b.$(`${byTestId("key-dialog")} ${byTestId("field-key-value")}`)).setValue(WRONG);
    await (await b.$(byTestId("save-key"))).click();
    await (await b.$(byTestId("key-dialog"))).waitForDisplayed({ reverse: true, timeout: 5000 });
    await (await el(keySel("Local mock", "stale"))).waitForExist({ timeout: 5000 });
    await (await el(`${keySel("Local mock", "stale")} ${byTestId("test-key")}`)).click();
    const staleCheck = `${keySel("Local mock", "stale")} ${byTestId("key-check")}`;
    await b.waitUntil(async () => (await text(staleCheck))?.startsWith("invalid"), {
      timeout: 10000, timeoutMsg: "Test key never said invalid for the wrong key",
    });
    assert.ok((await text(staleCheck)).includes("401"));
  });

  it("reads the backend's model list in the edit dialog and flags a model with no known price", async () => {
    await (await el(`${rowSel("Local mock")} ${byTestId("edit-backend")}`)).click();
    const dialog = await b.$(byTestId("backend-dialog"));
    await dialog.waitForDisplayed({ timeout: 5000 });
    const status = byTestId("bd-models-status");
    await b.waitUntil(async () => (await text(status)) === "Model list never read", { timeout: 5000, timeoutMsg: "no model list status" });
    // demo-chat on an OpenAI-compatible server: nothing prices it, and the picker says so.
    const warning = byTestId("bd-models-warning");
    await b.waitUntil(async () => (await text(warning))?.includes("demo-chat has no known price on Local mock"), {
      timeout: 5000, timeoutMsg: "the unpriced default model was not flagged",
    });
    await (await el(byTestId("bd-models-refresh"))).click();
    await b.waitUntil(async () => (await text(status)) === "2 models · read just now", {
      timeout: 10000, timeoutMsg: `the model list was not read: ${await text(status)}`,
    });
    const options = await b.execute(() => [...document.querySelectorAll("#bd-model-list option")].map((o) => `${o.value}: ${o.textContent}`));
    assert.deepEqual(options, ["demo-chat: no known price", "demo-fast: no known price"]);
    await (await b.$(byTestId("field-default-model"))).setValue("not-listed");
    await b.waitUntil(async () => (await text(warning))?.includes("not-listed is not in Local mock's model list"), {
      timeout: 5000, timeoutMsg: "a model the backend does not list was not flagged",
    });
    await (await b.$(byTestId("cancel"))).click();
    await dialog.waitForDisplayed({ reverse: true, timeout: 5000 });
  });

  it("shows the validation message for an invalid URL and offers the fix", async () => {
    await (await b.$(byTestId("add-backend"))).click();
    await (await b.$(byTestId("backend-dialog"))).waitForDisplayed({ timeout: 5000 });
    await (await b.$(byTestId("field-kind"))).selectByVisibleText("OpenAI-compatible");
    const url = await b.$(byTestId("field-base-url"));
    await url.setValue("not a url");
    const issue = await b.$(byTestId("issue-baseUrl"));
    await b.waitUntil(async () => (await issue.isExisting()) && (await issue.getText()).includes("must start with https://"), {
      timeout: 5000, timeoutMsg: "no inline message for an invalid URL",
    });
    await url.setValue("http://proxy.example.com/v1");
    await b.waitUntil(async () => (await issue.getText()).includes("only allowed for localhost"), { timeout: 5000 });
    await (await b.$(byTestId("fix-baseUrl"))).click();
    assert.equal(await url.getValue(), "https://proxy.example.com/v1", "the offered fix is applied on request");
    await (await b.$(byTestId("cancel"))).click();
    assert.equal(await (await b.$(`${byTestId("backend-row")}[data-name="OpenAI-compatible"]`)).isExisting(), false);
  });

  it("imports keys from the environment and a .env file, masked, into the keychain", async () => {
    await (await b.$(byTestId("import-keys"))).click();
    await (await b.$(byTestId("import-dialog"))).waitForDisplayed({ timeout: 5000 });
    // The file is chosen in the native dialog the window's Rust side opens; the page sends no path.
    await (await b.$(byTestId("browse-env"))).click();
    const keysEnv = envFixture("keys.env");
    await answerFileDialog("Choose a .env file", keysEnv);
    await b.waitUntil(async () => (await text(byTestId("env-file-chosen"))) === keysEnv, {
      timeout: 5000, timeoutMsg: "the chosen file is not shown",
    });
    await b.waitUntil(async () => (await b.$$(byTestId("finding"))).length >= 3, {
      timeout: 5000, timeoutMsg: "the scan found fewer than 3 keys",
    });
    const found = {};
    for (const f of await b.$$(byTestId("finding"))) {
      found[await f.getAttribute("data-variable")] = await (await f.$(byTestId("finding-display"))).getText();
    }
    assert.equal(found.ANTHROPIC_API_KEY, "sk-ant-…7781");
    assert.equal(found.GROQ_API_KEY, "gsk_…4421");
    assert.equal(found.MISTRAL_API_KEY, "…9911");
    // Where each key goes is said before the import: the provider's own address.
    const goesTo = await b.execute((s) => document.querySelector(s)?.textContent.trim(), `${byTestId("finding")}[data-variable="GROQ_API_KEY"] ${byTestId("finding-goes-to")}`);
    assert.equal(goesTo, "a new Groq backend at https://api.groq.com");
    const problems = await (await b.$(byTestId("import-dialog"))).getText();
    assert.match(problems, /Line 3/, "the malformed line is reported by number");
    for (const secret of [ANTHROPIC, GROQ, MISTRAL]) assert.ok(!problems.includes(secret));

    await (await b.$(byTestId("import-selected"))).click();
    const result = await b.$(byTestId("import-result"));
    await result.waitForDisplayed({ timeout: 5000 });
    assert.match(await result.getText(), /Imported 3/);
    await b.keys("Escape");
    await (await b.$(byTestId("import-dialog"))).waitForDisplayed({ reverse: true, timeout: 5000 });
    for (const name of ["Anthropic", "Groq", "Mistral"]) {
      const toggle = await el(`${rowSel(name)} ${byTestId("toggle-backend")}`);
      await toggle.waitForExist({ timeout: 5000, timeoutMsg: `${name} was not created by the import` });
      assert.equal(await toggle.isSelected(), true, `${name} is enabled`);
    }
    const dump = keychainDump(app.service);
    for (const secret of [ANTHROPIC, GROQ, MISTRAL]) {
      assert.ok(dump.includes(secret), "imported keys are in the Secret Service");
      assert.deepEqual(filesContaining(app.dataDir, secret), [], "imported keys are in no file");
    }
    await b.saveScreenshot(path.join(artifacts, "backends.png"));
  });

  it("reads no file the page names: only files chosen in the window's own dialog", async () => {
    const answers = await b.executeAsync((done) => {
      const invoke = window.__TAURI_INTERNALS__.invoke;
      const outcome = (p) => p.then(() => "allowed", (e) => JSON.stringify(e));
      Promise.all([
        outcome(invoke("scan_import", { file: "/etc/passwd" })),
        outcome(invoke("find_keys", { files: ["/etc/passwd"] })),
        outcome(invoke("load_price_file", { file: "file-999" })),
        outcome(invoke("plugin:dialog|open", { options: {} })),
      ]).then(done);
    });
    for (const a of answers.slice(0, 3)) assert.match(a, /not chosen here/, a);
    assert.match(answers[3], /not allowed/i, `the page cannot open dialogs itself: ${answers[3]}`);
  });

  it("refuses an unknown kind over IPC with a typed error and changes nothing", async () => {
    const before = (await b.$$(byTestId("backend-row"))).length;
    const err = await b.executeAsync((done) => {
      window.__TAURI_INTERNALS__
        .invoke("create_backend", {
          draft: { name: "X", kind: "cohere", baseUrl: "https://x.org/v1", defaultModel: "m" },
          key: null,
        })
        .then(() => done({ unexpected: "accepted" }), (e) => done(e));
    });
    assert.equal(err.kind, "validation");
    assert.equal(err.message, "Unknown backend kind “cohere”.");
    assert.equal((await b.$$(byTestId("backend-row"))).length, before);
  });

  it("reports the start-up time to first paint", async () => {
    await (await b.$(byTestId("nav-settings"))).click();
    const info = await b.executeAsync((done) => {
      window.__TAURI_INTERNALS__.invoke("app_info").then(done, done);
    });
    assert.ok(Number.isInteger(info.firstPaintMs), "the UI reported its first paint");
    console.log(`# first paint: ${info.firstPaintMs} ms after process start`);
    assert.deepEqual(filesContaining(app.dataDir, WRONG), [], "not even trace-level logs hold a key");
  });
});

describe("Keychain unavailable", () => {
  let app;
  before(async () => {
    app = await startApp({ env: { DBUS_SESSION_BUS_ADDRESS: "unix:path=/nonexistent/switchyard-e2e-bus" } });
  });
  after(async () => app?.stop());

  it("shows a typed error with a fix hint and saves nothing", async () => {
    const b = app.browser;
    await (await b.$(byTestId("nav-backends"))).click();
    await (await b.$(byTestId("add-backend"))).click();
    await (await b.$(byTestId("backend-dialog"))).waitForDisplayed({ timeout: 5000 });
    await (await b.$(byTestId("field-kind"))).selectByVisibleText("OpenAI");
    await (await b.$(byTestId("field-key-value"))).setValue(VALID);
    await (await b.$(byTestId("save-backend"))).click();
    // The dialog stays open with what went wrong and how to fix it, above its buttons.
    const shown = await b.$(`${byTestId("backend-dialog")} ${byTestId("form-error")}`);
    await shown.waitForDisplayed({ timeout: 5000, timeoutMsg: "no error shown when the keychain is down" });
    const text = await shown.getText();
    assert.match(text, /^Keychain unavailable: /);
    assert.match(text, /gnome-keyring|Secret Service/, "the message says how to fix it");
    assert.ok(await (await b.$(byTestId("backend-dialog"))).isDisplayed(), "the dialog stays open, the input kept");
    assert.ok(!text.includes(VALID));
    await (await b.$(byTestId("cancel"))).click().catch(() => {});
    const saved = await b.executeAsync((done) => {
      window.__TAURI_INTERNALS__.invoke("list_backends").then((l) => done(l.map((x) => x.name)), done);
    });
    assert.deepEqual(saved, ["Demo"], "nothing saved: the core lists only the Demo backend");
    await (await b.$(byTestId("nav-settings"))).click();
    const status = await b.$(byTestId("keychain-status"));
    await status.waitForExist({ timeout: 5000 });
    assert.equal(await status.getAttribute("data-available"), "false");
    assert.deepEqual(filesContaining(app.dataDir, VALID), [], "no plaintext fallback");
  });
});
