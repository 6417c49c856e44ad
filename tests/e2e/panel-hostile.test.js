// The adversarial suite of the browser panel (issue 69): every command the page can call, made
// from the page's own bindings (hostile-args.js), sent through the real `switchyard serve --ui`
// by a signed-in operator with a hostile value in every string — absolute paths to the user's
// files, `../` walks to them, a NUL, a 1 MiB string, terminal escapes, `$(…)` and backticks.
// Whatever each call answers: no file outside the data folder changes or appears, no secret is in
// any answer, nothing answers with a server error, and the gateway and the panel stay up. It
// outlives the issue: a command added to the list is called here as it lands.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { hostileCalls } from "./hostile-args.js";
import { appBinary } from "./harness.js";
import { cliOn, knownToken, servedEnv, startServe, stopServe } from "./panel-serve.js";

const PROVIDER_KEY = `sk-proj-hostile${crypto.randomBytes(16).toString("hex")}`;
const PGPASS_LINE = "db.internal:5432:*:admin:hunter2-hostile-suite";
/** The panel's cap on a command's arguments (src-tauri/panel/src/body.rs `CALL`). */
const CALL_MAX = 2 * 1024 * 1024;
const OTHER_KEY = `sk-proj-elsewhere${crypto.randomBytes(16).toString("hex")}`;

/** Every file under `dir` with its digest (folders as names), or {} when there is none. */
function snapshot(dir) {
  const out = {};
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        out[`${p}/`] = "dir";
        walk(p);
      } else if (e.isFile()) {
        out[p] = crypto.createHash("sha256").update(fs.readFileSync(p)).digest("hex");
      } else {
        out[p] = e.isSymbolicLink() ? `-> ${fs.readlinkSync(p)}` : "other";
      }
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out;
}

describe("the panel called with hostile values in every string", () => {
  const t = {};

  before(async () => {
    t.env = servedEnv("hostile");
    t.home = t.env.HOME;
    t.pwned = fs.mkdtempSync(path.join(os.tmpdir(), "switchyard-pwned-"));
    fs.writeFileSync(path.join(t.home, ".bashrc"), "export PS1='$ '\n");
    fs.writeFileSync(path.join(t.home, ".profile"), "# profile\n");
    fs.writeFileSync(path.join(t.home, ".pgpass"), `${PGPASS_LINE}\n`, { mode: 0o600 });
    fs.mkdirSync(path.join(t.home, "project"));
    fs.writeFileSync(path.join(t.home, "project/.env"), `OPENAI_API_KEY=${OTHER_KEY}\n`);
    fs.mkdirSync(path.join(t.home, ".claude"));
    fs.writeFileSync(path.join(t.home, ".claude/settings.json"), '{"env":{}}\n');
    t.cli = cliOn(t.env);
    const added = spawnSync(appBinary, ["backend", "add", "Keyed", "--kind", "openai", "--base-url", "http://127.0.0.1:9/v1", "--key-stdin"], {
      env: t.env,
      input: `${PROVIDER_KEY}\n`,
      encoding: "utf8",
    });
    assert.equal(added.status, 0, added.stderr);
    const { serve, addr } = await startServe(t.env);
    t.serve = serve;
    t.addr = addr;
    t.origin = `http://${addr}`;
    t.panelToken = await knownToken(t.cli, addr, "hostile", "--panel");
    t.toolToken = await knownToken(t.cli, addr, "tool");
    const res = await fetch(`${t.origin}/panel/api/session`, {
      method: "POST",
      headers: { origin: t.origin, "content-type": "application/json" },
      body: JSON.stringify({ token: t.panelToken }),
    });
    assert.equal(res.status, 200, "the operator signs in");
    const cookies = res.headers.getSetCookie().map((c) => c.split(";")[0]);
    t.cookie = cookies.join("; ");
    t.csrf = cookies.find((c) => c.startsWith("switchyard_csrf=")).split("=")[1];
    t.outside = () => ({ ...snapshot(t.home), ...snapshot(t.pwned), ...snapshot(t.env.XDG_CONFIG_HOME ?? "/nonexistent") });
    t.before = t.outside();
  });

  after(async () => {
    await stopServe(t.serve, t.env);
    fs.rmSync(t.pwned, { recursive: true, force: true });
  });

  /** The status the panel answers a command call announcing `length` bytes, from its head alone
   *  (a body over the call's cap is refused before it is read, and its connection closed). */
  const announced = (name, length) =>
    new Promise((resolve, reject) => {
      const socket = net.connect(Number(t.addr.split(":")[1]), "127.0.0.1");
      let text = "";
      socket.on("data", (d) => {
        text += d;
        if (text.includes("\r\n")) {
          resolve(Number(text.slice(9, 12)));
          socket.destroy();
        }
      });
      socket.on("error", reject);
      socket.write(
        `POST /panel/api/call/${name} HTTP/1.1\r\nHost: ${t.addr}\r\nOrigin: ${t.origin}\r\nCookie: ${t.cookie}\r\nx-switchyard-csrf: ${t.csrf}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`,
      );
    });

  const call = (name, args) =>
    fetch(`${t.origin}/panel/api/call/${name}`, {
      method: "POST",
      headers: { origin: t.origin, cookie: t.cookie, "x-switchyard-csrf": t.csrf, "content-type": "application/json" },
      body: JSON.stringify(args),
    });

  it("reaches no file outside the data folder, shows no secret and stays up", { timeout: 15 * 60 * 1000 }, async () => {
    const hostile = [
      path.join(t.home, ".bashrc"),
      `${"../".repeat(16)}${t.home.slice(1)}/.pgpass`,
      path.join(t.home, "project/.env"),
      "a\u0000b",
      "x".repeat(1 << 20),
      "\u001b[31mred\u001b]0;title\u0007\u009b2J",
      `$(touch ${t.pwned}/dollar)\`touch ${t.pwned}/tick\``,
    ];
    const secrets = [PROVIDER_KEY, PROVIDER_KEY.slice(8, 32), t.panelToken, PGPASS_LINE, OTHER_KEY, OTHER_KEY.slice(8, 32)];
    const seen = new Set();
    const outcomes = {};
    for (const value of hostile) {
      for (const { name, args } of hostileCalls(value)) {
        const body = JSON.stringify(args);
        if (seen.has(`${name} ${body}`)) continue;
        seen.add(`${name} ${body}`);
        if (Buffer.byteLength(body) > CALL_MAX) {
          assert.equal(await announced(name, Buffer.byteLength(body)), 413, `${name}: over the call's cap, refused unread`);
          (outcomes[name] ??= new Set()).add(413);
          continue;
        }
        const res = await call(name, args);
        const text = await res.text();
        const what = `${name} with ${JSON.stringify(value.slice(0, 40))}${value.length > 40 ? "…" : ""}`;
        assert.ok(res.status < 500 || res.status === 503, `${what}: ${res.status} ${text.slice(0, 300)}`);
        if (res.status >= 400) {
          const error = JSON.parse(text).error;
          assert.ok(error?.kind && error?.message, `${what}: a typed error (${text.slice(0, 200)})`);
        }
        for (const secret of secrets) assert.ok(!text.includes(secret), `${what}: its answer holds a secret`);
        (outcomes[name] ??= new Set()).add(res.status);
      }
    }
    assert.deepEqual(t.outside(), t.before, "no file outside the data folder changed or appeared");
    // What was stored is storable and shows as it is: no control character in the configuration
    // (backends, routes, budgets, prices) or the tokens, and no megabyte-long name.
    const exported = path.join(t.env.SWITCHYARD_DATA_DIR, "after.toml");
    t.cli("config", "export", exported);
    for (const [what, text] of [["the configuration", fs.readFileSync(exported, "utf8")], ["the tokens", t.cli("token", "list")]]) {
      assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(text), `no control character was stored in ${what}`);
      assert.ok(text.split("\n").every((line) => line.length < 4096), `no oversized value was stored in ${what}`);
    }
    const models = await fetch(`${t.origin}/v1/models`, { headers: { authorization: `Bearer ${t.toolToken}` } });
    assert.equal(models.status, 200, "the gateway still answers a tool");
    const still = await call("list_backends", {});
    assert.equal(still.status, 200, "the panel still answers");
    const accepted = Object.entries(outcomes).filter(([, s]) => s.has(200)).map(([n]) => n);
    console.log(`${seen.size} hostile calls over ${Object.keys(outcomes).length} commands; answered 200 by ${accepted.length}: ${accepted.join(", ")}`);
  });
});
