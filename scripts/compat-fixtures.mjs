// `./dev compat`, step 3: the agents' recorded requests (tests/sdk/record.js wrote one file per
// request into RAW/<agent-id>/) become the fixtures the gateway's tests replay on every backend
// format: tests/fixtures/agents/<agent-id>/<NN>-<what>.json, in the shared format
//   { agent, version, method, path, headers, body }   (secrets already scrubbed by the recorder)
// Of each agent's requests the first of each kind is kept, in the order sent (a kind: method,
// path without its query or model, streamed or not, a tool result in it or not), at most
// MAX_PER_AGENT.
// An agent with no recorded request keeps its old fixtures (the report says it sent none).
// Usage: node scripts/compat-fixtures.mjs RAW VERSIONS_JSON OUT_DIR
import fs from "node:fs";
import path from "node:path";

const MAX_PER_AGENT = 8;
const [raw, versionsFile, out] = process.argv.slice(2);
if (!out) throw new Error("usage: node scripts/compat-fixtures.mjs RAW VERSIONS_JSON OUT_DIR");
const versions = Object.fromEntries(JSON.parse(fs.readFileSync(versionsFile, "utf8")).map((v) => [v.id, v.version]));

/** Whether the body carries a tool's result back (any of the four formats). */
function hasToolResult(body) {
  const text = JSON.stringify(body ?? "");
  return /"type":"tool_result"|"role":"tool"|"type":"function_call_output"|"functionResponse"/.test(text);
}

/** A short name for what the request is: its endpoint, then "tool-result" when it carries one. */
function what(fx) {
  const p = fx.path.split("?")[0];
  let name;
  if (/\/messages\/count_tokens$/.test(p)) name = "count-tokens";
  else if (/\/messages$/.test(p)) name = "messages";
  else if (/\/chat\/completions$/.test(p)) name = "chat-completions";
  else if (/\/responses$/.test(p)) name = "responses";
  else if (/:streamGenerateContent$/.test(p)) name = "stream-generate-content";
  else if (/:generateContent$/.test(p)) name = "generate-content";
  else if (/:countTokens$/.test(p)) name = "count-tokens";
  else if (/\/models$/.test(p)) name = "models";
  else name = p.replace(/^\/+/, "").replace(/[^A-Za-z0-9]+/g, "-").slice(0, 40) || "root";
  if (fx.method !== "POST") name = `${fx.method.toLowerCase()}-${name}`;
  return hasToolResult(fx.body) ? `${name}-tool-result` : name;
}

const summary = [];
for (const agent of fs.existsSync(raw) ? fs.readdirSync(raw).sort() : []) {
  const files = fs.readdirSync(path.join(raw, agent)).filter((f) => f.endsWith(".json")).sort();
  if (files.length === 0) continue;
  const kept = [];
  const kinds = new Set();
  for (const f of files) {
    const fx = JSON.parse(fs.readFileSync(path.join(raw, agent, f), "utf8"));
    const w = what(fx);
    const stream = fx.body && typeof fx.body === "object" && fx.body.stream === true;
    // The model in a Gemini path (…/models/<model>:streamGenerateContent) makes no other kind.
    const endpoint = fx.path.split("?")[0].replace(/\/models\/[^/:]+/, "/models/*");
    const kind = `${fx.method} ${endpoint} ${stream} ${w}`;
    if (kinds.has(kind)) continue;
    kinds.add(kind);
    // Headers sorted by name: some agents send them in a different order each run.
    const headers = Object.fromEntries(Object.entries(fx.headers).sort(([a], [b]) => a.localeCompare(b)));
    kept.push({ ...fx, headers, version: versions[agent] ?? fx.version, what: w });
    if (kept.length === MAX_PER_AGENT) break;
  }
  const dir = path.join(out, agent);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  kept.forEach(({ what: w, ...fx }, i) => {
    fs.writeFileSync(path.join(dir, `${String(i + 1).padStart(2, "0")}-${w}.json`), `${JSON.stringify(fx, null, 2)}\n`);
  });
  summary.push(`${agent}: ${files.length} requests recorded, ${kept.length} kept (${kept.map((k) => k.what).join(", ")})`);
}
for (const line of summary) console.log(line);
