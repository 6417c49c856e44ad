// What the end-to-end tests look at besides the window's own pages: the real Secret Service
// (via libsecret's secret-tool), the files under a data folder, and the Gateway page's address
// and tokens; and adding a backend through its dialog. Re-exported by harness.js.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/** What the Secret Service holds for a keychain service name (via libsecret's secret-tool). */
export function keychainDump(service) {
  try {
    return execFileSync("secret-tool", ["search", "--all", "--unlock", "service", service], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (e) {
    return `${e.stdout ?? ""}${e.stderr ?? ""}`;
  }
}

/** Removes every entry filed under `service`, so test runs leave the keyring clean. */
export function keychainClear(service) {
  try {
    execFileSync("secret-tool", ["clear", "service", service], { stdio: "ignore" });
  } catch {
    // nothing to clear
  }
}

/** Paths of files under `dir` whose bytes contain `needle`. */
export function filesContaining(dir, needle) {
  const hits = [];
  const walk = (d) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      // Regular files only: the core's socket (core.sock) cannot be read.
      else if (entry.isFile() && fs.readFileSync(p).includes(Buffer.from(needle))) hits.push(p);
    }
  };
  walk(dir);
  return hits;
}

/** Every file under `dir` (to prove the data folder was really written to). */
export function listFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.isFile()) out.push(path.relative(dir, p));
    }
  };
  walk(dir);
  return out;
}

export const byTestId = (id) => `[data-testid="${id}"]`;

/**
 * What an element renders, trimmed, or null when it is absent. WebKitWebDriver's Get Element Text
 * answers "" for some cells; innerText is what the user sees.
 */
export const innerText = (browser, sel) => browser.execute((s) => document.querySelector(s)?.innerText?.trim() ?? null, sel);

/** Opens the Gateway page and reads the OpenAI-shaped base URL it shows. */
export async function gatewayOpenaiUrl(browser) {
  await (await browser.$(byTestId("nav-gateway"))).click();
  await (await browser.$(byTestId("page-gateway"))).waitForDisplayed({ timeout: 5000 });
  const sel = byTestId("gateway-openai-url");
  await browser.waitUntil(async () => /^http:\/\/127\.0\.0\.1:\d+\/v1$/.test((await innerText(browser, sel)) ?? ""), {
    timeout: 5000, timeoutMsg: "no OpenAI-shaped base URL shown",
  });
  return innerText(browser, sel);
}

/** Creates a gateway token on the Gateway page (which must be open) and returns its value. */
export async function createGatewayToken(browser, name) {
  await (await browser.$(byTestId("create-token"))).click();
  await (await browser.$(byTestId("field-token-name"))).setValue(name);
  await (await browser.$(byTestId("save-token"))).click();
  const value = await browser.$(byTestId("new-token-value"));
  await value.waitForExist({ timeout: 5000 });
  const token = (await value.getValue()) || (await innerText(browser, byTestId("new-token-value")));
  await browser.keys("Escape");
  await (await browser.$(byTestId("token-dialog"))).waitForExist({ reverse: true, timeout: 5000 });
  return token;
}

/** The backend dialog's text inputs, in the order a user fills them in. */
const BACKEND_INPUTS = [
  ["name", "field-name"],
  ["baseUrl", "field-base-url"],
  ["defaultModel", "field-default-model"],
  ["keyLabel", "field-key-label"],
  ["keyValue", "field-key-value"],
];

/**
 * Adds a backend on the Backends page (which must be open): picks `kind` as the dialog lists it,
 * types each field given, saves, and waits for the dialog to close (else fails with `timeoutMsg`).
 */
export async function addBackend(browser, { kind, ...fields }, timeoutMsg = "the backend dialog did not close after saving") {
  await (await browser.$(byTestId("add-backend"))).click();
  const dialog = await browser.$(byTestId("backend-dialog"));
  await dialog.waitForDisplayed({ timeout: 5000 });
  await (await browser.$(byTestId("field-kind"))).selectByVisibleText(kind);
  for (const [field, testid] of BACKEND_INPUTS) {
    if (fields[field] !== undefined) await (await browser.$(byTestId(testid))).setValue(fields[field]);
  }
  await (await browser.$(byTestId("save-backend"))).click();
  await dialog.waitForDisplayed({ reverse: true, timeout: 5000, timeoutMsg });
}
