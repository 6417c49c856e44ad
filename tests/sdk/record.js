// A recording hop between the agents and the gateway (`./dev compat`, SWITCHYARD_RECORD_DIR): a
// pass-through proxy on 127.0.0.1 that forwards every request to the gateway byte for byte and
// streams the answer back, and writes each request it forwarded, attributed to the agent that is
// running (`recording.agent`, set by tests/clis/cli.js's `run`), as one JSON file in the fixture
// format of tests/fixtures/agents (see scripts/compat-fixtures.mjs, which picks and names them):
//   { agent, version, method, path, headers, body }
// Invariants: nothing secret is written — authorization / x-api-key / x-goog-api-key / api-key
// values and any `key=` query value become "REDACTED", and so does any `sy-…` token or `sk-…` key
// in the body; headers are lower-cased, hop-by-hop ones and host / content-length dropped; a
// compressed body is stored decompressed with its content-encoding kept in "headers". A request
// made while no agent runs (a test's own call) is forwarded and not recorded.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import zlib from "node:zlib";

/** Which agent is running now (`null`: none, do not record). */
export const recording = { agent: null, version: null };

const SECRET_HEADERS = new Set(["authorization", "x-api-key", "x-goog-api-key", "api-key", "cookie", "proxy-authorization"]);
const DROPPED_HEADERS = new Set([
  "host", "content-length", "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
]);

/** `text` with every `sy-…` token and `sk-…` key replaced. */
export function scrubText(text) {
  return text.replace(/\bsy-[A-Za-z0-9_-]{6,}/g, "REDACTED").replace(/\bsk-[A-Za-z0-9_-]{6,}/g, "REDACTED");
}

/** The request path with any `key=` query value (Gemini's API key) replaced. */
export function scrubPath(url) {
  return scrubText(url.replace(/([?&]key=)[^&]*/gi, "$1REDACTED"));
}

/** `raw` decompressed as `encoding` says (gzip, deflate, br, zstd; a list applied in order). */
function decode(raw, encoding) {
  let body = raw;
  for (const enc of (encoding ?? "").split(",").map((e) => e.trim().toLowerCase()).filter(Boolean).reverse()) {
    if (enc === "gzip" || enc === "x-gzip") body = zlib.gunzipSync(body);
    else if (enc === "deflate") body = zlib.inflateSync(body);
    else if (enc === "br") body = zlib.brotliDecompressSync(body);
    else if (enc === "zstd") body = execFileSync("zstd", ["-d", "-c", "-q"], { input: body, maxBuffer: 64 << 20 });
    else if (enc !== "identity") throw new Error(`unknown content-encoding ${enc}`);
  }
  return body;
}

/** One request as a fixture: scrubbed, lower-cased, the body parsed when it is JSON. */
export function fixtureOf(agent, version, req, raw) {
  const headers = {};
  for (const [k, v] of Object.entries(req.headers)) {
    const name = k.toLowerCase();
    if (DROPPED_HEADERS.has(name)) continue;
    headers[name] = SECRET_HEADERS.has(name) ? "REDACTED" : scrubText(Array.isArray(v) ? v.join(", ") : String(v));
  }
  let body = null;
  if (raw.length > 0) {
    let text;
    try { text = decode(raw, req.headers["content-encoding"]).toString("utf8"); } catch (e) { text = `<undecodable: ${e.message}>`; }
    const scrubbed = scrubText(text);
    try { body = JSON.parse(scrubbed); } catch { body = scrubbed; }
  }
  return { agent, version, method: req.method, path: scrubPath(req.url), headers, body };
}

/**
 * Starts the hop in front of `target` (the gateway's origin), recording into `dir`. Returns
 * { origin, port, stop }.
 */
export async function startRecorder(target, dir) {
  fs.mkdirSync(dir, { recursive: true });
  const to = new URL(target);
  let n = 0;
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      if (recording.agent) {
        try {
          const fx = fixtureOf(recording.agent, recording.version, req, raw);
          const file = path.join(dir, recording.agent, `${Date.now()}-${process.pid}-${String(++n).padStart(4, "0")}.json`);
          fs.mkdirSync(path.dirname(file), { recursive: true });
          fs.writeFileSync(file, `${JSON.stringify(fx, null, 2)}\n`);
        } catch (e) {
          console.log(`# recorder: ${req.method} ${req.url} not recorded: ${e.message}`);
        }
      }
      const headers = { ...req.headers, host: to.host };
      const up = http.request({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers }, (answer) => {
        res.writeHead(answer.statusCode, answer.rawHeaders);
        answer.pipe(res);
      });
      up.on("error", (e) => {
        if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
        res.end(`recorder: ${e.message}`);
      });
      up.end(raw);
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = server.address().port;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    stop: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(() => resolve()); }),
  };
}
