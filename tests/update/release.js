// The release side of the update end to end, made with the release's own tools: packages signed
// by the real Tauri signer, manifests written by the release job's script
// (scripts/release/latest_json.py), served over plain HTTP from 127.0.0.1. And the user's side:
// what the data folder holds, read straight from its SQLite file.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { root } from "../e2e/harness.js";

const tauri = path.join(root, "ui/node_modules/.bin/tauri");
const quiet = { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, CI: "true" } };

/** A new throw-away signing key in `dir` (not the one the build trusts); its private key file. */
export function otherKey(dir) {
  const key = path.join(dir, "other.key");
  execFileSync(tauri, ["signer", "generate", "--ci", "-p", "", "-w", key], quiet);
  return key;
}

/**
 * A release in `dir/name`: `deb` signed with `key` as `version` (the signature beside it, as
 * `tauri build` leaves it) and its `latest.json`, pointing at `origin/name/`. With `tamper`, one
 * byte of the package changes after it was signed (a download altered on the way).
 */
export function release(dir, name, origin, { deb, key, version, tamper = false }) {
  const folder = path.join(dir, name);
  fs.mkdirSync(folder, { recursive: true });
  const file = path.join(folder, path.basename(deb));
  fs.copyFileSync(deb, file);
  execFileSync(tauri, ["signer", "sign", "-f", key, "-p", "", "--app-version", version, file], quiet);
  if (tamper) {
    const bytes = fs.readFileSync(file);
    bytes[bytes.length >> 1] ^= 0xff;
    fs.writeFileSync(file, bytes);
  }
  const manifest = execFileSync(
    "python3",
    [path.join(root, "scripts/release/latest_json.py"), "--version", version, "--base-url", `${origin}/${name}`, folder],
    { encoding: "utf8" },
  );
  fs.writeFileSync(path.join(folder, "latest.json"), manifest);
  return `${origin}/${name}/latest.json`;
}

/** Serves the files under `dir` on 127.0.0.1; resolves with `{ origin, hits, close }`. */
export async function releaseServer(dir) {
  const hits = [];
  const server = http.createServer((req, res) => {
    const file = path.join(dir, path.normalize(decodeURIComponent(req.url.split("?")[0])));
    hits.push(req.url);
    if (!file.startsWith(dir + path.sep) || !fs.statSync(file, { throwIfNoEntry: false })?.isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-length": fs.statSync(file).size });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    hits,
    close: () => server.close(),
  };
}

const SNAPSHOT = `
import json, sqlite3, sys
db = sqlite3.connect("file:" + sys.argv[1] + "?mode=ro", uri=True)
q = lambda sql: [list(r) for r in db.execute(sql)]
print(json.dumps({
    "ledger": q("SELECT count(*), total(input_tokens), total(output_tokens), total(cost_usd) FROM requests"),
    "requests": q("SELECT id, token_name, status, backend, model FROM requests ORDER BY id"),
    "tokens": q("SELECT id, name, hash, scope, revoked_at FROM tokens ORDER BY id"),
    "settings": q("SELECT * FROM settings ORDER BY 1"),
    "routes": q("SELECT * FROM routes ORDER BY 1"),
    "backends": q("SELECT * FROM backends ORDER BY 1"),
}))
`;

/**
 * What the user keeps in the data folder `dataDir`: the ledger (row count and sums), every
 * request's identity, the tokens (without their last use), settings, routes and backends.
 */
export function snapshot(dataDir) {
  const out = execFileSync("python3", ["-c", SNAPSHOT, path.join(dataDir, "switchyard.sqlite")], { encoding: "utf8" });
  return JSON.parse(out);
}
