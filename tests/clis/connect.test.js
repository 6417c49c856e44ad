// One-click connect with the real CLIs: `switchyard connect <tool>` writes the tool's own config
// in a private HOME (no environment variables for the tool), the real CLI then answers through
// the gateway on the Demo backend under the tool's own token, and `switchyard disconnect` puts
// every file back to its original bytes and revokes the token.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { DEMO_BODY, scrubProviderEnv } from "../sdk/harness.js";
import { AIDER, CLAUDE, CODEX, GEMINI, OPENCODE, baseEnv, describeRun, run } from "./cli.js";
import { connectSuite } from "./connect-suite.js";

scrubProviderEnv(process.env);

const CLAUDE_SETTINGS = `{
  "permissions": {
    "allow": ["Bash(ls:*)"]
  },
  "hooks": {
    "Stop": [{ "hooks": [{ "type": "command", "command": "true" }] }]
  },
  "env": {
    "DISABLE_AUTOUPDATER": "1"
  }
}
`;

const CODEX_CONFIG = `# my Codex settings
approval_policy = "never"

[mcp_servers.docs]
command = "docs-mcp-not-installed"
enabled = false

[profiles.fast]
model = "gpt-5-mini"
`;

describe("switchyard connect / disconnect with the real CLIs", () => {
  const suite = connectSuite("connect-suite");
  const { switchyard, rowsFor } = suite;

  function toolEnv(home) {
    // Nothing about Switchyard in the environment: the tool must find it in its own files.
    return { ...baseEnv(home), CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1", DISABLE_TELEMETRY: "1", CLAUDE_CODE_MAX_RETRIES: "1", GEMINI_CLI_TRUST_WORKSPACE: "true" };
  }

  it("claude-code: connect → claude -p answers as claude-code → disconnect restores the bytes", async () => {
    const home = suite.home("connect-claude");
    const settings = path.join(home, ".claude/settings.json");
    fs.mkdirSync(path.dirname(settings), { recursive: true });
    fs.writeFileSync(settings, CLAUDE_SETTINGS);

    const c = await switchyard(home, "connect", "claude-code", "--model", "demo-chat");
    assert.equal(c.code, 0, `${c.stdout}\n${c.stderr}`);
    assert.match(c.stdout, /changed ~\/\.claude\/settings\.json/);
    const env = JSON.parse(fs.readFileSync(settings, "utf8")).env;
    assert.equal(env.ANTHROPIC_BASE_URL, suite.stack.gw.origin);
    assert.match(env.ANTHROPIC_AUTH_TOKEN, /^sy-/);
    assert.equal(env.ANTHROPIC_MODEL, "demo-chat");
    assert.equal(env.ANTHROPIC_DEFAULT_HAIKU_MODEL, "demo-chat", "every tier follows the picked model");

    const r = await run(CLAUDE, ["-p", "Say hello", "--output-format", "json"], { env: toolEnv(home), cwd: `${home}/work` });
    const show = describeRun("claude", r);
    assert.equal(r.code, 0, show);
    assert.ok(JSON.parse(r.stdout).result.includes(DEMO_BODY.slice(0, 60)), show);
    const rows = await rowsFor("claude-code", 1);
    assert.ok(rows.length >= 1 && rows.every((x) => x.status === 200 && x.backend === "Demo"), JSON.stringify(rows));

    const listed = await switchyard(home, "tools", "--json");
    const claude = JSON.parse(listed.stdout).find((t) => t.id === "claude-code");
    assert.equal(claude.connected, true);
    assert.ok(claude.requestsToday >= 1, JSON.stringify(claude));

    const d = await switchyard(home, "disconnect", "claude-code");
    assert.equal(d.code, 0, `${d.stdout}\n${d.stderr}`);
    assert.match(d.stdout, /revoked token “claude-code”/);
    assert.equal(fs.readFileSync(settings, "utf8"), CLAUDE_SETTINGS, "byte for byte");
  });

  it("codex: connect → codex exec answers as codex → disconnect restores the bytes, auth.json untouched", async () => {
    const home = suite.home("connect-codex");
    const config = path.join(home, ".codex/config.toml");
    fs.mkdirSync(path.dirname(config), { recursive: true });
    fs.writeFileSync(config, CODEX_CONFIG);

    const c = await switchyard(home, "connect", "codex", "--model", "demo-chat");
    assert.equal(c.code, 0, `${c.stdout}\n${c.stderr}`);
    const text = fs.readFileSync(config, "utf8");
    assert.match(text, /experimental_bearer_token = "sy-/);
    assert.match(text, /wire_api = "responses"/);

    const r = await run(CODEX, ["exec", "--skip-git-repo-check", "Say hello"], { env: toolEnv(home), cwd: `${home}/work` });
    const show = describeRun("codex exec", r);
    assert.equal(r.code, 0, show);
    assert.ok(r.stdout.includes(DEMO_BODY.slice(0, 60)), show);
    const rows = await rowsFor("codex", 1);
    assert.ok(rows.some((x) => x.inbound === "responses" && x.status === 200), JSON.stringify(rows));
    assert.ok(!fs.existsSync(path.join(home, ".codex/auth.json")), "auth.json is never written");

    const d = await switchyard(home, "disconnect", "codex");
    assert.equal(d.code, 0, `${d.stdout}\n${d.stderr}`);
    assert.equal(fs.readFileSync(config, "utf8"), CODEX_CONFIG, "byte for byte");
  });

  it("gemini-cli: connect (.env + settings.json) → gemini -p answers as gemini-cli → disconnect removes both", async () => {
    const home = suite.home("connect-gemini");
    const c = await switchyard(home, "connect", "gemini-cli", "--model", "demo-chat");
    assert.equal(c.code, 0, `${c.stdout}\n${c.stderr}`);
    const r = await run(GEMINI, ["-p", "Say hello"], { env: toolEnv(home), cwd: `${home}/work` });
    const show = describeRun("gemini", r);
    assert.equal(r.code, 0, show);
    assert.ok(r.stdout.includes(DEMO_BODY.slice(0, 60)), show);
    const rows = await rowsFor("gemini-cli", 1);
    assert.ok(rows.some((x) => x.inbound === "gemini" && x.status === 200), JSON.stringify(rows));
    const d = await switchyard(home, "disconnect", "gemini-cli");
    assert.equal(d.code, 0, `${d.stdout}\n${d.stderr}`);
    assert.ok(!fs.existsSync(path.join(home, ".gemini/.env")), "the file Switchyard created is gone");
  });

  it("opencode: connect (a switchyard provider) → opencode run answers as opencode → disconnect restores the bytes", async () => {
    const home = suite.home("connect-opencode");
    const config = path.join(home, ".config/opencode/opencode.json");
    const before = `{
  "$schema": "https://opencode.ai/config.json",
  // my settings
  "autoupdate": false,
  "share": "disabled",
}
`;
    fs.mkdirSync(path.dirname(config), { recursive: true });
    fs.writeFileSync(config, before);
    const c = await switchyard(home, "connect", "opencode", "--model", "demo-chat");
    assert.equal(c.code, 0, `${c.stdout}\n${c.stderr}`);
    const r = await run(OPENCODE, ["run", "Say hello"], {
      env: { ...toolEnv(home), OPENCODE_DISABLE_AUTOUPDATE: "1", OPENCODE_DISABLE_MODELS_FETCH: "1", OPENCODE_DISABLE_LSP_DOWNLOAD: "true" },
      cwd: `${home}/work`,
    });
    const show = describeRun("opencode run", r);
    assert.equal(r.code, 0, show);
    assert.ok(r.stdout.includes(DEMO_BODY.slice(0, 60)), show);
    const rows = await rowsFor("opencode", 1);
    assert.ok(rows.some((x) => x.inbound === "openai" && x.status === 200), JSON.stringify(rows));
    const d = await switchyard(home, "disconnect", "opencode");
    assert.equal(d.code, 0, `${d.stdout}\n${d.stderr}`);
    assert.equal(fs.readFileSync(config, "utf8"), before, "byte for byte, comments and trailing comma included");
  });

  // The tool round trip the newer agents make in connect-agents.test.js, for opencode: connected
  // to a backend of another format (Anthropic Messages behind opencode's OpenAI-compatible
  // provider), `run: echo …` makes the mock call opencode's bash tool, which runs it and quotes
  // the output back, in two calls through the gateway under opencode's token.
  it("opencode → Anthropic Messages: a bash tool round trip, then disconnect restores the bytes", async () => {
    const home = suite.home("tools-opencode");
    const config = path.join(home, ".config/opencode/opencode.json");
    // With "$schema" in it already: opencode adds one to a config that lacks it when it runs (its
    // own edit, which disconnect rightly keeps).
    const before = '{\n  "$schema": "https://opencode.ai/config.json",\n  "autoupdate": false,\n  "share": "disabled",\n  "permission": { "bash": "allow" }\n}\n';
    fs.mkdirSync(path.dirname(config), { recursive: true });
    fs.writeFileSync(config, before);
    const c = await switchyard(home, "connect", "opencode", "--model", "claude-sonnet-4-5");
    assert.equal(c.code, 0, `${c.stdout}\n${c.stderr}`);
    const seen = new Set((await suite.stack.gw.requests(1000)).map((x) => x.id));
    // opencode quotes an argument with spaces again: the words go separately (as Kilo's).
    const r = await run(OPENCODE, ["run", "run:", "echo", "switchyard-42"], {
      env: { ...toolEnv(home), OPENCODE_DISABLE_AUTOUPDATE: "1", OPENCODE_DISABLE_MODELS_FETCH: "1", OPENCODE_DISABLE_LSP_DOWNLOAD: "true" },
      cwd: `${home}/work`,
    });
    const show = describeRun("opencode run (claude-sonnet-4-5)", r);
    assert.equal(r.code, 0, show);
    assert.ok(`${r.stdout}${r.stderr}`.includes("switchyard-42"), `the command's output comes back: ${show}`);
    const rows = (await suite.stack.gw.waitForRequests((rs) => rs.filter((x) => !seen.has(x.id) && x.tokenName === "opencode").length >= 2, { limit: 1000 }))
      .filter((x) => !seen.has(x.id) && x.tokenName === "opencode");
    assert.ok(rows.length >= 2 && rows.every((x) => x.status === 200 && x.backend === "Anthropic"), `two calls, both on the Anthropic backend: ${JSON.stringify(rows)}\n${show}`);
    const d = await switchyard(home, "disconnect", "opencode");
    assert.equal(d.code, 0, `${d.stdout}\n${d.stderr}`);
    assert.equal(fs.readFileSync(config, "utf8"), before, "byte for byte");
  });

  it("aider: connect (~/.aider.conf.yml) → aider --message answers as aider → disconnect restores the bytes", async () => {
    const home = suite.home("connect-aider");
    const conf = path.join(home, ".aider.conf.yml");
    const before = "# my aider settings\ndark-mode: true\nauto-commits: false\n";
    fs.writeFileSync(conf, before);
    const c = await switchyard(home, "connect", "aider", "--model", "demo-chat");
    assert.equal(c.code, 0, `${c.stdout}\n${c.stderr}`);
    const r = await run(AIDER, ["--message", "Say hello", "--yes-always", "--no-git", "--no-check-update", "--no-show-model-warnings", "--no-show-release-notes", "--no-analytics", "--no-pretty", "--no-stream"], {
      env: { ...toolEnv(home), AIDER_CHECK_UPDATE: "false" },
      cwd: `${home}/work`,
    });
    const show = describeRun("aider", r);
    assert.equal(r.code, 0, show);
    assert.ok(r.stdout.includes(DEMO_BODY.slice(0, 60)), show);
    const rows = await rowsFor("aider", 1);
    assert.ok(rows.some((x) => x.inbound === "openai" && x.status === 200 && x.requestedModel === "demo-chat"), JSON.stringify(rows));
    const d = await switchyard(home, "disconnect", "aider");
    assert.equal(d.code, 0, `${d.stdout}\n${d.stderr}`);
    assert.equal(fs.readFileSync(conf, "utf8"), before, "byte for byte");
  });
});
