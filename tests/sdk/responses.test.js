// The official `openai` SDK's Responses API (`responses.create`, `responses.stream`,
// `responses.inputTokens.count`) against switchyard-serve, on every backend format: the Demo
// backend and the OpenAI backend (gpt-4.1 and the Responses-only gpt-5-codex) natively, the
// Anthropic backend (Messages), the Gemini backend (native API) and an OpenAI-compatible server
// (Chat Completions) through translation. Every backend but Demo is the mock provider
// (switchyard-mock), whose replies are deterministic: texts and output tokens are asserted
// exactly. Needs the keychain (run through `./dev sdk` or `./dev test`).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import OpenAI from "openai";
import { FORMATS, demoReply, scrubProviderEnv, toolResultReply, words, assertLedgerPerFormat, eachFormat, stackSuite } from "./harness.js";

scrubProviderEnv(process.env);

const PROMPT = "Say hello through the Responses API";
const EXPECTED = demoReply(PROMPT);
const REPLY_TOKENS = words(EXPECTED);
const SHELL_TOOL = {
  type: "function",
  name: "shell",
  description: "Runs a shell command",
  parameters: { type: "object", properties: { command: { type: "string" } }, required: ["command"] },
  strict: false,
};

/** The event types of a stream with each run of one type collapsed to one entry. */
const collapsed = (types) => types.filter((t, i) => t !== types[i - 1]);

describe("OpenAI Responses API (openai SDK) on every backend format", () => {
  const suite = stackSuite("sdk-responses", (gw) => new OpenAI({ apiKey: gw.token, baseURL: gw.openaiBase, maxRetries: 0, timeout: 20000 }));

  eachFormat((model, backend) => {
    it("responses.create, buffered: output_text, one message item, usage, headers", async () => {
      const { data, response } = await suite.client.responses.create({ model, input: PROMPT }).withResponse();
      assert.equal(response.headers.get("x-switchyard-backend"), backend);
      assert.equal(data.object, "response");
      assert.match(data.id, /^resp_/);
      assert.equal(data.status, "completed");
      assert.equal(data.output_text, EXPECTED);
      const messages = data.output.filter((o) => o.type === "message");
      assert.equal(messages.length, 1, JSON.stringify(data.output));
      assert.equal(messages[0].role, "assistant");
      assert.deepEqual(messages[0].content.map((c) => c.type), ["output_text"]);
      assert.equal(messages[0].content[0].text, EXPECTED);
      assert.ok(data.usage, "usage is present");
      assert.ok(data.usage.input_tokens > 0, JSON.stringify(data.usage));
      assert.equal(data.usage.output_tokens, REPLY_TOKENS, JSON.stringify(data.usage));
      assert.equal(data.usage.total_tokens, data.usage.input_tokens + data.usage.output_tokens);
    });

    it("responses.create, streamed: event sequence, sequence numbers, deltas, usage", async () => {
      const stream = await suite.client.responses.create({ model, input: PROMPT, stream: true });
      const events = [];
      for await (const event of stream) events.push(event);
      const types = events.map((e) => e.type);
      assert.deepEqual(collapsed(types), [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.content_part.added",
        "response.output_text.delta",
        "response.output_text.done",
        "response.content_part.done",
        "response.output_item.done",
        "response.completed",
      ], types.join(","));
      assert.deepEqual(events.map((e) => e.sequence_number), events.map((_, i) => i), "sequence_number counts from 0");
      const text = events.filter((e) => e.type === "response.output_text.delta").map((e) => e.delta).join("");
      assert.equal(text, EXPECTED);
      assert.equal(events.find((e) => e.type === "response.output_text.done").text, EXPECTED);
      const done = events.at(-1).response;
      assert.equal(done.status, "completed");
      assert.equal(done.usage?.output_tokens, REPLY_TOKENS, JSON.stringify(done.usage));
      assert.ok(done.usage.input_tokens > 0);
      const item = events.find((e) => e.type === "response.output_item.done").item;
      assert.equal(item.content[0].text, EXPECTED);
      assert.equal(events[0].response.id, done.id, "one response id throughout");
    });

    it("responses.stream(): text events and finalResponse()", async () => {
      const stream = suite.client.responses.stream({ model, input: PROMPT });
      let text = "";
      stream.on("response.output_text.delta", (e) => { text += e.delta; });
      const final = await stream.finalResponse();
      assert.equal(text, EXPECTED);
      assert.equal(final.output_text, EXPECTED);
      assert.equal(final.status, "completed");
      assert.equal(final.usage?.output_tokens, REPLY_TOKENS);
    });

    it("function tool round trip: run: echo hi → function_call → function_call_output → Tool result", async () => {
      const input = [{ role: "user", content: "run: echo hi" }];
      const first = await suite.client.responses.create({ model, input, tools: [SHELL_TOOL] });
      const calls = first.output.filter((o) => o.type === "function_call");
      assert.equal(calls.length, 1, JSON.stringify(first.output));
      const call = calls[0];
      assert.equal(call.name, "shell");
      assert.deepEqual(JSON.parse(call.arguments), { command: "echo hi" });
      assert.ok(call.call_id, "the call has a call_id");
      assert.equal(first.output_text, "", "a tool call has no text");

      const second = await suite.client.responses.create({
        model,
        tools: [SHELL_TOOL],
        input: [...input, call, { type: "function_call_output", call_id: call.call_id, output: "hi\n" }],
      });
      assert.equal(second.output_text, toolResultReply("hi"));
      assert.equal(second.status, "completed");
      assert.ok(second.usage.input_tokens > 0 && second.usage.output_tokens > 0, JSON.stringify(second.usage));

      // The same call, streamed: argument events and the call in finalResponse().
      const stream = suite.client.responses.stream({ model, input, tools: [SHELL_TOOL] });
      let args = "";
      stream.on("response.function_call_arguments.delta", (e) => { args += e.delta; });
      const final = await stream.finalResponse();
      const streamed = final.output.filter((o) => o.type === "function_call");
      assert.equal(streamed.length, 1, JSON.stringify(final.output));
      assert.equal(streamed[0].name, "shell");
      assert.deepEqual(JSON.parse(streamed[0].arguments), { command: "echo hi" });
      assert.deepEqual(JSON.parse(args), { command: "echo hi" });
    });

    it("responses.inputTokens.count answers a positive count", async () => {
      const { data, response } = await suite.client.responses.inputTokens
        .count({ model, input: PROMPT })
        .withResponse();
      assert.equal(data.object, "response.input_tokens");
      assert.ok(Number.isInteger(data.input_tokens) && data.input_tokens > 0, JSON.stringify(data));
      const reason = response.headers.get("x-switchyard-reason") ?? "";
      // Demo and OpenAI count Responses bodies themselves; the others are estimated.
      if (backend === "Demo" || backend === "OpenAI") assert.match(reason, /^counted by /);
      else assert.equal(reason, "estimated");
    });
  });

  describe("bad input comes back as the SDK's BadRequestError, never a 5xx", () => {
    it("a malformed input item (function_call without call_id) is a 400 naming the field", async () => {
      for (const [, model] of FORMATS) {
        await assert.rejects(
          suite.client.responses.create({ model, input: [{ type: "function_call", name: "shell", arguments: "{}" }] }),
          (err) => {
            assert.ok(err instanceof OpenAI.BadRequestError, `${model}: ${err?.constructor?.name}: ${err}`);
            assert.equal(err.status, 400);
            assert.equal(err.type, "invalid_request_error");
            assert.match(err.param ?? "", /^input\[0\]/, `${model}: param ${err.param}`);
            assert.match(err.message, /call_id/);
            return true;
          },
        );
      }
    });

    it("a function_call_output with no matching function_call is a 400", async () => {
      for (const [, model] of FORMATS) {
        await assert.rejects(
          suite.client.responses.create({
            model,
            input: [
              { role: "user", content: "hello" },
              { type: "function_call_output", call_id: "call_nowhere", output: "hi" },
            ],
          }),
          (err) => {
            assert.ok(err instanceof OpenAI.BadRequestError, `${model}: ${err?.constructor?.name}: ${err}`);
            assert.equal(err.status, 400);
            assert.equal(err.param, "input[1].call_id", `${model}: param ${err.param}`);
            assert.match(err.message, /no function_call with this call_id/);
            return true;
          },
        );
      }
    });

    it("a request no backend can take (web_search only, on Anthropic) is a 400 invalid_request_error", async () => {
      await assert.rejects(
        suite.client.responses.create({ model: "claude-sonnet-4-5", input: "Search the web for news", tools: [{ type: "web_search" }] }),
        (err) => {
          assert.ok(err instanceof OpenAI.BadRequestError, `${err?.constructor?.name}: ${err}`);
          assert.equal(err.status, 400);
          assert.equal(err.type, "invalid_request_error");
          assert.match(err.message, /Anthropic/);
          assert.match(err.param ?? "", /^tools/);
          return true;
        },
      );
    });
  });

  it("the ledger records Responses requests as inbound responses, with tokens and a cost", async () => {
    await assertLedgerPerFormat(suite.stack, "responses", "sdk-responses");
  });
});
