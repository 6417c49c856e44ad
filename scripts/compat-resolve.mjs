// `./dev compat`, step 1: which versions are the newest published today. For each agent (and the
// official SDKs) asks the npm registry (`npm view`) and PyPI for the newest version and its
// release time, and writes, into the compat folder given as argv[2]:
//   clis/package.json  the agents' npm packages at those exact versions (npm installs them)
//   sdk/package.json   the official SDKs at theirs
//   versions.json      [{ id, name, package, version, released, note }] for the table
// A program that npm ships as a per-platform package (opencode, Kilo, Droid) is installed from
// its Linux x64 package at that package's newest version; when that differs from its launcher's
// newest (the registry lacks the launcher's platform build, or has a newer one), the note says so,
// and so it does of a successor package (OpenCode v2's `@opencode/cli`) that is or is not out.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const dir = process.argv[2];
if (!dir) throw new Error("usage: node scripts/compat-resolve.mjs COMPAT_DIR");

/** The agents: connect id, name, the package installed, and the launcher it stands for. */
export const AGENTS = [
  { id: "claude-code", name: "Claude Code", package: "@anthropic-ai/claude-code" },
  { id: "codex", name: "Codex", package: "@openai/codex" },
  { id: "gemini-cli", name: "Gemini CLI", package: "@google/gemini-cli" },
  { id: "opencode", name: "opencode", package: "opencode-linux-x64", launcher: "opencode-ai", optional: true, successor: "@opencode/cli" },
  { id: "aider", name: "aider", pypi: "aider-chat" },
  { id: "copilot-cli", name: "Copilot CLI", package: "@github/copilot" },
  { id: "qwen-code", name: "Qwen Code", package: "@qwen-code/qwen-code" },
  { id: "pi", name: "Pi", package: "@mariozechner/pi-coding-agent" },
  { id: "kilo", name: "Kilo CLI", package: "@kilocode/cli-linux-x64", launcher: "@kilocode/cli" },
  { id: "droid", name: "Factory Droid", package: "@factory/cli-linux-x64", launcher: "@factory/cli" },
];
const SDKS = [
  { id: "openai", name: "OpenAI SDK", package: "openai" },
  { id: "anthropic", name: "Anthropic SDK", package: "@anthropic-ai/sdk" },
  { id: "genai", name: "Google Gen AI SDK", package: "@google/genai" },
];

function npmView(pkg, field) {
  const out = execFileSync("npm", ["view", pkg, field, "--json"], { encoding: "utf8", timeout: 60000, stdio: ["ignore", "pipe", "pipe"] });
  return JSON.parse(out);
}

async function pypi(name) {
  const res = await fetch(`https://pypi.org/pypi/${name}/json`, { signal: AbortSignal.timeout(30000) });
  if (!res.ok) throw new Error(`PyPI ${name}: HTTP ${res.status}`);
  const j = await res.json();
  const version = j.info.version;
  return { version, released: j.releases[version]?.[0]?.upload_time_iso_8601 ?? null };
}

function npmLatest(pkg) {
  const version = npmView(pkg, "version");
  const time = npmView(pkg, "time");
  return { version, released: time[version] ?? null };
}

const versions = [];
const clis = {};
const optional = {};
for (const a of AGENTS) {
  if (a.pypi) {
    const { version, released } = await pypi(a.pypi);
    versions.push({ id: a.id, name: a.name, package: a.pypi, pypi: a.pypi, version, released, note: "" });
    continue;
  }
  const { version, released } = npmLatest(a.package);
  let note = "";
  if (a.launcher) {
    const launcher = npmView(a.launcher, "version");
    if (launcher !== version) {
      const has = (() => { try { return npmView(`${a.package}@${launcher}`, "version") === launcher; } catch { return false; } })();
      note = has
        ? `\`${a.launcher}\` is ${launcher}; its platform package \`${a.package}\` has a newer ${version}, used here`
        : `\`${a.launcher}\` is ${launcher}, but the registry has no \`${a.package}\` ${launcher}: the newest that installs, ${version}, is used`;
    }
  }
  // A next major version announced under a new package name: the table says whether it is out.
  if (a.successor) {
    let next = null;
    try { next = npmView(a.successor, "version"); } catch { /* not in the registry */ }
    const said = next ? `its successor \`${a.successor}\` is ${next} (not checked here)` : `its successor \`${a.successor}\` is not in the registry`;
    note = note ? `${note}; ${said}` : said;
  }
  (a.optional ? optional : clis)[a.package] = version;
  versions.push({ id: a.id, name: a.name, package: a.package, version, released, note });
}
const sdk = {};
for (const s of SDKS) {
  const { version, released } = npmLatest(s.package);
  sdk[s.package] = version;
  versions.push({ id: s.id, name: s.name, package: s.package, version, released, note: "", sdk: true });
}

fs.mkdirSync(path.join(dir, "clis"), { recursive: true });
fs.mkdirSync(path.join(dir, "sdk"), { recursive: true });
fs.writeFileSync(path.join(dir, "clis/package.json"), JSON.stringify({ name: "switchyard-compat-clis", private: true, type: "module", dependencies: clis, optionalDependencies: optional }, null, 2));
fs.writeFileSync(path.join(dir, "sdk/package.json"), JSON.stringify({ name: "switchyard-compat-sdk", private: true, type: "module", dependencies: sdk }, null, 2));
fs.writeFileSync(path.join(dir, "versions.json"), `${JSON.stringify(versions, null, 2)}\n`);
for (const v of versions) console.log(`${v.name.padEnd(18)} ${v.package.padEnd(32)} ${v.version.padEnd(10)} ${v.released ?? "?"}${v.note ? `  (${v.note})` : ""}`);
