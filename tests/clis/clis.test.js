// The real coding CLIs from npm (pinned in package.json: Codex, Gemini CLI, Claude Code) against
// switchyard-serve, with the mock provider (switchyard-mock) behind one backend of each kind and
// the built-in Demo backend. Each CLI run gets a private HOME (and CODEX_HOME / ~/.gemini), no
// provider variables, stdin closed and a 90 s limit; a failed assertion prints its stdout and
// stderr. The mock answers `run: <command>` with one call of the CLI's own shell tool and a tool
// result with `Tool result: <output>` (crates/mock/src/script.rs), so tool round trips are real:
// the CLI runs the command itself. Needs the keychain (run through `./dev clis` or `./dev test`).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { DEMO_BODY, assertCost, demoCost, scrubProviderEnv, startStack } from "../sdk/harness.js";
import {
  CLAUDE, CODEX, GEMINI, claudeEnv, codexEnv, describeRun, geminiEnv, parseSse, run, scratch, startCapture,
} from "./cli.js";

scrubProviderEnv(process.env);

const MARKER = "switchyard-42";
const TOOL_PROMPT = `run: echo ${MARKER}`;

/**
 * A tool round trip in the ledger: exactly two model calls through `inbound`, each a 200 from
 * `backend` with its tokens counted and its cost as the backend's prices say. Returns them.
 */
function twoCalls(rows, inbound, backend) {
  const calls = rows.filter((x) => x.inbound === inbound);
  assert.equal(calls.length, 2, `two model calls: ${JSON.stringify(rows)}`);
  for (const row of calls) {
    assert.equal(row.status, 200, JSON.stringify(row));
    assert.equal(row.backend, backend, JSON.stringify(row));
    assert.ok(row.inputTokens > 0 && row.outputTokens > 0, JSON.stringify(row));
    assertCost(row, backend);
  }
  return calls;
}

describe("real coding CLIs against switchyard-serve", () => {
  let stack;
  let tmp;
  let captured; // Claude Code's first POST /v1/messages body ("Say hello", claude-sonnet-4-5)

  before(async () => {
    tmp = scratch();
    // Claude Code's real request body, captured once from the CLI itself.
    const capture = await startCapture();
    try {
      const home = tmp.home("claude-capture");
      const r = await run(CLAUDE, ["-p", "Say hello", "--model", "claude-sonnet-4-5"], {
        env: claudeEnv(home, capture.origin, "sy-capture"), cwd: `${home}/work`,
      });
      assert.equal(r.code, 0, describeRun("claude (capture)", r));
      captured = capture.bodies[0];
      assert.ok(captured?.body?.messages, `no POST /v1/messages captured\n${describeRun("claude (capture)", r)}`);
    } finally {
      await capture.stop();
    }
    stack = await startStack({ tokenName: "clis" });
  });

  after(async () => {
    try {
      if (stack) {
        const exit = await stack.stop();
        assert.equal(exit.code, 0, `the gateway exited with ${exit.code}/${exit.signal}\n${exit.stderr}`);
      }
    } finally {
      tmp?.remove();
    }
  });

  /** Ledger rows added while `fn` runs (compared by row id), newest first. */
  async function newRows(fn, { expect = 1 } = {}) {
    const seen = new Set((await stack.gw.requests(1000)).map((r) => r.id));
    const result = await fn();
    const rows = await stack.gw.waitForRequests((rs) => rs.filter((r) => !seen.has(r.id)).length >= expect, { limit: 1000 });
    return { result, rows: rows.filter((r) => !seen.has(r.id)) };
  }

  const gwEnv = {
    claude: (home) => claudeEnv(home, stack.gw.anthropicBase, stack.gw.token),
    codex: (home, model) => codexEnv(home, stack.gw.openaiBase, stack.gw.token, model),
    gemini: (home) => geminiEnv(home, stack.gw.origin, stack.gw.token),
  };

  it("1. codex exec answers on the Demo backend (Responses), ledger: responses, tokens, $0", async () => {
    const home = tmp.home("codex-demo");
    const { result: r, rows } = await newRows(() =>
      run(CODEX, ["exec", "--skip-git-repo-check", "Say hello"], { env: gwEnv.codex(home, "demo-chat"), cwd: `${home}/work` }));
    const show = describeRun("codex exec", r);
    assert.equal(r.code, 0, show);
    assert.ok(r.stdout.includes("Demo reply to “Say hello”"), show);
    assert.ok(r.stdout.includes(DEMO_BODY.slice(0, 60)), show);
    const row = rows.find((x) => x.inbound === "responses");
    assert.ok(row, `no responses row: ${JSON.stringify(rows)}\n${show}`);
    assert.equal(row.status, 200);
    assert.equal(row.backend, "Demo");
    assert.equal(row.requestedModel, "demo-chat");
    assert.equal(row.tokenName, "clis");
    assert.ok(row.inputTokens > 0 && row.outputTokens > 0, JSON.stringify(row));
    assert.ok(Math.abs(row.costUsd - demoCost(row)) < 1e-12 && row.costUsd > 0, JSON.stringify(row));
  });

  it("2. Gemini CLI answers on the Demo backend (Gemini native), ledger: gemini", async () => {
    const home = tmp.home("gemini-demo");
    const { result: r, rows } = await newRows(() =>
      run(GEMINI, ["-m", "demo-chat", "-p", "Say hello"], { env: gwEnv.gemini(home), cwd: `${home}/work` }));
    const show = describeRun("gemini", r);
    assert.equal(r.code, 0, show);
    assert.ok(r.stdout.includes(DEMO_BODY.slice(0, 60)), show);
    const row = rows.find((x) => x.inbound === "gemini");
    assert.ok(row, `no gemini row: ${JSON.stringify(rows)}\n${show}`);
    assert.equal(row.status, 200);
    assert.equal(row.backend, "Demo");
    assert.ok(row.inputTokens > 0 && row.outputTokens > 0, JSON.stringify(row));
    assert.ok(Math.abs(row.costUsd - demoCost(row)) < 1e-12 && row.costUsd > 0, JSON.stringify(row));
  });

  it("3. Claude Code answers on the Demo backend (Messages), ledger: anthropic", async () => {
    const home = tmp.home("claude-demo");
    const { result: r, rows } = await newRows(() =>
      run(CLAUDE, ["-p", "Say hello", "--model", "demo-chat", "--output-format", "json"], { env: gwEnv.claude(home), cwd: `${home}/work` }));
    const show = describeRun("claude", r);
    assert.equal(r.code, 0, show);
    const out = JSON.parse(r.stdout);
    assert.equal(out.is_error, false, show);
    assert.ok(out.result.includes(DEMO_BODY.slice(0, 60)), show);
    assert.ok(out.usage?.input_tokens > 0 && out.usage?.output_tokens > 0, show);
    const row = rows.find((x) => x.inbound === "anthropic");
    assert.ok(row, `no anthropic row: ${JSON.stringify(rows)}\n${show}`);
    assert.equal(row.status, 200);
    assert.equal(row.backend, "Demo");
    assert.ok(row.inputTokens > 0 && row.outputTokens > 0, JSON.stringify(row));
    assert.ok(Math.abs(row.costUsd - demoCost(row)) < 1e-12 && row.costUsd > 0, JSON.stringify(row));
  });

  // claude-sonnet-4-5 is the same-format case: Claude Code's body reaches the Anthropic backend
  // as sent (its skill list has a line "- run: …" before the prompt; the mock takes the last).
  describe("4. Claude Code runs Bash through every backend format and quotes the result", () => {
    for (const [model, backend] of [["gpt-4.1", "OpenAI"], ["gemini-2.5-flash", "Gemini"], ["gpt-5-codex", "OpenAI"], ["claude-sonnet-4-5", "Anthropic"]]) {
      it(`${model} (${backend})`, async () => {
        const home = tmp.home(`claude-tool-${model}`);
        // The prompt goes before --allowedTools, which is variadic and would swallow it.
        const { result: r, rows } = await newRows(
          () => run(CLAUDE, ["-p", TOOL_PROMPT, "--model", model, "--allowedTools", "Bash", "--output-format", "json"], {
            env: gwEnv.claude(home), cwd: `${home}/work`,
          }),
          { expect: 2 },
        );
        const show = describeRun(`claude --model ${model}`, r);
        assert.equal(r.code, 0, show);
        const out = JSON.parse(r.stdout);
        assert.equal(out.is_error, false, show);
        assert.match(out.result, new RegExp(`Tool result: .*${MARKER}`), show);
        assert.equal(out.num_turns, 2, show);
        assert.ok(out.usage?.input_tokens > 0 && out.usage?.output_tokens > 0, `usage reaches Claude Code: ${show}`);
        for (const row of twoCalls(rows, "anthropic", backend)) assert.equal(row.model, model, JSON.stringify(row));
      });
    }
  });

  it("5. codex exec runs exec_command through the Anthropic backend and quotes the result", async () => {
    const home = tmp.home("codex-tool-claude");
    const { result: r, rows } = await newRows(
      () => run(CODEX, ["exec", "--skip-git-repo-check", "--dangerously-bypass-approvals-and-sandbox", TOOL_PROMPT], {
        env: gwEnv.codex(home, "claude-sonnet-4-5"), cwd: `${home}/work`,
      }),
      { expect: 2 },
    );
    const show = describeRun("codex exec (claude-sonnet-4-5)", r);
    assert.equal(r.code, 0, show);
    assert.match(r.stdout, new RegExp(`Tool result: .*${MARKER}`), show);
    twoCalls(rows, "responses", "Anthropic");
  });

  describe("6. codex exec runs exec_command through the other backend formats", () => {
    // gpt-4.1 and gpt-5-codex: Responses natively; compat-chat: an OpenAI-compatible server, so
    // Responses → Chat Completions; gemini-2.5-flash: Responses → Gemini.
    for (const [model, backend] of [["gpt-4.1", "OpenAI"], ["gpt-5-codex", "OpenAI"], ["compat-chat", "Compatible"], ["gemini-2.5-flash", "Gemini"]]) {
      it(`${model} (${backend})`, async () => {
        const home = tmp.home(`codex-tool-${model}`);
        const { result: r, rows } = await newRows(
          () => run(CODEX, ["exec", "--skip-git-repo-check", "--dangerously-bypass-approvals-and-sandbox", TOOL_PROMPT], {
            env: gwEnv.codex(home, model), cwd: `${home}/work`,
          }),
          { expect: 2 },
        );
        const show = describeRun(`codex exec (${model})`, r);
        assert.equal(r.code, 0, show);
        assert.match(r.stdout, new RegExp(`Tool result: .*${MARKER}`), show);
        twoCalls(rows, "responses", backend);
      });
    }
  });

  describe("7. Gemini CLI (--yolo) runs run_shell_command through translated backends", () => {
    for (const [model, backend] of [["gpt-4.1", "OpenAI"], ["claude-sonnet-4-5", "Anthropic"], ["gpt-5-codex", "OpenAI"]]) {
      it(`${model} (${backend})`, async () => {
        const home = tmp.home(`gemini-tool-${model}`);
        const { result: r, rows } = await newRows(
          () => run(GEMINI, ["-m", model, "--yolo", "-p", TOOL_PROMPT], { env: gwEnv.gemini(home), cwd: `${home}/work` }),
          { expect: 2 },
        );
        const show = describeRun(`gemini -m ${model}`, r);
        assert.equal(r.code, 0, show);
        assert.match(r.stdout, new RegExp(`Tool result: .*${MARKER}`), show);
        twoCalls(rows, "gemini", backend);
      });
    }
  });

  describe("8. Claude Code's captured request replayed on every backend format", () => {
    const headersOf = () => ({
      "content-type": "application/json",
      authorization: `Bearer ${stack.gw.token}`,
      "anthropic-version": captured.headers["anthropic-version"] ?? "2023-06-01",
      ...(captured.headers["anthropic-beta"] ? { "anthropic-beta": captured.headers["anthropic-beta"] } : {}),
    });
    /** The text of the last user message, as the mock reads it (its text blocks joined). */
    const lastUserText = (body) => {
      const user = body.messages.filter((m) => m.role === "user").at(-1);
      if (typeof user.content === "string") return user.content;
      return user.content.filter((b) => b.type === "text").map((b) => b.text).join("\n");
    };
    // The first turn as captured, and a follow-up with a Bash call and its result appended. The
    // mock answers the first turn with a Bash call when the user text holds "run: " (Claude Code's
    // skill list in a <system-reminder> has a line "- run: Launch and drive…"), else with its
    // demo text; the follow-up always with "Tool result: switchyard-42".
    const turns = () => {
      const first = captured.body;
      const followUp = {
        ...first,
        messages: [
          ...first.messages,
          { role: "assistant", content: [{ type: "tool_use", id: "toolu_replay1", name: "Bash", input: { command: `echo ${MARKER}`, description: "Print marker" } }] },
          { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_replay1", content: MARKER, is_error: false, cache_control: { type: "ephemeral" } }] },
        ],
      };
      const firstCalls = /run: /i.test(lastUserText(first));
      return [
        ["first turn", first, firstCalls ? { tool: "Bash" } : { text: DEMO_BODY.slice(0, 40) }],
        ["tool result turn", followUp, { text: `Tool result: ${MARKER}` }],
      ];
    };

    /** The blocks of a streamed Anthropic answer, rebuilt from its events. */
    function blocksOf(events) {
      const blocks = [];
      for (const { data } of events) {
        if (data?.type === "content_block_start") blocks[data.index] = { ...data.content_block, json: "" };
        if (data?.type === "content_block_delta") {
          const b = blocks[data.index];
          if (data.delta.type === "text_delta") b.text += data.delta.text;
          if (data.delta.type === "input_json_delta") b.json += data.delta.partial_json;
        }
      }
      return blocks.map(({ json, ...b }) => (b.type === "tool_use" ? { ...b, input: JSON.parse(json || "{}") } : b));
    }

    for (const model of ["gpt-4.1", "gpt-5-codex", "gemini-2.5-flash", "claude-sonnet-4-5", "compat-chat", "demo-chat"]) {
      for (const stream of [true, false]) {
        it(`${model}, ${stream ? "streamed" : "buffered"}`, async () => {
          for (const [what, capturedBody, expected] of turns()) {
            const body = { ...capturedBody, model };
            if (stream) body.stream = true;
            else delete body.stream;
            const res = await fetch(`${stack.gw.anthropicBase}/v1/messages?beta=true`, {
              method: "POST", headers: headersOf(), body: JSON.stringify(body),
            });
            const text = await res.text();
            const show = `${model} ${what}: HTTP ${res.status} ${res.headers.get("x-switchyard-backend")}\n${text.slice(0, 2000)}`;
            assert.ok(res.status < 500, `never a 5xx: ${show}`);
            assert.equal(res.status, 200, show);
            let msg;
            if (stream) {
              assert.match(res.headers.get("content-type") ?? "", /^text\/event-stream/, show);
              const events = parseSse(text);
              const types = events.map((e) => e.data?.type);
              assert.equal(types[0], "message_start", show);
              assert.equal(types.at(-1), "message_stop", show);
              assert.ok(!types.includes("error"), show);
              assert.equal(types.filter((t) => t === "content_block_start").length, types.filter((t) => t === "content_block_stop").length, show);
              const delta = events.find((e) => e.data?.type === "message_delta")?.data;
              assert.ok(delta, show);
              msg = {
                ...events[0].data.message,
                content: blocksOf(events),
                stop_reason: delta.delta.stop_reason,
                // A translated stream learns the input count only at its end: message_delta's
                // usage (cumulative, as Anthropic's own) completes message_start's.
                usage: { ...events[0].data.message.usage, ...delta.usage },
              };
            } else {
              msg = JSON.parse(text);
              assert.equal(msg.type, "message", show);
            }
            assert.equal(msg.role, "assistant", show);
            assert.ok(msg.usage?.input_tokens > 0 && msg.usage?.output_tokens > 0, show);
            if (expected.tool) {
              assert.equal(msg.stop_reason, "tool_use", show);
              const uses = msg.content.filter((b) => b.type === "tool_use");
              assert.equal(uses.length, 1, show);
              assert.equal(uses[0].name, expected.tool, show);
              assert.match(uses[0].id, /\S/, show);
              assert.equal(typeof uses[0].input.command, "string", show);
            } else {
              assert.equal(msg.stop_reason, "end_turn", show);
              const answer = msg.content.filter((b) => b.type === "text").map((b) => b.text).join("");
              assert.ok(answer.includes(expected.text), `${show}\nanswer: ${answer}`);
            }
          }
        });
      }
    }
  });
});
