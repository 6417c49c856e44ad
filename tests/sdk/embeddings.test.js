// The official `openai` SDK's `embeddings.create` against switchyard-serve, on the Demo backend
// (demo-embed) and on the OpenAI backend (text-embedding-3-small, the mock provider): the SDK's
// default base64 encoding, explicit floats, the response cache, the model's input limit, and a
// backend without embeddings. Needs the keychain (run through `./dev sdk` or `./dev test`).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import OpenAI from "openai";
import { scrubProviderEnv, eachFormat, stackSuite } from "./harness.js";

scrubProviderEnv(process.env);

// The mock's vectors have 16 dimensions unless `dimensions` says otherwise
// (crates/mock/src/embeddings.rs DEFAULT_DIMENSIONS), L2-normalised.
const DIMENSIONS = 16;
const EMBEDDERS = [
  ["Demo", "demo-embed", "Demo"],
  ["OpenAI", "text-embedding-3-small", "OpenAI"],
];

const norm = (v) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

function checkVector(v, dims, what) {
  assert.ok(Array.isArray(v) || v instanceof Float32Array, `${what}: ${typeof v}`);
  assert.equal(v.length, dims, `${what}: length`);
  assert.ok([...v].every(Number.isFinite), `${what}: every value finite`);
  assert.ok(Math.abs(norm([...v]) - 1) < 1e-3, `${what}: unit length, got ${norm([...v])}`);
}

describe("embeddings (openai SDK)", () => {
  const suite = stackSuite("sdk-embeddings", (gw) => new OpenAI({ apiKey: gw.token, baseURL: gw.openaiBase, maxRetries: 0, timeout: 20000 }));

  eachFormat((model, backend, label) => {
    it("default (base64 on the wire, decoded by the SDK): one finite unit vector per input, usage", async () => {
      const input = [`first ${label} text to embed`, `second ${label} text`];
      const { data, response } = await suite.client.embeddings.create({ model, input }).withResponse();
      assert.equal(response.headers.get("x-switchyard-backend"), backend);
      assert.equal(data.object, "list");
      assert.equal(data.data.length, 2);
      data.data.forEach((d, i) => {
        assert.equal(d.object, "embedding");
        assert.equal(d.index, i);
        checkVector(d.embedding, DIMENSIONS, `data[${i}]`);
      });
      assert.notDeepEqual([...data.data[0].embedding], [...data.data[1].embedding], "different inputs, different vectors");
      assert.equal(data.usage.prompt_tokens, 8, JSON.stringify(data.usage)); // one word, one token
      assert.equal(data.usage.total_tokens, 8);
    });

    it("encoding_format float: the same vector as base64, dimensions honoured", async () => {
      const input = `a ${label} sentence for floats`;
      const floats = await suite.client.embeddings.create({ model, input, encoding_format: "float" });
      const b64 = await suite.client.embeddings.create({ model, input });
      checkVector(floats.data[0].embedding, DIMENSIONS, "float");
      const a = [...floats.data[0].embedding];
      const b = [...b64.data[0].embedding];
      assert.ok(a.every((x, i) => Math.abs(x - b[i]) < 1e-6), "float and base64 decode to the same vector");
      const wide = await suite.client.embeddings.create({ model, input, encoding_format: "float", dimensions: 64 });
      checkVector(wide.data[0].embedding, 64, "dimensions 64");
    });

    it("a second identical request is a cache hit", async () => {
      const input = `cache me on ${label} ${Date.now()}`;
      const first = await suite.client.embeddings.create({ model, input }).withResponse();
      assert.equal(first.response.headers.get("x-switchyard-cache"), "miss");
      const second = await suite.client.embeddings.create({ model, input }).withResponse();
      assert.equal(second.response.headers.get("x-switchyard-cache"), "hit");
      assert.deepEqual([...second.data.data[0].embedding], [...first.data.data[0].embedding]);
      const floats = await suite.client.embeddings.create({ model, input, encoding_format: "float" }).withResponse();
      assert.equal(floats.response.headers.get("x-switchyard-cache"), "miss", "the encoding is part of the key");
    });
  }, { title: "both embedders at once", rows: EMBEDDERS });

  it("an input over text-embedding-3-small's limit (8191 tokens) is a 400 naming the field", async () => {
    const long = "word ".repeat(9000);
    for (const input of [long, ["fine", long]]) {
      await assert.rejects(suite.client.embeddings.create({ model: "text-embedding-3-small", input }), (err) => {
        assert.ok(err instanceof OpenAI.BadRequestError, `${err?.constructor?.name}: ${err}`);
        assert.equal(err.status, 400);
        assert.equal(err.type, "invalid_request_error");
        assert.equal(err.param, typeof input === "string" ? "input" : "input[1]");
        assert.match(err.message, /8191/);
        return true;
      });
    }
  });

  it("embeddings on a backend without them (Anthropic) is a 400 invalid_request_error, not a 5xx", async () => {
    await assert.rejects(suite.client.embeddings.create({ model: "claude-sonnet-4-5", input: "hello" }), (err) => {
      assert.ok(err instanceof OpenAI.BadRequestError, `${err?.constructor?.name}: ${err}`);
      assert.equal(err.status, 400);
      assert.equal(err.type, "invalid_request_error");
      assert.match(err.message, /Anthropic has no embeddings API/);
      return true;
    });
  });

  it("the ledger records embeddings with input tokens only", async () => {
    const rows = await suite.stack.gw.waitForRequests(
      (rs) => EMBEDDERS.every(([, model]) => rs.some((r) => r.inbound === "embeddings" && r.requestedModel === model)),
      { limit: 100 },
    );
    for (const [, model, backend] of EMBEDDERS) {
      const row = rows.find((r) => r.inbound === "embeddings" && r.requestedModel === model && r.status === 200);
      assert.ok(row, `no ledger row for ${model}: ${JSON.stringify(rows.slice(0, 5))}`);
      assert.equal(row.backend, backend);
      assert.ok(row.inputTokens > 0, JSON.stringify(row));
      assert.equal(row.outputTokens, 0, JSON.stringify(row));
    }
    const priced = rows.find((r) => r.inbound === "embeddings" && r.requestedModel === "text-embedding-3-small" && r.status === 200 && r.cache !== "hit");
    assert.ok(priced.costUsd > 0, `text-embedding-3-small is priced: ${JSON.stringify(priced)}`);
  });
});
