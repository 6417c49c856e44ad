// The lifecycle a tray app's users expect, on the real binaries. The window (`switchyard`) is its
// own process and starts the core process (`switchyard-tray`: gateway, monitor, tray icon), which
// outlives it. Closing the window (a real WM_DELETE_WINDOW, as the title bar's close button
// sends) ends the window process and its WebKit processes while the gateway keeps serving; a new
// launch attaches a new window to the same core, with live data; the first close says so once in
// a desktop notification; start at login writes and removes the XDG autostart entry (in a
// private HOME); with "keep running" off, closing quits; the tray item is on the session bus and
// its Quit (clicked over D-Bus, as a tray host does) drains the requests in flight, leaves every
// answered request in the ledger and ends both processes.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import {
  appBinary, artifacts, byTestId, closeAppWindow, coreBinary, corePid, createGatewayToken, gatewayOpenaiUrl, launchApp, pageReaders, privateHome, startApp, stopCore, until, waitForWindow, windowPid,
} from "./harness.js";
import { clickTray, trayMenu, trayName, trayTooltip } from "./tray.js";

const HINT = "Switchyard is still running in the tray";

/** Waits for a process to end; resolves with its exit code (or signal), "still running" after 15 s. */
function exitOf(proc) {
  return new Promise((resolve) => {
    if (proc.exitCode !== null || proc.signalCode !== null) return resolve(proc.exitCode ?? proc.signalCode);
    const timer = setTimeout(() => resolve("still running"), 15000);
    proc.on("exit", (code, signal) => { clearTimeout(timer); resolve(code ?? signal); });
  });
}

const webProcesses = () => {
  try {
    return execFileSync("pgrep", ["-x", "WebKitWebProces"], { encoding: "utf8" }).split("\n").filter(Boolean);
  } catch {
    return [];
  }
};

/** One Demo chat completion through the gateway; resolves with the response. */
function chat(base, token, content, extra = {}) {
  return fetch(`${base}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "demo-chat", messages: [{ role: "user", content }], ...extra }),
  });
}

describe("Closing and opening the window in the real app", () => {
  let app;
  let b;
  let home;
  let pid;
  let base;
  let token;
  let bus = "";
  let busMonitor;
  let appEnv;

  before(async () => {
    busMonitor = spawn("dbus-monitor", ["--session", "interface=org.freedesktop.Notifications,member=Notify"], {
      stdio: ["ignore", "pipe", "ignore"],
    });
    busMonitor.stdout.on("data", (d) => { bus += d.toString(); });
    // The autostart entry lands in $HOME/.config/autostart: a private HOME, never the user's.
    home = privateHome();
    // The app's own renderer choice (the harness keeps WebKit's default for WebDriver
    // screenshots, which this file does not take: it captures the X screen).
    appEnv = { HOME: home, XDG_CONFIG_HOME: path.join(home, ".config"), WEBKIT_DISABLE_DMABUF_RENDERER: undefined };
    app = await startApp({ env: appEnv });
    b = app.browser;
    await (await b.$(byTestId("page-overview"))).waitForDisplayed({ timeout: 10000 });
    pid = corePid();
    assert.ok(pid, "the window started its core process");
  });
  after(async () => {
    busMonitor?.kill();
    await app?.stop();
  });

  const { checked, exists } = pageReaders(() => b);
  const entry = () => path.join(home, ".config/autostart/Switchyard.desktop");
  const hints = () => bus.split(HINT).length - 1;
  /** A new launch of the window on the same data folder, driven by a new WebDriver session. */
  const reopen = async () => {
    await app.stop({ core: false });
    app = await startApp({ env: appEnv, dataDir: app.dataDir, service: app.service });
    b = app.browser;
    await (await b.$(byTestId("page-overview"))).waitForDisplayed({ timeout: 10000 });
    assert.equal(corePid(), pid, "the new window attached to the same core");
  };

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

  it("closing the window ends its process and every WebKit process; the gateway keeps answering", async () => {
    base = (await gatewayOpenaiUrl(b)).replace(/\/v1$/, "");
    token = await createGatewayToken(b, "e2e-lifecycle");
    assert.ok(webProcesses().length > 0, "an open window has its web process");
    await closeAppWindow();
    await until(() => windowPid() === null, "the window process outlived its window");
    await until(() => webProcesses().length === 0, `WebKit web processes remain: ${webProcesses().join(", ")}`);
    assert.equal(corePid(), pid, "the core is still running after its window closed");
    const res = await chat(base, token, "hello while the window is closed");
    assert.equal(res.status, 200, await res.clone().text());
    assert.match((await res.json()).choices[0].message.content, /^Demo reply/);
    await until(() => hints() === 1, `no "${HINT}" notification on the bus`);
  });

  it("a new launch brings the window back on the same core, with live data", async () => {
    await reopen();
    await (await b.$(byTestId("nav-requests"))).click();
    const rows = byTestId("request-row");
    await until(async () => (await b.$$(rows)).length === 1, "the request made while closed is not listed");
    // Live: a request made now shows up through the requestsRecorded event, without a reload.
    assert.equal((await chat(base, token, "hello to the window opened again")).status, 200);
    await until(async () => (await b.$$(rows)).length === 2, "the new window did not follow the ledger live");
    execFileSync("import", ["-window", "root", path.join(artifacts, "lifecycle-reopened.png")]);
  });

  it("closing again keeps running without repeating the notification", async () => {
    await closeAppWindow();
    await until(() => windowPid() === null, "the window process outlived its window");
    assert.equal(corePid(), pid);
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(hints(), 1, "the tray notification is shown only the first time");
    await reopen();
  });

  it("with keep running off, closing the window quits the core too", async () => {
    await (await b.$(byTestId("nav-settings"))).click();
    const keep = byTestId("keep-running-in-tray");
    await (await b.$(keep)).waitForDisplayed({ timeout: 10000 });
    await (await b.$(keep)).click();
    await b.waitUntil(async () => (await checked(keep)) === false, { timeout: 5000, timeoutMsg: "the setting did not turn off" });
    await closeAppWindow();
    await until(() => corePid() === null, "the core kept running after its window closed with keep running off", 15000);
    assert.equal(windowPid(), null);
  });
});

describe("Starting in the tray and quitting from the tray", () => {
  let app;

  before(async () => {
    // The previous suite's web process can outlive its window by a moment: start from none, so
    // any web process below is this start's.
    await until(() => webProcesses().length === 0, "a web process of an earlier window is still running", 10000);
    // As the autostart entry starts it: no window.
    // Codex's own record of its plan's 5-hour window at 82 %, resetting in two hours: the
    // tray's tooltip shows the nearest limit.
    const home = privateHome();
    const day = new Date().toISOString().slice(0, 10).split("-");
    const sessions = path.join(home, ".codex", "sessions", ...day);
    fs.mkdirSync(sessions, { recursive: true });
    const resetsAt = Math.floor(Date.now() / 1000) + 2 * 3600;
    const snapshot = { timestamp: new Date().toISOString(), type: "event_msg", payload: { type: "token_count", info: null,
      rate_limits: { primary: { used_percent: 82.0, window_minutes: 300, resets_at: resetsAt } } } };
    fs.writeFileSync(path.join(sessions, "rollout-e2e.jsonl"), `${JSON.stringify(snapshot)}\n`);
    app = await launchApp({ args: ["--hidden"], env: { HOME: home } });
  });
  after(async () => {
    await stopCore();
  });

  it("--hidden starts the core and its gateway, opens no window and exits 0", async () => {
    assert.equal(await exitOf(app.proc), 0, "the launcher exits once the core runs");
    assert.ok(corePid(), "the core runs");
    const res = await chat(app.base, app.token, "hello to a tray-only start");
    assert.equal(res.status, 200, await res.clone().text());
    await res.json();
    assert.equal(windowPid(), null, "no window process");
    assert.equal(webProcesses().length, 0, "no web process");
  });

  it("the tray item is on the session bus; its Open starts the window", async () => {
    const name = trayName(corePid());
    assert.ok(name, "no org.kde.StatusNotifierItem-PID-N name on the session bus");
    assert.deepEqual(trayMenu(name).map((i) => i.label),
      ["Open Switchyard", "Run readiness checks", "Check for updates", "Pause gateway", "Quit"]);
    await until(() => /^Codex 5-hour 82% \(resets in (2 h 0 m|1 h 5\d m)\)$/m.test(trayTooltip(name)),
      `the tooltip does not show the nearest limit: ${JSON.stringify(trayTooltip(name))}`, 25000);
    assert.match(trayTooltip(name), /^Switchyard: (healthy|unknown|degraded)\n/);
    clickTray(name, "Open Switchyard");
    await waitForWindow();
    assert.ok(windowPid(), "a window process");
    await until(() => webProcesses().length > 0, "the window has no web process");
  });

  it("the tray's Pause answers 503 until Resume", async () => {
    const name = trayName(corePid());
    clickTray(name, "Pause gateway");
    await until(async () => (await chat(app.base, app.token, "paused?")).status === 503, "Pause did not pause the gateway");
    await until(() => trayMenu(name).some((i) => i.label === "Resume gateway"), "the menu did not offer Resume");
    clickTray(name, "Resume gateway");
    await until(async () => (await chat(app.base, app.token, "resumed?")).status === 200, "Resume did not resume the gateway");
  });

  it("the tray's Quit drains the requests in flight, records every answered one and ends both processes", async () => {
    const core = corePid();
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
    clickTray(trayName(core), "Quit");
    const bodies = await Promise.all(streams.map((s) => s.text()));
    for (const [i, body] of bodies.entries()) {
      assert.match(body, /data: \[DONE\]\s*$/, `stream ${i} was cut by the shutdown instead of drained:\n${body.slice(-300)}`);
      ids.push(streams[i].headers.get("x-switchyard-request-id"));
    }
    await until(() => corePid() === null, "the core is still running after Quit", 15000);
    await until(() => windowPid() === null, "the window stayed open after Quit", 5000);
    await waitForWindow({ gone: true });
    const log = fs.readdirSync(path.join(app.dataDir, "logs")).map((f) => fs.readFileSync(path.join(app.dataDir, "logs", f), "utf8")).join("");
    assert.match(log, /core shut down; exiting/, "the core ended through its clean shutdown");
    const rows = JSON.parse(execFileSync(appBinary, ["requests", "--limit", "1000", "--json"], {
      env: app.env, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"],
    }));
    const recorded = new Map(rows.map((r) => [r.id, r]));
    for (const id of ids) {
      assert.ok(id, "every answer names its request id");
      assert.ok(recorded.has(id), `request ${id} is missing from the ledger (${rows.length} rows)`);
    }
  });

  it("one core per data folder; SIGTERM to it is the same clean Quit: exit code 0", async () => {
    const core = spawn(coreBinary, [], { stdio: "ignore", env: app.env });
    await until(async () => (await fetch(`${app.base}/v1/models`, { headers: { authorization: `Bearer ${app.token}` } }).catch(() => null))?.ok,
      "the core's gateway did not come up", 15000);
    assert.equal(Number(fs.readFileSync(path.join(app.dataDir, "core.lock"), "utf8")), core.pid, "the lock names its holder");
    const second = spawn(coreBinary, [], { stdio: "ignore", env: app.env });
    assert.equal(await exitOf(second), 0, "a second core on the same data folder exits 0 at once");
    assert.equal(corePid(), core.pid, "the first core still runs");
    core.kill("SIGTERM");
    assert.equal(await exitOf(core), 0);
  });
});
