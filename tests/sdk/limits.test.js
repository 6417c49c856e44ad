// A backend at its requests-per-minute limit, through each official SDK: the gateway answers 429
// with `Retry-After` and the provider-style rate-limit error of the caller's own format, so the
// SDKs raise their own rate-limit errors (and would wait and retry, were retries on). Needs the
// keychain (run through `./dev sdk` or `./dev test`).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import OpenAI from "openai";
import Anthropic from "@anthropic-ai/sdk";
import { ApiError, GoogleGenAI } from "@google/genai";
import { MOCK_KEY, scrubProviderEnv, startGateway, startMock } from "./harness.js";

scrubProviderEnv(process.env);

describe("a backend at its rate limit, through each SDK", () => {
  const s = {};
  before(async () => {
    s.mock = await startMock();
    s.gw = await startGateway({
      tokenName: "sdk-limits",
      backends: [{ name: "Capped", kind: "openai", baseUrl: `${s.mock.origin}/v1`, model: "gpt-4.1", key: MOCK_KEY, rpm: 1 }],
    });
    const openai = new OpenAI({ apiKey: s.gw.token, baseURL: s.gw.openaiBase, maxRetries: 0 });
    // The one request the minute allows.
    const first = await openai.chat.completions.create({ model: "gpt-4.1", messages: [{ role: "user", content: "first" }] });
    assert.ok(first.choices[0].message.content);
    s.openai = openai;
  });
  after(async () => {
    await s.gw?.stop();
    await s.mock?.stop();
  });

  /** Asserts a Retry-After of 1 to 60 whole seconds. */
  const assertRetryAfter = (value) => {
    assert.match(value ?? "", /^\d+$/, `retry-after: ${value}`);
    assert.ok(Number(value) >= 1 && Number(value) <= 60, value);
  };

  it("openai: a RateLimitError with status 429 and Retry-After", async () => {
    await assert.rejects(
      s.openai.chat.completions.create({ model: "gpt-4.1", messages: [{ role: "user", content: "second" }] }),
      (e) => {
        assert.ok(e instanceof OpenAI.RateLimitError, `${e?.constructor?.name}: ${e}`);
        assert.equal(e.status, 429);
        assert.equal(e.type, "rate_limit_error");
        assert.equal(e.code, "rate_limit_exceeded");
        assert.match(e.message, /requests-per-minute limit \(1\)/);
        assertRetryAfter(e.headers.get("retry-after"));
        return true;
      },
    );
  });

  it("@anthropic-ai/sdk: a RateLimitError with status 429 and Retry-After", async () => {
    const anthropic = new Anthropic({ apiKey: s.gw.token, authToken: null, baseURL: s.gw.anthropicBase, maxRetries: 0 });
    await assert.rejects(
      anthropic.messages.create({ model: "gpt-4.1", max_tokens: 50, messages: [{ role: "user", content: "third" }] }),
      (e) => {
        assert.ok(e instanceof Anthropic.RateLimitError, `${e?.constructor?.name}: ${e}`);
        assert.equal(e.status, 429);
        assert.equal(e.error?.error?.type, "rate_limit_error", JSON.stringify(e.error));
        assertRetryAfter(e.headers.get("retry-after"));
        return true;
      },
    );
  });

  it("@google/genai: an ApiError with status 429 and RESOURCE_EXHAUSTED", async () => {
    const gemini = new GoogleGenAI({ apiKey: s.gw.token, httpOptions: { baseUrl: s.gw.origin, timeout: 20000 } });
    await assert.rejects(
      gemini.models.generateContent({ model: "gpt-4.1", contents: "fourth" }),
      (e) => {
        assert.ok(e instanceof ApiError, `${e?.constructor?.name}: ${e}`);
        assert.equal(e.status, 429);
        assert.match(e.message, /RESOURCE_EXHAUSTED/);
        return true;
      },
    );
    // The SDK keeps no headers on its error: the same request by hand shows the header.
    const raw = await fetch(`${s.gw.origin}/v1beta/models/gpt-4.1:generateContent`, {
      method: "POST",
      headers: { "x-goog-api-key": s.gw.token, "content-type": "application/json" },
      body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "fifth" }] }] }),
    });
    assert.equal(raw.status, 429);
    assertRetryAfter(raw.headers.get("retry-after"));
  });

  it("the ledger records each refusal as limit_reached, and the provider saw one request", async () => {
    const rows = await s.gw.waitForRequests((r) => r.filter((x) => x.errorClass === "limit_reached").length >= 4);
    const refused = rows.filter((r) => r.errorClass === "limit_reached");
    assert.equal(refused.length, 4, JSON.stringify(rows.map((r) => [r.status, r.errorClass])));
    assert.ok(refused.every((r) => r.status === 429));
    assert.equal(rows.filter((r) => r.status === 200).length, 1);
  });
});
