// The desktop attached to a team gateway (issue 44) in the real app window, against a replica on
// a throw-away PostgreSQL and Redis (`switchyard-serve serve --team … --redis …`):
// - Settings → Team gateway refuses a wrong token and a tool's token with the core's typed
//   messages, then attaches with an admin token (kept in the Secret Service, in no file);
// - the Team page shows the replica's backends, the spend of the person whose token made
//   requests and that person's budget; the Costs page groups the spend by person too;
// - a readiness run on the replica from the window;
// - Redis stopped: "Degraded" on the Team and Health pages; back: sharing again;
// - Codex connected to the team from the Tools page: a team token of the admin's owner in its
//   files, answered by the replica and recorded for that person, revoked on Disconnect;
// - Detach removes the token from the keychain.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { MOCK_KEY, startMock } from "../sdk/harness.js";
import { startReplicas, startServers } from "../sdk/team-harness.js";
import { byTestId, closeApp, filesContaining, keychainDump, listFiles, openApp, pageReaders, privateHome, until } from "./harness.js";

/** A chat request with `token` to `origin`; the answer's status. */
async function chat(origin, token, content = "hello") {
  const resp = await fetch(`${origin}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-4.1", messages: [{ role: "user", content }] }),
  });
  await resp.text();
  return resp.status;
}

describe("a desktop attached to a team gateway", { timeout: 180000 }, () => {
  const t = {};
  let b;
  before(async () => {
    t.servers = await startServers();
    t.mock = await startMock();
    const backends = [{ name: "Mock", kind: "openai", baseUrl: `${t.mock.origin}/v1`, model: "gpt-4.1", key: MOCK_KEY }];
    const setup = [["team", "budget", "add", "Bo's month", "--limit", "5", "--period", "month", "--person", "bo@example.com", "--hard-stop"]];
    [t.replica] = await startReplicas(t.servers, 1, { backends, setup });
    const made = async (...args) => (await t.replica.command("team", "token", "create", ...args)).stdout.trim();
    t.admin = await made("desktop", "--owner", "ana@example.com", "--admin");
    t.tool = await made("aider", "--owner", "bo@example.com");
    // Three requests by Bo's tool, recorded in the team's ledger.
    for (let i = 0; i < 3; i += 1) assert.equal(await chat(t.replica.origin, t.tool, `hello ${i}`), 200);
    t.home = privateHome();
    t.ui = await openApp({ env: { HOME: t.home } });
    b = t.ui.b;
  });
  after(async () => {
    await closeApp(t.ui ?? {});
    await t.replica?.stop();
    t.mock?.stop();
    await t.servers?.stop();
  });

  const { text, attr, exists, screenshot } = pageReaders(() => b);
  const click = async (id) => (await b.$(byTestId(id))).click();
  const type = async (id, value) => (await b.$(byTestId(id))).setValue(value);

  /** Fills the form and presses Attach; resolves once the attempt finished. */
  async function attach(token) {
    await type("team-url", t.replica.origin);
    await type("team-token", token);
    await click("team-attach");
    // The button is busy while the core asks the replica; once attached the form is gone.
    await until(async () => (await attr(byTestId("team-attach"), "aria-busy")) !== "true", "the attach never finished", 15000);
  }

  it("refuses a wrong token and a tool's token with the core's words, keeping nothing", async () => {
    await click("nav-settings");
    await (await b.$(byTestId("settings-team"))).waitForDisplayed({ timeout: 5000 });
    await attach("sy-not-a-team-token");
    await until(() => exists(byTestId("team-token-error")), "no message under the token");
    assert.match(await text(byTestId("team-token-error")), /refused this token/);
    await attach(t.tool);
    await until(async () => /not an admin token/.test((await text(byTestId("team-token-error"))) ?? ""), "a tool's token was not refused as such");
    assert.equal(await exists(byTestId("team-attached-url")), false, "nothing attached");
    assert.doesNotMatch(keychainDump(t.ui.app.service), /team:admin-token/, "no token kept after a refusal");
  });

  it("attaches with an admin token kept in the keychain only", async () => {
    await attach(t.admin);
    await (await b.$(byTestId("team-attached-url"))).waitForDisplayed({ timeout: 5000 });
    assert.equal(await text(byTestId("team-attached-url")), t.replica.origin);
    const keyring = keychainDump(t.ui.app.service);
    assert.match(keyring, /team:admin-token/);
    assert.ok(keyring.includes(t.admin), "the admin token is the keychain's secret");
    assert.deepEqual(filesContaining(t.ui.app.dataDir, t.admin), [], "the admin token in no file of the data folder");
  });

  it("shows the team's backends, Bo's spend, the budget and sharing through Redis", async () => {
    await click("team-open");
    await (await b.$(byTestId("page-team"))).waitForDisplayed({ timeout: 5000 });
    await until(() => exists(byTestId("team-sharing")), "the overview never showed", 15000);
    assert.equal(await attr(byTestId("team-sharing"), "data-redis"), "up");
    assert.match(await text(byTestId("team-replica")), /\S/);
    assert.equal(await exists(`${byTestId("team-backend")}[data-name="Mock"]`), true, "the replica's backend");
    const bo = `${byTestId("team-person")}[data-person="bo@example.com"]`;
    assert.equal(await text(`${bo} ${byTestId("team-person-requests")}`), "3");
    assert.match(await text(`${bo} ${byTestId("team-person-cost")}`), /^\$\s?0\.00\d+$/);
    const budget = `${byTestId("team-budget")}[data-name="Bo's month"]`;
    assert.match(await text(budget), /bo@example\.com/);
    assert.match(await text(budget), /\$\s?0\.00\d+ of \$\s?5(\.00)? \(0 %\)/, "what Bo spent of his limit");
    // The team ledger's spend per day: today's bar drawn.
    const chart = byTestId("team-days-chart");
    await until(async () => (await attr(chart, "data-drawn")) === "true", "the spend-per-day chart was not drawn");
    assert.equal(await attr(chart, "data-empty"), "false");
    await screenshot("team-page.png", { top: true });
  });

  it("groups the team's spend by person on the Costs page too", async () => {
    await click("nav-costs");
    const bo = `${byTestId("costs-team-person")}[data-person="bo@example.com"]`;
    await (await b.$(bo)).waitForDisplayed({ timeout: 10000, timeoutMsg: "no team spend by person on the Costs page" });
    assert.match(await text(bo), /bo@example\.com\s+3\s+\$\s?0\.00\d+/);
    await click("nav-team");
    await (await b.$(byTestId("page-team"))).waitForDisplayed({ timeout: 5000 });
  });

  it("runs the readiness checks on the replica from the window", async () => {
    assert.equal(await exists(byTestId("team-readiness-none")), true, "no run before");
    await click("team-readiness-run");
    await until(() => exists(byTestId("team-readiness-verdict")), "no verdict after the run", 60000);
    assert.match(await text(byTestId("team-readiness-verdict")), /^(READY|DEGRADED|BLOCKED)$/);
  });

  it("shows the degraded state when the team's Redis is stopped", async () => {
    await t.servers.control("redis stop");
    // The replica notices within its link's retry; Refresh reads the overview again.
    await until(async () => {
      await click("team-refresh");
      await new Promise((r) => setTimeout(r, 500));
      return (await attr(byTestId("team-sharing"), "data-redis")) === "down";
    }, "the Team page never showed the degraded state", 20000);
    assert.match(await text(byTestId("team-sharing")), /Degraded: Redis is unreachable/);
    await screenshot("team-degraded.png", { top: true });
    // The Health page says so too.
    await click("nav-health");
    await until(async () => (await attr(byTestId("health-team"), "data-redis")) === "down", "the Health page does not show the team degraded");
    assert.match(await text(byTestId("health-team")), /Team gateway: Degraded/);
    await click("nav-team");
    await (await b.$(byTestId("page-team"))).waitForDisplayed({ timeout: 5000 });
  });

  it("connects Codex to the team gateway with a team token of the admin's owner, revoked on Disconnect", async () => {
    // Redis back: the Team page shows sharing again.
    await t.servers.control("redis restart");
    await until(async () => {
      await click("team-refresh");
      await new Promise((r) => setTimeout(r, 500));
      return (await attr(byTestId("team-sharing"), "data-redis")) === "up";
    }, "sharing never resumed on the Team page", 20000);
    await click("nav-tools");
    await (await b.$(byTestId("tool-target-codex"))).waitForDisplayed({ timeout: 10000 });
    await (await b.$(byTestId("tool-target-codex"))).selectByAttribute("value", "team");
    await click("tool-connect-codex");
    await until(async () => (await attr(byTestId("tool-codex"), "data-state")) === "connected", "Codex never showed connected", 15000);
    assert.equal(await attr(byTestId("tool-token-codex"), "data-team"), "true");
    // Its files point at the replica with a team token (found in the files Connect wrote).
    const files = listFiles(t.home).map((f) => fs.readFileSync(path.join(t.home, f), "utf8"));
    assert.ok(files.some((f) => f.includes(t.replica.origin)), "the files point at the team gateway");
    const token = files.join("\n").match(/sy-[0-9a-f]{64}/)?.[0];
    assert.ok(token, "a team token in Codex's files");
    const listed = JSON.parse((await t.replica.command("team", "token", "list", "--json")).stdout);
    const mine = listed.find((x) => x.name === "codex");
    assert.deepEqual([mine?.owner, mine?.revoked], ["ana@example.com", false], "the admin's owner's token");
    assert.equal(await chat(t.replica.origin, token, "from codex"), 200, "the replica answers the tool's token");
    const people = async () => JSON.parse((await t.replica.command("team", "usage", "--by", "person", "--json")).stdout);
    await until(async () => (await people()).some((r) => r.group === "ana@example.com" && r.requests === 1), "the tool's request is not Ana's in the team's ledger", 10000);
    // Disconnect revokes it for the team.
    await click("tool-disconnect-codex");
    await until(async () => (await attr(byTestId("tool-codex"), "data-state")) === "notConnected", "Codex never showed disconnected", 15000);
    await until(async () => (await chat(t.replica.origin, token, "after")) === 401, "the revoked team token still works", 5000);
    const after = JSON.parse((await t.replica.command("team", "token", "list", "--json")).stdout);
    assert.equal(after.find((x) => x.id === mine.id)?.revoked, true);
  });

  it("detaches: the token leaves the keychain, the form comes back", async () => {
    await click("nav-settings");
    await click("team-detach");
    await (await b.$(byTestId("team-url"))).waitForDisplayed({ timeout: 5000 });
    assert.doesNotMatch(keychainDump(t.ui.app.service), /team:admin-token/);
    await click("nav-team");
    await (await b.$(byTestId("team-not-attached"))).waitForDisplayed({ timeout: 5000 });
  });
});
