// The team gateway under load while things fail on a schedule (issue 55): three replicas behind
// nginx on one throw-away PostgreSQL and Redis, six OpenAI SDK clients sending for SOAK_SECONDS
// (default 40), while replica B is killed (SIGKILL) and later started again on its data folder,
// Redis is paused (SIGSTOP) and resumed, and PostgreSQL is restarted. At the end, every request
// a client saw answered is in the team ledger exactly once, and a person's hard stop, reached
// during the run, held within its stated bound.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import OpenAI from "openai";
import { MOCK_KEY, startMock, underWine } from "./harness.js";
import { psql, relaunch, startNginx, startReplicas, startServers } from "./team-harness.js";

const SECONDS = Number(process.env.SOAK_SECONDS ?? 40);
const WORKERS = 6;
/** The hard stop on sam's spend: reached a third of the way into the run or so. */
const LIMIT = 0.01;
/** A reservation's worst case here (max_tokens 100 at gpt-4.1's price, and the input): the bound is what is in flight. */
const WORST = 0.001;
/** Sam's three workers each wait this long between requests: about 25 answers (the limit) in 60 % of the run. */
const SAM_PAUSE_MS = Math.round((3 * 0.6 * SECONDS * 1000) / 25);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

describe("a team gateway soaked with faults on a schedule", { timeout: (SECONDS + 180) * 1000, skip: underWine && "the team suite runs on the native build" }, () => {
  const t = { events: [] };
  before(async () => {
    t.servers = await startServers();
    t.mock = await startMock();
    const backends = [{ name: "Mock", kind: "openai", baseUrl: `${t.mock.origin}/v1`, model: "gpt-4.1", key: MOCK_KEY }];
    t.replicas = await startReplicas(t.servers, 3, { backends });
    t.nginx = await startNginx(t.replicas);
    const token = async (owner) => (await t.replicas[0].command("team", "token", "create", `${owner}-soak`, "--owner", owner)).stdout.trim();
    t.ann = await token("ann@example.com");
    t.sam = await token("sam@example.com");
    await t.replicas[0].command("team", "budget", "add", "Sam's day", "--person", "sam@example.com", "--limit", String(LIMIT), "--period", "day", "--hard-stop");
    await sleep(500);
  });
  after(async () => {
    await t.nginx?.stop();
    for (const r of t.replicas ?? []) await r.stop();
    await t.mock?.stop();
    await t.servers?.stop();
  });

  /** The faults, at fractions of the run. */
  async function schedule(start) {
    const at = async (fraction, what, act) => {
      const wait = start + fraction * SECONDS * 1000 - Date.now();
      if (wait > 0) await sleep(wait);
      await act();
      t.events.push(`${((Date.now() - start) / 1000).toFixed(1)} s: ${what}`);
    };
    const b = t.replicas[1];
    await at(0.15, "replica B killed", async () => b.kill());
    await at(0.3, "Redis paused", () => t.servers.control("redis pause"));
    await at(0.5, "Redis resumed", () => t.servers.control("redis resume"));
    await at(0.55, "replica B started again", async () => { t.replicas[1] = await relaunch(b); });
    await at(0.7, "PostgreSQL restarted", () => t.servers.control("postgres restart"));
  }

  test(`${SECONDS} s of load: the ledger equals what clients were answered, and the hard stop held`, async (ctx) => {
    const clients = {
      ann: new OpenAI({ baseURL: `${t.nginx.origin}/v1`, apiKey: t.ann, maxRetries: 3 }),
      sam: new OpenAI({ baseURL: `${t.nginx.origin}/v1`, apiKey: t.sam, maxRetries: 3 }),
    };
    const answered = { ann: [], sam: [] };
    /** Which replica answered each request (nginx's X-Upstream). */
    const upstream = new Map();
    const refused = [];
    const failed = [];
    const start = Date.now();
    const faults = schedule(start);
    let n = 0;
    await Promise.all(Array.from({ length: WORKERS }, async (_, w) => {
      while (Date.now() - start < SECONDS * 1000) {
        const who = w % 2 === 0 ? "ann" : "sam";
        const i = n++;
        try {
          const { response } = await clients[who].chat.completions
            .create({ model: "gpt-4.1", max_tokens: 100, messages: [{ role: "user", content: `soak ${i} ${Math.random()}` }] })
            .withResponse();
          answered[who].push(response.headers.get("x-switchyard-request-id"));
          upstream.set(response.headers.get("x-switchyard-request-id"), response.headers.get("x-upstream"));
        } catch (e) {
          if (who === "sam" && e.status === 402) refused.push(e);
          else failed.push(`${who} ${i}: ${e.status ?? ""} ${e.message}`);
        }
        // Sam's requests are paced to reach the stop about 60 % into the run, through the faults.
        if (who === "sam") await sleep(SAM_PAUSE_MS);
      }
    }));
    await faults;
    ctx.diagnostic(t.events.join("; "));
    assert.deepEqual(failed, [], "nginx and the SDK's retries carried every request");
    assert.ok(refused.length > 0, "the hard stop was reached during the run");
    for (const e of refused) assert.match(e.message, /team budget “Sam's day”/);

    // Every answered request is in the team ledger, once (B's outbox sent at its restart).
    const ids = [...answered.ann, ...answered.sam];
    const ours = "SELECT r.id FROM team_requests r JOIN team_tokens k ON k.id = r.token_id WHERE k.owner IN ('ann@example.com', 'sam@example.com') AND r.status = 200";
    let rows = [];
    let missing = ids;
    for (let i = 0; i < 75 && missing.length > 0; i += 1) {
      rows = await psql(t.servers.postgres, ours).catch(() => rows);
      const have = new Set(rows.map(([id]) => id));
      missing = ids.filter((id) => !have.has(id));
      if (missing.length > 0) await sleep(200);
    }
    const found = new Set(rows.map(([id]) => id));
    assert.equal(found.size, rows.length, "no request twice");
    // What a kill can lose (docs/TEAM.md): what B answered in the milliseconds before the batch
    // holding it was committed to its outbox. Nothing A or C answered, nothing of B's earlier.
    const b = `127.0.0.1:${t.replicas[1].port}`;
    const notB = missing.filter((id) => upstream.get(id) !== b);
    assert.deepEqual(notB, [], `${notB.length} of ${ids.length} answered requests not by B are not in the ledger`);
    assert.ok(missing.length <= WORKERS, `${missing.length} of B's answered requests are not in the ledger`);
    ctx.diagnostic(`${missing.length} answered by B at its kill not in the ledger (the stated loss)`);
    // Requests B answered at the moment it was killed (their answer lost on the way) may be in
    // the ledger without a client having seen them: at most what was in flight.
    const extra = rows.length - (ids.length - missing.length);
    assert.ok(extra <= WORKERS, `${extra} in the ledger that no client saw answered`);

    const [[spent]] = await psql(t.servers.postgres, "SELECT COALESCE(SUM(r.cost_usd), 0) FROM team_requests r JOIN team_tokens k ON k.id = r.token_id WHERE k.owner = 'sam@example.com'");
    ctx.diagnostic(`${ids.length} answered (ann ${answered.ann.length}, sam ${answered.sam.length}), sam refused ${refused.length}; sam spent $${Number(spent).toFixed(6)} of $${LIMIT}`);
    // The bound across the faults: what was in flight when Redis stalled.
    assert.ok(Number(spent) <= LIMIT + WORKERS * WORST, `sam spent $${spent} of $${LIMIT}`);
  });
});
