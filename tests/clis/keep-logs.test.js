// What `./dev compat` keeps of the agents' usage records (tests/clis/keep-logs.js) and turns
// into fixtures (scripts/compat-logs.mjs), checked as an attacker of the repository would look
// at it: a HOME full of credentials, keys and configs with the gateway token, of which only the
// allow-listed record files may come out, scrubbed. No agent program runs here.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { agentOfRecord, keepUsageLogs } from "./keep-logs.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const TOKEN = "sy-5f3a9c0e7b214d8aa1c2";
const KEY = "sk-ant-api03-realLookingKey_0123456789";

/** Every file under `dir`, relative to it, with its text. */
function tree(dir, rel = "") {
  const out = {};
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) Object.assign(out, tree(dir, r));
    else out[r] = fs.readFileSync(path.join(dir, r), "utf8");
  }
  return out;
}

/** A suite's scratch folder with one HOME holding records and, beside them, every secret. */
function scratchWithSecrets() {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "switchyard-clis-"));
  const home = path.join(scratch, "01-codex-demo");
  const cwd = `${home}/work`;
  const folded = cwd.replace(/[^A-Za-z0-9]/g, "-");
  const files = {
    // Record files (allow-listed), each quoting the token, a key and the HOME.
    [`.claude/projects/${folded}/s1.jsonl`]: `${JSON.stringify({ type: "assistant", cwd, requestId: "req_1", message: { id: "msg_1", model: "demo-chat", usage: { input_tokens: 5, output_tokens: 2 }, content: [{ type: "text", text: `${TOKEN} ${KEY}` }] } })}\n`,
    ".codex/sessions/2026/11/29/rollout-2026-11-29T01-00-00-abc.jsonl": `${JSON.stringify({ type: "session_meta", payload: { cwd, note: `Bearer ${TOKEN}` } })}\n`,
    ".factory/settings.json": JSON.stringify({ customModels: [{ model: "demo-chat", displayName: "Switchyard demo", baseUrl: "http://127.0.0.1:1/v1", apiKey: TOKEN }], sessionDefaultSettings: { apiKey: KEY } }),
    ".factory/logs/droid-log-single.log": `[t] INFO: [Agent] Streaming result | Context: {"cwd":"${cwd}","token":"${TOKEN}"}\n`,
    // Credentials and configs: never kept.
    ".claude/.credentials.json": JSON.stringify({ claudeAiOauth: { accessToken: KEY } }),
    ".codex/auth.json": JSON.stringify({ OPENAI_API_KEY: KEY }),
    ".codex/config.toml": `env_key = "SWITCHYARD_TOKEN"\n# ${TOKEN}\n`,
    ".gemini/settings.json": JSON.stringify({ apiKey: KEY }),
    ".gemini/oauth_creds.json": JSON.stringify({ refresh_token: KEY }),
    ".pi/agent/models.json": JSON.stringify({ providers: { switchyard: { apiKey: TOKEN } } }),
    ".pi/agent/auth.json": JSON.stringify({ anthropic: { key: KEY } }),
    ".copilot/config.json": JSON.stringify({ token: TOKEN }),
    ".qwen/settings.json": JSON.stringify({ env: { OPENAI_API_KEY: TOKEN } }),
    ".config/kilo/kilo.json": JSON.stringify({ provider: { switchyard: { options: { apiKey: TOKEN } } } }),
    ".factory/auth.json": JSON.stringify({ access_token: KEY }),
    ".bashrc": `export SWITCHYARD_TOKEN=${TOKEN}\n`,
    // Beside the records, not a record: not kept either.
    ".claude/projects/notes.txt": TOKEN,
    ".codex/sessions/2026/11/29/history.jsonl": TOKEN,
  };
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(home, rel)), { recursive: true });
    fs.writeFileSync(path.join(home, rel), text);
  }
  return { scratch, home };
}

describe("keeping the agents' usage records (./dev compat)", () => {
  it("keeps only the allow-listed record files, with no token, key or HOME path in them", () => {
    const { scratch } = scratchWithSecrets();
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "switchyard-kept-"));
    try {
      const n = keepUsageLogs(scratch, out, "clis");
      const kept = tree(out);
      const names = Object.keys(kept).map((k) => k.split("/").slice(2).join("/")).sort();
      assert.deepEqual(names, [
        ".claude/projects/-home-user-work/s1.jsonl",
        ".codex/sessions/2026/11/29/rollout-2026-11-29T01-00-00-abc.jsonl",
        ".factory/logs/droid-log-single.log",
        ".factory/settings.json",
      ], "only record files: no credentials, configs or other files of the HOME");
      assert.equal(n, 4);
      const all = Object.entries(kept).map(([k, v]) => `${k}\n${v}`).join("\n");
      assert.ok(!all.includes(TOKEN), "the gateway token never reaches a fixture");
      assert.ok(!all.includes("realLookingKey"), "no provider key reaches a fixture");
      assert.ok(!all.includes(scratch), "the throw-away HOME's path is replaced");
      assert.ok(all.includes("/home/user/work") && all.includes("sy-0000000000000000"), "replaced, not dropped");
      const droid = JSON.parse(Object.entries(kept).find(([k]) => k.endsWith(".factory/settings.json"))[1]);
      assert.deepEqual(droid, { customModels: [{ model: "demo-chat", displayName: "Switchyard demo" }] },
        "of Droid's settings only the custom models' names: no apiKey, no baseUrl, nothing else");
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  it("the allow-list names record files only", () => {
    for (const rel of [".codex/auth.json", ".claude/.credentials.json", ".gemini/oauth_creds.json", ".pi/agent/auth.json",
      ".pi/agent/models.json", ".local/share/kilo/kilo.db-wal", ".codex/sessions/x/auth.json", ".claude/projects/../.credentials.json"]) {
      assert.equal(agentOfRecord(rel), null, `${rel} is not a record file`);
    }
    assert.equal(agentOfRecord(".codex/sessions/2026/11/29/rollout-x.jsonl"), "codex");
    assert.equal(agentOfRecord(".copilot/session-state/s/events.jsonl"), "copilot-cli");
  });

  it("compat-logs.mjs refuses to write a fixture with a token left in it", () => {
    const kept = fs.mkdtempSync(path.join(os.tmpdir(), "switchyard-kept-"));
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "switchyard-fixtures-"));
    try {
      const file = path.join(kept, "clis-switchyard-clis-x/01-pi/.pi/agent/sessions/--home-user-work--/s.jsonl");
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, `${JSON.stringify({ type: "message", message: { role: "assistant", usage: { input: 1, output: 1 }, responseId: "r1", text: TOKEN } })}\n`);
      const versions = `${out}.versions.json`;
      fs.writeFileSync(versions, JSON.stringify([{ id: "pi", version: "0.0.0" }]));
      const r = spawnSync("node", ["scripts/compat-logs.mjs", kept, versions, out, "2026-01-01"], { cwd: ROOT, encoding: "utf8" });
      assert.notEqual(r.status, 0, `it must fail: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, /not scrubbed/);
      assert.deepEqual(fs.readdirSync(out), [], "nothing written");
    } finally {
      fs.rmSync(kept, { recursive: true, force: true });
      fs.rmSync(out, { recursive: true, force: true });
      fs.rmSync(`${out}.versions.json`, { force: true });
    }
  });
});
