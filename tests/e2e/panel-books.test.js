// The providers' own books in a real client (issue 75): `switchyard serve --ui` driven in Debian's
// Chromium against the mock provider in books mode (it keeps its own books of what it served, per
// key, model and UTC day, and --books-extra adds usage on the user's key that never passed
// Switchyard). An OpenAI backend on the mock with a user key (CLI); an organization admin key added
// from the keyboard through the Backends page's admin-key form, listed masked; two requests
// through the gateway; then on Costs the Reconcile card's Read now (reached and pressed from the
// keyboard): today's row shows the ledger's tokens beside the provider's, the unrouted line names
// the key and says what to do, and no key value is anywhere in the page. The admin key is then
// removed (from the keychain too).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import { appBinary, byTestId, keychainDump, startMock } from "./harness.js";
import { cliOn, knownToken, launchChromium, servedEnv, startServe, stopServe } from "./panel-serve.js";

const BACKEND = "OpenAI";
const MODEL = "gpt-4o-mini";
const USER_KEY = `sk-proj-books${crypto.randomBytes(16).toString("hex")}1111`;
const ADMIN_KEY = `sk-admin-books${crypto.randomBytes(16).toString("hex")}9999`;
const ADMIN_LABEL = "org-books";
const TODAY = new Date().toISOString().slice(0, 10);
/** What the key spent today outside Switchyard (on the provider's books only). */
const EXTRA = { key: USER_KEY, model: MODEL, day: TODAY, input: 40000, output: 2000, requests: 3, costUsd: 0.5 };
const EXTRA_TOKENS = EXTRA.input + EXTRA.output;
/** The advice the card gives on usage outside Switchyard (ui/src/lib/books.ts UNROUTED_ADVICE). */
const ADVICE = "Connect the tool that uses this key, or rotate it.";
/** The card's token figures, as ui/src/lib/usage.ts `compact` writes them. */
const compact = (n) => (n >= 1_000_000 ? `${(n / 1_000_000).toFixed(1)}M` : n >= 1_000 ? `${(n / 1_000).toFixed(1)}k` : String(Math.round(n)));

describe("The providers' books in the browser panel", { timeout: 120000 }, () => {
  let mock, serve, addr, browser, page, token;
  let ledgerTokens = 0;
  const errors = [];
  const env = servedEnv("books-e2e");
  const cli = cliOn(env);
  const backendRow = () => page.locator(`${byTestId("backend-row")}[data-name="${BACKEND}"]`);
  const html = () => page.content();
  const noKeyInPage = async (where) => {
    const text = await html();
    assert.ok(!text.includes(ADMIN_KEY), `${where}: the admin key's value is not in the page`);
    assert.ok(!text.includes(USER_KEY), `${where}: the user key's value is not in the page`);
  };
  const focusedTestId = () => page.evaluate(() => document.activeElement?.getAttribute("data-testid") ?? null);
  const open = async (id) => {
    await page.getByTestId(`nav-${id}`).click();
    await page.getByTestId(`page-${id}`).waitFor();
  };

  before(async () => {
    mock = await startMock(["--key", USER_KEY, "--model", MODEL, "--admin-key", ADMIN_KEY, "--books-extra", JSON.stringify([EXTRA])]);
    const added = spawnSync(appBinary, ["backend", "add", BACKEND, "--kind", "openai", "--base-url", `${mock.url}/v1`, "--model", MODEL, "--key-stdin", "--key-label", "main"], {
      env,
      input: `${USER_KEY}\n`,
      encoding: "utf8",
    });
    assert.equal(added.status, 0, added.stderr);
    ({ serve, addr } = await startServe(env));
    token = await knownToken(cli, addr, "books-tool");
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`http://${addr}/`);
    await page.getByTestId("panel-token").fill(await knownToken(cli, addr, "books-panel", "--panel"));
    await page.getByTestId("panel-signin-submit").click();
    await page.getByTestId("nav-overview").waitFor();
  });

  after(async () => {
    await browser?.close().catch(() => {});
    await stopServe(serve, env);
    mock?.stop();
  });

  it("adds an admin key from the keyboard on the Backends page and lists it masked", async () => {
    await open("backends");
    const section = backendRow().getByTestId("admin-keys");
    await section.waitFor();
    assert.match(await section.innerText(), /Admin key \(usage reports\)/);
    // Keyboard only: the Add button opens the form with the key's field focused.
    await section.getByTestId("admin-key-add").focus();
    await page.keyboard.press("Enter");
    await section.getByTestId("admin-key-form").waitFor();
    assert.equal(await focusedTestId(), "admin-key-value", "the key's field has the focus");
    assert.equal(await section.getByTestId("admin-key-value").getAttribute("type"), "password", "the value is typed hidden");
    await page.keyboard.type(ADMIN_KEY);
    // Back to the label field (before the key's), its default replaced, Enter submits the form.
    await page.keyboard.press("Shift+Tab");
    assert.equal(await focusedTestId(), "admin-key-label");
    await page.keyboard.press("Control+A");
    await page.keyboard.type(ADMIN_LABEL);
    await page.keyboard.press("Enter");
    await section.getByTestId("admin-key-form").waitFor({ state: "detached" });

    const row = section.locator(`${byTestId("admin-key-row")}[data-label="${ADMIN_LABEL}"]`);
    await row.waitFor();
    const hint = await row.getByTestId("admin-key-hint").innerText();
    assert.equal(hint, "sk-admin-…9999", "masked: its kind and last four only");
    assert.equal(await row.locator(".origin").innerText(), mock.url, "sent only to the backend's origin");
    assert.match(await section.getByRole("status").innerText(), new RegExp(`Stored “${ADMIN_LABEL}” in the OS keychain`));
    assert.equal(await focusedTestId(), "admin-key-add", "focus returns to the Add button");
    await noKeyInPage("Backends page");
    assert.ok(keychainDump(env.SWITCHYARD_KEYRING_SERVICE).includes(ADMIN_KEY), "the admin key is in the keychain");
  });

  it("sends two requests through the gateway with a token", async () => {
    for (const q of ["What is a ledger?", "Who keeps the books?"]) {
      const res = await fetch(`http://${addr}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ model: `${BACKEND}/${MODEL}`, messages: [{ role: "user", content: q }] }),
      });
      const body = await res.text();
      assert.equal(res.status, 200, body);
      const { usage } = JSON.parse(body);
      ledgerTokens += usage.prompt_tokens + usage.completion_tokens;
    }
    assert.ok(ledgerTokens > 0);
  });

  it("reads the provider's books from the Reconcile card on Costs: ledger beside provider, the unrouted key named", async () => {
    await open("costs");
    const card = page.getByTestId("reconcile-card");
    await card.scrollIntoViewIfNeeded();
    const read = card.getByTestId("reconcile-read");
    await read.waitFor();
    const books = card.locator(`${byTestId("reconcile-backend")}[data-backend="${BACKEND}"]`);
    await books.waitFor();

    // Accessibility: Read now is reached with Tab from the card's span control, and pressed with Enter.
    await card.getByTestId("reconcile-span-7").focus();
    for (let i = 0; i < 6 && (await focusedTestId()) !== "reconcile-read"; i++) await page.keyboard.press("Tab");
    assert.equal(await focusedTestId(), "reconcile-read", "Read now is reachable by keyboard");
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => /Read 1 provider\./.test(document.querySelector('[data-testid="reconcile-read-note"]')?.textContent ?? ""), null, { timeout: 15000 });
    assert.equal(await card.getByTestId("reconcile-read-error").count(), 0, "the read did not fail");
    assert.equal(await books.getByTestId("reconcile-backend-error").count(), 0, "the backend's books were read");
    assert.equal(await books.getByTestId("reconcile-stale").count(), 0, "not stale");
    assert.match(await books.getByTestId("reconcile-age").innerText(), /^read /);

    // Its table has an accessible name; today's row shows both sides' tokens. The ledger is written
    // in batches and the card follows new requests, so the figures are waited for.
    const table = books.getByRole("table", { name: `${BACKEND}: ledger and provider by day` });
    await table.waitFor();
    const day = table.locator(`${byTestId("reconcile-day")}[data-day="${TODAY}"]`);
    await day.waitFor();
    const cells = () => day.locator("td").allInnerTexts();
    const want = [compact(ledgerTokens), compact(ledgerTokens + EXTRA_TOKENS)];
    const deadline = Date.now() + 15000;
    let got = await cells();
    while (`${got[0]}|${got[1]}` !== want.join("|") && Date.now() < deadline) {
      await page.waitForTimeout(250);
      got = await cells();
    }
    assert.deepEqual(got.slice(0, 2), want, `ledger ${ledgerTokens} tokens beside the provider's ${ledgerTokens + EXTRA_TOKENS}: ${got.join(" | ")}`);
    assert.match(got[2], /^\+/, "the provider billed more than the ledger shows");
    assert.match(got[4], /\d/, "the provider's cost is shown");
    assert.equal(got[5], compact(EXTRA_TOKENS), "the day's unrouted tokens");

    // The unrouted line names the user's key (by label) and says what to do.
    const unrouted = books.locator(`${byTestId("reconcile-unrouted")}[data-key="main"][data-day="${TODAY}"]`);
    await unrouted.waitFor();
    const line = await unrouted.innerText();
    assert.match(line, /\bmain\b/, line);
    assert.ok(line.includes(`${compact(EXTRA_TOKENS)} tokens`), line);
    assert.ok(line.includes(ADVICE), line);
    const list = books.getByRole("list", { name: `${BACKEND}: usage on your keys that did not go through Switchyard` });
    assert.equal(await list.count(), 1, "the unrouted list has its accessible name");
    await noKeyInPage("Costs page");
    assert.deepEqual(errors, [], "no console error");
  });

  it("removes the admin key, from the page and from the keychain", async () => {
    await open("backends");
    const section = backendRow().getByTestId("admin-keys");
    const row = section.locator(`${byTestId("admin-key-row")}[data-label="${ADMIN_LABEL}"]`);
    await row.getByRole("button", { name: `Remove admin key ${ADMIN_LABEL}` }).click();
    await page.getByTestId("confirm-dialog").waitFor();
    await page.getByTestId("confirm-yes").click();
    await row.waitFor({ state: "detached" });
    assert.match(await section.getByRole("status").innerText(), new RegExp(`Removed “${ADMIN_LABEL}”`));
    assert.ok(!keychainDump(env.SWITCHYARD_KEYRING_SERVICE).includes(ADMIN_KEY), "gone from the keychain");
    assert.ok(keychainDump(env.SWITCHYARD_KEYRING_SERVICE).includes(USER_KEY), "the backend's own key stays");
    await noKeyInPage("after removal");
    assert.deepEqual(errors, [], "no console error");
  });
});
