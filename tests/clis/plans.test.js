// A Claude plan as Claude Code's first route (issue 74), with the real Claude Code: signed in to
// a plan (its own `.credentials.json`), connected with `switchyard connect claude-code --plan`,
// it keeps its sign-in, which the gateway passes unchanged to the plan's host only (here a mock
// in plan mode standing in for Anthropic, recording what it receives). When the plan's window is
// used up the work goes on through the overflow route, a backend of another format (Gemini), a
// tool call included, and Claude Code never sees the refusal; after the reset the plan serves
// again. The sign-in is in no request to another host, no file Switchyard wrote, no log, and
// disconnect gives the settings back byte for byte. The same for the real Codex signed in with
// ChatGPT (its `auth.json`), whose plan is a mock of the ChatGPT backend's Codex endpoint.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { MOCK_KEY, mockBinary, scrubProviderEnv, serveBinary, spawnUntil, startGateway } from "../sdk/harness.js";
import { CLAUDE, CODEX, baseEnv, describeRun, run, scratch } from "./cli.js";

scrubProviderEnv(process.env);

const SIGN_IN = "sk-ant-oat01-PLAN-CANARY-2f9c1e7a";
const REFRESH = "sk-ant-ort01-PLAN-CANARY-refresh";
/** The plan's window, from its first request: long enough for the overflow's tool round trip. */
const WINDOW_S = 40;
const SETTINGS = '{\n  "env": {\n    "DISABLE_AUTOUPDATER": "1"\n  }\n}\n';
const MARKER = "switchyard-plan-42";
const ACCOUNT = "acct-plan-test-1234";

/** An unsigned JWT with `claims`, as Codex reads ChatGPT's tokens (it checks no signature). */
function jwt(claims) {
  const part = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
  return `${part({ alg: "none", typ: "JWT" })}.${part(claims)}.sig`;
}
const CHATGPT_CLAIMS = {
  exp: Math.floor(Date.now() / 1000) + 30 * 86400,
  email: "plan-test@example.com",
  "https://api.openai.com/auth": { chatgpt_plan_type: "plus", chatgpt_account_id: ACCOUNT, chatgpt_user_id: "user-plan", user_id: "user-plan" },
};
const ACCESS = jwt({ ...CHATGPT_CLAIMS, note: "access" });

/** Starts `switchyard-mock ARGS`; its origin and stop. */
async function mock(args) {
  const env = { ...scrubProviderEnv({ ...process.env }), NO_COLOR: "1" };
  const m = spawnUntil(mockBinary, args, env, /listening (http:\/\/127\.0\.0\.1:\d+)/, "switchyard-mock");
  return { origin: await m.ready, stop: m.stop };
}

/** Every file under `dir` (following no links), for the search for the sign-in. */
function files(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath ?? e.path, e.name));
}

describe("a Claude plan first, the overflow when its window is used up, and back", () => {
  let tmp;
  let vendor;
  let chatgpt;
  let keys;
  let gw;
  const logs = {};
  /** `Notify` calls on the session bus: the desktop notifications the gateway's process sends. */
  let bus = "";
  let busMonitor;

  before(async () => {
    busMonitor = spawn("dbus-monitor", ["--session", "interface=org.freedesktop.Notifications,member=Notify"], {
      stdio: ["ignore", "pipe", "ignore"],
    });
    busMonitor.stdout.on("data", (d) => { bus += d.toString(); });
    tmp = scratch();
    logs.vendor = path.join(tmp.home("records"), "vendor.jsonl");
    logs.keys = path.join(tmp.home("records"), "keys.jsonl");
    vendor = await mock(["--plan-token", SIGN_IN, "--plan-requests", "1", "--plan-reset", String(WINDOW_S), "--record", logs.vendor]);
    logs.chatgpt = path.join(tmp.home("records"), "chatgpt.jsonl");
    chatgpt = await mock(["--chatgpt-token", ACCESS, "--chatgpt-account", ACCOUNT, "--chatgpt-requests", "1", "--chatgpt-reset", String(WINDOW_S), "--record", logs.chatgpt]);
    keys = await mock(["--key", MOCK_KEY, "--record", logs.keys]);
    gw = await startGateway({
      backends: [
        { name: "Gemini", kind: "gemini", baseUrl: `${keys.origin}/v1beta`, model: "gemini-2.5-flash", key: MOCK_KEY },
        { name: "OpenAI", kind: "openai", baseUrl: `${keys.origin}/v1`, model: "gpt-4.1", key: MOCK_KEY },
      ],
      tokenName: "plans-suite",
    });
    // Both tools' overflow: a backend of another format than either plan's.
    const route = await switchyard(tmp.home("routes"), "route", "add", "spill", "--candidate", "Gemini=gemini-2.5-flash");
    assert.equal(route.code, 0, `${route.stdout}\n${route.stderr}`);
  });

  after(async () => {
    busMonitor?.kill();
    try {
      if (gw) await gw.stop();
      if (vendor) await vendor.stop();
      if (chatgpt) await chatgpt.stop();
      if (keys) await keys.stop();
    } finally {
      tmp?.remove();
    }
  });

  /** `switchyard-serve ARGS` as the user in `home`, next to the running gateway. */
  function switchyard(home, ...args) {
    const port = new URL(gw.origin).port;
    const env = { ...gw.env, HOME: home, XDG_CONFIG_HOME: path.join(home, ".config"), SWITCHYARD_GATEWAY_PORT: port };
    return new Promise((resolve) => {
      execFile(serveBinary, args, { env, encoding: "utf8", timeout: 60000 }, (err, stdout, stderr) => {
        resolve({ code: err ? (err.code ?? 1) : 0, stdout, stderr });
      });
    });
  }

  /** Claude Code as the user runs it: nothing about Switchyard in its environment. */
  function claude(home, prompt, extra = []) {
    const env = { ...baseEnv(home), DISABLE_TELEMETRY: "1", CLAUDE_CODE_MAX_RETRIES: "1", CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1" };
    return run(CLAUDE, ["-p", prompt, ...extra, "--output-format", "json"], { env, cwd: `${home}/work` });
  }

  /** The tool's ledger rows started at or after `since` (ms), oldest first, once there are `n`. */
  async function rowsSince(since, n) {
    const mine = (rs) => rs.filter((r) => r.tokenName === "claude-code" && Date.parse(r.startedAt) >= since);
    const rows = await gw.waitForRequests((rs) => mine(rs).length >= n, { limit: 1000 });
    return mine(rows).sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
  }

  it("claude-code on its plan: served by the plan, then by the overflow with a tool call, then by the plan after the reset", async () => {
    const home = tmp.home("plan-claude");
    const settings = path.join(home, ".claude/settings.json");
    fs.mkdirSync(path.join(home, "work"), { recursive: true });
    fs.mkdirSync(path.dirname(settings), { recursive: true });
    fs.writeFileSync(settings, SETTINGS);
    // Signed in to a Claude plan, as `claude login` leaves it.
    const credentials = {
      claudeAiOauth: {
        accessToken: SIGN_IN, refreshToken: REFRESH, expiresAt: Date.now() + 7 * 86400e3,
        scopes: ["user:inference", "user:profile", "user:sessions:claude_code"], subscriptionType: "max",
      },
    };
    fs.writeFileSync(path.join(home, ".claude/.credentials.json"), JSON.stringify(credentials), { mode: 0o600 });

    const listed = JSON.parse((await switchyard(home, "tools", "--json")).stdout).find((t) => t.id === "claude-code");
    assert.equal(listed.planFound, true, "the plan's sign-in is found (by its file's presence)");

    const c = await switchyard(home, "connect", "claude-code", "--plan", "--overflow", "spill", "--plan-host", vendor.origin);
    assert.equal(c.code, 0, `${c.stdout}\n${c.stderr}`);
    assert.match(c.stdout, /keeps its Claude plan sign-in .*overflow: route spill/);
    const env = JSON.parse(fs.readFileSync(settings, "utf8")).env;
    assert.equal(env.ANTHROPIC_BASE_URL, gw.origin);
    assert.match(env.ANTHROPIC_CUSTOM_HEADERS, /^x-switchyard-token: sy-/);
    assert.equal(env.ANTHROPIC_AUTH_TOKEN, undefined, "no token in place of the plan's sign-in");
    const tools = JSON.parse((await switchyard(home, "tools", "--json")).stdout).find((t) => t.id === "claude-code");
    assert.deepEqual(tools.plan, { vendor: "anthropic", host: vendor.origin, overflow: { to: "route", route: "spill" } });

    // 1. The plan serves, with Claude Code's own sign-in (its first request opens the window;
    // a second one of the same run may already overflow).
    const windowStarted = Date.now();
    const first = await claude(home, "Say hello");
    assert.equal(first.code, 0, describeRun("claude (plan)", first));
    let rows = await rowsSince(windowStarted, 1);
    assert.equal(rows[0].backend, "Claude plan", JSON.stringify(rows));
    assert.equal(rows[0].keyLabel, "sign-in");
    assert.equal(rows[0].costUsd, 0, "the plan pays");
    const vendorSaw = fs.readFileSync(logs.vendor, "utf8");
    assert.ok(vendorSaw.includes(`Bearer ${SIGN_IN}`), "the sign-in reached the plan's host unchanged");
    assert.ok(!vendorSaw.includes("x-switchyard-token"), "the Switchyard token stays at the gateway");

    // 2. The window is used up: a tool call goes on through the overflow (Gemini), and Claude
    // Code never sees the refusal.
    const overflowStarted = Date.now();
    const second = await claude(home, `run: echo ${MARKER}`, ["--allowedTools", "Bash"]);
    const show = describeRun("claude (overflow)", second);
    assert.equal(second.code, 0, show);
    const out = JSON.parse(second.stdout);
    assert.equal(out.is_error, false, show);
    assert.match(out.result, new RegExp(`Tool result: .*${MARKER}`), show);
    const spilled = await rowsSince(overflowStarted, 2);
    const ok = (r) => r.status === 200 && r.backend === "Gemini" && r.route === "spill" && r.reason === "plan overflow";
    assert.ok(spilled.every(ok), JSON.stringify(spilled));
    // The plan was asked once after its window was used up; then it cooled down until the reset.
    const all = await rowsSince(windowStarted, 3);
    const refused = all.filter((r) => r.attemptList.some((a) => a.backend === "Claude plan" && a.status === 429));
    assert.equal(refused.length, 1, `straight to the overflow while the plan cools down: ${JSON.stringify(all)}`);
    assert.ok(spilled.some((r) => r.costUsd > 0), `the overflow is priced: ${JSON.stringify(spilled)}`);

    // 3. After the reset the plan serves again.
    const wait = windowStarted + (WINDOW_S + 2) * 1000 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const backAt = Date.now();
    const third = await claude(home, "Say hello again");
    assert.equal(third.code, 0, describeRun("claude (plan again)", third));
    rows = await rowsSince(backAt, 1);
    assert.equal(rows[0].backend, "Claude plan", JSON.stringify(rows));

    // One desktop notification when the overflow started, one when the plan was back.
    for (let i = 0; i < 50 && !bus.includes("Claude plan is back"); i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(bus.split("Claude plan window used up").length - 1, 1, bus);
    assert.equal(bus.split("Claude plan is back").length - 1, 1, bus);

    // The sign-in went nowhere else, and nothing of Switchyard's keeps it.
    const keysSaw = fs.readFileSync(logs.keys, "utf8");
    assert.ok(keysSaw.length > 0 && !keysSaw.includes("PLAN-CANARY"), "the overflow's host never saw the sign-in");
    const written = [...files(gw.dataDir), ...files(path.join(home, ".config")), settings];
    for (const f of written) {
      assert.ok(!fs.readFileSync(f).includes("PLAN-CANARY"), `${f} holds the plan's sign-in`);
    }

    // Disconnect: the settings as they were, byte for byte (the credentials untouched).
    const d = await switchyard(home, "disconnect", "claude-code");
    assert.equal(d.code, 0, `${d.stdout}\n${d.stderr}`);
    assert.equal(fs.readFileSync(settings, "utf8"), SETTINGS, "byte for byte");
    assert.equal(JSON.parse(fs.readFileSync(path.join(home, ".claude/.credentials.json"), "utf8")).claudeAiOauth.accessToken, SIGN_IN);
  });
  it("codex on its ChatGPT plan: served by the plan, then by the overflow with a tool call, then by the plan after the reset", async () => {
    const home = tmp.home("plan-codex");
    fs.mkdirSync(path.join(home, "work"), { recursive: true });
    const codexHome = path.join(home, ".codex");
    fs.mkdirSync(codexHome, { recursive: true });
    const config = path.join(codexHome, "config.toml");
    const before = 'check_for_update_on_startup = false\n\n[analytics]\nenabled = false\n';
    fs.writeFileSync(config, before);
    // Signed in with ChatGPT, as `codex login` leaves it.
    const auth = {
      auth_mode: "chatgpt", OPENAI_API_KEY: null, last_refresh: new Date().toISOString(),
      tokens: { id_token: jwt(CHATGPT_CLAIMS), access_token: ACCESS, refresh_token: "rt-plan-test-0001", account_id: ACCOUNT },
    };
    const authFile = path.join(codexHome, "auth.json");
    fs.writeFileSync(authFile, JSON.stringify(auth), { mode: 0o600 });
    const authBefore = fs.readFileSync(authFile, "utf8");

    // Overflow to the user's OpenAI key (the default): the plan's model asks for OpenAI's
    // built-in tools, which only an OpenAI backend replays.
    const c = await switchyard(home, "connect", "codex", "--plan", "--plan-host", chatgpt.origin);
    assert.equal(c.code, 0, `${c.stdout}\n${c.stderr}`);
    assert.match(c.stdout, /keeps its ChatGPT plan sign-in .*overflow: your keys/);
    const text = fs.readFileSync(config, "utf8");
    assert.match(text, /requires_openai_auth = true/);
    assert.doesNotMatch(text, /experimental_bearer_token/);

    // A model of the plan with Codex's standard shell tool (its newest use a code-mode tool the
    // mock does not script).
    const codex = (prompt) => run(CODEX, ["exec", "--skip-git-repo-check", "--dangerously-bypass-approvals-and-sandbox", "-m", "gpt-5.5", prompt], {
      env: { ...baseEnv(home), CODEX_HOME: codexHome }, cwd: `${home}/work`,
    });
    const mine = async (since, n) => {
      const rows = await gw.waitForRequests((rs) => rs.filter((r) => r.tokenName === "codex" && Date.parse(r.startedAt) >= since).length >= n, { limit: 1000 });
      return rows.filter((r) => r.tokenName === "codex" && Date.parse(r.startedAt) >= since)
        .sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
    };

    const windowStarted = Date.now();
    const first = await codex("Say hello");
    assert.equal(first.code, 0, describeRun("codex (plan)", first));
    const planned = (await mine(windowStarted, 1)).filter((r) => r.inbound === "responses");
    assert.equal(planned[0].backend, "ChatGPT plan", JSON.stringify(planned));
    assert.equal(planned[0].costUsd, 0);
    const vendorSaw = fs.readFileSync(logs.chatgpt, "utf8");
    assert.ok(vendorSaw.includes(`Bearer ${ACCESS}`) && vendorSaw.includes(ACCOUNT), "the sign-in and its account reached the plan's host");
    assert.ok(!vendorSaw.includes("x-switchyard-token"));

    const overflowStarted = Date.now();
    const second = await codex(`run: echo ${MARKER}`);
    const show = describeRun("codex (overflow)", second);
    assert.equal(second.code, 0, show);
    assert.match(second.stdout, new RegExp(`Tool result: .*${MARKER}`), show);
    const spilled = (await mine(overflowStarted, 2)).filter((r) => r.inbound === "responses");
    assert.ok(spilled.length >= 2 && spilled.every((r) => r.status === 200 && r.backend === "OpenAI" && r.reason === "plan overflow"), JSON.stringify(spilled));

    const wait = windowStarted + (WINDOW_S + 2) * 1000 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const backAt = Date.now();
    const third = await codex("Say hello again");
    assert.equal(third.code, 0, describeRun("codex (plan again)", third));
    const back = (await mine(backAt, 1)).filter((r) => r.inbound === "responses");
    assert.equal(back[0].backend, "ChatGPT plan", JSON.stringify(back));

    assert.ok(!fs.readFileSync(logs.keys, "utf8").includes(ACCESS), "the overflow's host never saw the sign-in");
    for (const f of [...files(gw.dataDir), config]) {
      assert.ok(!fs.readFileSync(f).includes(ACCESS), `${f} holds the plan's sign-in`);
    }
    const d = await switchyard(home, "disconnect", "codex");
    assert.equal(d.code, 0, `${d.stdout}\n${d.stderr}`);
    assert.equal(fs.readFileSync(config, "utf8"), before, "byte for byte");
    assert.equal(JSON.parse(fs.readFileSync(authFile, "utf8")).tokens.access_token, ACCESS, "its sign-in is Codex's own");
    assert.ok(authBefore.length > 0);
  });
});
