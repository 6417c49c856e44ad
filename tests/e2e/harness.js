// Shared plumbing for the end-to-end suite: the real app binary under tauri-driver
// (WebKitWebDriver), a mock provider on 127.0.0.1, and checks against the real Secret Service
// and the data folder. Every app gets a throw-away data folder and keychain service name.
import { spawn, execFileSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { freePort } from "../sdk/harness.js";
import { keychainClear } from "./checks.js";
import { remote } from "webdriverio";
import { stillMotion } from "./page.js";

export const root = path.resolve(import.meta.dirname, "../..");
// The binaries cargo built: under CARGO_TARGET_DIR when the build used one.
const targetDir = process.env.CARGO_TARGET_DIR ? path.resolve(root, process.env.CARGO_TARGET_DIR) : path.join(root, "target");
export const appBinary = path.join(targetDir, "debug/switchyard");
/** The core process the window starts (gateway, monitor, tray): outlives the window. */
export const coreBinary = path.join(targetDir, "debug/switchyard-tray");
export const mockBinary = path.join(targetDir, "debug/switchyard-mock");
export const artifacts = path.join(root, "tests/artifacts");
export const fixtures = path.join(root, "tests/fixtures");

/** The fixture `name` (a `.env` file, kept as `NAME.env.txt` so the repository holds no `.env`
 *  file with keys, fake ones included) copied under its own name into a fresh folder. */
export function envFixture(name) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "switchyard-e2e-env-"));
  const file = path.join(dir, name);
  fs.copyFileSync(path.join(fixtures, `${name}.txt`), file);
  return file;
}
fs.mkdirSync(artifacts, { recursive: true });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));


async function waitForPort(port, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise((resolve) => {
      const s = net.connect(port, "127.0.0.1", () => { s.end(); resolve(true); });
      s.on("error", () => resolve(false));
    });
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`nothing listened on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

/** Whether a process runs exactly `binary` (not switchyard-mock, whose path starts the same). */
function running(binary) {
  try {
    execFileSync("pgrep", ["-f", `^${binary}( |$)`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/**
 * Waits until no process runs `binary`; after 1 s it is asked to quit (SIGTERM: the app's clean
 * Quit), after 8 s it is killed. An app that outlives its session would otherwise receive the
 * next test's launch through the single-instance hand-over, and that test would never get a
 * window. (WebKitWebDriver kills the app when the session ends, unless the app's inspector
 * connection closed first, which happens now and then: then only the webview is gone.)
 */
async function waitForExit(binary, timeoutMs = 8000, { askAfterMs = 1000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  const askAt = Date.now() + askAfterMs;
  let asked = false;
  while (Date.now() < deadline) {
    if (!running(binary)) return;
    if (!asked && Date.now() >= askAt) {
      asked = true;
      console.log(`# ${path.basename(binary)} outlived its session: asked to quit`);
      try {
        execFileSync("pkill", ["-TERM", "-f", `^${binary}( |$)`], { stdio: "ignore" });
      } catch {}
    }
    await sleep(100);
  }
  console.log(`# ${path.basename(binary)} outlived its session: killed`);
  try {
    execFileSync("pkill", ["-KILL", "-f", `^${binary}( |$)`], { stdio: "ignore" });
  } catch {}
  for (let i = 0; i < 50 && running(binary); i++) await sleep(100);
}

/**
 * Quits the core process the way the tray's Quit does (SIGTERM runs the same clean shutdown) and
 * waits until it is gone; killed after 12 s.
 */
export async function stopCore(binary = coreBinary) {
  try {
    execFileSync("pkill", ["-TERM", "-f", `^${binary}( |$)`], { stdio: "ignore" });
  } catch {
    return;
  }
  await waitForExit(binary, 12000, { askAfterMs: 0 });
}

/** Starts the mock provider binary; resolves with its base URL once it listens. */
export async function startMock(args = []) {
  const proc = spawn(mockBinary, args, { stdio: ["ignore", "pipe", "inherit"] });
  const url = await new Promise((resolve, reject) => {
    let buf = "";
    proc.stdout.on("data", (d) => {
      buf += d;
      const m = buf.match(/listening (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) resolve(m[1]);
    });
    proc.on("exit", (code) => reject(new Error(`mock provider exited with ${code}`)));
  });
  return { url, stop: () => proc.kill("SIGTERM") };
}

let sessionCount = 0;

/** The private HOMEs this run made, removed when the test process ends. */
const homes = [];
process.on("exit", () => {
  for (const h of homes) fs.rmSync(h, { recursive: true, force: true });
});

/** A fresh private HOME for an app under test (the coding tools' records are read there). */
export function privateHome() {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "switchyard-e2e-home-"));
  homes.push(home);
  return home;
}

const PROVIDER_VARS = [
  "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GEMINI_API_KEY", "GOOGLE_API_KEY", "MISTRAL_API_KEY",
  "GROQ_API_KEY", "OPENROUTER_API_KEY", "OLLAMA_HOST",
];

/**
 * Launches the real app window through tauri-driver and opens a WebDriver session on it. The
 * window starts its core process; `dataDir` and `service` attach it to an existing one instead.
 * On a loaded machine WebKitWebDriver can fail to open the window in time (the new-session
 * request times out): the launch is then stopped and tried once more, on the same data folder.
 */
export async function startApp(options = {}) {
  try {
    return await openSession(options);
  } catch (e) {
    if (!e.retry) throw e.cause ?? e;
    console.log(`# the WebDriver session did not open (${e.cause.message}): launching once more`);
    return openSession({ ...options, dataDir: e.retry.dataDir, service: e.retry.service });
  }
}

async function openSession({
  env = {}, dataDir: reuseDir, service: reuseService, application = appBinary, core = coreBinary,
} = {}) {
  sessionCount += 1;
  const dataDir = reuseDir ?? fs.mkdtempSync(path.join(os.tmpdir(), "switchyard-e2e-data-"));
  const service = reuseService ?? `switchyard-e2e-${process.pid}-${sessionCount}`;
  const port = await freePort();
  const nativePort = await freePort();
  const driverLog = fs.openSync(path.join(artifacts, `tauri-driver-${sessionCount}.log`), "w");
  const inherited = { ...process.env };
  // A developer's real keys must never reach the app under test (or its import scan).
  for (const name of PROVIDER_VARS) delete inherited[name];
  const driver = spawn("tauri-driver", ["--port", String(port), "--native-port", String(nativePort)], {
    stdio: ["ignore", driverLog, driverLog],
    env: {
      ...inherited,
      SWITCHYARD_DATA_DIR: dataDir,
      SWITCHYARD_KEYRING_SERVICE: service,
      // Any free port: tests never collide with a running Switchyard or each other.
      SWITCHYARD_GATEWAY_PORT: "0",
      // No start-up update check: nothing reads the network unasked (Settings' check is
      // tested against a release server on 127.0.0.1).
      SWITCHYARD_NO_UPDATE_CHECK: "1",
      // Every level on: the suite greps the logs for keys.
      RUST_LOG: "trace",
      // A private HOME: the app reads the coding tools' own records there, never the
      // developer's (a test that needs a HOME of its own passes one).
      HOME: privateHome(),
      // WebKit's own renderer choice, not the app's no-GPU memory saver: without DMABuf,
      // WebKitWebDriver's screenshots hang after a dialog closes (WebKitGTK 2.4x).
      WEBKIT_DISABLE_DMABUF_RENDERER: "0",
      ...env,
    },
  });
  await waitForPort(port);
  // tauri-driver proxies to WebKitWebDriver, which it starts itself; on a loaded machine that
  // can take a moment, and a session request before it listens fails with a socket error.
  await waitForPort(nativePort);
  const launched = Date.now();
  let browser;
  try {
    browser = await remote({
      hostname: "127.0.0.1",
      port,
      logLevel: "warn",
      connectionRetryCount: 0,
      capabilities: {
        "tauri:options": { application },
        "wdio:enforceWebDriverClassic": true,
      },
    });
  } catch (cause) {
    driver.kill("SIGTERM");
    await waitForExit(application);
    // Only a core this launch started is stopped; one the caller attached to stays.
    if (!reuseDir) await stopCore(core);
    const timedOut = /timeout|ECONNRESET|socket hang up/i.test(`${cause.code ?? ""} ${cause.message}`);
    throw Object.assign(new Error("no WebDriver session", { cause }), {
      retry: timedOut ? { dataDir, service } : null,
    });
  }
  await stillMotion(browser);
  return {
    browser,
    dataDir,
    service,
    launched,
    /** Ends the session; with `core` (the default) the core process too. */
    async stop({ core: withCore = true } = {}) {
      await browser.deleteSession().catch(() => {});
      driver.kill("SIGTERM");
      await sleep(300);
      // The app is single-instance: the next test's launch must not find this one still alive.
      await waitForExit(application);
      if (withCore) await stopCore(core);
    },
  };
}

/**
 * The app window for a suite's tests, and the mock provider first when `mock` gives its
 * arguments (`[]` for none); the other options go to `startApp`. `b` is the WebDriver session.
 */
export async function openApp({ mock: mockArgs = null, ...options } = {}) {
  const mock = mockArgs ? await startMock(mockArgs) : null;
  try {
    const app = await startApp(options);
    return { app, mock, b: app.browser };
  } catch (e) {
    mock?.stop();
    throw e;
  }
}

/** Stops what `openApp` started and clears the keychain entries the app made. */
export async function closeApp({ app, mock }) {
  await app?.stop();
  mock?.stop();
  if (app) keychainClear(app.service);
}

export { answerFileDialog } from "./dialogs.js";
export { pageReaders, press, showInFrame } from "./page.js";
export {
  addBackend, byTestId, createGatewayToken, filesContaining, gatewayOpenaiUrl, innerText, keychainClear, keychainDump, listFiles,
} from "./checks.js";


// ---- The app's lifecycle: its window, its process and its children (lifecycle.test.js) ----

const closeWindowScript = path.join(root, "scripts/x11-close-window.py");

function pidOf(binary) {
  try {
    const out = execFileSync("pgrep", ["-o", "-f", `^${binary}( |$)`], { encoding: "utf8" });
    return Number(out.trim()) || null;
  } catch {
    return null;
  }
}

/** The pid of the running window process (`switchyard`, not `switchyard-mock`), or null. */
export const windowPid = () => pidOf(appBinary);
/** The pid of the running core process (`switchyard-tray`), or null. */
export const corePid = () => pidOf(coreBinary);

/** The executable names of a process's children, e.g. WebKitWebProcess, WebKitNetworkProcess. */
export function childNames(pid) {
  let pids = [];
  try {
    pids = execFileSync("pgrep", ["-P", String(pid)], { encoding: "utf8" }).split("\n").filter(Boolean);
  } catch {
    return [];
  }
  return pids.flatMap((p) => {
    try {
      return [path.basename(fs.readFileSync(`/proc/${p}/cmdline`, "utf8").split("\0")[0])];
    } catch {
      return [];
    }
  });
}

/** The X11 id of the visible Switchyard window, or null. */
export function appWindow() {
  try {
    const out = execFileSync("xdotool", ["search", "--onlyvisible", "--name", "^Switchyard$"], {
      encoding: "utf8", stdio: ["ignore", "pipe", "ignore"],
    });
    return out.trim().split("\n")[0] || null;
  } catch {
    return null;
  }
}

/** Waits until the Switchyard window is on screen (resolves with its id), or with `gone` until it is not. */
export async function waitForWindow({ gone = false, timeoutMs = 15000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const id = appWindow();
    if (gone ? id === null : id !== null) return id;
    await sleep(100);
  }
  throw new Error(gone ? "the Switchyard window is still on screen" : "no Switchyard window appeared");
}

/** Closes the app's window the way its title bar's close button does (WM_DELETE_WINDOW). */
export async function closeAppWindow() {
  const id = await waitForWindow();
  execFileSync("python3", [closeWindowScript, id]);
  await waitForWindow({ gone: true });
}

/** Waits until `pred()` is true (polled every 100 ms); throws `message` after the timeout. */
export async function until(pred, message, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await pred()) return;
    await sleep(100);
  }
  throw new Error(message);
}

/** Points a WebDriver session at the app's window after it was created again (a new handle). */
export async function followNewWindow(browser, timeoutMs = 15000) {
  let handles = [];
  await until(async () => (handles = await browser.getWindowHandles().catch(() => [])).length > 0,
    "WebDriver never saw the new window", timeoutMs);
  await browser.switchToWindow(handles[0]);
}

/**
 * Starts the app the way a user does (no WebDriver), so the test sees its exit code: a throw-away
 * data folder and keychain service, the gateway on a free port, a gateway token made beforehand
 * with `switchyard token create`. Resolves once the gateway serves the Demo model.
 */
export async function launchApp({ args = [], env = {} } = {}) {
  sessionCount += 1;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "switchyard-e2e-data-"));
  const port = await freePort();
  const inherited = { ...process.env };
  for (const name of PROVIDER_VARS) delete inherited[name];
  const appEnv = {
    ...inherited,
    SWITCHYARD_DATA_DIR: dataDir,
    SWITCHYARD_KEYRING_SERVICE: `switchyard-e2e-${process.pid}-${sessionCount}`,
    SWITCHYARD_GATEWAY_PORT: String(port),
    SWITCHYARD_NO_UPDATE_CHECK: "1",
    // A private HOME (the coding tools' records are read there), unless the test gives one.
    HOME: privateHome(),
    ...env,
  };
  const token = execFileSync(appBinary, ["token", "create", "e2e-lifecycle"], { env: appEnv, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] })
    .split("\n")[0].trim();
  const log = fs.openSync(path.join(artifacts, `app-${sessionCount}.log`), "w");
  const proc = spawn(appBinary, args, { stdio: ["ignore", log, log], env: appEnv });
  const exited = new Promise((resolve) => proc.on("exit", (code, signal) => resolve(code ?? signal)));
  const base = `http://127.0.0.1:${port}`;
  await waitForPort(port);
  // The socket opens a moment before the backends are published (a request in that window
  // gets a 404 for demo-chat): wait until the gateway lists the Demo model.
  await until(async () => {
    const res = await fetch(`${base}/v1/models`, { headers: { authorization: `Bearer ${token}` } }).catch(() => null);
    return res?.ok && (await res.text()).includes("demo-chat");
  }, "the gateway never listed demo-chat", 15000);
  return { proc, exited, dataDir, env: appEnv, token, base };
}
