// Shared plumbing for the SDK suite (and the CLI suite in tests/clis, which imports this file):
// the headless gateway (`switchyard-serve`, no GUI libraries) on a random port with a throw-away
// data folder and keychain service name, and the mock provider (`switchyard-mock`), which speaks
// every provider format on one port. On a fresh data folder the built-in Demo backend (a mock
// provider inside the gateway) is enabled, so the Demo-only tests need no provider key and no
// keychain; backends added with `backend add --key-stdin` keep their (dummy) key in the OS
// keychain, so those tests run inside `./dev`'s test session (private D-Bus, unlocked keyring).
import assert from "node:assert/strict";
import { after, before, describe } from "node:test";
import { execFile, execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { assertCost } from "./costs.js";

/** The repository (SWITCHYARD_ROOT when `./dev compat` runs a copy of these suites elsewhere). */
export const root = process.env.SWITCHYARD_ROOT ?? path.resolve(import.meta.dirname, "../..");
// SWITCHYARD_SERVE overrides it: `./dev platforms` points it at the Windows build run under Wine.
export const serveBinary = process.env.SWITCHYARD_SERVE ?? path.join(root, "target/debug/switchyard-serve");
export const mockBinary = path.join(root, "target/debug/switchyard-mock");

const START_TIMEOUT_MS = 20000;
/** The suites drive the Windows build under Wine (`./dev platforms` sets it). */
export const underWine = process.env.SWITCHYARD_WINE === "1" || serveBinary.endsWith(".exe");
/** How long a SIGTERM'd gateway has to exit cleanly. Under Wine the process outlives the core's
 *  own stop by seconds on a loaded machine (a CI run: the core stopped in 1.9 s, the .exe was
 *  still there at 5 s and was killed); the exit must still be a clean 0. */
const STOP_TIMEOUT_MS = underWine ? 15000 : 5000;
const COMMAND_TIMEOUT_MS = 20000;

/** The key the mock accepts (`--key`): proves the gateway sends the key from the keychain. */
export const MOCK_KEY = "sk-mock-switchyard-test-key";

// Must match BODY in crates/mock/src/text.rs.
export const DEMO_BODY =
  "This answer comes from the Switchyard demo backend, so no real model was called " +
  "and nothing left your machine. Add a provider key and pick a real backend to get genuine answers. " +
  "Streaming, usage counts and errors behave like the real APIs.";

/** The mock's deterministic reply to `prompt` (crates/mock/src/text.rs `Reply::for_prompt`). */
export function demoReply(prompt) {
  const collapsed = prompt.split(/\s+/).filter(Boolean).join(" ");
  if (!collapsed) return `Demo reply: ${DEMO_BODY}`;
  const chars = [...collapsed];
  const excerpt = chars.length > 60 ? `${chars.slice(0, 60).join("")}…` : collapsed;
  return `Demo reply to “${excerpt}”: ${DEMO_BODY}`;
}

/** The mock's answer to a tool result (crates/mock/src/script.rs rule 1). */
export function toolResultReply(output) {
  const collapsed = output.split(/\s+/).filter(Boolean).join(" ");
  return `Tool result: ${[...collapsed].slice(0, 300).join("")}`;
}

/** Words in `s`: the mock's token count. */
export const words = (s) => s.split(/\s+/).filter(Boolean).length;

// A developer's real provider settings must reach neither the gateway (or its import scan) nor
// the SDK clients or CLIs (they read OPENAI_* / ANTHROPIC_* / GEMINI_* / GOOGLE_* when an option
// is missing).
const PROVIDER_VARS = [
  "GEMINI_API_KEY", "GOOGLE_API_KEY", "GOOGLE_GEMINI_BASE_URL", "GOOGLE_CLOUD_PROJECT",
  "GOOGLE_APPLICATION_CREDENTIALS", "GOOGLE_GENAI_USE_VERTEXAI", "MISTRAL_API_KEY", "GROQ_API_KEY",
  "OPENROUTER_API_KEY", "OLLAMA_HOST", "CODEX_HOME", "CLAUDE_CONFIG_DIR",
];
const isProviderVar = (name) =>
  /^(OPENAI|ANTHROPIC|CLAUDE_CODE|CODEX|GEMINI)_/.test(name) || PROVIDER_VARS.includes(name);

/** Removes provider variables from `env` in place and returns it. */
export function scrubProviderEnv(env) {
  for (const name of Object.keys(env)) if (isProviderVar(name)) delete env[name];
  return env;
}

export const stripAnsi = (s) => s.replace(/\x1b\[[0-9;]*m/g, "");

/** `env` with loopback exempt from any proxy (reqwest and Node do not exempt it themselves). */
export function noProxyForLoopback(env) {
  for (const name of ["NO_PROXY", "no_proxy"]) {
    env[name] = [env[name], "127.0.0.1,localhost,::1"].filter(Boolean).join(",");
  }
  return env;
}

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

/** Spawns `bin args`, resolves with the first match of `re` on its stdout (group 1). */
export function spawnUntil(bin, args, env, re, what) {
  const proc = spawn(bin, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  const out = { stdout: "", stderr: "" };
  proc.stdout.setEncoding("utf8").on("data", (d) => { out.stdout += d; });
  proc.stderr.setEncoding("utf8").on("data", (d) => { out.stderr += d; });
  const exited = new Promise((resolve) => proc.on("exit", (code, signal) => resolve({ code, signal })));
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening" line within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    const check = () => {
      const m = out.stdout.match(re);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    };
    proc.stdout.on("data", check);
    proc.on("error", (e) => { clearTimeout(timer); reject(e); });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`exited early (code ${code}, signal ${signal})`));
    });
    check();
  }).catch((e) => {
    proc.kill("SIGKILL");
    throw new Error(`${what} did not start: ${e.message}\n--- stdout\n${out.stdout}--- stderr\n${stripAnsi(out.stderr)}`);
  });
  /** SIGTERM, wait for a graceful exit (SIGKILL after a timeout). */
  async function stop() {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGTERM");
    const timeout = new Promise((resolve) => setTimeout(() => resolve(null), STOP_TIMEOUT_MS).unref());
    let result = await Promise.race([exited, timeout]);
    if (!result) {
      proc.kill("SIGKILL");
      result = { ...(await exited), killed: true };
    }
    return { ...result, stdout: out.stdout, stderr: stripAnsi(out.stderr) };
  }
  return { proc, out, ready, stop };
}

/**
 * Starts `switchyard-mock` on a free port (instant replies, only `MOCK_KEY` accepted) and
 * resolves once it prints its listening line.
 */
export async function startMock() {
  if (!fs.existsSync(mockBinary)) {
    throw new Error(`${mockBinary} is missing: run cargo build -p switchyard-mock`);
  }
  const env = { ...scrubProviderEnv({ ...process.env }), NO_COLOR: "1" };
  const run = spawnUntil(mockBinary, ["--key", MOCK_KEY], env, /listening (http:\/\/127\.0\.0\.1:\d+)/, "switchyard-mock");
  const origin = await run.ready;
  return { origin, stop: run.stop, stderr: () => stripAnsi(run.out.stderr) };
}

/**
 * The mock-backed backends, one per provider format: name, kind, base URL and default model.
 * Model resolution picks them by family: `gpt-*` → OpenAI (Responses for Responses callers and for
 * the Responses-only gpt-5-codex, else Chat Completions), `claude-*` → Anthropic (Messages),
 * `gemini-*` → Gemini (native API); an OpenAI-compatible server serves only its default model
 * (compat-chat, Chat Completions for every caller, no price); `demo-*` stays on the built-in Demo
 * backend.
 */
export function mockBackends(mockOrigin) {
  return [
    { name: "OpenAI", kind: "openai", baseUrl: `${mockOrigin}/v1`, model: "gpt-4.1", key: MOCK_KEY },
    { name: "Anthropic", kind: "anthropic", baseUrl: mockOrigin, model: "claude-sonnet-4-5", key: MOCK_KEY },
    { name: "Gemini", kind: "gemini", baseUrl: `${mockOrigin}/v1beta`, model: "gemini-2.5-flash", key: MOCK_KEY },
    { name: "Compatible", kind: "openai-compatible", baseUrl: `${mockOrigin}/v1`, model: "compat-chat", key: MOCK_KEY },
  ];
}

/**
 * Every backend format a caller can be served in, as [label, model, backend name]: the Demo
 * backend (speaks the caller's own format), OpenAI (gpt-4.1: Chat Completions, or Responses for a
 * Responses caller), OpenAI Responses (gpt-5-codex, Responses-only, for every caller), Anthropic
 * Messages, Gemini's native API, and an OpenAI-compatible server (Chat Completions for every
 * caller, Responses callers included).
 */
export const FORMATS = [
  ["Demo", "demo-chat", "Demo"],
  ["OpenAI", "gpt-4.1", "OpenAI"],
  ["OpenAI Responses-only", "gpt-5-codex", "OpenAI"],
  ["Anthropic", "claude-sonnet-4-5", "Anthropic"],
  ["Gemini", "gemini-2.5-flash", "Gemini"],
  ["OpenAI-compatible", "compat-chat", "Compatible"],
];

export { DEMO_PRICE, assertCost, demoCost } from "./costs.js";

/**
 * Waits until the ledger has a 200 row of `inbound` for every model of FORMATS, and asserts
 * each was served by its backend with tokens and the right cost. Resolves with all rows read,
 * for further checks.
 */
export async function assertLedgerPerFormat(stack, inbound, tokenName) {
  const ok = (r, model) => r.inbound === inbound && r.requestedModel === model && r.status === 200;
  const rows = await stack.gw.waitForRequests(
    (rs) => FORMATS.every(([, model]) => rs.some((r) => ok(r, model))),
    { limit: 200 },
  );
  for (const [, model, backend] of FORMATS) {
    const row = rows.find((r) => ok(r, model));
    assert.ok(row, `no ${inbound} ledger row for ${model}: ${JSON.stringify(rows.slice(0, 5))}`);
    assert.equal(row.backend, backend);
    if (tokenName) assert.equal(row.tokenName, tokenName);
    assert.ok(row.inputTokens > 0 && row.outputTokens > 0, JSON.stringify(row));
    assertCost(row, backend);
  }
  return rows;
}

export function runCommand(env, args, input) {
  return new Promise((resolve, reject) => {
    const child = execFile(serveBinary, args, { env, encoding: "utf8", timeout: COMMAND_TIMEOUT_MS, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        if (err) {
          reject(new Error(`switchyard-serve ${args.join(" ")} failed (${err.code ?? err.signal}): ${err.message}\n--- stdout\n${stdout}--- stderr\n${stripAnsi(stderr)}`));
        } else {
          resolve({ stdout, stderr: stripAnsi(stderr) });
        }
      });
    // A command that exits before reading its input closes the pipe (EPIPE): its exit status and
    // output above are what count, so the write's failure is not an uncaught exception.
    child.stdin.on("error", () => {});
    child.stdin.end(input ?? "");
  });
}

/** Parses `requests --json`: a JSON array, or one JSON object per line. */
function parseRows(stdout) {
  const text = stdout.trim();
  if (!text) return [];
  if (text.startsWith("[")) return JSON.parse(text);
  return text.split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));
}

/**
 * Creates a gateway token with `switchyard-serve token create`, adds `backends` with
 * `switchyard-serve backend add … --key-stdin` (their keys go to the keychain: run inside a test
 * session), then starts `switchyard-serve` (= `serve`) and resolves once it prints its listening
 * line.
 */
export async function startGateway({ backends = [], tokenName = "sdk-tests" } = {}) {
  if (!fs.existsSync(serveBinary)) {
    throw new Error(`${serveBinary} is missing: run cargo build -p switchyard-cli --bin switchyard-serve`);
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "switchyard-sdk-data-"));
  const home = process.env.SWITCHYARD_TEST_HOME ?? path.join(dataDir, "home");
  fs.mkdirSync(home, { recursive: true });
  const env = noProxyForLoopback({
    ...scrubProviderEnv({ ...process.env }),
    SWITCHYARD_DATA_DIR: dataDir,
    SWITCHYARD_KEYRING_SERVICE: `switchyard-sdk-test-${process.pid}-${path.basename(dataDir)}`,
    SWITCHYARD_GATEWAY_PORT: "0",
    NO_COLOR: "1",
    // The gateway imports the coding tools' own records from HOME: a private one, never the
    // developer's, unless the suite names one (the CLI suite's usage test runs the tools there).
    HOME: home,
    // The tools keep some records under the XDG folders (opencode's database): the same ones
    // the tools in that HOME use, not the test session's.
    XDG_DATA_HOME: path.join(home, ".local/share"),
    XDG_CONFIG_HOME: path.join(home, ".config"),
  });

  // The token is printed once, alone on stdout; the notice goes to stderr.
  let token;
  const backendIds = {};
  try {
    const out = execFileSync(serveBinary, ["token", "create", tokenName], {
      env, encoding: "utf8", timeout: START_TIMEOUT_MS, stdio: ["ignore", "pipe", "pipe"],
    });
    token = out.match(/^(sy-[0-9a-f]+)\s*$/m)?.[1];
    if (!token) throw new Error(`no token in its output: ${JSON.stringify(out)}`);
    for (const b of backends) {
      const args = ["backend", "add", b.name, "--kind", b.kind, "--base-url", b.baseUrl];
      if (b.model) args.push("--model", b.model);
      if (b.rpm) args.push("--rpm", String(b.rpm));
      if (b.key) args.push("--key-stdin", "--key-label", "test");
      const { stdout } = await runCommand(env, args, b.key ? `${b.key}\n` : "");
      backendIds[b.name] = stdout.trim();
    }
  } catch (e) {
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw new Error(`switchyard-serve setup failed: ${e.message}\n${stripAnsi(String(e.stderr ?? ""))}`);
  }

  const listening = /Switchyard gateway listening on (http:\/\/127\.0\.0\.1:\d+)/;
  let run = spawnUntil(serveBinary, [], env, listening, "switchyard-serve");
  let origin;
  try {
    origin = await run.ready.catch(async (e) => {
      // Under Wine the launcher has, rarely (once in the runs so far, never natively), ended with
      // 1 before the program printed a byte: that once, start it again, and say so.
      if (!(underWine && run.out.stdout === "" && run.out.stderr === "" && /exited early \(code 1,/.test(e.message))) throw e;
      console.log("# switchyard-serve.exe ended with 1 before printing anything (Wine): starting it again");
      run = spawnUntil(serveBinary, [], env, listening, "switchyard-serve");
      return run.ready;
    });
  } catch (e) {
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw e;
  }

  // `./dev compat`: the agents reach the gateway through a recording hop (tests/sdk/record.js),
  // and the data folder's record names the hop's port, so `switchyard connect` points the tools
  // at it too (the hop passes the identity proof through: the gateway itself answers it).
  let recorder = null;
  if (process.env.SWITCHYARD_RECORD_DIR) {
    const { startRecorder } = await import("./record.js");
    recorder = await startRecorder(origin, process.env.SWITCHYARD_RECORD_DIR);
    const recordFile = path.join(dataDir, "gateway.json");
    const published = JSON.parse(fs.readFileSync(recordFile, "utf8"));
    fs.writeFileSync(recordFile, JSON.stringify({ ...published, port: recorder.port }));
    origin = recorder.origin;
  }

  return {
    token,
    dataDir,
    origin,
    env,
    backendIds,
    /** base URL for OpenAI-shaped clients */
    openaiBase: `${origin}/v1`,
    /** base URL for Anthropic-shaped (and Gemini-shaped) clients */
    anthropicBase: origin,
    stderr: () => stripAnsi(run.out.stderr),
    /** `switchyard-serve ARGS…` on the same data folder and keychain. */
    command: (...args) => runCommand(env, args),
    /** The newest `limit` ledger rows (`switchyard-serve requests --json`), newest first. */
    async requests(limit = 50) {
      const { stdout } = await runCommand(env, ["requests", "--limit", String(limit), "--json"]);
      return parseRows(stdout);
    },
    /**
     * Polls the ledger until `pred(rows)` holds (the writer batches for a few ms), returning the
     * rows; after `ms` returns the last rows read (the caller's assertion then shows them).
     */
    async waitForRequests(pred, { limit = 50, ms = 5000 } = {}) {
      const until = Date.now() + ms;
      for (;;) {
        const rows = await this.requests(limit);
        if (pred(rows) || Date.now() > until) return rows;
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    /** SIGTERM, wait for a graceful exit (SIGKILL after a timeout), remove the data folder. */
    async stop() {
      await recorder?.stop();
      const result = await run.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
      return result;
    },
  };
}

/** Starts the mock and a gateway with one mock-backed backend of each kind (plus Demo). */
export async function startStack({ tokenName } = {}) {
  const mock = await startMock();
  let gw;
  try {
    gw = await startGateway({ backends: mockBackends(mock.origin), tokenName });
  } catch (e) {
    await mock.stop();
    throw e;
  }
  return {
    mock,
    gw,
    async stop() {
      const exit = await gw.stop();
      await mock.stop();
      return exit;
    },
  };
}

/**
 * The stack for one describe block: started before its tests with a token named `tokenName`,
 * checked to exit cleanly after them. `suite.client` is `client(gw)`, an SDK pointed at it.
 */
export function stackSuite(tokenName, client) {
  const suite = { stack: null, client: null };
  before(async () => {
    suite.stack = await startStack({ tokenName });
    suite.client = client(suite.stack.gw);
  });
  after(async () => {
    if (!suite.stack) return;
    const exit = await suite.stack.stop();
    assert.equal(exit.code, 0, `the gateway exited with ${exit.code}/${exit.signal}\n${exit.stderr}`);
  });
  return suite;
}

/**
 * `tests(model, backend)` in a describe block per backend format (`rows`, FORMATS by default),
 * all at once: the requests are independent, and the Demo backend paces its replies.
 */
export function eachFormat(tests, { title = "every backend format at once", rows = FORMATS } = {}) {
  describe(title, { concurrency: true }, () => {
    for (const [label, model, backend] of rows) {
      describe(`${label} (${model})`, { concurrency: true }, () => tests(model, backend, label));
    }
  });
}
