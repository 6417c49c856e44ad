// `./dev compat`, the last step: docs/COMPATIBILITY.md from the run — which version of each agent
// and SDK was the newest published (versions.json, from scripts/compat-resolve.mjs), and how each
// of the real-client checks went (the JSON lines scripts/compat-reporter.mjs wrote). Each check of
// the table is the tests of tests/clis that check it for that agent (RULES); a cell passes when
// every one of them passed, fails when any failed, and is "—" when no test checks it.
// Usage: node scripts/compat-report.mjs COMPAT_DIR OUT.md DATE; exits 1 when any check failed.
import fs from "node:fs";
import path from "node:path";

const [dir, out, date] = process.argv.slice(2);
if (!date) throw new Error("usage: node scripts/compat-report.mjs COMPAT_DIR OUT.md DATE");
const versions = JSON.parse(fs.readFileSync(path.join(dir, "versions.json"), "utf8"));
const lines = (f) => (fs.existsSync(f) ? fs.readFileSync(f, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l)) : []);
const results = lines(path.join(dir, "clis-results.jsonl"));
const sdkResults = lines(path.join(dir, "sdk-results.jsonl"));

const CHECKS = [
  ["connect", "connect"],
  ["demo", "prompt on Demo"],
  ["tool", "tool call, other format"],
  ["usage", "usage from its logs"],
  ["disconnect", "disconnect byte-exact"],
];

// [file, the test's (or suite's) name, agent, the checks it makes]
const RULES = [
  ["clis.test.js", /^1\. codex exec answers on the Demo backend/, "codex", ["demo"]],
  ["clis.test.js", /^2\. Gemini CLI answers on the Demo backend/, "gemini-cli", ["demo"]],
  ["clis.test.js", /^3\. Claude Code answers on the Demo backend/, "claude-code", ["demo"]],
  ["clis.test.js", /^4\. Claude Code runs Bash through every backend format/, "claude-code", ["tool"]],
  ["clis.test.js", /^5\. codex exec runs exec_command through the Anthropic backend/, "codex", ["tool"]],
  ["clis.test.js", /^6\. codex exec runs exec_command through the other backend formats/, "codex", ["tool"]],
  ["clis.test.js", /^7\. Gemini CLI \(--yolo\) runs run_shell_command/, "gemini-cli", ["tool"]],
  ["clis.test.js", /^8\. Claude Code's captured request replayed/, "claude-code", ["demo", "tool"]],
  ...["claude-code", "codex", "gemini-cli", "opencode", "aider"].map((id) =>
    ["connect.test.js", new RegExp(`^${id}: connect`), id, ["connect", "demo", "disconnect"]]),
  ...["copilot-cli", "qwen-code", "pi", "kilo", "droid"].flatMap((id) => [
    ["connect-agents.test.js", new RegExp(`^${id}: `), id, ["connect", "demo", "usage", "disconnect"]],
    // The tool round trip connects and disconnects too, but its cell is the tool call's only.
    ["connect-agents.test.js", new RegExp(`^${id} → `), id, ["tool"]],
  ]),
  ...["claude-code", "codex", "gemini-cli", "opencode"].flatMap((id) => [
    ["usage.test.js", /^through the gateway: every tool's records/, id, ["usage"]],
    ["usage.test.js", /^straight at the provider/, id, ["usage"]],
  ]),
  ["usage.test.js", /^Codex through an Anthropic and a Chat Completions backend/, "codex", ["usage"]],
  ["connect.test.js", /^opencode → /, "opencode", ["tool"]],
];

/** { agent: { check: { ok, tests: [...] } } } */
const cells = {};
for (const r of results) {
  for (const [file, re, agent, checks] of RULES) {
    if (r.file !== file || !re.test(r.name)) continue;
    for (const c of checks) {
      const cell = (cells[agent] ??= {})[c] ??= { ok: true, tests: [] };
      cell.ok &&= r.ok;
      cell.tests.push(r);
    }
  }
}

const day = (t) => (t ? String(t).slice(0, 10) : "?");
const mark = (cell) => (!cell ? "—" : cell.ok ? "pass" : "**FAIL**");
const out_ = [];
out_.push("# Compatibility with the newest published agents and SDKs", "");
out_.push(`Written by \`./dev compat\` on ${date} (do not edit by hand: run it again). It installs the newest`);
out_.push("published version of each agent (npm, PyPI) and of the official SDKs into a folder outside the");
out_.push("repository (`${XDG_CACHE_HOME:-~/.cache}/switchyard/compat/<date>/`) and runs the real-client checks");
out_.push("of `tests/clis` and `tests/sdk` against them, with `switchyard-serve` and `switchyard-mock`:");
out_.push("");
out_.push("- **connect**: `switchyard connect <tool>` writes the tool's own settings, and the tool then answers through the gateway;");
out_.push("- **prompt on Demo**: one prompt answered on the Demo backend, its ledger row checked;");
out_.push("- **tool call, other format**: a shell-tool round trip through a backend of another format than the tool speaks (the tool runs the command the mock asks for and quotes its output);");
out_.push("- **usage from its logs**: `switchyard usage` finds the tool's own records of those calls and counts each once;");
out_.push("- **disconnect byte-exact**: `switchyard disconnect` gives every file back byte for byte.");
out_.push("");
out_.push("\"—\" means no test checks that for the agent (aider makes no tool calls: it edits files; its");
out_.push("records are not read by `switchyard usage`). `./dev test` keeps running the pinned versions of");
out_.push("`tests/clis/package.json`. Each agent's requests to the gateway in this run are kept as fixtures in");
out_.push("`tests/fixtures/agents/<agent>/` (secrets scrubbed); the gateway's tests replay them on every backend format.");
out_.push("The usage records the agents themselves wrote in this run are kept too, scrubbed, in");
out_.push("`tests/fixtures/usage/compat/` (`manifest.json`: agent, version, records per file);");
out_.push("`crates/usage/tests/compat_logs.rs` reads them back with the usage readers.");
out_.push("");
out_.push(`| Agent | Version | Released | ${CHECKS.map(([, t]) => t).join(" | ")} | Notes |`);
out_.push(`|---|---|---|${CHECKS.map(() => "---").join("|")}|---|`);
let failed = false;
for (const v of versions.filter((x) => !x.sdk)) {
  const c = cells[v.id] ?? {};
  if (Object.values(c).some((x) => !x.ok)) failed = true;
  out_.push(`| ${v.name} | ${v.version} (${v.pypi ? `\`${v.pypi}\`, PyPI` : `\`${v.package}\``}) | ${day(v.released)} | ${CHECKS.map(([k]) => mark(c[k])).join(" | ")} | ${v.note ?? ""} |`);
}
out_.push("");
const sdkOk = sdkResults.length > 0 && sdkResults.every((r) => r.ok);
const sdkFiles = [...new Set(sdkResults.filter((r) => r.nesting === 0).map((r) => r.file))].sort();
out_.push("## Official SDKs", "");
out_.push(`The suites ${sdkFiles.map((f) => `\`${f}\``).join(", ") || "(none ran)"} of \`tests/sdk\`, run with these versions: ${sdkResults.length === 0 ? "**not run**" : sdkOk ? `all ${sdkResults.filter((r) => r.nesting === 0).length} top-level suites pass` : "**some fail** (below)"}.`);
out_.push("");
// Which suites check which SDK (sdk.test.js and limits.test.js use all three).
const SDK_FILES = {
  openai: ["chat.test.js", "embeddings.test.js", "responses.test.js", "sdk.test.js", "limits.test.js"],
  anthropic: ["anthropic.test.js", "sdk.test.js", "limits.test.js"],
  genai: ["gemini.test.js", "sdk.test.js", "limits.test.js"],
};
out_.push("| SDK | Version | Released | Suites | Result |", "|---|---|---|---|---|");
for (const v of versions.filter((x) => x.sdk)) {
  const files = SDK_FILES[v.id] ?? [];
  const mine = sdkResults.filter((r) => files.includes(r.file) && r.nesting === 0);
  const result = mine.length === 0 ? "—" : mine.every((r) => r.ok) ? "pass" : `**FAIL**: ${mine.filter((r) => !r.ok).map((r) => `\`${r.file}\` › ${r.name}`).join("; ")}`;
  out_.push(`| ${v.name} | ${v.version} (\`${v.package}\`) | ${day(v.released)} | ${files.map((f) => `\`${f}\``).join(", ")} | ${result} |`);
}
if (!sdkOk && sdkResults.length > 0) failed = true;
const failures = [...results, ...sdkResults].filter((r) => !r.ok && !r.skipped && r.error);
if (failures.length) {
  out_.push("", "## Failures", "");
  for (const f of failures.filter((x) => !failures.some((y) => y !== x && y.nesting > x.nesting && y.file === x.file))) {
    out_.push(`- \`${f.file}\` › ${f.name}:`, "", "  ```", ...f.error.split("\n").slice(0, 30).map((l) => `  ${l}`), "  ```");
  }
}
fs.writeFileSync(out, `${out_.join("\n")}\n`);
console.log(`wrote ${out}${failed ? " (some checks failed)" : ""}`);
process.exit(failed ? 1 : 0);
