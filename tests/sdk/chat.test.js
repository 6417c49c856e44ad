// The official `openai` SDK's Chat Completions against switchyard-serve on every backend format:
// Demo, the OpenAI backend (gpt-4.1) and an OpenAI-compatible server natively, OpenAI Responses
// (gpt-5-codex, Responses-only), Anthropic Messages and Gemini through translation. Buffered,
// streamed with usage, a function tool round trip, and `n` that another format cannot carry.
// Needs the keychain (run through `./dev sdk` or `./dev test`).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import OpenAI from "openai";
import { demoReply, scrubProviderEnv, toolResultReply, words, assertLedgerPerFormat, eachFormat, stackSuite } from "./harness.js";

scrubProviderEnv(process.env);

const PROMPT = "Say hello through Chat Completions";
const EXPECTED = demoReply(PROMPT);
const REPLY_TOKENS = words(EXPECTED);
const messages = [{ role: "system", content: "Be brief." }, { role: "user", content: PROMPT }];
const SHELL = {
  type: "function",
  function: {
    name: "shell",
    description: "Runs a shell command",
    parameters: { type: "object", properties: { command: { type: "string" } }, required: ["command"] },
  },
};

describe("OpenAI Chat Completions (openai SDK) on every backend format", () => {
  const suite = stackSuite("sdk-chat", (gw) => new OpenAI({ apiKey: gw.token, baseURL: gw.openaiBase, maxRetries: 0, timeout: 20000 }));

  eachFormat((model, backend) => {
    it("create, buffered: text, finish_reason, usage", async () => {
      const { data, response } = await suite.client.chat.completions.create({ model, messages }).withResponse();
      assert.equal(response.headers.get("x-switchyard-backend"), backend);
      // OpenAI's rate-limit headers, unchanged, from a backend speaking OpenAI's family
      // (Chat or Responses; Demo answers an OpenAI caller in its own format); none from
      // Anthropic or Gemini.
      const remaining = response.headers.get("x-ratelimit-remaining-requests");
      if (backend === "OpenAI" || backend === "Compatible" || backend === "Demo") {
        assert.match(remaining ?? "", /^\d+$/, `${backend}: requests remaining`);
        assert.match(response.headers.get("x-ratelimit-reset-tokens") ?? "", /^\d+ms$/);
      } else {
        assert.equal(remaining, null, `${backend}: no OpenAI limits from another format`);
      }
      assert.equal(data.object, "chat.completion");
      assert.equal(data.choices.length, 1);
      assert.equal(data.choices[0].message.role, "assistant");
      assert.equal(data.choices[0].message.content, EXPECTED);
      assert.equal(data.choices[0].finish_reason, "stop");
      assert.equal(data.usage.completion_tokens, REPLY_TOKENS, JSON.stringify(data.usage));
      assert.ok(data.usage.prompt_tokens > 0);
      assert.equal(data.usage.total_tokens, data.usage.prompt_tokens + data.usage.completion_tokens);
    });

    it("create, streamed with include_usage: deltas, one stop, usage last", async () => {
      const stream = await suite.client.chat.completions.create({
        model, messages, stream: true, stream_options: { include_usage: true },
      });
      const chunks = [];
      for await (const chunk of stream) chunks.push(chunk);
      assert.equal(chunks.map((c) => c.choices[0]?.delta?.content ?? "").join(""), EXPECTED);
      assert.ok(chunks.every((c) => c.object === "chat.completion.chunk"));
      assert.equal(chunks.filter((c) => c.choices[0]?.finish_reason === "stop").length, 1);
      const last = chunks.at(-1);
      assert.deepEqual(last.choices, [], "the usage chunk has no choices");
      assert.equal(last.usage?.completion_tokens, REPLY_TOKENS, JSON.stringify(last.usage));
      assert.ok(last.usage.prompt_tokens > 0);
    });

    it("function tool round trip: run: echo hi → tool_calls → tool message → Tool result", async () => {
      const ask = [{ role: "user", content: "run: echo hi" }];
      const first = await suite.client.chat.completions.create({ model, messages: ask, tools: [SHELL] });
      assert.equal(first.choices[0].finish_reason, "tool_calls");
      const calls = first.choices[0].message.tool_calls ?? [];
      assert.equal(calls.length, 1, JSON.stringify(first.choices[0].message));
      assert.equal(calls[0].type, "function");
      assert.equal(calls[0].function.name, "shell");
      assert.deepEqual(JSON.parse(calls[0].function.arguments), { command: "echo hi" });

      const helper = suite.client.chat.completions.stream({
        model,
        tools: [SHELL],
        messages: [
          ...ask,
          first.choices[0].message,
          { role: "tool", tool_call_id: calls[0].id, content: "hi" },
        ],
      });
      const final = await helper.finalChatCompletion();
      assert.equal(final.choices[0].message.content, toolResultReply("hi"));
      assert.equal(final.choices[0].finish_reason, "stop");
    });
  });

  // Only OpenAI's Chat Completions returns several choices: elsewhere `n` cannot be carried.
  it("n: 2 on a backend whose format has no n is refused (400 naming n), not answered with one choice", async () => {
    for (const model of ["claude-sonnet-4-5", "gemini-2.5-flash", "gpt-5-codex"]) {
      await assert.rejects(suite.client.chat.completions.create({ model, messages, n: 2 }), (err) => {
        assert.ok(err instanceof OpenAI.BadRequestError, `${model}: ${err?.constructor?.name}: ${err}`);
        assert.equal(err.param, "n");
        return true;
      });
    }
  });

  it("the ledger records Chat Completions requests as inbound openai", async () => {
    await assertLedgerPerFormat(suite.stack, "openai");
  });
});
