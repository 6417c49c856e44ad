// A team gateway's hard stops under faults (issue 55), through the official OpenAI SDK: three
// `switchyard-serve` replicas on one throw-away PostgreSQL and Redis behind nginx. Shown here: with
// Redis stopped, a person's hard stop still holds for the three together (reservations move to
// PostgreSQL), and a replica started without Redis refuses that person too; with Redis paused
// (its data kept) the spend made meanwhile is counted again when it is back, so its counters
// agree with the ledger within one refresh.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import OpenAI from "openai";
import { MOCK_KEY, startMock, underWine } from "./harness.js";
import { psql, startNginx, startReplicas, startServers } from "./team-harness.js";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** A person's team budgets re-read by every replica at least this often (RELOAD_EVERY). */
const REFRESH_MS = 10000;

describe("a team's hard stops with Redis away", { timeout: 240000, skip: underWine && "the team suite runs on the native build" }, () => {
  const t = {};
  const backends = [{ name: "Mock", kind: "openai", baseUrl: "", model: "gpt-4.1", key: MOCK_KEY }];
  before(async () => {
    t.servers = await startServers();
    t.mock = await startMock();
    backends[0].baseUrl = `${t.mock.origin}/v1`;
    t.replicas = await startReplicas(t.servers, 3, { backends });
    t.nginx = await startNginx(t.replicas);
  });
  after(async () => {
    await t.nginx?.stop();
    for (const r of [...(t.replicas ?? []), ...(t.extra ?? [])]) await r.stop();
    await t.mock?.stop();
    await t.servers?.stop();
  });

  /** A team token for `owner`, made from the first replica's shell. */
  const tokenFor = async (owner) => (await t.replicas[0].command("team", "token", "create", `${owner}-tool`, "--owner", owner)).stdout.trim();
  const client = (origin, token) => new OpenAI({ baseURL: `${origin}/v1`, apiKey: token, maxRetries: 0 });

  /** `total` paid requests through `c`, `width` at a time: how many were served, and every refusal. */
  async function spend(c, total, width) {
    let served = 0;
    const refused = [];
    let next = 0;
    await Promise.all(Array.from({ length: width }, async () => {
      while (next < total) {
        const n = next++;
        await c.chat.completions
          .create({ model: "gpt-4.1", max_tokens: 200, messages: [{ role: "user", content: `spend ${n} ${Math.random()}` }] })
          .then(() => { served += 1; }, (e) => refused.push(e));
      }
    }));
    return { served, refused };
  }

  /** What the team ledger says `owner` spent, once it holds at least `rows` of their requests. */
  async function ledgerSpend(owner, rows) {
    let found = [0, 0];
    for (let i = 0; i < 100; i += 1) {
      const [[n, usd]] = await psql(t.servers.postgres, `SELECT count(*), COALESCE(SUM(r.cost_usd), 0) FROM team_requests r JOIN team_tokens k ON k.id = r.token_id WHERE k.owner = '${owner}' AND r.status = 200`);
      found = [Number(n), Number(usd)];
      if (found[0] >= rows) break;
      await sleep(100);
    }
    return found[1];
  }

  const assertAllBudgetRefusals = (refused, name) => {
    for (const e of refused) {
      assert.equal(e.status, 402, e.message);
      assert.match(e.message, new RegExp(`team budget “${name}”`));
    }
  };

  test("Redis stopped: a person's hard stop holds for three replicas at once, and on a replica started without Redis", async (ctx) => {
    const limit = 0.005;
    await t.replicas[0].command("team", "budget", "add", "Gus's day", "--person", "gus@example.com", "--limit", String(limit), "--period", "day", "--hard-stop");
    const token = await tokenFor("gus@example.com");
    await t.servers.control("redis stop");
    // The replicas learn the budget by reading the team database (no notice without Redis).
    await sleep(REFRESH_MS + 1000);
    const { served, refused } = await spend(client(t.nginx.origin, token), 40, 6);
    assert.ok(served > 0 && refused.length > 0, `${served} served, ${refused.length} refused`);
    assertAllBudgetRefusals(refused, "Gus's day");
    const spent = await ledgerSpend("gus@example.com", served);
    ctx.diagnostic(`Redis stopped: ${served} served, ${refused.length} refused; the ledger says $${spent.toFixed(6)} of $${limit}`);
    // Each request reserved its worst case in PostgreSQL: no overshoot at all.
    assert.ok(spent <= limit + 1e-9, `spent $${spent} of $${limit}`);
    assert.ok(spent > limit / 2, `the budget was used, not refused early: $${spent}`);

    // A replica started without Redis goes by the same counters in PostgreSQL.
    t.extra = await startReplicas({ ...t.servers, redis: undefined }, 1, { backends, first: 3 });
    await sleep(500);
    const alone = await spend(client(t.extra[0].origin, token), 3, 1);
    assert.equal(alone.served, 0, "the replica without Redis refuses a person whose budget is used up");
    assertAllBudgetRefusals(alone.refused, "Gus's day");

    // Redis back, empty: its counter starts from the ledger, so the stop still holds.
    await t.servers.control("redis restart");
    await sleep(1500);
    const back = await spend(client(t.nginx.origin, token), 6, 3);
    assert.equal(back.served, 0, "still used up with Redis back");
    assertAllBudgetRefusals(back.refused, "Gus's day");
  });

  test("Redis paused: the spend made meanwhile is counted again when it is back, within one refresh", async (ctx) => {
    const limit = 0.006;
    await t.replicas[1].command("team", "budget", "add", "Fay's day", "--person", "fay@example.com", "--limit", String(limit), "--period", "day", "--hard-stop");
    const token = await tokenFor("fay@example.com");
    await sleep(300); // the notice crosses Redis: every replica reads the budget now
    const c = client(t.nginx.origin, token);
    // Redis up: a few requests, so its counters for the budget exist.
    const early = await spend(c, 3, 1);
    assert.equal(early.served, 3);
    await t.servers.control("redis pause");
    const paused = await spend(c, 40, 6);
    assert.ok(paused.served > 0 && paused.refused.length > 0, `${paused.served} served, ${paused.refused.length} refused`);
    assertAllBudgetRefusals(paused.refused, "Fay's day");
    await t.servers.control("redis resume");
    // Redis's counters still say what they said before the pause; within one refresh each
    // replica raises them to the ledger's figure.
    await sleep(REFRESH_MS + 1500);
    const after = await spend(c, 12, 3);
    const spent = await ledgerSpend("fay@example.com", 3 + paused.served + after.served);
    ctx.diagnostic(`paused: ${paused.served} served; after: ${after.served} of 12 served; the ledger says $${spent.toFixed(6)} of $${limit}`);
    assert.equal(after.served, 0, "the counters agree with the ledger: nothing fits");
    assertAllBudgetRefusals(after.refused, "Fay's day");
    assert.ok(spent <= limit + 1e-9, `spent $${spent} of $${limit}`);
  });
});
