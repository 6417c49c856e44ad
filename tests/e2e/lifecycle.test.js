// The lifecycle a tray app's users expect, on the real binary: closing the window (a real
// WM_DELETE_WINDOW, as the title bar's close button sends) keeps the gateway serving and leaves no
// WebKit web process behind; a second launch brings the window back with live data; the first
// close says so once in a desktop notification; start at login writes and removes the XDG
// autostart entry (in a private HOME); with "keep running" off, closing quits; and Quit (SIGTERM
// runs the same `lifecycle::quit` as the tray's Quit) drains the requests in flight, leaves every
// answered request in the ledger and exits 0.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  appBinary, appPid, artifacts, byTestId, childNames, closeAppWindow, createGatewayToken, followNewWindow,
  gatewayOpenaiUrl, launchApp, startApp, until, waitForWindow,
} from "./harness.js";

const HINT = "Switchyard is still running in the tray";

/** A second launch: hands over to the running app and exits 0. */
async function secondLaunch(env, args = []) {
  const second = spawn(appBinary, args, { stdio: "ignore", env: { ...process.env, ...env } });
  return new Promise((resolve) => {
    const timer = setTimeout(() => { second.kill("SIGKILL"); resolve("still running"); }, 15000);
    second.on("exit", (code) => { clearTimeout(timer); resolve(code); });
  });
}

/** One Demo chat completion through the gateway; resolves with the response. */
function chat(base, token, content, extra = {}) {
  return fetch(`${base}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "demo-chat", messages: [{ role: "user", content }], ...extra }),
  });
}

const webProcessGone = async (pid) => {
  await until(() => !childNames(pid).includes("WebKitWebProcess"),
    `a WebKitWebProcess is still a child of the app: ${childNames(pid).join(", ")}`);
};

describe("Closing and opening the window in the real app", () => {
  let app;
  let b;
  let home;
  let pid;
  let base;
  let token;
  let bus = "";
  let busMonitor;

  before(async () => {
    busMonitor = spawn("dbus-monitor", ["--session", "interface=org.freedesktop.Notifications,member=Notify"], {
      stdio: ["ignore", "pipe", "ignore"],
    });
    busMonitor.stdout.on("data", (d) => { bus += d.toString(); });
    // The autostart entry lands in $HOME/.config/autostart: a private HOME, never the user's.
    home = fs.mkdtempSync(path.join(os.tmpdir(), "switchyard-e2e-home-"));
    // The app's own renderer choice (the harness keeps WebKit's default for WebDriver
    // screenshots, which this file does not take: it captures the X screen).
    app = await startApp({ env: { HOME: home, XDG_CONFIG_HOME: path.join(home, ".config"), WEBKIT_DISABLE_DMABUF_RENDERER: undefined } });
    b = app.browser;
    await (await b.$(byTestId("page-overview"))).waitForDisplayed({ timeout: 10000 });
    pid = appPid();
    assert.ok(pid, "the app runs");
  });
  after(async () => {
    busMonitor?.kill();
    await app?.stop();
  });

  const checked = (sel) => b.execute((s) => document.querySelector(s)?.checked ?? null, sel);
  const exists = (sel) => b.execute((s) => document.querySelector(s) !== null, sel);
  const entry = () => path.join(home, ".config/autostart/Switchyard.desktop");
  const hints = () => bus.split(HINT).length - 1;

  it("offers start at login once; accepting writes an autostart entry that starts it in the tray", async () => {
    const offer = byTestId("start-at-login-offer");
    await (await b.$(offer)).waitForDisplayed({ timeout: 5000, timeoutMsg: "no start-at-login offer on a first run" });
    assert.equal(fs.existsSync(entry()), false, "off by default: no autostart entry");
    await (await b.$(byTestId("start-at-login-yes"))).click();
    await (await b.$(offer)).waitForExist({ reverse: true, timeout: 5000, timeoutMsg: "the offer stayed after it was answered" });
    await until(() => fs.existsSync(entry()), `no autostart entry at ${entry()}`);
    const desktop = fs.readFileSync(entry(), "utf8");
    assert.match(desktop, /^\[Desktop Entry\]/m);
    const exec = desktop.match(/^Exec=(.*)$/m)?.[1]?.trim();
    assert.equal(exec, `${fs.realpathSync(appBinary)} --hidden`, "starts this binary, in the tray only");

    await (await b.$(byTestId("nav-settings"))).click();
    await (await b.$(byTestId("start-at-login"))).waitForDisplayed({ timeout: 5000 });
    assert.equal(await checked(byTestId("start-at-login")), true, "Settings shows it on");
    assert.equal(await checked(byTestId("keep-running-in-tray")), true, "keep running is on by default");
  });

  it("turning start at login off in Settings removes the autostart entry", async () => {
    await (await b.$(byTestId("start-at-login"))).click();
    await until(() => !fs.existsSync(entry()), "the autostart entry is still there");
    await (await b.$(byTestId("nav-overview"))).click();
    await (await b.$(byTestId("page-overview"))).waitForDisplayed({ timeout: 5000 });
    assert.equal(await exists(byTestId("start-at-login-offer")), false, "answered once: never offered again");
  });

  it("closing the window keeps the gateway answering and leaves no WebKit web process", async () => {
    base = (await gatewayOpenaiUrl(b)).replace(/\/v1$/, "");
    token = await createGatewayToken(b, "e2e-lifecycle");
    assert.ok(childNames(pid).includes("WebKitWebProcess"), "an open window has its web process");
    await closeAppWindow();
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(appPid(), pid, "the app is still running after its window closed");
    await webProcessGone(pid);
    const res = await chat(base, token, "hello while the window is closed");
    assert.equal(res.status, 200, await res.clone().text());
    assert.match((await res.json()).choices[0].message.content, /^Demo reply/);
    await until(() => hints() === 1, `no "${HINT}" notification on the bus`);
  });

  it("a second launch brings the window back, with live data", async () => {
    assert.equal(await secondLaunch({ SWITCHYARD_DATA_DIR: app.dataDir }), 0, "the second launch handed over and exited");
    await waitForWindow();
    assert.equal(appPid(), pid, "the same app, not a new one");
    await followNewWindow(b);
    await (await b.$(byTestId("page-overview"))).waitForDisplayed({ timeout: 10000 });
    await (await b.$(byTestId("nav-requests"))).click();
    const rows = byTestId("request-row");
    await until(async () => (await b.$$(rows)).length === 1, "the request made while closed is not listed");
    // Live: a request made now shows up through the requestsRecorded event, without a reload.
    assert.equal((await chat(base, token, "hello to the window opened again")).status, 200);
    await until(async () => (await b.$$(rows)).length === 2, "the new window did not follow the ledger live");
    // The X screen: WebKitWebDriver's screenshot of a window created again takes about 9 s.
    execFileSync("import", ["-window", "root", path.join(artifacts, "lifecycle-reopened.png")]);
  });

  it("closing again keeps running without repeating the notification", async () => {
    await closeAppWindow();
    await webProcessGone(pid);
    assert.equal(appPid(), pid);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(hints(), 1, "the tray notification is shown only the first time");
    assert.equal(await secondLaunch({ SWITCHYARD_DATA_DIR: app.dataDir }), 0);
    await waitForWindow();
    await followNewWindow(b);
  });

  it("with keep running off, closing the window quits", async () => {
    await (await b.$(byTestId("nav-settings"))).click();
    const keep = byTestId("keep-running-in-tray");
    await (await b.$(keep)).waitForDisplayed({ timeout: 10000 });
    await (await b.$(keep)).click();
    await b.waitUntil(async () => (await checked(keep)) === false, { timeout: 5000, timeoutMsg: "the setting did not turn off" });
    await closeAppWindow();
    await until(() => appPid() === null, "the app kept running after its window closed with keep running off", 15000);
  });
});

describe("Starting in the tray and quitting", () => {
  let app;

  before(async () => {
    // As the autostart entry starts it: no window.
    app = await launchApp({ args: ["--hidden"], env: { HOME: fs.mkdtempSync(path.join(os.tmpdir(), "switchyard-e2e-home-")) } });
  });
  after(async () => {
    if (app && app.proc.exitCode === null && app.proc.signalCode === null) app.proc.kill("SIGKILL");
  });

  it("--hidden starts the gateway without a window or a web process", async () => {
    const res = await chat(app.base, app.token, "hello to a tray-only start");
    assert.equal(res.status, 200, await res.clone().text());
    await res.json();
    // The window would have been made in the same start-up step as the gateway: give it time.
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(await waitForWindow({ gone: true }), null, "no window");
    assert.equal(childNames(app.proc.pid).includes("WebKitWebProcess"), false, "no web process");
  });

  it("a second launch opens the window", async () => {
    assert.equal(await secondLaunch(app.env), 0);
    await waitForWindow();
    await until(() => childNames(app.proc.pid).includes("WebKitWebProcess"), "the window has no web process");
  });

  it("Quit drains the requests in flight, records every answered one and exits 0", async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) {
      const res = await chat(app.base, app.token, `plain request ${i}`);
      assert.equal(res.status, 200);
      ids.push(res.headers.get("x-switchyard-request-id"));
      await res.json();
    }
    // Streams whose headers are in, still sending words (Demo paces ~12 ms a word), then Quit.
    const streams = await Promise.all([0, 1, 2, 3].map((i) => chat(app.base, app.token, `streamed request ${i}`, { stream: true })));
    for (const s of streams) assert.equal(s.status, 200);
    app.proc.kill("SIGTERM");
    const bodies = await Promise.all(streams.map((s) => s.text()));
    for (const [i, body] of bodies.entries()) {
      assert.match(body, /data: \[DONE\]\s*$/, `stream ${i} was cut by the shutdown instead of drained:\n${body.slice(-300)}`);
      ids.push(streams[i].headers.get("x-switchyard-request-id"));
    }
    assert.equal(await app.exited, 0, "Quit exits with code 0");
    const rows = JSON.parse(execFileSync(appBinary, ["requests", "--limit", "1000", "--json"], {
      env: app.env, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"],
    }));
    const recorded = new Map(rows.map((r) => [r.id, r]));
    for (const id of ids) {
      assert.ok(id, "every answer names its request id");
      assert.ok(recorded.has(id), `request ${id} is missing from the ledger (${rows.length} rows)`);
    }
  });
});
