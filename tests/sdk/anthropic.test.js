// The official `@anthropic-ai/sdk` against switchyard-serve on every backend format:
// `messages.countTokens` (counted by Demo and Anthropic, estimated for the others), and
// `messages.create` / `messages.stream` with a tool round trip, translated to OpenAI Chat
// Completions (gpt-4.1, an OpenAI-compatible server), OpenAI Responses (gpt-5-codex) and Gemini. Needs the keychain (run
// through `./dev sdk` or `./dev test`).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import Anthropic from "@anthropic-ai/sdk";
import { FORMATS, demoReply, scrubProviderEnv, toolResultReply, words, eachFormat, stackSuite } from "./harness.js";

scrubProviderEnv(process.env);

const PROMPT = "Say hello to the Anthropic SDK";
const EXPECTED = demoReply(PROMPT);
const REPLY_TOKENS = words(EXPECTED);
const messages = [{ role: "user", content: PROMPT }];
const BASH = {
  name: "Bash",
  description: "Runs a shell command",
  input_schema: { type: "object", properties: { command: { type: "string" } }, required: ["command"] },
};

/**
 * The provider's rate-limit headers reach an Anthropic caller unchanged from an Anthropic
 * backend (the mock sends Anthropic's real ones, plan windows included) and never from a
 * backend speaking another format.
 */
function assertAnthropicLimits(headers, backend) {
  const native = backend === "Demo" || backend === "Anthropic";
  const remaining = headers.get("anthropic-ratelimit-requests-remaining");
  if (!native) {
    assert.equal(remaining, null, `${backend}: no Anthropic limits from another format`);
    return;
  }
  assert.match(remaining ?? "", /^\d+$/, `${backend}: requests remaining`);
  assert.match(headers.get("anthropic-ratelimit-tokens-remaining") ?? "", /^\d+$/);
  assert.match(headers.get("anthropic-ratelimit-requests-reset") ?? "", /^\d{4}-\d\d-\d\dT.*Z$/);
  assert.equal(headers.get("anthropic-ratelimit-unified-status"), "allowed");
  assert.match(headers.get("anthropic-ratelimit-unified-5h-utilization") ?? "", /^0\.\d+$/);
  assert.match(headers.get("anthropic-ratelimit-unified-5h-reset") ?? "", /^\d{10}$/);
}

describe("Anthropic Messages (@anthropic-ai/sdk) on every backend format", () => {
  const suite = stackSuite("sdk-anthropic", (gw) => new Anthropic({
      apiKey: gw.token, authToken: null, baseURL: gw.anthropicBase, maxRetries: 0, timeout: 20000,
    }));

  eachFormat((model, backend) => {
    it("messages.countTokens: counted by the backend or estimated (x-switchyard-reason)", async () => {
      const { data, response } = await suite.client.messages
        .countTokens({ model, messages, system: "Be brief." })
        .withResponse();
      assert.ok(Number.isInteger(data.input_tokens) && data.input_tokens > 0, JSON.stringify(data));
      const reason = response.headers.get("x-switchyard-reason");
      if (backend === "Demo" || backend === "Anthropic") {
        assert.equal(reason, `counted by ${backend}`);
        // The mock counts words, plus 3 per message, plus the system prompt's words.
        assert.equal(data.input_tokens, words(PROMPT) + 3 + 2);
      } else {
        assert.equal(reason, "estimated");
      }
    });

    it("messages.create and messages.stream: text, stop_reason, usage", async () => {
      const { data, response } = await suite.client.messages.create({ model, max_tokens: 256, messages }).withResponse();
      assert.equal(response.headers.get("x-switchyard-backend"), backend);
      assertAnthropicLimits(response.headers, backend);
      const raw = await suite.client.messages.create({ model, max_tokens: 256, messages, stream: true }).withResponse();
      assertAnthropicLimits(raw.response.headers, backend);
      for await (const _ of raw.data) { /* drained */ }
      assert.equal(data.type, "message");
      assert.deepEqual(data.content.map((b) => b.type), ["text"]);
      assert.equal(data.content[0].text, EXPECTED);
      assert.equal(data.stop_reason, "end_turn");
      assert.equal(data.usage.output_tokens, REPLY_TOKENS);
      assert.ok(data.usage.input_tokens > 0);

      const stream = suite.client.messages.stream({ model, max_tokens: 256, messages });
      const types = [];
      stream.on("streamEvent", (e) => types.push(e.type));
      const final = await stream.finalMessage();
      assert.equal(final.content[0].text, EXPECTED);
      assert.equal(final.stop_reason, "end_turn");
      assert.equal(final.usage.output_tokens, REPLY_TOKENS);
      assert.equal(types[0], "message_start");
      assert.equal(types.at(-1), "message_stop");
    });

    it("tool round trip: run: echo hi → tool_use → tool_result → Tool result", async () => {
      const ask = [{ role: "user", content: "run: echo hi" }];
      const first = await suite.client.messages.create({ model, max_tokens: 256, messages: ask, tools: [BASH] });
      assert.equal(first.stop_reason, "tool_use");
      const uses = first.content.filter((b) => b.type === "tool_use");
      assert.equal(uses.length, 1, JSON.stringify(first.content));
      assert.equal(uses[0].name, "Bash");
      assert.deepEqual(uses[0].input, { command: "echo hi" });
      const second = suite.client.messages.stream({
        model,
        max_tokens: 256,
        tools: [BASH],
        messages: [
          ...ask,
          { role: "assistant", content: first.content },
          { role: "user", content: [{ type: "tool_result", tool_use_id: uses[0].id, content: "hi" }] },
        ],
      });
      const final = await second.finalMessage();
      assert.equal(final.content.filter((b) => b.type === "text").map((b) => b.text).join(""), toolResultReply("hi"));
      assert.equal(final.stop_reason, "end_turn");
    });
  });

  it("count_tokens leaves a $0 count_tokens row per request", async () => {
    const rows = await suite.stack.gw.waitForRequests(
      (rs) => rs.filter((r) => r.inbound === "count_tokens").length >= FORMATS.length,
      { limit: 200 },
    );
    const counts = rows.filter((r) => r.inbound === "count_tokens");
    assert.equal(counts.length, FORMATS.length, JSON.stringify(counts));
    for (const row of counts) {
      assert.equal(row.status, 200);
      assert.equal(row.costUsd, 0, JSON.stringify(row));
    }
  });
});
