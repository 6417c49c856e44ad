// The official SDKs (npm `openai` and `@anthropic-ai/sdk`) against the headless gateway, served by
// the built-in Demo backend. The Demo reply is deterministic (crates/mock/src/text.rs), so texts
// and token counts are asserted exactly: one word is one token, a prompt costs its words plus 3
// per message.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import OpenAI from "openai";
import Anthropic from "@anthropic-ai/sdk";
import { scrubProviderEnv, startGateway } from "./harness.js";

scrubProviderEnv(process.env);

const MODEL = "demo-chat";
const UNKNOWN_MODEL = "no-such-model-sdk";
const PROMPT = "Say hello to the official SDKs";
// Must match BODY in crates/mock/src/text.rs.
const DEMO_BODY =
  "This answer comes from the Switchyard demo backend, so no real model was called " +
  "and nothing left your machine. Add a provider key and pick a real backend to get genuine answers. " +
  "Streaming, usage counts and errors behave like the real APIs.";
const EXPECTED = `Demo reply to “${PROMPT}”: ${DEMO_BODY}`;
const words = (s) => s.split(/\s+/).filter(Boolean).length;
const PROMPT_TOKENS = words(PROMPT) + 3;
const REPLY_TOKENS = words(EXPECTED);
const messages = [{ role: "user", content: PROMPT }];

describe("official SDKs against switchyard-serve", () => {
  let gw;
  let openai;
  let anthropic;

  before(async () => {
    gw = await startGateway();
    openai = new OpenAI({ apiKey: gw.token, baseURL: gw.openaiBase, maxRetries: 0, timeout: 20000 });
    anthropic = new Anthropic({
      apiKey: gw.token, authToken: null, baseURL: gw.anthropicBase, maxRetries: 0, timeout: 20000,
    });
  });

  after(async () => {
    if (!gw) return;
    const exit = await gw.stop();
    assert.equal(exit.killed, undefined, `the gateway ignored SIGTERM\n${exit.stderr}`);
    assert.equal(exit.code, 0, `the gateway exited with ${exit.code}/${exit.signal}\n${exit.stderr}`);
    assert.match(exit.stdout, /stopping: finishing in-flight requests/);
  });

  const openaiWith = (opts) => new OpenAI({ baseURL: gw.openaiBase, maxRetries: 0, timeout: 20000, ...opts });
  const anthropicWith = (opts) =>
    new Anthropic({ baseURL: gw.anthropicBase, maxRetries: 0, timeout: 20000, authToken: null, ...opts });

  it("1. OpenAI chat.completions.create (non-streaming): exact demo text, usage and model", async () => {
    const { data, response } = await openai.chat.completions
      .create({ model: MODEL, messages })
      .withResponse();
    assert.equal(response.headers.get("x-switchyard-backend"), "Demo");
    assert.equal(response.headers.get("x-switchyard-model"), MODEL);
    assert.match(response.headers.get("x-switchyard-request-id") ?? "", /^[0-9a-f]{32}$/);
    assert.equal(data.object, "chat.completion");
    assert.equal(data.model, MODEL);
    assert.equal(data.choices.length, 1);
    assert.equal(data.choices[0].message.role, "assistant");
    assert.equal(data.choices[0].message.content, EXPECTED);
    assert.equal(data.choices[0].finish_reason, "stop");
    assert.ok(data.usage.prompt_tokens > 0 && data.usage.completion_tokens > 0, JSON.stringify(data.usage));
    assert.equal(data.usage.prompt_tokens, PROMPT_TOKENS);
    assert.equal(data.usage.completion_tokens, REPLY_TOKENS);
    assert.equal(data.usage.total_tokens, data.usage.prompt_tokens + data.usage.completion_tokens);

    const cut = await openai.chat.completions.create({ model: MODEL, messages, max_tokens: 4 });
    assert.equal(cut.choices[0].finish_reason, "length");
    assert.equal(cut.usage.completion_tokens, 4);
    assert.equal(cut.choices[0].message.content, EXPECTED.split(" ").slice(0, 4).join(" "));
  });

  it("2. OpenAI streaming with include_usage: deltas equal the text, the last chunk has usage", async () => {
    const { data: stream, response } = await openai.chat.completions
      .create({ model: MODEL, messages, stream: true, stream_options: { include_usage: true } })
      .withResponse();
    assert.match(response.headers.get("content-type") ?? "", /^text\/event-stream/);
    assert.equal(response.headers.get("x-switchyard-backend"), "Demo");
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const text = chunks.map((c) => c.choices[0]?.delta?.content ?? "").join("");
    assert.equal(text, EXPECTED);
    assert.ok(chunks.every((c) => c.object === "chat.completion.chunk" && c.model === MODEL));
    assert.equal(chunks.filter((c) => c.choices[0]?.finish_reason === "stop").length, 1);
    const last = chunks.at(-1);
    assert.deepEqual(last.choices, [], "the usage chunk has no choices");
    assert.deepEqual(
      { prompt: last.usage?.prompt_tokens, completion: last.usage?.completion_tokens, total: last.usage?.total_tokens },
      { prompt: PROMPT_TOKENS, completion: REPLY_TOKENS, total: PROMPT_TOKENS + REPLY_TOKENS },
    );
    assert.ok(chunks.slice(0, -1).every((c) => c.usage == null), "only the last chunk carries usage");

    // The SDK's stream helper accumulates the chunks into a completion of its own.
    const helper = openai.chat.completions.stream({
      model: MODEL, messages, stream_options: { include_usage: true },
    });
    let helperText = "";
    helper.on("content", (delta) => { helperText += delta; });
    const final = await helper.finalChatCompletion();
    assert.equal(helperText, EXPECTED);
    assert.equal(final.choices[0].message.content, EXPECTED);
    assert.equal(final.choices[0].finish_reason, "stop");
    assert.equal(final.usage?.completion_tokens, REPLY_TOKENS);
  });

  it("3. OpenAI streaming without include_usage: no usage-only chunk reaches the client", async () => {
    const stream = await openai.chat.completions.create({ model: MODEL, messages, stream: true });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    assert.equal(chunks.map((c) => c.choices[0]?.delta?.content ?? "").join(""), EXPECTED);
    assert.deepEqual(
      chunks.filter((c) => c.choices.length === 0),
      [],
      "the gateway asked the provider for usage itself and must strip that chunk",
    );
    assert.ok(chunks.every((c) => c.usage == null), "no chunk carries usage");
    assert.equal(chunks.at(-1).choices[0].finish_reason, "stop");
  });

  it("4. Anthropic messages.create (non-streaming): text, usage and stop_reason", async () => {
    const { data, response } = await anthropic.messages
      .create({ model: MODEL, max_tokens: 256, messages })
      .withResponse();
    assert.equal(response.headers.get("x-switchyard-backend"), "Demo");
    assert.equal(data.type, "message");
    assert.equal(data.role, "assistant");
    assert.equal(data.model, MODEL);
    assert.deepEqual(data.content.map((b) => b.type), ["text"]);
    assert.equal(data.content[0].text, EXPECTED);
    assert.equal(data.stop_reason, "end_turn");
    assert.ok(data.usage.input_tokens > 0 && data.usage.output_tokens > 0, JSON.stringify(data.usage));
    assert.equal(data.usage.input_tokens, PROMPT_TOKENS);
    assert.equal(data.usage.output_tokens, REPLY_TOKENS);

    const cut = await anthropic.messages.create({ model: MODEL, max_tokens: 4, messages });
    assert.equal(cut.stop_reason, "max_tokens");
    assert.equal(cut.usage.output_tokens, 4);
    assert.equal(cut.content[0].text, EXPECTED.split(" ").slice(0, 4).join(" "));
  });

  it("5. Anthropic messages.stream: text events and finalMessage() match the non-stream answer", async () => {
    const stream = anthropic.messages.stream({ model: MODEL, max_tokens: 256, messages });
    let text = "";
    const types = [];
    stream.on("text", (delta) => { text += delta; });
    stream.on("streamEvent", (event) => types.push(event.type));
    const final = await stream.finalMessage();
    assert.equal(text, EXPECTED);
    assert.equal(final.content[0].text, EXPECTED);
    assert.equal(final.stop_reason, "end_turn");
    assert.equal(final.usage.input_tokens, PROMPT_TOKENS);
    assert.equal(final.usage.output_tokens, REPLY_TOKENS);
    assert.equal(types[0], "message_start");
    assert.equal(types.at(-1), "message_stop");
    assert.ok(types.includes("message_delta"), types.join(","));
  });

  it("6. models.list lists the demo model (OpenAI and Anthropic SDKs)", async () => {
    const models = [];
    for await (const m of openai.models.list()) models.push(m);
    assert.ok(models.some((m) => m.id === MODEL), JSON.stringify(models));
    assert.ok(models.every((m) => m.object === "model"));

    // Anthropic's shape names each id as a Claude client keeps it (Claude Code drops ids without
    // "claude"): the demo model as `claude-via-demo-chat`, shown by its own name, and answering.
    const anthropicModels = [];
    for await (const m of anthropic.models.list()) anthropicModels.push(m);
    const demo = anthropicModels.find((m) => m.display_name === MODEL && m.type === "model");
    assert.equal(demo?.id, `claude-via-${MODEL}`, JSON.stringify(anthropicModels));
    const answer = await anthropic.messages.create({ model: demo.id, max_tokens: 64, messages: [{ role: "user", content: "Say hello" }] });
    assert.ok(answer.content[0].text.length > 0, JSON.stringify(answer));
  });

  describe("7. errors come back as the SDKs' own error classes", () => {
    it("OpenAI: a wrong token raises AuthenticationError (401)", async () => {
      const bad = openaiWith({ apiKey: "sy-not-a-real-token" });
      await assert.rejects(bad.chat.completions.create({ model: MODEL, messages }), (err) => {
        assert.ok(err instanceof OpenAI.AuthenticationError, `${err?.constructor?.name}: ${err}`);
        assert.equal(err.status, 401);
        assert.equal(err.error?.message, "Missing, invalid or revoked Switchyard token: create one on the Gateway page and send it as the API key.");
        assert.equal(err.type, "authentication_error");
        assert.equal(err.code, "invalid_api_key");
        assert.equal(err.message, "401 Missing, invalid or revoked Switchyard token: create one on the Gateway page and send it as the API key.");
        return true;
      });
    });

    it("OpenAI: an unknown model raises NotFoundError (404), streaming or not", async () => {
      for (const stream of [false, true]) {
        await assert.rejects(openai.chat.completions.create({ model: UNKNOWN_MODEL, messages, stream }), (err) => {
          assert.ok(err instanceof OpenAI.NotFoundError, `${err?.constructor?.name}: ${err}`);
          assert.equal(err.status, 404);
          assert.match(err.error?.message ?? "", new RegExp(`Unknown model or route “${UNKNOWN_MODEL}”`));
          assert.match(err.message, /^404 Unknown model or route/);
          assert.equal(err.headers.get("x-switchyard-error"), "gateway");
          return true;
        });
      }
    });

    it("Anthropic: a wrong token raises AuthenticationError (401)", async () => {
      const bad = anthropicWith({ apiKey: "sy-not-a-real-token" });
      await assert.rejects(bad.messages.create({ model: MODEL, max_tokens: 64, messages }), (err) => {
        assert.ok(err instanceof Anthropic.AuthenticationError, `${err?.constructor?.name}: ${err}`);
        assert.equal(err.status, 401);
        assert.equal(err.error?.type, "error");
        assert.equal(err.error?.error?.type, "authentication_error");
        assert.equal(err.error?.error?.message, "Missing, invalid or revoked Switchyard token: create one on the Gateway page and send it as the API key.");
        assert.match(err.message, /^401 .*Missing, invalid or revoked Switchyard token: /);
        return true;
      });
    });

    it("Anthropic: an unknown model raises NotFoundError (404), streaming or not", async () => {
      const calls = [
        () => anthropic.messages.create({ model: UNKNOWN_MODEL, max_tokens: 64, messages }),
        () => anthropic.messages.stream({ model: UNKNOWN_MODEL, max_tokens: 64, messages }).finalMessage(),
      ];
      for (const call of calls) {
        await assert.rejects(call(), (err) => {
          assert.ok(err instanceof Anthropic.NotFoundError, `${err?.constructor?.name}: ${err}`);
          assert.equal(err.status, 404);
          assert.equal(err.error?.error?.type, "not_found_error");
          assert.match(err.error?.error?.message ?? "", new RegExp(`Unknown model or route “${UNKNOWN_MODEL}”`));
          assert.match(err.message, /^404 .*Unknown model or route/);
          return true;
        });
      }
    });
  });

  it("8. Anthropic SDK with authToken (Authorization: Bearer) works too", async () => {
    const bearer = anthropicWith({ apiKey: null, authToken: gw.token });
    const msg = await bearer.messages.create({ model: MODEL, max_tokens: 256, messages });
    assert.equal(msg.content[0].text, EXPECTED);
    assert.equal(msg.usage.output_tokens, REPLY_TOKENS);

    const wrong = anthropicWith({ apiKey: null, authToken: "sy-not-a-real-token" });
    await assert.rejects(wrong.messages.create({ model: MODEL, max_tokens: 64, messages }), Anthropic.AuthenticationError);
  });

  it("9. a stream the SDK abandons half-way leaves the gateway serving", async () => {
    const stream = await openai.chat.completions.create({ model: MODEL, messages, stream: true });
    let seen = 0;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta?.content) seen += 1;
      if (seen === 3) break; // leaving the loop aborts the request
    }
    const abandoned = anthropic.messages.stream({ model: MODEL, max_tokens: 256, messages });
    await new Promise((resolve) => abandoned.once("text", resolve));
    abandoned.abort();
    await assert.rejects(abandoned.finalMessage(), Anthropic.APIUserAbortError);

    const next = await openai.chat.completions.create({ model: MODEL, messages, max_tokens: 4 });
    assert.equal(next.choices[0].message.content, EXPECTED.split(" ").slice(0, 4).join(" "));
  });
});
