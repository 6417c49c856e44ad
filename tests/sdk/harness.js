// Shared plumbing for the SDK suite: the headless gateway (`switchyard-serve`, no GUI libraries)
// on a random port with a throw-away data folder and keychain service name. On a fresh data folder
// the built-in Demo backend (a mock provider on loopback) is enabled, so no provider key is needed.
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export const root = path.resolve(import.meta.dirname, "../..");
export const serveBinary = path.join(root, "target/debug/switchyard-serve");

const START_TIMEOUT_MS = 20000;
const STOP_TIMEOUT_MS = 5000;

// A developer's real provider settings must reach neither the gateway (or its import scan) nor
// the SDK clients in this process (they read OPENAI_* / ANTHROPIC_* when an option is missing).
const PROVIDER_VARS = [
  "GEMINI_API_KEY", "GOOGLE_API_KEY", "MISTRAL_API_KEY", "GROQ_API_KEY", "OPENROUTER_API_KEY",
  "OLLAMA_HOST",
];
const isProviderVar = (name) => /^(OPENAI|ANTHROPIC)_/.test(name) || PROVIDER_VARS.includes(name);

/** Removes provider variables from `env` in place and returns it. */
export function scrubProviderEnv(env) {
  for (const name of Object.keys(env)) if (isProviderVar(name)) delete env[name];
  return env;
}

const stripAnsi = (s) => s.replace(/\x1b\[[0-9;]*m/g, "");

/**
 * Creates a gateway token with `switchyard-serve token create`, then starts `switchyard-serve`
 * (= `serve`) and resolves once it prints its listening line.
 */
export async function startGateway() {
  if (!fs.existsSync(serveBinary)) {
    throw new Error(`${serveBinary} is missing: run cargo build -p switchyard-app --bin switchyard-serve`);
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "switchyard-sdk-data-"));
  const env = {
    ...scrubProviderEnv({ ...process.env }),
    SWITCHYARD_DATA_DIR: dataDir,
    SWITCHYARD_KEYRING_SERVICE: `switchyard-sdk-test-${process.pid}`,
    SWITCHYARD_GATEWAY_PORT: "0",
    NO_COLOR: "1",
  };
  // The Demo backend is on loopback; a developer's HTTP(S)_PROXY / ALL_PROXY would otherwise
  // route the gateway's calls to it through the proxy (reqwest does not exempt loopback).
  for (const name of ["NO_PROXY", "no_proxy"]) {
    env[name] = [env[name], "127.0.0.1,localhost,::1"].filter(Boolean).join(",");
  }

  // The token is printed once, alone on stdout; the notice goes to stderr.
  let token;
  try {
    const out = execFileSync(serveBinary, ["token", "create", "sdk-tests"], {
      env, encoding: "utf8", timeout: START_TIMEOUT_MS, stdio: ["ignore", "pipe", "pipe"],
    });
    token = out.match(/^(sy-[0-9a-f]+)\s*$/m)?.[1];
    if (!token) throw new Error(`no token in its output: ${JSON.stringify(out)}`);
  } catch (e) {
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw new Error(`switchyard-serve token create failed: ${e.message}\n${stripAnsi(String(e.stderr ?? ""))}`);
  }

  const proc = spawn(serveBinary, [], { env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  proc.stdout.setEncoding("utf8").on("data", (d) => { stdout += d; });
  proc.stderr.setEncoding("utf8").on("data", (d) => { stderr += d; });
  const exited = new Promise((resolve) => proc.on("exit", (code, signal) => resolve({ code, signal })));

  let origin;
  try {
    origin = await new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no "listening" line within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
      const check = () => {
        const m = stdout.match(/Switchyard gateway listening on (http:\/\/127\.0\.0\.1:\d+)/);
        if (m) { clearTimeout(timer); resolve(m[1]); }
      };
      proc.stdout.on("data", check);
      proc.on("error", (e) => { clearTimeout(timer); reject(e); });
      exited.then(({ code, signal }) => {
        clearTimeout(timer);
        reject(new Error(`exited early (code ${code}, signal ${signal})`));
      });
      check();
    });
  } catch (e) {
    proc.kill("SIGKILL");
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw new Error(`switchyard-serve did not start: ${e.message}\n--- stdout\n${stdout}--- stderr\n${stripAnsi(stderr)}`);
  }

  return {
    token,
    dataDir,
    origin,
    /** base URL for OpenAI-shaped clients */
    openaiBase: `${origin}/v1`,
    /** base URL for Anthropic-shaped clients */
    anthropicBase: origin,
    stderr: () => stripAnsi(stderr),
    /** SIGTERM, wait for a graceful exit (SIGKILL after a timeout), remove the data folder. */
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGTERM");
      const timeout = new Promise((resolve) => setTimeout(() => resolve(null), STOP_TIMEOUT_MS).unref());
      let result = await Promise.race([exited, timeout]);
      if (!result) {
        proc.kill("SIGKILL");
        result = { ...(await exited), killed: true };
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
      return { ...result, stdout, stderr: stripAnsi(stderr) };
    },
  };
}
