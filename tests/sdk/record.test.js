// The recording hop of `./dev compat` (record.js): what it writes is a fixture others commit, so
// no secret may reach it — the token in a header, a key in the query, a `sy-…` token or `sk-…`
// key in the body — and a compressed body is stored readable with its encoding kept; what it
// forwards reaches the gateway byte for byte and the answer streams back unchanged.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { recording, startRecorder } from "./record.js";

describe("the recording hop of ./dev compat", () => {
  let upstream;
  let hop;
  let dir;
  const seen = [];

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "switchyard-record-"));
    upstream = http.createServer((req, res) => {
      const chunks = [];
      req.on("data", (c) => chunks.push(c));
      req.on("end", () => {
        seen.push({ headers: req.headers, body: Buffer.concat(chunks), url: req.url });
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.write("data: one\n\n");
        setTimeout(() => res.end("data: two\n\n"), 20);
      });
    });
    await new Promise((r) => upstream.listen(0, "127.0.0.1", r));
    hop = await startRecorder(`http://127.0.0.1:${upstream.address().port}`, dir);
  });

  after(async () => {
    recording.agent = null;
    await hop?.stop();
    await new Promise((r) => upstream?.close(r));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const recorded = (agent) => fs.readdirSync(path.join(dir, agent)).sort().map((f) => JSON.parse(fs.readFileSync(path.join(dir, agent, f), "utf8")));

  it("writes no secret: header values, a key= query value, sy- tokens and sk- keys in the body become REDACTED", async () => {
    recording.agent = "claude-code";
    const token = "sy-0123456789abcdef0123456789abcdef";
    const body = JSON.stringify({ model: "m", messages: [{ role: "user", content: `my key is sk-live-abcdefghijkl and ${token}; a task-list stays` }] });
    const res = await fetch(`${hop.origin}/v1beta/models/m:generateContent?alt=sse&key=AIzaSecretSecret`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "x-api-key": token, "x-goog-api-key": "AIzaSecretSecret", "Content-Type": "application/json", "X-Custom": "kept" },
      body,
    });
    assert.equal(await res.text(), "data: one\n\ndata: two\n\n", "the answer streams back unchanged");
    recording.agent = null;
    const [fx] = recorded("claude-code");
    const text = JSON.stringify(fx);
    for (const secret of [token, "sk-live-abcdefghijkl", "AIzaSecretSecret"]) assert.ok(!text.includes(secret), `${secret} must not be written: ${text}`);
    assert.equal(fx.headers.authorization, "REDACTED");
    assert.equal(fx.headers["x-api-key"], "REDACTED");
    assert.equal(fx.headers["x-goog-api-key"], "REDACTED");
    assert.equal(fx.headers["x-custom"], "kept", "other headers are kept, lower-cased");
    assert.ok(!("host" in fx.headers) && !("content-length" in fx.headers) && !("connection" in fx.headers), "host, length and hop-by-hop headers are dropped");
    assert.equal(fx.path, "/v1beta/models/m:generateContent?alt=sse&key=REDACTED");
    assert.match(fx.body.messages[0].content, /a task-list stays$/, "words that merely contain sk- are left alone");
    const got = seen.at(-1);
    assert.equal(got.body.toString(), body, "the gateway gets the body byte for byte");
    assert.equal(got.headers.authorization, `Bearer ${token}`, "the gateway gets the real token");
  });

  it("stores a gzip or br body decompressed, with its content-encoding kept, and forwards it compressed", async () => {
    for (const [enc, pack] of [["gzip", zlib.gzipSync], ["br", zlib.brotliCompressSync]]) {
      recording.agent = `codex-${enc}`;
      const packed = pack(Buffer.from(JSON.stringify({ input: "hello", key: "sk-abcdefghijkl" })));
      const res = await fetch(`${hop.origin}/v1/responses`, { method: "POST", headers: { "content-type": "application/json", "content-encoding": enc }, body: packed });
      await res.text();
      recording.agent = null;
      const [fx] = recorded(`codex-${enc}`);
      assert.deepEqual(fx.body, { input: "hello", key: "REDACTED" }, `${enc}: stored readable and scrubbed`);
      assert.equal(fx.headers["content-encoding"], enc, `${enc}: the encoding is kept for a replay to re-compress`);
      assert.deepEqual(seen.at(-1).body, packed, `${enc}: forwarded as sent`);
    }
  });

  it("records nothing while no agent runs (a test's own calls)", async () => {
    const before = fs.readdirSync(dir).length;
    const res = await fetch(`${hop.origin}/v1/models`, { headers: { authorization: "Bearer sy-00000000000000" } });
    await res.text();
    assert.equal(fs.readdirSync(dir).length, before, "no agent folder was made");
  });
});
