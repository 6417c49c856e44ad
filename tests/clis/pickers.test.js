// The user's routes in the agents' model pickers, with the real programs: after one
// `switchyard connect`, Claude Code's gateway discovery lists every route under an id it keeps
// (its `/model` picker reads ~/.claude/cache/gateway-models.json), a prompt on one of them is
// answered by that route's backend, the list follows a route added later (the next start asks
// again), and disconnect gives the settings back byte for byte. opencode's list is in its own
// config: the running gateway rewrites it when a route is added, and opencode's picker has it.
// Codex reads the gateway's catalogue: each route dressed in Codex's own metadata (its bundled
// default model's instructions), so a route it picks gets Codex's own prompt.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { scrubProviderEnv } from "../sdk/harness.js";
import { CLAUDE, CODEX, OPENCODE, baseEnv, describeRun, run } from "./cli.js";
import { connectSuite } from "./connect-suite.js";

scrubProviderEnv(process.env);

const CLAUDE_SETTINGS = '{\n  "env": {\n    "DISABLE_AUTOUPDATER": "1"\n  }\n}\n';

describe("the user's routes in the agents' model pickers", () => {
  // Codex on the PATH of `switchyard connect` (as a user's is): connect reads its metadata.
  const suite = connectSuite("pickers-suite", () => ({ PATH: `${path.dirname(CODEX)}${path.delimiter}${process.env.PATH}` }));
  const { switchyard, rowsFor } = suite;

  function claudeEnv(home) {
    // Nothing about Switchyard in the environment: Claude Code finds it in its own settings.
    return { ...baseEnv(home), DISABLE_TELEMETRY: "1", CLAUDE_CODE_MAX_RETRIES: "1" };
  }

  /** Waits until the running gateway lists `id` (it reads a change another process made within a second). */
  async function gatewayLists(id) {
    const { origin, token } = suite.stack.gw;
    for (let i = 0; i < 40; i++) {
      const list = await (await fetch(`${origin}/v1/models`, { headers: { authorization: `Bearer ${token}` } })).json();
      if (list.data.some((m) => m.id === id)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.fail(`the gateway does not list ${id}`);
  }

  /** The models Claude Code cached from the gateway, and the base URL it asked. */
  function claudeCache(home) {
    const file = path.join(home, ".claude/cache/gateway-models.json");
    assert.ok(fs.existsSync(file), `Claude Code cached the gateway's models in ${file}`);
    return JSON.parse(fs.readFileSync(file, "utf8"));
  }

  it("claude-code: the routes in /model after connect, one answered by its route's backend, the list following a new route", async () => {
    const home = suite.home("pickers-claude");
    const settings = path.join(home, ".claude/settings.json");
    fs.mkdirSync(path.dirname(settings), { recursive: true });
    fs.writeFileSync(settings, CLAUDE_SETTINGS);
    const added = await switchyard(home, "route", "add", "picked", "--candidate", "Gemini=gemini-2.5-flash");
    assert.equal(added.code, 0, `${added.stdout}\n${added.stderr}`);

    const c = await switchyard(home, "connect", "claude-code", "--model", "demo-chat");
    assert.equal(c.code, 0, `${c.stdout}\n${c.stderr}`);
    const env = JSON.parse(fs.readFileSync(settings, "utf8")).env;
    assert.equal(env.CLAUDE_CODE_ENABLE_GATEWAY_MODEL_DISCOVERY, "1");

    const r = await run(CLAUDE, ["-p", "Say hello", "--model", "claude-via-picked", "--output-format", "json"], { env: claudeEnv(home), cwd: `${home}/work` });
    const show = describeRun("claude --model claude-via-picked", r);
    assert.equal(r.code, 0, show);
    const cache = claudeCache(home);
    assert.equal(cache.baseUrl, suite.stack.gw.origin, JSON.stringify(cache));
    const picked = cache.models.find((m) => m.id === "claude-via-picked");
    assert.ok(picked, `the route is in the picker: ${JSON.stringify(cache.models)}`);
    assert.equal(picked.display_name, "picked", "shown by its own name");
    assert.ok(cache.models.some((m) => m.id === "claude-via-demo-chat"), "a backend's model too");
    const rows = await rowsFor("claude-code", 1);
    const routed = rows.filter((x) => x.requestedModel === "claude-via-picked");
    assert.ok(routed.length >= 1 && routed.every((x) => x.status === 200 && x.route === "picked" && x.backend === "Gemini"), `${JSON.stringify(rows)}\n${show}`);

    // A route added later is in the list the next start caches.
    const second = await switchyard(home, "route", "add", "later", "--candidate", "OpenAI=gpt-4.1");
    assert.equal(second.code, 0, `${second.stdout}\n${second.stderr}`);
    await gatewayLists("later");
    const again = await run(CLAUDE, ["-p", "Say hello"], { env: claudeEnv(home), cwd: `${home}/work` });
    assert.equal(again.code, 0, describeRun("claude (again)", again));
    assert.ok(claudeCache(home).models.some((m) => m.id === "claude-via-later"), "the cache follows the routes");

    const d = await switchyard(home, "disconnect", "claude-code");
    assert.equal(d.code, 0, `${d.stdout}\n${d.stderr}`);
    assert.equal(fs.readFileSync(settings, "utf8"), CLAUDE_SETTINGS, "byte for byte");
  });

  it("opencode: a route added while it is connected is in its config and its model list within seconds", async () => {
    // The user's own home, as the running gateway (which rewrites the list) has it.
    const home = suite.stack.gw.env.HOME;
    fs.mkdirSync(path.join(home, "work"), { recursive: true });
    const config = path.join(home, ".config/opencode/opencode.json");
    const before = '{\n  "$schema": "https://opencode.ai/config.json",\n  "autoupdate": false\n}\n';
    fs.mkdirSync(path.dirname(config), { recursive: true });
    fs.writeFileSync(config, before);
    const c = await switchyard(home, "connect", "opencode", "--model", "demo-chat");
    assert.equal(c.code, 0, `${c.stdout}\n${c.stderr}`);
    const added = await switchyard(home, "route", "add", "fresh-route", "--candidate", "Anthropic=claude-sonnet-4-5");
    assert.equal(added.code, 0, `${added.stdout}\n${added.stderr}`);
    let listed = false;
    for (let i = 0; i < 60 && !listed; i++) {
      await new Promise((r) => setTimeout(r, 250));
      listed = fs.readFileSync(config, "utf8").includes('"fresh-route"');
    }
    assert.ok(listed, `the gateway rewrote the list:\n${fs.readFileSync(config, "utf8")}`);
    const env = { ...baseEnv(home), OPENCODE_DISABLE_AUTOUPDATE: "1", OPENCODE_DISABLE_MODELS_FETCH: "1", OPENCODE_DISABLE_LSP_DOWNLOAD: "true" };
    const models = await run(OPENCODE, ["models", "switchyard"], { env, cwd: `${home}/work` });
    assert.equal(models.code, 0, describeRun("opencode models", models));
    assert.match(models.stdout, /switchyard\/fresh-route/, describeRun("opencode models", models));
    const d = await switchyard(home, "disconnect", "opencode");
    assert.equal(d.code, 0, `${d.stdout}\n${d.stderr}`);
    assert.equal(fs.readFileSync(config, "utf8"), before, "byte for byte");
    await switchyard(home, "route", "remove", "fresh-route");
  });

  it("codex: /model lists the routes in Codex's own metadata, and a route picked answers from its backend", async () => {
    const home = suite.home("pickers-codex");
    const added = await switchyard(home, "route", "add", "codex-picked", "--candidate", "Gemini=gemini-2.5-flash");
    assert.equal(added.code, 0, `${added.stdout}\n${added.stderr}`);
    await gatewayLists("codex-picked");
    const c = await switchyard(home, "connect", "codex", "--model", "demo-chat");
    assert.equal(c.code, 0, `${c.stdout}\n${c.stderr}`);
    const config = fs.readFileSync(path.join(home, ".codex/config.toml"), "utf8");
    assert.match(config, /model_catalog_url = "http:\/\/127\.0\.0\.1:\d+\/v1\/codex\/models"/, config);
    const env = baseEnv(home);
    const debug = async (...args) => {
      const r = await run(CODEX, ["debug", "models", ...args], { env, cwd: `${home}/work` });
      assert.equal(r.code, 0, describeRun(`codex debug models ${args.join(" ")}`, r));
      return JSON.parse(r.stdout).models;
    };
    // The first model Codex offers with its standard tools (no code mode, no Responses-lite).
    const standard = (m) => m.visibility === "list" && m.tool_mode == null && m.use_responses_lite !== true;
    const bundled = (await debug("--bundled")).filter(standard).sort((a, b) => a.priority - b.priority)[0];
    const offered = await debug();
    const picked = offered.find((m) => m.slug === "codex-picked");
    assert.ok(picked, `the route is in Codex's catalogue: ${offered.map((m) => m.slug).join(", ")}`);
    assert.equal(picked.visibility, "list");
    assert.equal(picked.base_instructions, bundled.base_instructions, `Codex's own instructions (${bundled.slug}'s)`);
    assert.ok(!offered.some((m) => m.slug === bundled.slug), "the catalogue is the user's: Codex's own models are not offered through the gateway");

    const seen = new Set((await suite.stack.gw.requests(1000)).map((x) => x.id));
    const r = await run(CODEX, ["exec", "--skip-git-repo-check", "-m", "codex-picked", "Say hello"], { env, cwd: `${home}/work` });
    const show = describeRun("codex exec -m codex-picked", r);
    assert.equal(r.code, 0, show);
    const rows = (await suite.stack.gw.waitForRequests((rs) => rs.some((x) => !seen.has(x.id) && x.tokenName === "codex"), { limit: 1000 }))
      .filter((x) => !seen.has(x.id) && x.tokenName === "codex");
    assert.ok(rows.length >= 1 && rows.every((x) => x.status === 200 && x.route === "codex-picked" && x.backend === "Gemini"), `${JSON.stringify(rows)}\n${show}`);

    const d = await switchyard(home, "disconnect", "codex");
    assert.equal(d.code, 0, `${d.stdout}\n${d.stderr}`);
    assert.ok(!fs.existsSync(path.join(home, ".codex/config.toml")), "the file connect made is removed");
  });
});
