// One-click connect with the newer agents' real programs (Copilot CLI, Qwen Code, Pi, Kilo CLI,
// Factory Droid): `switchyard connect <tool>` writes the tool's own settings in a private HOME
// that already holds the user's, the real program answers through the gateway on the Demo
// backend under the tool's own token, `switchyard usage` finds the tool's own record of each
// call and counts it once (as the gateway's), and `switchyard disconnect` gives every file back
// byte for byte (a file connect made is removed) and revokes the token. Then each runs a shell
// tool round trip through a backend of another format (connected to that model): the program
// runs the command the mock asks for and gets its output back.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { DEMO_BODY, scrubProviderEnv } from "../sdk/harness.js";
import { COPILOT, DROID, KILO, PI, QWEN, baseEnv, describeRun, run } from "./cli.js";
import { connectSuite } from "./connect-suite.js";

scrubProviderEnv(process.env);

describe("switchyard connect / disconnect with the newer agents", () => {
  // The user's XDG data folder (the tools' records) and a shell, besides HOME and its config folder.
  const suite = connectSuite("connect-agents", (home) => ({ XDG_DATA_HOME: path.join(home, ".local/share"), SHELL: "/bin/bash" }));
  const { switchyard, rowsFor } = suite;

  /** The user's files before connecting: { relative path: text }. */
  function seed(home, files) {
    for (const [rel, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(home, rel)), { recursive: true });
      fs.writeFileSync(path.join(home, rel), text);
    }
  }

  /**
   * connect → `answer(home)` runs the program (it must print the Demo answer) → one ledger row of
   * the tool's token at least → disconnect → `files` as they were, `made` gone.
   */
  async function roundTrip(tool, files, made, answer) {
    const home = suite.home(`connect-${tool}`);
    seed(home, files);
    const c = await switchyard(home, "connect", tool, "--model", "demo-chat");
    assert.equal(c.code, 0, `${c.stdout}\n${c.stderr}`);
    const r = await answer(home);
    const show = describeRun(tool, r);
    assert.equal(r.code, 0, show);
    assert.ok(r.stdout.includes(DEMO_BODY.slice(0, 40)), show);
    await rowsFor(tool, 1);
    // The tool's own records of its calls: each found, matched to its ledger row, counted once.
    const u = await switchyard(home, "usage", "--by", "tool", "--since", "1d", "--json");
    assert.equal(u.code, 0, `${u.stdout}\n${u.stderr}`);
    const rows = await rowsFor(tool, 1);
    assert.ok(rows.every((x) => x.status === 200 && x.backend === "Demo"), JSON.stringify(rows));
    const own = JSON.parse(u.stdout).rows.find((x) => x.group === tool);
    assert.ok(own, `no ${tool} records found: ${u.stdout}`);
    assert.deepEqual([own.requests, own.viaGateway], [0, rows.length], `every call the gateway's, once: ${JSON.stringify(own)}`);
    const d = await switchyard(home, "disconnect", tool);
    assert.equal(d.code, 0, `${d.stdout}\n${d.stderr}`);
    assert.match(d.stdout, new RegExp(`revoked token “${tool}”`));
    for (const [rel, text] of Object.entries(files)) {
      assert.equal(fs.readFileSync(path.join(home, rel), "utf8"), text, `${rel}: byte for byte`);
    }
    for (const rel of made) assert.ok(!fs.existsSync(path.join(home, rel)), `${rel} is removed`);
  }

  const env = (home, extra = {}) => ({ ...baseEnv(home), ...extra });

  /**
   * Connected to `model` (a backend of another format than the tool speaks), `prompt` makes the
   * mock call the tool's shell tool: the program runs `echo` and answers with its output, in
   * two calls through the gateway. Disconnected after.
   */
  async function toolTrip(tool, model, files, runIt) {
    const home = suite.home(`tools-${tool}`);
    seed(home, files);
    const token = `${tool}`;
    const c = await switchyard(home, "connect", tool, "--model", model);
    assert.equal(c.code, 0, `${c.stdout}\n${c.stderr}`);
    const seen = new Set((await suite.stack.gw.requests(1000)).map((x) => x.id));
    const r = await runIt(home);
    const show = describeRun(`${tool} → ${model}`, r);
    assert.equal(r.code, 0, show);
    assert.ok(`${r.stdout}${r.stderr}`.includes(MARKER), show);
    const rows = (await suite.stack.gw.waitForRequests((rs) => rs.filter((x) => !seen.has(x.id) && x.tokenName === token).length >= 2, { limit: 1000 }))
      .filter((x) => !seen.has(x.id) && x.tokenName === token);
    assert.ok(rows.length >= 2 && rows.every((x) => x.status === 200 && x.model === model.split("/").pop()), `${JSON.stringify(rows)}\n${show}`);
    const d = await switchyard(home, "disconnect", tool);
    assert.equal(d.code, 0, `${d.stdout}\n${d.stderr}`);
  }

  const MARKER = "switchyard-42";

  it("copilot-cli: a new shell picks up the gateway from its startup file", async () => {
    const bashrc = '# my bash settings\nexport PATH="$HOME/bin:$PATH"\nalias ll="ls -l"\n';
    await roundTrip("copilot-cli", { ".bashrc": bashrc }, [".copilot/switchyard.env"], (home) =>
      // A new (non-login) shell as a terminal starts one: ~/.bashrc, then the program.
      run("/bin/bash", ["-c", `. "$HOME/.bashrc" && exec "${COPILOT}" -p "Say hello" --allow-all-tools`], {
        env: env(home, { COPILOT_OFFLINE: "true" }),
        cwd: `${home}/work`,
      }));
  });

  it("qwen-code: its settings name an OpenAI-compatible provider with the token in its own env", async () => {
    const settings = '{\n  "$version": 4,\n  "privacy": { "usageStatisticsEnabled": false },\n  "general": { "enableAutoUpdate": false }\n}\n';
    await roundTrip("qwen-code", { ".qwen/settings.json": settings }, [], (home) => {
      // Qwen Code sends loopback requests through a proxy too (it ignores NO_PROXY): none here.
      const e = env(home);
      for (const k of ["HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY"]) delete e[k];
      return run(QWEN, ["Say hello"], { env: e, cwd: `${home}/work` });
    });
  });

  it("pi: a switchyard provider in models.json, the default in settings.json", async () => {
    const settings = '{\n  "theme": "dark"\n}\n';
    await roundTrip("pi", { ".pi/agent/settings.json": settings }, [".pi/agent/models.json"], (home) =>
      run(PI, ["-p", "Say hello"], { env: env(home), cwd: `${home}/work` }));
  });

  it("kilo: opencode's format in kilo.json", async () => {
    const config = '{\n  "$schema": "https://app.kilo.ai/config.json",\n  // mine\n  "autoupdate": false,\n  "disabled_providers": ["kilo"],\n  "permission": { "bash": "allow" }\n}\n';
    await roundTrip("kilo", { ".config/kilo/kilo.json": config, ".config/kilo/.bash-permission-migrated": "" }, [], (home) =>
      run(KILO, ["run", "Say", "hello"], {
        env: env(home, { KILO_DISABLE_AUTOUPDATE: "1", KILO_DISABLE_MODELS_FETCH: "1", KILO_TELEMETRY_LEVEL: "off", KILO_DISABLE_SHARE: "1" }),
        cwd: `${home}/work`,
      }));
  });

  it("droid: a custom model per gateway model, the session default set", async () => {
    const settings = '{\n  "cloudSessionSync": false\n}\n';
    await roundTrip("droid", { ".factory/settings.json": settings }, [], (home) =>
      run(DROID, ["exec", "Say hello"], { env: env(home, { FACTORY_AIRGAP_ENABLED: "true" }), cwd: `${home}/work` }));
  });

  describe("a shell tool round trip through another backend format", () => {
    const bashrc = "# mine\n";
    it("copilot-cli → Anthropic Messages", () =>
      toolTrip("copilot-cli", "claude-sonnet-4-5", { ".bashrc": bashrc }, (home) =>
        run("/bin/bash", ["-c", `. "$HOME/.bashrc" && exec "${COPILOT}" -p "run: echo ${MARKER}" --allow-all-tools`], {
          env: env(home, { COPILOT_OFFLINE: "true" }),
          cwd: `${home}/work`,
        })));
    it("qwen-code → Anthropic Messages", () =>
      toolTrip("qwen-code", "claude-sonnet-4-5", { ".qwen/settings.json": '{ "$version": 4, "privacy": { "usageStatisticsEnabled": false } }\n' }, (home) => {
        const e = env(home);
        for (const k of ["HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY"]) delete e[k];
        return run(QWEN, ["--yolo", `run: echo ${MARKER}`], { env: e, cwd: `${home}/work` });
      }));
    it("pi → Anthropic Messages", () =>
      toolTrip("pi", "claude-sonnet-4-5", {}, (home) => run(PI, ["-p", `run: echo ${MARKER}`], { env: env(home), cwd: `${home}/work` })));
    it("kilo → Anthropic Messages", () =>
      toolTrip("kilo", "claude-sonnet-4-5", { ".config/kilo/kilo.json": '{ "disabled_providers": ["kilo"], "permission": { "bash": "allow" } }\n', ".config/kilo/.bash-permission-migrated": "" }, (home) =>
        // Kilo quotes an argument with spaces again: the words go separately.
        run(KILO, ["run", "run:", "echo", MARKER], {
          env: env(home, { KILO_DISABLE_AUTOUPDATE: "1", KILO_DISABLE_MODELS_FETCH: "1", KILO_TELEMETRY_LEVEL: "off", KILO_DISABLE_SHARE: "1" }),
          cwd: `${home}/work`,
        })));
    it("droid → Gemini", () =>
      toolTrip("droid", "gemini-2.5-flash", {}, (home) =>
        run(DROID, ["exec", `run: echo ${MARKER}`], { env: env(home, { FACTORY_AIRGAP_ENABLED: "true" }), cwd: `${home}/work` })));
  });
});
