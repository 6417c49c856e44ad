// Usage from the tools' own records (issue 42), made by the real CLIs: Claude Code, Codex, Gemini
// CLI and opencode each run once through switchyard-serve and once straight at switchyard-mock posing
// as the provider (as a user on a subscription would, bypassing Switchyard), all in one HOME.
// `switchyard usage` then finds each tool's records: the gateway's requests are counted once
// (matched to their ledger rows), the bypassing ones are added with the usage the tool itself
// reported, and the totals by source add up. Needs the keychain (`./dev clis` or `./dev test`).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { MOCK_KEY, scrubProviderEnv, startStack } from "../sdk/harness.js";
import { CLAUDE, CODEX, GEMINI, OPENCODE, baseEnv, claudeEnv, codexEnv, describeRun, geminiEnv, run, scratch } from "./cli.js";

scrubProviderEnv(process.env);

describe("switchyard usage: the tools' own records, each request counted once", () => {
  let stack;
  let tmp;
  let home;

  before(async () => {
    tmp = scratch();
    home = tmp.home("usage");
    // The gateway (and its import) reads this HOME, never the machine's own records.
    process.env.SWITCHYARD_TEST_HOME = home;
    stack = await startStack({ tokenName: "usage" });
  });

  after(async () => {
    delete process.env.SWITCHYARD_TEST_HOME;
    try {
      if (stack) await stack.stop();
    } finally {
      tmp?.remove();
    }
  });

  async function usage(...args) {
    const { stdout } = await stack.gw.command("usage", ...args, "--json");
    return JSON.parse(stdout);
  }
  const byTool = async () => Object.fromEntries((await usage("--by", "tool", "--since", "1d")).rows.map((r) => [r.group, r]));
  const cwd = () => `${home}/work`;

  /** opencode pointed at `baseURL` with `apiKey` (an OpenAI-compatible provider in its config). */
  function opencode(baseURL, apiKey) {
    const config = path.join(home, ".config/opencode/opencode.json");
    fs.mkdirSync(path.dirname(config), { recursive: true });
    fs.writeFileSync(config, JSON.stringify({
      $schema: "https://opencode.ai/config.json",
      autoupdate: false,
      share: "disabled",
      provider: { upstream: { npm: "@ai-sdk/openai-compatible", name: "Upstream", options: { baseURL, apiKey }, models: { "gpt-4.1": { name: "gpt-4.1" } } } },
      model: "upstream/gpt-4.1",
    }));
    const env = { ...baseEnv(home), OPENCODE_DISABLE_AUTOUPDATE: "1", OPENCODE_DISABLE_MODELS_FETCH: "1", OPENCODE_DISABLE_LSP_DOWNLOAD: "true" };
    return ["opencode", OPENCODE, ["run", "Say hello"], env];
  }

  it("through the gateway: every tool's records are found and all matched to ledger rows", async () => {
    const runs = [
      ["claude", CLAUDE, ["-p", "Say hello", "--model", "claude-sonnet-4-5"], claudeEnv(home, stack.gw.anthropicBase, stack.gw.token)],
      ["codex", CODEX, ["exec", "--skip-git-repo-check", "Say hello"], codexEnv(home, stack.gw.openaiBase, stack.gw.token, "gpt-4.1")],
      ["gemini", GEMINI, ["-m", "gemini-2.5-flash", "-p", "Say hello"], geminiEnv(home, stack.gw.origin, stack.gw.token)],
    ];
    for (const [name, bin, args, env] of runs) {
      const r = await run(bin, args, { env, cwd: cwd() });
      assert.equal(r.code, 0, describeRun(name, r));
    }
    // opencode last: its config is written just before it runs.
    const [name, bin, args, env] = opencode(stack.gw.openaiBase, stack.gw.token);
    const o = await run(bin, args, { env, cwd: cwd() });
    assert.equal(o.code, 0, describeRun(name, o));
    const rows = await stack.gw.waitForRequests((rs) => rs.filter((r) => r.status === 200).length >= 4, { limit: 200 });
    const t = await byTool();
    for (const tool of ["claude-code", "codex", "gemini-cli", "opencode"]) {
      assert.ok(t[tool], `no ${tool} records: ${JSON.stringify(t)}`);
      assert.ok(t[tool].viaGateway >= 1, `${tool}: ${JSON.stringify(t[tool])}`);
      assert.equal(t[tool].requests, 0, `${tool}: nothing bypassed the gateway yet: ${JSON.stringify(t[tool])}`);
    }
    const matched = Object.values(t).reduce((n, r) => n + r.viaGateway, 0);
    assert.ok(matched <= rows.length, `never more matches than ledger rows: ${matched} > ${rows.length}`);
  });

  it("Codex through an Anthropic and a Chat Completions backend: each answer counted once", async () => {
    // The gateway translates: Codex is given a `resp_…` id made from the provider's `msg_…` or
    // `chatcmpl-…`; the ledger keeps both, so Codex's record still matches its row.
    const before = await byTool();
    const seen = new Set((await stack.gw.requests(1000)).map((r) => r.id));
    for (const model of ["claude-sonnet-4-5", "compat-chat"]) {
      const r = await run(CODEX, ["exec", "--skip-git-repo-check", "Say hello"], { env: codexEnv(home, stack.gw.openaiBase, stack.gw.token, model), cwd: cwd() });
      assert.equal(r.code, 0, describeRun(`codex → ${model}`, r));
    }
    const fresh = (await stack.gw.waitForRequests((rs) => rs.filter((x) => !seen.has(x.id)).length >= 2, { limit: 1000 })).filter((x) => !seen.has(x.id));
    assert.ok(fresh.every((x) => x.inbound === "responses" && x.status === 200 && !x.errorClass), JSON.stringify(fresh));
    const after = await byTool();
    assert.equal(after.codex.requests, 0, `nothing counted outside the gateway: ${JSON.stringify(after.codex)}`);
    assert.equal(after.codex.viaGateway - before.codex.viaGateway, fresh.length, `every new answer matched: ${JSON.stringify(after.codex)}`);
    assert.ok(!after.unknown, "no record of an unknown tool");
    // The gateway's row over the last 30 minutes counts every row of the ledger (exact to the
    // minute, not the hour's bucket), reasoning included.
    const recent = (await usage("--since", "30m")).rows;
    assert.equal(recent[0].group, "gateway");
    assert.equal(recent[0].requests, (await stack.gw.requests(1000)).length);
  });

  it("straight at the provider: added once, with the usage the tool reported", async () => {
    const before = await byTool();
    // Claude Code against the mock with its API key (x-api-key), as on a direct account.
    const env = claudeEnv(home, stack.mock.origin, "unused");
    delete env.ANTHROPIC_AUTH_TOKEN;
    env.ANTHROPIC_API_KEY = MOCK_KEY;
    const r = await run(CLAUDE, ["-p", "Say hello", "--model", "claude-sonnet-4-5", "--output-format", "json"], { env, cwd: cwd() });
    const show = describeRun("claude (direct)", r);
    assert.equal(r.code, 0, show);
    const reported = JSON.parse(r.stdout).usage;
    for (const [name, bin, args, e] of [
      ["codex", CODEX, ["exec", "--skip-git-repo-check", "Say hello"], codexEnv(home, `${stack.mock.origin}/v1`, MOCK_KEY, "gpt-4.1")],
      ["gemini", GEMINI, ["-m", "gemini-2.5-flash", "-p", "Say hello"], geminiEnv(home, stack.mock.origin, MOCK_KEY)],
      opencode(`${stack.mock.origin}/v1`, MOCK_KEY),
    ]) {
      const x = await run(bin, args, { env: e, cwd: cwd() });
      assert.equal(x.code, 0, describeRun(`${name} (direct)`, x));
    }
    const after = await byTool();
    const claude = after["claude-code"];
    assert.equal(claude.viaGateway, before["claude-code"].viaGateway, "the gateway's are unchanged");
    assert.ok(claude.requests >= 1, JSON.stringify(claude));
    assert.equal(claude.inputTokens, reported.input_tokens, `${JSON.stringify(claude)} vs ${JSON.stringify(reported)}`);
    assert.equal(claude.outputTokens, reported.output_tokens, `${JSON.stringify(claude)} vs ${JSON.stringify(reported)}`);
    assert.ok(claude.costUsd > 0 && claude.unpriced === 0, "a priced model: priced like the ledger");
    for (const tool of ["codex", "gemini-cli", "opencode"]) {
      assert.ok(after[tool].requests >= 1 && after[tool].inputTokens > 0, `${tool}: ${JSON.stringify(after[tool])}`);
      assert.equal(after[tool].viaGateway, before[tool].viaGateway, `${tool}: the gateway's are unchanged`);
    }
    // A full rescan reads everything again and counts nothing twice.
    await stack.gw.command("usage", "--rescan", "--json");
    assert.deepEqual(await byTool(), after);
    // By source: the gateway's ledger first, then each tool's bypassing answers; they add up.
    const bySource = (await usage("--since", "1d")).rows;
    assert.equal(bySource[0].group, "gateway");
    const ledger = await stack.gw.requests(1000);
    assert.equal(bySource[0].requests, ledger.length);
    const tools = bySource.slice(1).reduce((n, r) => n + r.requests, 0);
    assert.equal(tools, Object.values(after).reduce((n, r) => n + r.requests, 0));
  });
});
