// Plumbing for the CLI suite: a private home per CLI run, the CLIs' configuration, a bounded
// run that kills the whole process group on timeout, and the Claude Code capture server. The
// programs are the pinned ones in node_modules here, or those in SWITCHYARD_CLIS_DIR (`./dev compat`).
import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { noProxyForLoopback, scrubProviderEnv, stripAnsi } from "../sdk/harness.js";
import { recording } from "../sdk/record.js";
import { keepUsageLogs } from "./keep-logs.js";

/**
 * Where the agents' npm packages are: this folder's pinned node_modules, or (`./dev compat`) a
 * folder of the newest published versions outside the repository (SWITCHYARD_CLIS_DIR).
 */
const DIR = process.env.SWITCHYARD_CLIS_DIR ?? import.meta.dirname;
const BIN = path.join(DIR, "node_modules/.bin");
export const CLAUDE = path.join(BIN, "claude");
export const CODEX = path.join(BIN, "codex");
export const GEMINI = path.join(BIN, "gemini");
/** opencode's Linux x64 binary from npm (its `opencode-ai` wrapper lists platforms the registry lacks). */
export const OPENCODE = path.join(DIR, "node_modules/opencode-linux-x64/bin/opencode");
/** Copilot CLI, Qwen Code and Pi from npm (their own launchers). */
export const COPILOT = path.join(BIN, "copilot");
export const QWEN = path.join(BIN, "qwen");
export const PI = path.join(BIN, "pi");
/** Kilo CLI's and Factory Droid's Linux x64 programs (their launchers' install scripts only copy these). */
export const KILO = path.join(DIR, "node_modules/@kilocode/cli-linux-x64/bin/kilo");
export const DROID = path.join(DIR, "node_modules/@factory/cli-linux-x64/bin/droid");
/** aider from PyPI, in a virtualenv `./dev` makes (tests/clis/.venv). */
export const AIDER = process.env.SWITCHYARD_AIDER ?? path.join(import.meta.dirname, ".venv/bin/aider");

/** Each program's connect id (what `./dev compat` files its recorded requests under). */
const AGENT_OF = new Map([
  [CLAUDE, "claude-code"], [CODEX, "codex"], [GEMINI, "gemini-cli"], [OPENCODE, "opencode"], [AIDER, "aider"],
  [COPILOT, "copilot-cli"], [QWEN, "qwen-code"], [PI, "pi"], [KILO, "kilo"], [DROID, "droid"],
]);

/** The agent `bin args` runs (a shell that execs one, as the Copilot test does, counts as it). */
function agentOf(bin, args) {
  if (AGENT_OF.has(bin)) return AGENT_OF.get(bin);
  for (const [program, id] of AGENT_OF) if (args.some((a) => String(a).includes(program))) return id;
  return null;
}

/** How long one CLI run may take. */
export const RUN_TIMEOUT_MS = 90000;

/**
 * A temp folder for the whole suite; `home(name)` makes a fresh HOME with a work folder in it.
 * Under `./dev compat` (SWITCHYARD_USAGE_LOGS_DIR) `remove()` first keeps the agents' own usage
 * records from those HOMEs, scrubbed (tests/clis/keep-logs.js: an allow-list of record files).
 */
export function scratch() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "switchyard-clis-"));
  let n = 0;
  return {
    dir,
    home(name) {
      const home = path.join(dir, `${String(++n).padStart(2, "0")}-${name}`);
      for (const sub of ["work", ".config", ".cache", ".local/share"]) fs.mkdirSync(path.join(home, sub), { recursive: true });
      return home;
    },
    remove() {
      const keep = process.env.SWITCHYARD_USAGE_LOGS_DIR;
      if (keep) {
        const suite = path.basename(process.argv[1] ?? "suite").replace(/\.test\.js$/, "");
        console.error(`keep-logs: ${keepUsageLogs(dir, keep, suite)} usage record files kept from ${dir}`);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Where the CLIs' own traffic to the internet goes: a closed port on loopback, so it fails at once
 * and never leaves the machine (Codex syncs plugins from github.com and chatgpt.com; without a
 * proxy it resolves those names first). The gateway on loopback is exempt (NO_PROXY).
 */
const DEAD_PROXY = "http://127.0.0.1:9";

/** The environment every CLI run starts from: no provider variables, a private home. */
export function baseEnv(home) {
  const env = { ...scrubProviderEnv({ ...process.env }) };
  for (const name of ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy"]) delete env[name];
  return noProxyForLoopback({
    ...env,
    HTTPS_PROXY: DEAD_PROXY,
    HTTP_PROXY: DEAD_PROXY,
    ALL_PROXY: DEAD_PROXY,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, ".config"),
    XDG_CACHE_HOME: path.join(home, ".cache"),
    XDG_DATA_HOME: path.join(home, ".local/share"),
    NO_COLOR: "1",
    CI: "1",
  });
}

/**
 * Runs `bin args` in `home`/work with stdin closed, at most `timeout` ms (then the whole process
 * group is killed). Resolves with { code, signal, stdout, stderr, ms, timedOut }.
 */
export function run(bin, args, { env, cwd, timeout = RUN_TIMEOUT_MS }) {
  const started = Date.now();
  // Under `./dev compat` the recording hop files what this program sends under its name.
  recording.agent = agentOf(bin, args);
  const done = (r) => { recording.agent = null; return r; };
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { env, cwd, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.setEncoding("utf8").on("data", (d) => { stdout += d; });
    child.stderr.setEncoding("utf8").on("data", (d) => { stderr += d; });
    const timer = setTimeout(() => {
      timedOut = true;
      try { process.kill(-child.pid, "SIGKILL"); } catch { /* already gone */ }
    }, timeout);
    child.on("error", (e) => { clearTimeout(timer); done(null); reject(e); });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      // Leave no helper (a CLI's sandbox or shell) behind.
      try { process.kill(-child.pid, "SIGKILL"); } catch { /* already gone */ }
      resolve(done({ code, signal, stdout, stderr: stripAnsi(stderr), ms: Date.now() - started, timedOut }));
    });
  });
}

/** What a failed assertion about a run should show. */
export function describeRun(name, r) {
  const cut = (s) => (s.length > 6000 ? `${s.slice(0, 3000)}\n…\n${s.slice(-3000)}` : s);
  return `${name}: exit ${r.code}${r.signal ? `/${r.signal}` : ""}${r.timedOut ? " (timed out)" : ""} after ${r.ms} ms\n` +
    `--- stdout\n${cut(r.stdout)}\n--- stderr\n${cut(r.stderr)}`;
}

/** Claude Code against `baseUrl` with `token`, in `home`. */
export function claudeEnv(home, baseUrl, token) {
  return {
    ...baseEnv(home),
    ANTHROPIC_BASE_URL: baseUrl,
    ANTHROPIC_AUTH_TOKEN: token,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    DISABLE_TELEMETRY: "1",
    DISABLE_AUTOUPDATER: "1",
    CLAUDE_CODE_MAX_RETRIES: "1",
  };
}

/** Codex with a `switchyard` provider at `baseUrl` (…/v1) and `model`, in `home`. */
export function codexEnv(home, baseUrl, token, model) {
  const codexHome = path.join(home, ".codex");
  fs.mkdirSync(codexHome, { recursive: true });
  fs.writeFileSync(path.join(codexHome, "config.toml"), [
    `model = ${JSON.stringify(model)}`,
    'model_provider = "switchyard"',
    "",
    "[model_providers.switchyard]",
    'name = "Switchyard"',
    `base_url = ${JSON.stringify(baseUrl)}`,
    'wire_api = "responses"',
    'env_key = "SWITCHYARD_TOKEN"',
    "request_max_retries = 1",
    "stream_max_retries = 1",
    "",
  ].join("\n"));
  return { ...baseEnv(home), CODEX_HOME: codexHome, SWITCHYARD_TOKEN: token };
}

/** Gemini CLI with API-key auth against `baseUrl` (the gateway root), in `home`. */
export function geminiEnv(home, baseUrl, token) {
  const dir = path.join(home, ".gemini");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "settings.json"), JSON.stringify({
    security: { auth: { selectedType: "gemini-api-key" } },
    general: { disableAutoUpdate: true, disableUpdateNag: true },
    privacy: { usageStatisticsEnabled: false },
  }, null, 2));
  return {
    ...baseEnv(home),
    GOOGLE_GEMINI_BASE_URL: baseUrl,
    GEMINI_API_KEY: token,
    GEMINI_CLI_TRUST_WORKSPACE: "true",
  };
}

/**
 * A capture server on 127.0.0.1: records the body of every POST /v1/messages and answers a
 * minimal valid Anthropic answer (a stream when asked for one), as in /tmp/capture's report.
 */
export async function startCapture() {
  const bodies = [];
  const server = http.createServer((req, res) => {
    let data = "";
    req.setEncoding("utf8");
    req.on("data", (d) => { data += d; });
    req.on("end", () => {
      if (req.method !== "POST" || !req.url.startsWith("/v1/messages") || req.url.startsWith("/v1/messages/")) {
        res.writeHead(404, { "content-type": "application/json" });
        res.end(JSON.stringify({ type: "error", error: { type: "not_found_error", message: "capture: not here" } }));
        return;
      }
      let body;
      try { body = JSON.parse(data); } catch { body = null; }
      bodies.push({ url: req.url, headers: req.headers, body });
      const message = {
        id: "msg_capture", type: "message", role: "assistant", model: body?.model ?? "claude-sonnet-4-5",
        content: [{ type: "text", text: "Captured." }], stop_reason: "end_turn", stop_sequence: null,
        usage: { input_tokens: 10, output_tokens: 2 },
      };
      if (!body?.stream) {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(message));
        return;
      }
      const ev = (type, payload) => `event: ${type}\ndata: ${JSON.stringify({ type, ...payload })}\n\n`;
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      res.end([
        ev("message_start", { message: { ...message, content: [], stop_reason: null, usage: { input_tokens: 10, output_tokens: 1 } } }),
        ev("content_block_start", { index: 0, content_block: { type: "text", text: "" } }),
        ev("content_block_delta", { index: 0, delta: { type: "text_delta", text: "Captured." } }),
        ev("content_block_stop", { index: 0 }),
        ev("message_delta", { delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: 2 } }),
        ev("message_stop", {}),
      ].join(""));
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    bodies,
    stop: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** Parses an SSE body into [{event, data}] (data parsed as JSON). */
export function parseSse(text) {
  return text.split(/\r?\n\r?\n/).map((frame) => frame.trim()).filter(Boolean).map((frame) => {
    let event = null;
    const data = [];
    for (const line of frame.split(/\r?\n/)) {
      if (line.startsWith("event:")) event = line.slice(6).trim();
      else if (line.startsWith("data:")) data.push(line.slice(5).trimStart());
    }
    let parsed = null;
    try { parsed = data.length ? JSON.parse(data.join("\n")) : null; } catch { parsed = { unparsed: data.join("\n") }; }
    return { event, data: parsed };
  });
}
