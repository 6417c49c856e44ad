// The Responses API over WebSocket with the real agents: after one `switchyard connect`, Codex
// (`supports_websockets`) and Copilot CLI (`COPILOT_PROVIDER_TRANSPORT=websockets`) run their
// sessions over one socket to the gateway — on the Demo backend, and a shell tool round trip on
// a backend of another format (Anthropic Messages), whose second call continues the first
// (`previous_response_id`, only the tool's output sent). Each agent's own log shows the socket
// was used and never fell back to HTTP; the ledger has each call, as over HTTP.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { DEMO_BODY, scrubProviderEnv } from "../sdk/harness.js";
import { CODEX, COPILOT, baseEnv, describeRun, run } from "./cli.js";
import { connectSuite } from "./connect-suite.js";

scrubProviderEnv(process.env);

const MARKER = "switchyard-42";

describe("the agents' sessions over a Responses WebSocket", () => {
  const suite = connectSuite("sockets-suite", () => ({ SHELL: "/bin/bash" }));
  const { switchyard } = suite;

  /** The ledger rows of `token` the gateway recorded after `seen`, once there are `n`. */
  async function newRows(token, seen, n) {
    const rows = await suite.stack.gw.waitForRequests((rs) => rs.filter((x) => !seen.has(x.id) && x.tokenName === token).length >= n, { limit: 1000 });
    return rows.filter((x) => !seen.has(x.id) && x.tokenName === token);
  }

  const seenNow = async () => new Set((await suite.stack.gw.requests(1000)).map((x) => x.id));

  it("codex: connect turns the socket on; a session on Demo, then a tool round trip on Anthropic Messages", async () => {
    const home = suite.home("sockets-codex");
    const c = await switchyard(home, "connect", "codex", "--model", "demo-chat");
    assert.equal(c.code, 0, `${c.stdout}\n${c.stderr}`);
    const config = fs.readFileSync(path.join(home, ".codex/config.toml"), "utf8");
    assert.match(config, /supports_websockets = true/);
    const env = { ...baseEnv(home), RUST_LOG: "codex_api=info,codex_core::client=info" };
    const exec = (args) => run(CODEX, ["exec", "--skip-git-repo-check", "--dangerously-bypass-approvals-and-sandbox", ...args], { env, cwd: `${home}/work` });

    let seen = await seenNow();
    const hello = await exec(["Say hello"]);
    let show = describeRun("codex exec (demo-chat)", hello);
    assert.equal(hello.code, 0, show);
    assert.ok(hello.stdout.includes(DEMO_BODY.slice(0, 60)), show);
    assert.match(hello.stderr, /successfully connected to Responses WebSocket/, show);
    assert.doesNotMatch(hello.stderr, /falling back to HTTP/, show);
    const demo = await newRows("codex", seen, 1);
    assert.ok(demo.every((x) => x.status === 200 && x.backend === "Demo" && x.inbound === "responses"), JSON.stringify(demo));

    seen = await seenNow();
    const tool = await exec(["-m", "claude-sonnet-4-5", `run: echo ${MARKER}`]);
    show = describeRun("codex exec (claude-sonnet-4-5)", tool);
    assert.equal(tool.code, 0, show);
    assert.match(tool.stdout, new RegExp(`Tool result: .*${MARKER}`), show);
    assert.match(tool.stderr, /successfully connected to Responses WebSocket/, show);
    assert.doesNotMatch(tool.stderr, /falling back to HTTP/, show);
    const calls = (await newRows("codex", seen, 2)).sort((a, b) => a.startedAt.localeCompare(b.startedAt));
    assert.equal(calls.length, 2, JSON.stringify(calls));
    assert.ok(calls.every((x) => x.status === 200 && x.backend === "Anthropic" && x.inputTokens > 0 && x.costUsd > 0), JSON.stringify(calls));
    assert.ok(calls[1].inputTokens > calls[0].inputTokens, `the second call carried the whole conversation: ${JSON.stringify(calls)}`);

    const d = await switchyard(home, "disconnect", "codex");
    assert.equal(d.code, 0, `${d.stdout}\n${d.stderr}`);
    assert.ok(!fs.existsSync(path.join(home, ".codex/config.toml")), "the file connect made is removed");
  });

  it("copilot-cli: connect sets the WebSocket transport; a tool round trip on Anthropic Messages over one socket", async () => {
    const home = suite.home("sockets-copilot");
    fs.writeFileSync(path.join(home, ".bashrc"), "# mine\n");
    const c = await switchyard(home, "connect", "copilot-cli", "--model", "claude-sonnet-4-5");
    assert.equal(c.code, 0, `${c.stdout}\n${c.stderr}`);
    const vars = fs.readFileSync(path.join(home, ".copilot/switchyard.env"), "utf8");
    assert.match(vars, /COPILOT_PROVIDER_TRANSPORT=websockets/);
    const logs = path.join(home, "copilot-logs");
    const seen = await seenNow();
    const r = await run("/bin/bash", ["-c", `. "$HOME/.bashrc" && exec "${COPILOT}" -p "run: echo ${MARKER}" --allow-all-tools --log-level debug --log-dir "${logs}"`], {
      env: { ...baseEnv(home), COPILOT_OFFLINE: "true" },
      cwd: `${home}/work`,
    });
    const show = describeRun("copilot (claude-sonnet-4-5)", r);
    assert.equal(r.code, 0, show);
    assert.ok(`${r.stdout}${r.stderr}`.includes(MARKER), show);
    const log = fs.readdirSync(logs).map((f) => fs.readFileSync(path.join(logs, f), "utf8")).join("\n");
    assert.match(log, /WebSocket responses connection established/, `Copilot's log:\n${log.slice(-3000)}`);
    assert.doesNotMatch(log, /WebSocket responses connection failed/, `Copilot's log:\n${log.slice(-3000)}`);
    const calls = await newRows("copilot-cli", seen, 2);
    assert.ok(calls.length >= 2 && calls.every((x) => x.status === 200 && x.backend === "Anthropic" && x.inbound === "responses"), `${JSON.stringify(calls)}\n${show}`);

    const d = await switchyard(home, "disconnect", "copilot-cli");
    assert.equal(d.code, 0, `${d.stdout}\n${d.stderr}`);
    assert.equal(fs.readFileSync(path.join(home, ".bashrc"), "utf8"), "# mine\n", "byte for byte");
  });
});
