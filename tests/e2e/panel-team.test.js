// The browser panel on a team replica (issue 58): two replicas of one team on a throw-away
// PostgreSQL and Redis, the first `switchyard-tray serve --ui`, the second `switchyard-serve
// serve`; Debian's Chromium, headless (playwright-core). A person's team token opens the team
// console narrowed to that person; an admin's token opens the team's, makes a token for a person
// (shown once, answered by the other replica) and revokes a person's token, which every replica
// then refuses within a second.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { chromium } from "playwright-core";
import { MOCK_KEY, startMock } from "../sdk/harness.js";
import { startReplicas, startServers } from "../sdk/team-harness.js";
import { byTestId, coreBinary, root } from "./harness.js";

/** A chat request with `token` to `origin`; the answer's status. */
async function chat(origin, token) {
  const resp = await fetch(`${origin}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-4.1", messages: [{ role: "user", content: "hi" }] }),
  });
  await resp.text();
  return resp.status;
}

describe("the browser panel on a team replica", { timeout: 180000 }, () => {
  const t = {};
  let page;

  const made = async (...args) => (await t.replicas[0].command("team", "token", "create", ...args)).stdout.trim();
  const signIn = async (token) => {
    await page.goto(`${t.replicas[0].origin}/panel/`);
    await page.getByTestId("panel-signin").waitFor();
    await page.getByTestId("panel-token").fill(token);
    await page.getByTestId("panel-signin-submit").click();
    await page.getByTestId("page-team-console").waitFor();
    await page.locator(byTestId("team-token")).first().waitFor();
  };
  const owners = () => page.locator(byTestId("team-token")).evaluateAll((rows) => rows.map((r) => r.dataset.owner));

  before(async () => {
    t.servers = await startServers();
    t.mock = await startMock();
    const backends = [{ name: "Mock", kind: "openai", baseUrl: `${t.mock.origin}/v1`, model: "gpt-4.1", key: MOCK_KEY }];
    t.replicas = await startReplicas(t.servers, 2, {
      backends,
      serve: (i) => (i === 0 ? { bin: coreBinary, args: ["serve", "--ui"] } : undefined),
    });
    t.admin = await made("console", "--owner", "ana@example.com", "--admin");
    t.bo = await made("aider", "--owner", "bo@example.com");
    for (const r of t.replicas) assert.equal(await chat(r.origin, t.bo), 200, `${r.origin} answers Bo's tool`);
    t.browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu", "--no-first-run"] });
    page = await t.browser.newPage({ viewport: { width: 1280, height: 900 } });
  });

  after(async () => {
    await t.browser?.close().catch(() => {});
    for (const r of t.replicas ?? []) await r.stop();
    t.mock?.stop();
    await t.servers?.stop();
  });

  it("opens the team console to a person's token, narrowed to that person", async () => {
    await signIn(t.bo);
    assert.deepEqual([...new Set(await owners())], ["bo@example.com"], "Bo sees his own tokens only");
    assert.equal(await page.getByTestId("team-token-form").count(), 0, "a person makes no tokens here");
    const people = await page.locator(byTestId("team-person")).evaluateAll((rows) => rows.map((r) => r.dataset.person));
    assert.ok(people.every((p) => p === "bo@example.com"), `his own spend only: ${people}`);
    const asked = await page.evaluate(async () => {
      const csrf = document.cookie.split("; ").find((c) => c.startsWith("switchyard_csrf="))?.split("=")[1] ?? "";
      const post = (path, body, type = "application/json") =>
        fetch(path, { method: "POST", headers: { "x-switchyard-csrf": csrf, "content-type": type }, body });
      const info = await (await post("/panel/api/call/app_info", "{}")).json();
      return {
        backends: (await post("/panel/api/call/list_backends", "{}")).status,
        upload: (await post("/panel/api/files?name=x.env", "OPENAI_API_KEY=x", "application/octet-stream")).status,
        download: (await post("/panel/api/call/choose_file", JSON.stringify({ purpose: "export", fileName: "x.csv" }))).status,
        make: (await post("/panel/api/call/create_team_token", JSON.stringify({ name: "x", owner: "bo@example.com", admin: false }))).status,
        info: info.ok,
      };
    });
    assert.equal(asked.backends, 403, "the replica's own settings are not a team token's");
    assert.equal(asked.upload, 403, "a person keeps no files on the replica");
    assert.equal(asked.download, 403, "nor reserves a place to write");
    assert.equal(asked.make, 403, "a person makes no tokens");
    assert.ok(asked.info.version, "the version, to draw the page");
    for (const folder of ["dataDir", "logDir", "dbFile"]) assert.equal(asked.info[folder], "", `no server path in ${folder}`);
    await page.getByTestId("panel-signout").click();
    await page.getByTestId("panel-signin").waitFor();
  });

  it("lets an admin make a token for a person: shown once, answered by the other replica", async () => {
    await signIn(t.admin);
    assert.ok((await owners()).includes("ana@example.com") && (await owners()).includes("bo@example.com"), "the team's tokens");
    await page.getByTestId("team-token-owner").fill("cy@example.com");
    await page.getByTestId("team-token-name").fill("codex");
    await page.getByTestId("team-token-create").click();
    const value = (await page.getByTestId("team-token-value").innerText()).trim();
    assert.match(value, /^sy-/);
    await page.locator(`${byTestId("team-token")}[data-owner="cy@example.com"]`).waitFor();
    const deadline = Date.now() + 5000;
    while ((await chat(t.replicas[1].origin, value)) !== 200) {
      assert.ok(Date.now() < deadline, "the other replica never accepted the new token");
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(await page.getByText("Admin", { exact: true }).count(), 0, "no admin tokens offered to an admin token");
    const adminMade = await page.evaluate(async () => {
      const csrf = document.cookie.split("; ").find((c) => c.startsWith("switchyard_csrf="))?.split("=")[1] ?? "";
      const body = JSON.stringify({ name: "desk", owner: "cy@example.com", admin: true });
      const res = await fetch("/panel/api/call/create_team_token", { method: "POST", headers: { "x-switchyard-csrf": csrf, "content-type": "application/json" }, body });
      return res.status;
    });
    assert.equal(adminMade, 403, "an admin token never makes another admin token: the table says only the operator does");
  });

  it("lets an admin revoke a person's token, refused by every replica within a second", async () => {
    const row = page.locator(`${byTestId("team-token")}[data-owner="bo@example.com"][data-name="aider"]`);
    await page.screenshot({ path: path.join(root, "docs/screenshots/panel-team-console.png"), fullPage: true });
    const started = Date.now();
    await row.getByTestId("team-token-revoke").click();
    const refusedBy = new Map();
    while (refusedBy.size < t.replicas.length && Date.now() - started < 5000) {
      for (const r of t.replicas) {
        if (!refusedBy.has(r.origin) && (await chat(r.origin, t.bo)) === 401) refusedBy.set(r.origin, Date.now() - started);
      }
    }
    console.log(`# Bo's token refused after ${[...refusedBy.values()].join(" ms, ")} ms (the replica with the panel, the other)`);
    assert.equal(refusedBy.size, t.replicas.length, "every replica refuses the revoked token");
    for (const [origin, ms] of refusedBy) assert.ok(ms < 1000, `${origin} refused it after ${ms} ms`);
    await page.locator(`${byTestId("team-token")}[data-owner="bo@example.com"][data-status="revoked"]`).waitFor();
  });
});
