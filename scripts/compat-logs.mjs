// `./dev compat`, step 4b: the agents' own usage records that the CLI suites' runs wrote (kept,
// scrubbed, by tests/clis/keep-logs.js into KEPT/<suite>-<scratch>/<home>/<path under HOME>)
// become fixtures that crates/usage/tests/compat_logs.rs reads back with the real import:
//   OUT/<agent-id>/<suite>-<home>/<file name>     the record files, cut to whole lines
//   OUT/manifest.json                             agent, version, date, and per file: where the
//                                                 agent wrote it (under HOME) and its records
// Invariants:
// - Small: of each agent at most MAX_RUNS runs (HOMEs), at most MAX_FILES files each, each file
//   cut to whole lines under MAX_BYTES (a cut is noted in the manifest). A database is kept as
//   its rows (`*.rows.json`, made by keep-logs.js), never as a file.
// - `records` in the manifest is what this script counts in the kept (cut) text by the agent's
//   own record fields (COUNT below, one rule per agent, independent of the Rust readers): the
//   distinct answers that carry usage. The Rust test asserts the reader finds exactly as many.
// - The first Codex rollout is also kept compressed (`….jsonl.zst`, as Codex packs a rollout idle
//   for a week), to be read to the same records.
// - Nothing is scrubbed here that keep-logs.js did not already scrub; this script checks it again
//   and refuses to write a file with a `sy-`/`sk-` secret left or a `/tmp/` home path in it.
// - An agent whose runs left no record file keeps its old fixtures and manifest entry (the
//   summary says so). One whose files hold no record by its fields is kept with `records: 0`:
//   the Rust test then fails for it (a new format), never passes on the old fixtures.
// Usage: node scripts/compat-logs.mjs KEPT VERSIONS_JSON OUT_DIR DAY
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const MAX_RUNS = 3;
const MAX_FILES = 6;
const MAX_BYTES = 200 * 1024;
/** The agents the compat suites run that have no usage reader (nothing to keep). */
const NO_READER = { aider: "aider keeps no per-call usage record that switchyard-usage reads" };

const [kept, versionsFile, out, day] = process.argv.slice(2);
if (!day) throw new Error("usage: node scripts/compat-logs.mjs KEPT VERSIONS_JSON OUT_DIR DAY");
const versions = Object.fromEntries(JSON.parse(fs.readFileSync(versionsFile, "utf8")).map((v) => [v.id, v]));
// The same allow-list the suites kept by: the agent of a path under HOME.
const { agentOfRecord } = await import(path.resolve("tests/clis/keep-logs.js"));

/** JSON lines of `text`, each parsed (null when it is not JSON). */
const lines = (text) => text.split("\n").filter((l) => l.trim()).map((l) => { try { return JSON.parse(l); } catch { return null; } });
const distinct = (keys) => new Set(keys.filter((k) => k != null)).size;

/** Per agent: how many usage records a kept file holds (see the header). */
const COUNT = {
  "claude-code": (t) => distinct(lines(t).filter((l) => l?.type === "assistant" && l.message?.usage && l.message?.id)
    .map((l) => `${l.message.id}:${l.requestId ?? ""}`)),
  codex: (t) => {
    const ls = lines(t);
    const records = ls.filter((l) => l?.type === "token_usage_record");
    if (records.length) return distinct(records.map((l) => l.payload?.response_id ?? JSON.stringify(l.payload)));
    return distinct(ls.filter((l) => l?.type === "event_msg" && l.payload?.type === "token_count" && l.payload?.info)
      .map((l) => String(l.payload.info.total_token_usage?.total_tokens ?? 0)));
  },
  "gemini-cli": (t) => distinct(lines(t).filter((l) => l?.type === "gemini" && l.tokens).map((l) => l.id)),
  "copilot-cli": (t) => distinct(lines(t).filter((l) => l?.type === "session.usage_record").map((l) => l.data?.usage?.apiCallId || l.id)),
  "qwen-code": (t) => distinct(lines(t).filter((l) => l?.type === "system" && l.subtype === "ui_telemetry" && l.systemPayload?.uiEvent?.["event.name"] === "qwen-code.api_response")
    .map((l) => l.systemPayload.uiEvent.response_id ?? l.uuid)),
  pi: (t) => distinct(lines(t).filter((l) => l?.type === "message" && l.message?.role === "assistant" && l.message?.usage)
    .map((l) => l.message.responseId ?? l.id)),
  droid: (t, file) => (file.endsWith(".log") ? t.split("\n").filter((l) => l.includes("[Agent] Streaming result | Context: ")).length : 0),
  opencode: (t) => dbCount(t),
  kilo: (t) => dbCount(t),
};

/** opencode's and Kilo's rows: assistant messages that completed. */
function dbCount(text) {
  const rows = JSON.parse(text);
  return (rows.message ?? []).filter((m) => {
    try { const d = JSON.parse(m.data); return d.role === "assistant" && d.time?.completed; } catch { return false; }
  }).length;
}

/** `text` cut to whole lines under MAX_BYTES (a rows file is never cut: it is one JSON). */
function cut(text, file) {
  if (Buffer.byteLength(text) <= MAX_BYTES || file.endsWith(".rows.json")) return { text, cut: false };
  let size = 0;
  const keep = [];
  for (const line of text.split("\n")) {
    const n = Buffer.byteLength(line) + 1;
    if (size + n > MAX_BYTES) break;
    keep.push(line);
    size += n;
  }
  return { text: `${keep.join("\n")}\n`, cut: true };
}

/** Refuses a file that still holds a secret or a throw-away HOME's path. */
function checkScrubbed(text, where) {
  const left = text.match(/\bsy-(?!0{16}\b)[A-Za-z0-9_-]{6,}|\bsk-(?!0{16}\b)[A-Za-z0-9_-]{6,}|\/tmp\/switchyard-clis-/);
  if (left) throw new Error(`${where}: not scrubbed (${left[0].slice(0, 12)}…)`);
}

/** Every file under `dir`, relative to it. */
function walk(dir, rel = "") {
  if (!fs.existsSync(path.join(dir, rel))) return [];
  return fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const r = rel ? `${rel}/${e.name}` : e.name;
    return e.isDirectory() ? walk(dir, r) : e.isFile() ? [r] : [];
  });
}

// runs[agent] = [{ run, files: [{ path, text, records }] }] in the suites' order.
const runs = {};
for (const scratch of fs.existsSync(kept) ? fs.readdirSync(kept).sort() : []) {
  const suite = scratch.replace(/-switchyard-clis-[^/]*$/, "");
  for (const home of fs.readdirSync(path.join(kept, scratch)).sort()) {
    const byAgent = {};
    for (const rel of walk(path.join(kept, scratch, home))) {
      // keep-logs.js named a database's rows `<db>.rows.json`: its agent is the database's.
      const agent = agentOfRecord(rel.replace(/\.rows\.json$/, ""));
      if (!agent) continue;
      (byAgent[agent] ??= []).push(rel);
    }
    for (const [agent, rels] of Object.entries(byAgent)) {
      const files = rels.sort().map((rel) => {
        const { text, cut: wasCut } = cut(fs.readFileSync(path.join(kept, scratch, home, rel), "utf8"), rel);
        checkScrubbed(text, `${scratch}/${home}/${rel}`);
        return { path: rel, text, cut: wasCut, records: COUNT[agent](text, rel) };
      });
      const records = files.reduce((n, f) => n + f.records, 0);
      (runs[agent] ??= []).push({ run: `${suite}-${home}`, files, records });
    }
  }
}

const manifestFile = path.join(out, "manifest.json");
const old = fs.existsSync(manifestFile) ? JSON.parse(fs.readFileSync(manifestFile, "utf8")) : { agents: {} };
const manifest = {
  about: "The agents' own usage records from the last `./dev compat` run (scripts/compat-logs.mjs); "
    + "records: the distinct answers with usage in each kept file, counted by the script from the agent's own fields",
  agents: { ...old.agents },
  none: { ...NO_READER },
};
const summary = [];
for (const [agent, found] of Object.entries(runs).sort()) {
  // Runs that wrote record files but hold no record by the agent's own fields: a format this
  // script (and likely the reader) no longer knows. Kept with `records: 0` when no run has any,
  // so the Rust test fails for the agent instead of passing on older fixtures.
  const all = found.some((r) => r.records > 0) ? found.filter((r) => r.records > 0) : found.slice(0, 1);
  if (all[0].records === 0) summary.push(`${agent}: WARNING: record files kept, but no usage record counted in them (a new format?)`);
  // The run with the most records first (the tool round trips), then the others in run order.
  const most = all.reduce((a, b) => (b.records > a.records ? b : a));
  const chosen = [most, ...all.filter((r) => r !== most)].slice(0, MAX_RUNS);
  const dir = path.join(out, agent);
  fs.rmSync(dir, { recursive: true, force: true });
  const entry = {
    version: versions[agent]?.version ?? null,
    released: versions[agent]?.released ?? null,
    made: day,
    runs: [],
  };
  for (const r of chosen) {
    const files = [];
    const names = new Set();
    for (const f of r.files.slice(0, MAX_FILES)) {
      let name = path.basename(f.path);
      if (names.has(name)) name = `${files.length}-${name}`;
      names.add(name);
      const fixture = `${agent}/${r.run}/${name}`;
      fs.mkdirSync(path.dirname(path.join(out, fixture)), { recursive: true });
      fs.writeFileSync(path.join(out, fixture), f.text);
      const file = { path: f.path, fixture, records: f.records, bytes: Buffer.byteLength(f.text) };
      if (f.cut) file.cut = `cut to whole lines under ${MAX_BYTES} bytes`;
      files.push(file);
    }
    const run = { run: r.run, records: files.reduce((n, f) => n + f.records, 0), files };
    // Codex's compressed form of its rollout, to be read to the same records.
    const rollout = files.find((f) => f.path.endsWith(".jsonl") && f.records > 0);
    if (agent === "codex" && rollout && entry.runs.length === 0) {
      const packed = `${rollout.fixture}.zst`;
      execFileSync("zstd", ["-q", "-f", "-19", path.join(out, rollout.fixture), "-o", path.join(out, packed)]);
      run.packed = { of: rollout.path, fixture: packed };
    }
    entry.runs.push(run);
  }
  manifest.agents[agent] = entry;
  summary.push(`${agent} ${entry.version}: ${all.length} runs, ${entry.runs.length} kept (${entry.runs.map((r) => `${r.run}: ${r.records}`).join(", ")})`);
}
for (const id of Object.keys(versions)) {
  if (!versions[id].sdk && !runs[id] && !NO_READER[id]) {
    summary.push(`${id}: no usage record kept from this run${manifest.agents[id] ? " (its fixtures of an earlier run stay)" : ""}`);
  }
}
manifest.agents = Object.fromEntries(Object.entries(manifest.agents).sort(([a], [b]) => a.localeCompare(b)));
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
for (const line of summary) console.log(line);
