// The official `@google/genai` SDK (Gemini Developer API mode: httpOptions.baseUrl = the gateway
// root, apiKey = the Switchyard token, sent as x-goog-api-key) against switchyard-serve, on every
// backend format: Demo (Gemini natively), the Gemini backend (native, the mock provider), OpenAI
// Chat Completions (gpt-4.1 and an OpenAI-compatible server), OpenAI Responses (gpt-5-codex) and
// Anthropic Messages. Needs the keychain (run through `./dev sdk` or `./dev test`).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ApiError, GoogleGenAI } from "@google/genai";
import { FORMATS, demoReply, scrubProviderEnv, toolResultReply, words, assertLedgerPerFormat, eachFormat, stackSuite } from "./harness.js";

scrubProviderEnv(process.env);

const PROMPT = "Say hello to the Gemini SDK";
const EXPECTED = demoReply(PROMPT);
const REPLY_TOKENS = words(EXPECTED);
const SHELL = {
  functionDeclarations: [{
    name: "run_shell_command",
    description: "Runs a shell command",
    parametersJsonSchema: {
      type: "object",
      properties: { command: { type: "string" }, description: { type: "string" } },
      required: ["command"],
    },
  }],
};

describe("Gemini native API (@google/genai) on every backend format", () => {
  const suite = stackSuite("sdk-gemini", (gw) => new GoogleGenAI({ apiKey: gw.token, httpOptions: { baseUrl: gw.origin, timeout: 20000 } }));

  eachFormat((model, backend) => {
    it("generateContent: text, finishReason STOP, usageMetadata", async () => {
      const res = await suite.client.models.generateContent({ model, contents: PROMPT });
      assert.equal(res.text, EXPECTED);
      assert.equal(res.candidates?.length, 1);
      assert.equal(res.candidates[0].content.role, "model");
      assert.equal(res.candidates[0].finishReason, "STOP");
      const u = res.usageMetadata;
      assert.ok(u, "usageMetadata is present");
      assert.ok(u.promptTokenCount > 0, JSON.stringify(u));
      assert.equal(u.candidatesTokenCount, REPLY_TOKENS, JSON.stringify(u));
      assert.equal(u.totalTokenCount, u.promptTokenCount + u.candidatesTokenCount + (u.thoughtsTokenCount ?? 0));
      assert.equal(res.sdkHttpResponse?.headers?.["x-switchyard-backend"], backend);
    });

    it("generateContentStream: chunks concatenate to the text, the last has STOP and usage", async () => {
      const chunks = [];
      for await (const chunk of await suite.client.models.generateContentStream({ model, contents: PROMPT })) chunks.push(chunk);
      assert.ok(chunks.length > 1, `several chunks, got ${chunks.length}`);
      assert.equal(chunks.map((c) => c.text ?? "").join(""), EXPECTED);
      const last = chunks.at(-1);
      assert.equal(last.candidates?.[0]?.finishReason, "STOP");
      assert.equal(chunks.filter((c) => c.candidates?.[0]?.finishReason).length, 1, "finishReason only on the last chunk");
      assert.equal(last.usageMetadata?.candidatesTokenCount, REPLY_TOKENS, JSON.stringify(last.usageMetadata));
      assert.ok(last.usageMetadata.promptTokenCount > 0);
    });

    it("countTokens: a positive total (counted by Demo and Gemini, estimated elsewhere)", async () => {
      const res = await suite.client.models.countTokens({ model, contents: PROMPT });
      assert.ok(Number.isInteger(res.totalTokens) && res.totalTokens > 0, JSON.stringify(res));
      const reason = res.sdkHttpResponse?.headers?.["x-switchyard-reason"] ?? "";
      if (backend === "Demo" || backend === "Gemini") assert.match(reason, /^counted by /);
      else assert.equal(reason, "estimated");
    });

    it("function call round trip: run: echo hi → functionCall → functionResponse → Tool result", async () => {
      const contents = [{ role: "user", parts: [{ text: "run: echo hi" }] }];
      const first = await suite.client.models.generateContent({ model, contents, config: { tools: [SHELL] } });
      const calls = first.functionCalls ?? [];
      assert.equal(calls.length, 1, JSON.stringify(first.candidates));
      assert.equal(calls[0].name, "run_shell_command");
      assert.equal(calls[0].args.command, "echo hi");
      const callPart = first.candidates[0].content.parts.find((p) => p.functionCall);
      const second = await suite.client.models.generateContent({
        model,
        config: { tools: [SHELL] },
        contents: [
          ...contents,
          { role: "model", parts: [callPart] },
          { role: "user", parts: [{ functionResponse: { name: "run_shell_command", id: calls[0].id, response: { output: "hi" } } }] },
        ],
      });
      assert.equal(second.text, toolResultReply("hi"));
    });
  });

  it("models.get and models.list", async () => {
    const m = await suite.client.models.get({ model: "gemini-2.5-flash" });
    assert.equal(m.name, "models/gemini-2.5-flash");
    const names = [];
    for await (const model of await suite.client.models.list()) names.push(model.name);
    assert.ok(names.includes("models/demo-chat"), names.join(","));
  });

  it("models.get and models.list with the v1 API version (@google/genai 3's default)", async () => {
    const v1 = new GoogleGenAI({
      apiKey: suite.stack.gw.token,
      httpOptions: { baseUrl: suite.stack.gw.origin, apiVersion: "v1" },
    });
    const m = await v1.models.get({ model: "gemini-2.5-flash" });
    assert.equal(m.name, "models/gemini-2.5-flash", "GET /v1/models/{id} with x-goog-api-key answers Gemini's Model");
    const names = [];
    for await (const model of await v1.models.list()) names.push(model.name);
    assert.ok(names.includes("models/demo-chat"), `Gemini's list on /v1/models: ${names.join(",")}`);
  });

  it("the key also works as ?key= (raw fetch)", async () => {
    const url = `${suite.stack.gw.origin}/v1beta/models/demo-chat:generateContent?key=${suite.stack.gw.token}`;
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: PROMPT }] }] }),
    });
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.equal(body.candidates[0].content.parts.map((p) => p.text).join(""), EXPECTED);
  });

  it("a body with no contents is a 400 INVALID_ARGUMENT in Gemini's shape, on every backend", async () => {
    // @google/genai refuses this itself ("contents are required"), so the body goes by fetch.
    for (const [, model] of FORMATS) {
      for (const method of ["generateContent", "streamGenerateContent?alt=sse", "countTokens"]) {
        const res = await fetch(`${suite.stack.gw.origin}/v1beta/models/${model}:${method}`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-goog-api-key": suite.stack.gw.token },
          body: JSON.stringify({ generationConfig: { temperature: 0 } }),
        });
        const body = await res.json();
        assert.equal(res.status, 400, `${model} ${method}: ${JSON.stringify(body)}`);
        assert.equal(body.error?.code, 400);
        assert.equal(body.error?.status, "INVALID_ARGUMENT");
        assert.match(body.error?.message ?? "", /`contents`/);
      }
    }
  });

  // As Gemini's own API does: refused before any backend, naming the field the caller sent.
  it("a turn with no parts is a 400 naming contents[0].parts, on every backend", async () => {
    for (const [, model] of FORMATS) {
      await assert.rejects(suite.client.models.generateContent({ model, contents: [{ role: "user", parts: [] }] }), (err) => {
        assert.ok(err instanceof ApiError, `${model}: ${err?.constructor?.name}: ${err}`);
        assert.equal(err.status, 400);
        assert.match(err.message, /INVALID_ARGUMENT/);
        assert.match(err.message, /contents\[0\]\.parts/);
        return true;
      });
    }
  });

  it("the ledger records Gemini requests as inbound gemini and counts as count_tokens", async () => {
    const rows = await assertLedgerPerFormat(suite.stack, "gemini");
    const count = rows.find((r) => r.inbound === "count_tokens" && r.requestedModel === "gemini-2.5-flash");
    assert.ok(count, "countTokens leaves a count_tokens row");
    assert.equal(count.costUsd, 0);
  });
});
