// What the browser-panel suites share: `switchyard serve --ui` on a data folder, keychain service
// and HOME of its own; `switchyard` run on the same; a panel token once the serving process
// knows it; Debian's Chromium, headless (playwright-core).
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";
import { appBinary, keychainClear, privateHome } from "./harness.js";

/** A served Switchyard's environment (`name` tells its folder and keychain service apart). */
export function servedEnv(name, extra = {}) {
  return {
    ...process.env,
    SWITCHYARD_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), `switchyard-${name}-`)),
    SWITCHYARD_KEYRING_SERVICE: `switchyard-${name}-${process.pid}`,
    SWITCHYARD_GATEWAY_PORT: "0",
    SWITCHYARD_NO_UPDATE_CHECK: "1",
    HOME: privateHome(),
    ...extra,
  };
}

/** `switchyard ARGS…` on `env`'s data folder and keychain; its output. */
export function cliOn(env) {
  return (...args) => {
    const out = spawnSync(appBinary, args, { env, encoding: "utf8" });
    assert.equal(out.status, 0, `switchyard ${args.join(" ")}: ${out.stderr}`);
    return out.stdout.trim();
  };
}

/** `switchyard serve --ui ARGS…` on `env`, once it printed where it is: the process, what it
 *  printed and the gateway's address (`127.0.0.1:PORT`). */
export async function startServe(env, args = []) {
  const serve = spawn(appBinary, ["serve", "--ui", ...args], { env, stdio: ["ignore", "pipe", "inherit"] });
  const printed = await new Promise((resolve, reject) => {
    let text = "";
    serve.stdout.on("data", (d) => {
      text += d;
      if (text.includes("\n  data: ")) resolve(text);
    });
    serve.on("exit", (code) => reject(new Error(`serve --ui exited with ${code}: ${text}`)));
  });
  const addr = printed.match(/listening on http:\/\/([\d.:]+)/)[1];
  return { serve, printed, addr };
}

/** Stops `serve` and removes what its environment made. */
export async function stopServe(serve, env) {
  serve?.kill("SIGTERM");
  await new Promise((r) => (serve?.exitCode === null ? serve.once("exit", r) : r()));
  keychainClear(env.SWITCHYARD_KEYRING_SERVICE);
  fs.rmSync(env.SWITCHYARD_DATA_DIR, { recursive: true, force: true });
}

/** `switchyard token create ARGS…` once the process serving `addr` knows it: it hears of tokens
 *  made by another process within a second, calling them unknown (401) until then. */
export async function knownToken(cli, addr, ...args) {
  const value = cli("token", "create", ...args);
  const deadline = Date.now() + 10000;
  while ((await fetch(`http://${addr}/v1/models`, { headers: { authorization: `Bearer ${value}` } })).status === 401) {
    assert.ok(Date.now() < deadline, "the new token became known within 10 s");
    await new Promise((r) => setTimeout(r, 100));
  }
  return value;
}

/** Debian's Chromium, headless, quiet (no background traffic), with `args` too. */
export function launchChromium(args = []) {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", ...args],
  });
}
