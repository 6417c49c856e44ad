// The Tools page in the real app window, in a private HOME with a `claude` program on PATH and the
// user's own ~/.claude/settings.json: Connect points Claude Code at this gateway with its own token
// (keeping the user's hooks and permissions), a request with that token shows up on the card as
// today's usage, Disconnect puts the file back byte for byte; and "Find keys on this machine"
// shows a key left in ~/.bashrc masked only.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { answerFileDialog, artifacts, byTestId, gatewayOpenaiUrl, innerText, root, startApp } from "./harness.js";

const CLAUDE_SETTINGS = `{
  "$schema": "https://json.schemastore.org/claude-code-settings.json",
  "permissions": {
    "allow": ["Bash(npm run test:*)", "Read(~/.zshrc)"],
    "deny": ["Read(./.env)"]
  },
  "hooks": {
    "PostToolUse": [
      {
        "matcher": "Edit|Write",
        "hooks": [{ "type": "command", "command": "npx prettier --write \\"$CLAUDE_FILE_PATHS\\"" }]
      }
    ]
  },
  "includeCoAuthoredBy": false
}
`;

/** A fake OpenAI key nobody has: 48 characters after the prefix. */
const CANARY = `sk-proj-${crypto.randomBytes(24).toString("hex")}`;

/**
 * A bin folder with a `claude` program: the real Claude Code from tests/clis when `npm ci` ran
 * there, else a stand-in that answers `--version` the way it does.
 */
function claudeBin(dir) {
  const bin = path.join(dir, "bin");
  fs.mkdirSync(bin);
  const real = path.join(root, "tests/clis/node_modules/.bin/claude");
  if (fs.existsSync(real)) {
    fs.symlinkSync(fs.realpathSync(real), path.join(bin, "claude"));
  } else {
    fs.writeFileSync(path.join(bin, "claude"), '#!/bin/sh\necho "2.1.197 (Claude Code)"\n', { mode: 0o755 });
  }
  const out = execFileSync(path.join(bin, "claude"), ["--version"], { encoding: "utf8", env: { ...process.env, HOME: dir } });
  return { bin, version: out.match(/\d+\.\d+\.\d+/)?.[0] };
}

describe("Tools page in the real app window", () => {
  let app;
  let b;
  let tmp;
  let home;
  let version;
  let settingsPath;
  let gatewayRoot;
  let env;

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "switchyard-e2e-tools-"));
    home = path.join(tmp, "home");
    fs.mkdirSync(path.join(home, ".claude"), { recursive: true });
    settingsPath = path.join(home, ".claude/settings.json");
    fs.writeFileSync(settingsPath, CLAUDE_SETTINGS);
    fs.writeFileSync(path.join(home, ".bashrc"), `# ~/.bashrc\nalias ll='ls -l'\nexport OPENAI_API_KEY=${CANARY}\n`);
    const claude = claudeBin(tmp);
    version = claude.version;
    app = await startApp({ env: { HOME: home, PATH: `${claude.bin}${path.delimiter}${process.env.PATH}` } });
    b = app.browser;
    gatewayRoot = (await gatewayOpenaiUrl(b)).replace(/\/v1$/, "");
  });
  after(async () => {
    await app?.stop();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  const card = byTestId("tool-claude-code");
  const cardState = () => b.execute((s) => document.querySelector(s)?.dataset.state ?? null, card);

  it("shows Claude Code installed, with its version, and not connected", async () => {
    await (await b.$(byTestId("nav-tools"))).click();
    await (await b.$(byTestId("page-tools"))).waitForDisplayed({ timeout: 5000 });
    await (await b.$(card)).waitForExist({ timeout: 15000, timeoutMsg: "no Claude Code card" });
    assert.equal(await innerText(b, byTestId("tool-installed-claude-code")), `Installed · ${version}`);
    assert.equal(await cardState(), "notConnected");
    assert.equal(await innerText(b, byTestId("tool-files-claude-code")), "~/.claude/settings.json");
    assert.equal(await innerText(b, byTestId("tool-requests-claude-code")), "0 requests today");
    assert.equal(await b.$(byTestId("tool-disconnect-claude-code")).isExisting(), false, "nothing to disconnect yet");
  });

  it("connects Claude Code: its settings point at this gateway with a token, the hooks and permissions stay", async () => {
    await (await b.$(byTestId("tool-connect-claude-code"))).click();
    await b.waitUntil(async () => (await cardState()) === "connected", { timeout: 15000, timeoutMsg: "the card never showed connected" });
    const result = await innerText(b, byTestId("tool-result-claude-code"));
    assert.match(result, /Connected with token “claude-code”/);
    assert.match(result, /~\/\.claude\/settings\.json/);

    const before = JSON.parse(CLAUDE_SETTINGS);
    const after = JSON.parse(fs.readFileSync(settingsPath, "utf8"));
    env = after.env;
    assert.equal(env.ANTHROPIC_BASE_URL, gatewayRoot, "Claude Code talks to this app's gateway");
    assert.match(env.ANTHROPIC_AUTH_TOKEN, /^sy-[0-9a-f]{64}$/);
    assert.deepEqual(after.hooks, before.hooks, "the user's hooks are kept");
    assert.deepEqual(after.permissions, before.permissions, "the user's permissions are kept");
    assert.equal(after.includeCoAuthoredBy, false);
    assert.equal(await innerText(b, byTestId("tool-token-claude-code")), "claude-code");
    assert.ok(!(await b.execute(() => document.body.innerText)).includes(env.ANTHROPIC_AUTH_TOKEN), "the token is never shown");
  });

  it("counts a request sent with Claude Code's token on its card", async () => {
    const res = await fetch(`${env.ANTHROPIC_BASE_URL}/v1/messages`, {
      method: "POST",
      headers: { authorization: `Bearer ${env.ANTHROPIC_AUTH_TOKEN}`, "anthropic-version": "2023-06-01", "content-type": "application/json" },
      body: JSON.stringify({ model: env.ANTHROPIC_MODEL ?? "demo-chat", max_tokens: 64, messages: [{ role: "user", content: "hello from the Tools page" }] }),
    });
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal((await res.json()).type, "message");
    const started = Date.now();
    let refreshed = false;
    await b.waitUntil(
      async () => {
        if (!refreshed && Date.now() - started > 6000) {
          // Normally the ledger's event reloads the card; a click proves the number either way.
          refreshed = true;
          await (await b.$(byTestId("tools-refresh"))).click();
        }
        return (await innerText(b, byTestId("tool-requests-claude-code"))) === "1 request today";
      },
      { timeout: 15000, interval: 300, timeoutMsg: "the card never showed the request" },
    );
    await b.saveScreenshot(path.join(artifacts, "tools.png"));
  });

  it("disconnects: the settings are back to their original bytes and the token no longer works", async () => {
    await (await b.$(byTestId("tool-disconnect-claude-code"))).click();
    await b.waitUntil(async () => (await cardState()) === "notConnected", { timeout: 15000, timeoutMsg: "the card never showed not connected" });
    assert.match(await innerText(b, byTestId("tool-result-claude-code")), /Disconnected · token “claude-code” revoked/);
    assert.equal(fs.readFileSync(settingsPath, "utf8"), CLAUDE_SETTINGS, "byte for byte");
    const res = await fetch(`${env.ANTHROPIC_BASE_URL}/v1/messages`, {
      method: "POST",
      headers: { authorization: `Bearer ${env.ANTHROPIC_AUTH_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "demo-chat", max_tokens: 8, messages: [{ role: "user", content: "hi" }] }),
    });
    assert.equal(res.status, 401, "the tool's token was revoked");
  });

  it("installs Claude Code's status line and removes it again", async () => {
    const button = byTestId("tool-statusline-claude-code");
    const installed = () => b.execute((s) => document.querySelector(s)?.dataset.installed ?? null, button);
    assert.equal(await innerText(b, button), "Install status line");
    await (await b.$(button)).click();
    await b.waitUntil(async () => (await installed()) === "true", { timeout: 15000, timeoutMsg: "the status line was not installed" });
    const statusLine = JSON.parse(fs.readFileSync(settingsPath, "utf8")).statusLine;
    assert.equal(statusLine?.type, "command");
    // The core's binary: it links no GUI library, so it starts in milliseconds after every turn.
    assert.match(statusLine.command, /switchyard-tray statusline$/);
    assert.deepEqual(JSON.parse(fs.readFileSync(settingsPath, "utf8")).hooks, JSON.parse(CLAUDE_SETTINGS).hooks);
    assert.equal(await innerText(b, button), "Remove status line");
    await (await b.$(button)).click();
    await b.waitUntil(async () => (await installed()) === "false", { timeout: 15000, timeoutMsg: "the status line was not removed" });
    assert.equal(fs.readFileSync(settingsPath, "utf8"), CLAUDE_SETTINGS, "byte for byte");
  });

  it("finds the key left in ~/.bashrc and shows it masked only", async () => {
    await (await b.$(byTestId("keys-scan"))).click();
    const row = await b.$(`[data-testid^="key-finding-"][data-variable="OPENAI_API_KEY"]`);
    await row.waitForExist({ timeout: 10000, timeoutMsg: "the key in ~/.bashrc was not found" });
    const text = await b.execute((el) => el.innerText, row);
    assert.match(text, /~\/\.bashrc:3/);
    assert.match(text, /OPENAI_API_KEY/);
    assert.match(text, /→ a new OpenAI backend at https:\/\/api\.openai\.com/, "where the key goes, said before the move");
    assert.equal(await row.getAttribute("data-in-keychain"), "false");
    assert.ok(await b.$(byTestId("key-move-0")).isExisting(), "a Move button per finding");
    const page = await b.execute(() => document.body.innerText);
    assert.ok(!page.includes(CANARY), "the key is never on the page");
    assert.ok(!page.includes(CANARY.slice(8, 40)), "not even most of it");
    assert.ok(page.includes(CANARY.slice(-4)), "the mask shows its last characters");
    assert.ok(fs.readFileSync(path.join(home, ".bashrc"), "utf8").includes(CANARY), "a scan changes nothing");
  });

  it("scans a .env file chosen in the native dialog too, and stops when it is removed", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "switchyard-e2e-sweep-"));
    const envFile = path.join(dir, "project.env");
    const key = `gsk_${crypto.randomBytes(20).toString("hex")}`;
    fs.writeFileSync(envFile, `# a project\nGROQ_API_KEY=${key}\n`);
    await (await b.$(byTestId("keys-file-browse"))).click();
    await answerFileDialog("Choose a .env file", envFile);
    const added = await b.$(byTestId("keys-extra-file"));
    await added.waitForExist({ timeout: 10000, timeoutMsg: "the chosen file is not listed" });
    assert.match(await b.execute((el) => el.innerText, added), /project\.env/);
    const row = `[data-testid^="key-finding-"][data-variable="GROQ_API_KEY"]`;
    await (await b.$(row)).waitForExist({ timeout: 10000, timeoutMsg: "the key in the chosen file was not found" });
    assert.match(await innerText(b, row), /project\.env:2/);
    assert.ok(!(await b.execute(() => document.body.innerText)).includes(key), "the key is never on the page");
    await (await b.$(`${byTestId("keys-extra-file")} button`)).click();
    await (await b.$(row)).waitForExist({ reverse: true, timeout: 10000, timeoutMsg: "the removed file is still scanned" });
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
