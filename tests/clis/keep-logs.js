// The agents' own usage records, kept from the CLI suites' throw-away HOMEs (`./dev compat` sets
// SWITCHYARD_USAGE_LOGS_DIR; scripts/compat-logs.mjs turns what is kept into the fixtures of
// tests/fixtures/usage/compat/). Called by `scratch().remove()` (tests/clis/cli.js) before the
// HOMEs go.
// Invariants:
// - An allow-list, not a deny-list: only the files each agent's usage reader reads
//   (crates/usage/src/sources.rs) are copied, by path pattern. Nothing else in a HOME (auth.json,
//   .credentials.json, oauth files, config.toml, models.json, settings.json with keys, shell
//   startup files) is ever read. Droid's settings.json is the one settings file the reader needs
//   (its custom models' names): only those fields are written, never the file (it has apiKey).
// - Everything written is scrubbed: any `sy-…` gateway token becomes `sy-0000000000000000`, any
//   `sk-…` key `sk-0000000000000000`, and the HOME's path (as is, and in the forms the agents
//   fold a folder into a name: `-tmp-…-work`, `tmp-…-work`) `/home/user`, any other mention of
//   the suite's scratch folder `/tmp/scratch`, in contents and in the kept file names alike.
// - A SQLite database (opencode's, Kilo's) is kept as its rows (`<db>.rows.json`: `message`, and
//   the `step-finish` parts the reader sums), never as the file.
// - Keeping never fails a suite: a file that cannot be read is left out with a line on stderr.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/** The usage record files, per agent, as paths under HOME (`*`: one name, `**`: any depth). */
export const RECORDS = [
  ["claude-code", ".claude/projects/**/*.jsonl"],
  ["claude-code", ".config/claude/projects/**/*.jsonl"],
  ["codex", ".codex/sessions/**/rollout-*.jsonl"],
  ["codex", ".codex/sessions/**/rollout-*.jsonl.zst"],
  ["codex", ".codex/archived_sessions/**/rollout-*.jsonl"],
  ["gemini-cli", ".gemini/tmp/*/chats/*.jsonl"],
  ["gemini-cli", ".gemini/projects.json"],
  ["opencode", ".local/share/opencode/opencode.db"],
  ["copilot-cli", ".copilot/session-state/*/events.jsonl"],
  ["qwen-code", ".qwen/projects/*/chats/*.jsonl"],
  ["pi", ".pi/agent/sessions/**/*.jsonl"],
  ["kilo", ".local/share/kilo/kilo.db"],
  ["droid", ".factory/sessions/**/*.jsonl"],
  ["droid", ".factory/logs/*.log"],
  ["droid", ".factory/settings.json"],
];

/** The most of one file kept here (the fixture step cuts further, to whole lines). */
const MAX_BYTES = 8 << 20;

/** `glob` (with `*` and `**`) as a RegExp over a path relative to HOME. */
function globRe(glob) {
  const re = glob.split("/").map((part) => {
    if (part === "**") return "(?:[^/]+/)*";
    return `${part.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*")}/`;
  }).join("").slice(0, -1);
  return new RegExp(`^${re}$`);
}
const MATCHERS = RECORDS.map(([agent, glob]) => [agent, globRe(glob)]);

/** The agent whose record `rel` (a path under HOME) is, or null: not on the allow-list. */
export function agentOfRecord(rel) {
  for (const [agent, re] of MATCHERS) if (re.test(rel)) return agent;
  return null;
}

/**
 * `text` with the gateway's tokens, keys and `home`'s path replaced (see the header); then any
 * other mention of the suite's scratch folder (`scratch`: a path cut short in a quoted prompt,
 * another HOME of the suite) becomes `/tmp/scratch`.
 */
export function scrub(text, home, scratch) {
  let out = text;
  const folds = [
    (p) => p,
    (p) => p.replace(/[^A-Za-z0-9]/g, "-"),
    (p) => p.replace(/\//g, "-"),
    (p) => p.slice(1).replace(/[^A-Za-z0-9]/g, "-"),
    (p) => p.slice(1).replace(/\//g, "-"),
  ];
  for (const [from, to] of [[home, "/home/user"], [scratch, "/tmp/scratch"]]) {
    if (from) for (const fold of folds) out = out.split(fold(from)).join(fold(to));
  }
  return out
    .replace(/\bsy-[A-Za-z0-9_-]{6,}/g, "sy-0000000000000000")
    .replace(/\bsk-[A-Za-z0-9_-]{6,}/g, "sk-0000000000000000");
}

/** Every file under `dir` as paths relative to it (symlinks not followed). */
function walk(dir, rel = "") {
  let entries;
  try { entries = fs.readdirSync(path.join(dir, rel), { withFileTypes: true }); } catch { return []; }
  const out = [];
  for (const e of entries) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...walk(dir, r));
    else if (e.isFile()) out.push(r);
  }
  return out;
}

/** A database's usage rows, as the reader reads them (sqlite3 -json, read-only). */
function dbRows(file) {
  const q = (sql) => {
    const out = execFileSync("sqlite3", ["-readonly", "-json", file, sql], { encoding: "utf8", maxBuffer: 64 << 20, timeout: 30000 });
    return out.trim() ? JSON.parse(out) : [];
  };
  return {
    message: q("SELECT id, session_id, time_created, time_updated, data FROM message ORDER BY time_updated"),
    part: q("SELECT id, message_id, session_id, time_created, time_updated, data FROM part WHERE json_extract(data, '$.type') = 'step-finish' ORDER BY time_updated"),
  };
}

/** Droid's settings.json cut to what the reader needs: each custom model's names, no key. */
function droidModels(text) {
  const v = JSON.parse(text);
  const customModels = (Array.isArray(v.customModels) ? v.customModels : []).map((m) => {
    const kept = {};
    for (const k of ["id", "model", "displayName", "provider"]) if (typeof m?.[k] === "string") kept[k] = m[k];
    return kept;
  });
  return `${JSON.stringify({ customModels }, null, 2)}\n`;
}

/**
 * Copies the usage records of every HOME in `scratchDir` (one folder per `home(name)`) into
 * `out`/<suite>-<scratch name>/<home name>/<path under HOME>, scrubbed. Returns how many files.
 */
export function keepUsageLogs(scratchDir, out, suite) {
  let kept = 0;
  let homes;
  try { homes = fs.readdirSync(scratchDir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name); } catch { return 0; }
  for (const name of homes) {
    const home = path.join(scratchDir, name);
    for (const rel of walk(home)) {
      const agent = agentOfRecord(rel);
      if (!agent) continue;
      const src = path.join(home, rel);
      try {
        if (fs.statSync(src).size > MAX_BYTES) {
          console.error(`keep-logs: ${rel} is over ${MAX_BYTES} bytes: left out`);
          continue;
        }
        let target = scrub(rel, home, scratchDir);
        let text;
        if (rel.endsWith(".db")) {
          text = `${JSON.stringify(dbRows(src))}\n`;
          target += ".rows.json";
        } else if (rel.endsWith(".zst")) {
          text = execFileSync("zstd", ["-d", "-c", "-q", src], { encoding: "utf8", maxBuffer: MAX_BYTES * 4 });
          target = target.slice(0, -".zst".length);
        } else if (agent === "droid" && rel === ".factory/settings.json") {
          text = droidModels(fs.readFileSync(src, "utf8"));
        } else {
          text = fs.readFileSync(src, "utf8");
        }
        const dest = path.join(out, `${suite}-${path.basename(scratchDir)}`, name, target);
        fs.mkdirSync(path.dirname(dest), { recursive: true });
        fs.writeFileSync(dest, scrub(text, home, scratchDir));
        kept += 1;
      } catch (e) {
        console.error(`keep-logs: ${rel}: ${e.message}: left out`);
      }
    }
  }
  return kept;
}
