// Issue 40 in the real window: a key goes only where the user sent it, and /metrics asks for a
// token. The configuration is exported from Settings; a copy that moves the keyed backend to
// another server (a recording server on 127.0.0.1) is imported through the dialog, which lists the
// move old → new and changes nothing until the user approves it once; the edit dialog says that
// saving a new host approves it; a scrape token made on the Gateway page reads /metrics and
// nothing else, and /metrics without a token is refused. The dialog also lists a route the file
// points at another backend (issue 53's change path: listed, not asked).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import {
  answerFileDialog, artifacts, byTestId, coreBinary, gatewayOpenaiUrl, keychainClear, pageReaders, press, startApp,
  startMock,
} from "./harness.js";

const KEY = "sk-e2ehostbound0000000000000000000042";

/** An OpenAI-compatible server on 127.0.0.1 that records the Authorization header of every request. */
function startRecorder() {
  const seen = [];
  const server = http.createServer((req, res) => {
    seen.push(req.headers.authorization ?? "");
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({
        id: "r", object: "chat.completion", created: 1, model: "m",
        choices: [{ index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" }],
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      }));
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({
    origin: `http://127.0.0.1:${server.address().port}`,
    gotKey: () => seen.filter((a) => a === `Bearer ${KEY}`).length,
    stop: () => server.close(),
  })));
}

describe("Keys go only where the user sent them, in the real window", () => {
  let app;
  let b;
  let mock;
  let recorder;
  let openaiUrl;
  let token;
  let exported;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "switchyard-e2e-keyhosts-"));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "switchyard-e2e-data-"));
  const service = `switchyard-e2e-keyhosts-${process.pid}`;

  /** The core binary's CLI on the app's data folder and keychain service. */
  const cli = (args, input = "") => execFileSync(coreBinary, args, {
    input, encoding: "utf8",
    env: { ...process.env, SWITCHYARD_DATA_DIR: dataDir, SWITCHYARD_KEYRING_SERVICE: service, RUST_LOG: "warn" },
  });

  before(async () => {
    mock = await startMock();
    recorder = await startRecorder();
    cli(["backend", "add", "Main", "--kind", "openai-compatible", "--base-url", `${mock.url}/v1`, "--model", "demo-chat", "--key-stdin"], `${KEY}\n`);
    cli(["route", "add", "fast", "--candidate", "Demo=demo-chat"]);
    token = cli(["token", "create", "e2e-keyhosts"]).trim();
    app = await startApp({ dataDir, service });
    b = app.browser;
    openaiUrl = await gatewayOpenaiUrl(b);
  });

  after(async () => {
    await app?.stop();
    mock?.stop();
    recorder?.stop();
    if (app) keychainClear(app.service);
  });

  const { text } = pageReaders(() => b);
  const until = (check, timeoutMsg, timeout = 10000) => b.waitUntil(check, { timeout, timeoutMsg });
  const openPage = async (id) => {
    await (await b.$(byTestId(`nav-${id}`))).click();
    await (await b.$(byTestId(`page-${id}`))).waitForDisplayed({ timeout: 5000 });
  };
  const ask = async (bearer = token) => {
    const res = await fetch(`${openaiUrl}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "Main/demo-chat", messages: [{ role: "user", content: "hi" }] }),
    });
    await res.text();
    return res.status;
  };
  const chooseInImport = async (file) => {
    // From the keyboard: the Settings cards above fill in as their data arrives, so a pointer
    // click computed a moment earlier can land beside a button that has just moved down.
    await press(b, byTestId("config-import"));
    await (await b.$(byTestId("config-import-dialog"))).waitForDisplayed({ timeout: 5000 });
    await press(b, byTestId("config-browse"));
    await answerFileDialog("Choose a configuration file", file);
    await until(async () => (await text(byTestId("config-file-chosen"))) === file, "the chosen file is not shown");
  };

  it("exports the configuration from Settings, without the key", async () => {
    assert.equal(await ask(), 200, "the backend answers where it is");
    await openPage("settings");
    await press(b, byTestId("config-export"));
    exported = path.join(work, "switchyard-config.toml");
    await answerFileDialog("Save the export", exported, { save: true });
    await until(async () => (await text(byTestId("config-export-done")))?.includes(exported), "no “Saved to” notice");
    const toml = fs.readFileSync(exported, "utf8");
    assert.ok(toml.includes('name = "Main"') && toml.includes(`${mock.url}/v1`), toml);
    assert.ok(!toml.includes(KEY), "no key in the file");
  });

  it("lists a file's move of a keyed backend old → new and changes nothing until approved", async () => {
    const hostile = path.join(work, "from-a-stranger.toml");
    const moved = fs.readFileSync(exported, "utf8").replaceAll(mock.url, recorder.origin);
    assert.ok(moved.includes('backend = "Demo"'), moved);
    fs.writeFileSync(hostile, moved.replaceAll('backend = "Demo"', 'backend = "Main"'));
    await chooseInImport(hostile);
    const change = `${byTestId("config-host-change")}[data-backend="Main"]`;
    await until(async () => (await b.$(change)).isExisting(), "the host change is not listed");
    assert.equal(await text(change), `Main: ${mock.url} → ${recorder.origin} (1 key)`);
    // The same preview as the CLI's: the route the file points at another backend is listed.
    const route = `${byTestId("config-route-move")}[data-route="fast"]`;
    assert.equal(await text(route), "route fast: now also sends requests to Main");
    assert.equal(await text(byTestId("config-apply")), "Approve and import", "the one question is on the button");
    const look = await b.execute((s) => document.querySelector(s)?.className, byTestId("config-apply"));
    assert.match(look, /\bdanger\b/, "styled as a risky action");
    // WebKitGTK can hand out a frame painted before the last change: let two frames pass first.
    await b.executeAsync((done) => requestAnimationFrame(() => requestAnimationFrame(() => done())));
    await b.saveScreenshot(path.join(artifacts, "config-import-host-change.png"));
    await (await b.$(byTestId("cancel"))).click();
    await (await b.$(byTestId("config-import-dialog"))).waitForExist({ reverse: true, timeout: 5000 });
    for (let i = 0; i < 3; i += 1) assert.equal(await ask(), 200, "still served where it was");
    assert.equal(recorder.gotKey(), 0, "the key never reached the file's host");
    assert.ok(cli(["backend", "list"]).includes(`${mock.url}/v1`), "the backend was not moved");
  });

  it("sends the key to the new host once the user approves the move", async () => {
    await chooseInImport(path.join(work, "from-a-stranger.toml"));
    await until(async () => (await text(byTestId("config-apply"))) === "Approve and import", "nothing to approve");
    await (await b.$(byTestId("config-apply"))).click();
    await until(async () => (await text(byTestId("config-imported")))?.startsWith("Imported"), "the import did not apply");
    await (await b.$(byTestId("config-done"))).click();
    await until(async () => {
      await ask();
      return recorder.gotKey() > 0;
    }, "after the approval the key goes to the new host", 15000);
  });

  it("says in the edit dialog that saving a new host approves it for the keys", async () => {
    await openPage("backends");
    const row = `${byTestId("backend-row")}[data-name="Main"]`;
    await (await b.$(`${row} ${byTestId("edit-backend")}`)).click();
    await (await b.$(byTestId("backend-dialog"))).waitForDisplayed({ timeout: 5000 });
    assert.equal(await (await b.$(byTestId("host-approval-note"))).isExisting(), false, "the current host is approved");
    await (await b.$(byTestId("field-base-url"))).setValue("http://127.0.0.1:9/v1");
    await until(async () => (await text(byTestId("host-approval-note")))?.includes("http://127.0.0.1:9"), "no note before saving");
    // Save approves exactly the host the note named (the core checks it against the move).
    await (await b.$(byTestId("save-backend"))).click();
    await (await b.$(byTestId("backend-dialog"))).waitForExist({ reverse: true, timeout: 5000 });
    assert.ok(cli(["backend", "list"]).includes("http://127.0.0.1:9/v1"), "saved with the new host");
  });

  it("asks for a token on /metrics and makes a scrape token that reads it and nothing else", async () => {
    const root = openaiUrl.replace(/\/v1$/, "");
    assert.equal((await fetch(`${root}/metrics`)).status, 401, "closed to this machine without a token");
    await openPage("gateway");
    const open = await b.$(byTestId("gw-metrics-open"));
    assert.equal(await open.isSelected(), false, "the opt-out is off by default");
    await (await b.$(byTestId("create-scrape-token"))).click();
    await (await b.$(byTestId("field-token-name"))).setValue("prometheus");
    await (await b.$(byTestId("save-token"))).click();
    await (await b.$(byTestId("prometheus-job"))).waitForExist({ timeout: 5000 });
    const scrape = await b.execute((s) => document.querySelector(s)?.value, byTestId("new-token-value"));
    const job = await b.execute((s) => document.querySelector(s)?.value, byTestId("prometheus-job"));
    assert.match(scrape, /^sy-[0-9a-f]{64}$/);
    assert.ok(job.includes(`credentials: "${scrape}"`) && job.includes(`"${new URL(root).host}"`), job);
    await b.keys("Escape");
    await until(async () => (await b.$(`${byTestId("token-row")}[data-name="prometheus"][data-scope="metrics"]`)).isExisting(), "not listed as a scrape token");
    const metrics = await fetch(`${root}/metrics`, { headers: { authorization: `Bearer ${scrape}` } });
    assert.equal(metrics.status, 200);
    assert.ok((await metrics.text()).includes("switchyard_requests_total"));
    assert.equal(await ask(scrape), 403, "a scrape token cannot spend");
  });
});
