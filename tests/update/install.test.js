// Version N of Switchyard updates itself to N+1 as a user's copy does. N is the .deb of this tree,
// installed with apt; N+1 is the same tree with its version bumped (built by ./dev), signed by
// the real Tauri signer with the throw-away key N's build trusts, announced by a manifest the
// release job's script wrote, served from 127.0.0.1. Through the window (Settings → Check for
// updates → Install and restart, over WebDriver) and through `switchyard update apply`; a
// tampered package, a package signed by another key and an older release are each refused with
// nothing installed. The gateway keeps its port, token and data; the time tools see it away is
// measured. Run by ./dev test (update_e2e), as root, in a test session.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "../sdk/harness.js";
import {
  appWindow, artifacts, byTestId, keychainClear, keychainDump, pageReaders, privateHome, startApp,
} from "../e2e/harness.js";
import { otherKey, release, releaseServer, snapshot } from "./release.js";

const N = process.env.UPDATE_VERSION_N;
const NEXT = process.env.UPDATE_VERSION_NEXT;
const DEB_N = process.env.UPDATE_DEB_N;
const DEB_NEXT = process.env.UPDATE_DEB_NEXT;
const KEY = process.env.UPDATE_KEY;
const WINDOW = "/usr/bin/switchyard";
const CORE = "/usr/bin/switchyard-tray";
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The installed package's version, or "" when none is. */
const installed = () => spawnSync("dpkg-query", ["-W", "-f=${Version}", "switchyard"], { encoding: "utf8" }).stdout;

function apt(...args) {
  execFileSync("apt-get", ["-y", "-qq", ...args], {
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" }, stdio: ["ignore", "ignore", "pipe"],
  });
}

/** The pid of the process running exactly the file `binary` (not a deleted older copy), or null. */
function runningFile(binary) {
  const out = spawnSync("pgrep", ["-f", `^${binary}( |$)`], { encoding: "utf8" }).stdout;
  for (const pid of out.split("\n").filter(Boolean)) {
    try {
      if (fs.readlinkSync(`/proc/${pid}/exe`) === binary) return Number(pid);
    } catch {
      // Gone meanwhile.
    }
  }
  return null;
}

/** Whether any process runs `binary` (an older copy whose file was replaced included). */
const anyRunning = (binary) => spawnSync("pgrep", ["-f", `^${binary}( |$)`]).status === 0;

function killAll() {
  for (const bin of [WINDOW, CORE]) spawnSync("pkill", ["-KILL", "-f", `^${bin}( |$)`]);
}

async function until(what, check, timeoutMs = 60000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const got = await check();
    if (got) return got;
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * Asks the gateway every 25 ms with the tool's token until stopped; `stop()` returns the longest
 * stretch in which no request succeeded (from the last success before it to the first after).
 */
function watchGateway(ask) {
  let running = true;
  let lastOk = null;
  let away = 0;
  let failures = 0;
  const loop = (async () => {
    while (running) {
      const ok = await ask().then((s) => s === 200, () => false);
      const now = performance.now();
      if (ok) {
        if (lastOk !== null) away = Math.max(away, now - lastOk);
        lastOk = now;
      } else {
        failures += 1;
      }
      await sleep(25);
    }
  })();
  return async () => {
    running = false;
    await loop;
    return { away, failures };
  };
}

describe("Updating an installed Switchyard from a signed release", () => {
  let work;
  let server;
  const urls = {};
  let gateway;
  let dataDir;
  let service;
  let home;
  let token;
  let app;
  let b;

  const env = () => ({
    ...process.env,
    SWITCHYARD_DATA_DIR: dataDir,
    SWITCHYARD_KEYRING_SERVICE: service,
    SWITCHYARD_GATEWAY_PORT: String(gateway),
    SWITCHYARD_NO_UPDATE_CHECK: "1",
    HOME: home,
  });
  // Asynchronous: the release server answers from this process while the command runs.
  const cli = (...args) => new Promise((resolve, reject) => {
    const child = spawn(WINDOW, args, { env: env(), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => { stdout += d; });
    child.stderr.on("data", (d) => { stderr += d; });
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
  const models = () => fetch(`http://127.0.0.1:${gateway}/v1/models`, {
    headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(2000),
  }).then(async (r) => (await r.text(), r.status));
  const chat = () => fetch(`http://127.0.0.1:${gateway}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "Demo/demo-chat", messages: [{ role: "user", content: "hi" }] }),
  }).then(async (r) => (await r.text(), r.status));

  before(async () => {
    for (const [name, value] of Object.entries({ N, NEXT, DEB_N, DEB_NEXT, KEY })) {
      assert.ok(value, `${name} is not set: run through ./dev test`);
    }
    work = fs.mkdtempSync(path.join(os.tmpdir(), "switchyard-release-"));
    server = await releaseServer(work);
    const other = otherKey(work);
    urls.next = release(work, "next", server.origin, { deb: DEB_NEXT, key: KEY, version: NEXT });
    urls.tampered = release(work, "tampered", server.origin, { deb: DEB_NEXT, key: KEY, version: NEXT, tamper: true });
    urls.otherKey = release(work, "other-key", server.origin, { deb: DEB_NEXT, key: other, version: NEXT });
    urls.older = release(work, "older", server.origin, { deb: DEB_N, key: KEY, version: "0.0.1" });
    apt("install", DEB_N);
    assert.equal(installed(), N, "version N is installed");
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "switchyard-release-data-"));
    service = `switchyard-release-e2e-${process.pid}`;
    home = privateHome();
    gateway = await freePort();
    const made = await cli("token", "create", "update-e2e");
    assert.equal(made.status, 0, made.stderr);
    token = made.stdout.trim();
  });

  after(async () => {
    // The WebDriver session and its tauri-driver: the test process ends only once they are gone.
    await app?.stop().catch(() => {});
    killAll();
    if (installed()) apt("remove", "switchyard");
    if (service) keychainClear(service);
    server?.close();
    for (const dir of [work, dataDir]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const { attr, text } = pageReaders(() => b);
  const state = () => b.execute((s) => document.querySelector(s)?.dataset.state ?? null, byTestId("updates-status"));

  async function checkFrom(url) {
    const input = await b.$(byTestId("update-source"));
    await input.setValue(url);
    await b.keys("Tab");
    await b.waitUntil(async () => (await b.execute(() => document.activeElement?.dataset.testid)) !== "update-source");
    await (await b.$(byTestId("updates-check"))).click();
    // The button is busy while the check runs; the status before it may say "available" too.
    const busy = async () => (await attr(byTestId("updates-check"), "aria-busy")) === "true";
    await b.waitUntil(async () => !(await busy()) && (await state()) === "available", { timeout: 15000 }).catch(async () => {
      const seen = await b.execute((ids) => ids.map((id) => document.querySelector(id)?.textContent?.trim() ?? "-"), [
        byTestId("updates-status"), byTestId("updates-failure"), byTestId("update-source-error"),
      ]);
      const typed = await (await b.$(byTestId("update-source"))).getValue();
      throw new Error(`${url}: no update found; the source field holds ${typed}; status, failure, source error: ${seen.join(" | ")}`);
    });
    assert.equal(await text(byTestId("updates-latest")), NEXT);
  }

  it("serves a tool on version N, installed with apt", async () => {
    app = await startApp({ application: WINDOW, core: CORE, env: env() });
    b = app.browser;
    for (let i = 0; i < 3; i += 1) assert.equal(await chat(), 200, "the Demo backend answers through the gateway");
    await (await b.$(byTestId("nav-settings"))).click();
    await (await b.$(byTestId("updates-card"))).waitForDisplayed({ timeout: 5000 });
  });

  it("refuses a package altered after signing, and installs nothing", async () => {
    await checkFrom(urls.tampered);
    await (await b.$(byTestId("updates-install"))).click();
    await (await b.$(byTestId("updates-failure"))).waitForDisplayed({ timeout: 60000, timeoutMsg: "no refusal shown" });
    assert.match(await text(byTestId("updates-failure")), /signature/i);
    assert.equal(installed(), N, "nothing was installed");
    assert.equal(await chat(), 200, "N still serves");
  });

  it("installs N+1 when the user quits, after downloading and verifying it first", async () => {
    await checkFrom(urls.next);
    await (await b.$(byTestId("updates-on-quit"))).click();
    await (await b.$(byTestId("updates-on-quit-note"))).waitForDisplayed({ timeout: 60000, timeoutMsg: "not staged for Quit" });
    assert.equal(await text(byTestId("updates-on-quit-version")), NEXT);
    assert.equal(installed(), N, "nothing is installed before Quit");
    const recorded = snapshot(dataDir).ledger[0][0];
    assert.equal(await chat(), 200, "N still serves");
    await until("the request in the ledger", () => snapshot(dataDir).ledger[0][0] === recorded + 1, 10000);
    const before = snapshot(dataDir);
    const keys = keychainDump(service);
    spawnSync("pkill", ["-TERM", "-f", `^${CORE}( |$)`]); // the tray's Quit
    // The core installs last, then exits: wait for the process itself, not for its file.
    await until("N's core and window to quit", () => !anyRunning(CORE) && !anyRunning(WINDOW) && !appWindow(), 60000);
    assert.equal(installed(), NEXT, "installed at Quit");
    await app.stop().catch(() => {});
    assert.deepEqual(snapshot(dataDir), before, "the data folder holds what it held");
    assert.equal(keychainDump(service), keys, "the keychain holds what it held");
    app = await startApp({ application: WINDOW, core: CORE, env: env() });
    b = app.browser;
    await until("N+1's gateway", async () => (await models().catch(() => 0)) === 200, 30000);
    assert.equal(await chat(), 200, "the same token works on N+1");
    assert.equal(spawnSync(WINDOW, ["--version"], { encoding: "utf8" }).stdout.trim(), `switchyard ${NEXT}`);
  });

  it("installs N+1 from the window and comes back on the same port, token and data", async () => {
    // Back to N (apt allows the downgrade a user would ask for), started again.
    await app.stop().catch(() => {});
    apt("install", "--allow-downgrades", DEB_N);
    assert.equal(installed(), N);
    app = await startApp({ application: WINDOW, core: CORE, env: env() });
    b = app.browser;
    await (await b.$(byTestId("nav-settings"))).click();
    await (await b.$(byTestId("updates-card"))).waitForDisplayed({ timeout: 5000 });
    await checkFrom(urls.next);
    const before = snapshot(dataDir);
    const keys = keychainDump(service);
    const oldCore = runningFile(CORE);
    const oldWindow = runningFile(WINDOW);
    assert.ok(oldCore && oldWindow, "N's window and core run");
    const stop = watchGateway(models);
    await sleep(300);
    await (await b.$(byTestId("updates-install"))).click();
    await until("N+1 installed", () => installed() === NEXT, 120000);
    const core = await until("N+1's core", () => {
      const pid = runningFile(CORE);
      return pid && pid !== oldCore ? pid : null;
    });
    await until("N+1's window", () => {
      const pid = runningFile(WINDOW);
      return pid && pid !== oldWindow && appWindow();
    });
    await until("the gateway back", async () => (await models().catch(() => 0)) === 200);
    await sleep(300);
    const { away, failures } = await stop();
    console.log(`# gateway away during the update: ${Math.round(away)} ms (${failures} requests failed), core ${oldCore} → ${core}`);
    fs.writeFileSync(path.join(artifacts, "update-gateway-away.json"), JSON.stringify({ awayMs: Math.round(away), failures }));
    assert.equal(spawnSync(WINDOW, ["--version"], { encoding: "utf8" }).stdout.trim(), `switchyard ${NEXT}`);
    assert.deepEqual(snapshot(dataDir), before, "the data folder holds what it held");
    assert.equal(keychainDump(service), keys, "the keychain holds what it held");
    assert.equal(await chat(), 200, "the same token works on N+1");
    // The ledger is written a moment after the response (in batches).
    await until("N+1 to record the request in the same ledger", () => snapshot(dataDir).ledger[0][0] === before.ledger[0][0] + 1, 10000);
  });

  it("through `switchyard update apply`: refuses tampered, foreign-signed and older releases, then installs N+1", async () => {
    await app.stop().catch(() => {});
    app = null;
    b = null;
    killAll();
    apt("install", "--allow-downgrades", DEB_N);
    assert.equal(installed(), N);
    const before = snapshot(dataDir);
    const refusals = [
      [urls.tampered, /does not carry a valid signature/],
      [urls.otherKey, /does not carry a valid signature/],
      [urls.older, /0\.0\.1 is not newer than this one/],
      ["http://updates.example.org/latest.json", /plain HTTP to another machine/],
    ];
    for (const [url, said] of refusals) {
      const run = await cli("update", "apply", "--from", url);
      assert.equal(run.status, 1, `${url}: ${run.stdout}${run.stderr}`);
      assert.match(run.stderr, said, url);
      assert.equal(installed(), N, `${url}: nothing installed`);
    }
    const run = await cli("update", "apply", "--from", urls.next);
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stdout, new RegExp(`Switchyard ${NEXT.replaceAll(".", "\\.")} installed`));
    assert.equal(installed(), NEXT);
    assert.deepEqual(snapshot(dataDir), before, "the data folder holds what it held");
    const core = spawn(CORE, [], { env: env(), stdio: "ignore" });
    try {
      await until("N+1's gateway", async () => (await models().catch(() => 0)) === 200, 30000);
      assert.equal(await chat(), 200, "the same token works on N+1");
    } finally {
      core.kill("SIGTERM");
    }
  });
});
