// The control panel in a browser (issue 58): `switchyard serve --ui` driven in Debian's Chromium,
// headless, over the DevTools protocol (playwright-core), with the real app window attached to
// the same core through WebDriver. Sign-in is refused without a token and with a tool's token;
// every page opens with no console error (a screenshot of each in docs/screenshots/panel-*.png);
// a backend, a route and a budget added in the browser show in `switchyard backend list` and in
// the open window at once; a backend going down reaches the open page without a reload; signing
// out and revoking the token end the session. The window's native file dialogs are an upload
// and a download here.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { byTestId, envFixture, pageReaders, root, startApp, startMock } from "./harness.js";
import { SIDEBAR_PAGES } from "./page.js";
import { cliOn, knownToken, launchChromium, servedEnv, startServe, stopServe } from "./panel-serve.js";

const PAGES = SIDEBAR_PAGES.map(([id]) => id);
const screenshots = path.join(root, "docs/screenshots");

describe("The control panel in a browser", { timeout: 240000 }, () => {
  let serve, addr, mock, browser, page, desk, b;
  const errors = [];
  const env = servedEnv("panel-e2e");
  const cli = cliOn(env);
  const until = async (what, check, ms = 10000) => {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.fail(`${what} within ${ms} ms`);
  };
  const token = (...args) => knownToken(cli, addr, ...args);
  const signIn = async (token) => {
    await page.getByTestId("panel-token").fill(token);
    await page.getByTestId("panel-signin-submit").click();
  };

  before(async () => {
    mock = await startMock([]);
    let printed;
    ({ serve, printed, addr } = await startServe(env));
    assert.match(printed, /switchyard token create NAME --panel/, "it says how to make a panel token");
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    page.on("pageerror", (e) => errors.push(String(e)));
    fs.mkdirSync(screenshots, { recursive: true });
  });

  after(async () => {
    await browser?.close().catch(() => {});
    await desk?.stop({ core: false }).catch(() => {});
    await stopServe(serve, env);
    mock?.stop();
  });

  it("refuses sign-in without a token and with a tool's token", async () => {
    await page.goto(`http://${addr}/`);
    await page.getByTestId("panel-signin").waitFor();
    assert.equal(await page.getByTestId("panel-signin-submit").isDisabled(), true, "nothing to sign in with");
    const call = await page.evaluate(async () => (await fetch("/panel/api/call/list_backends", { method: "POST", body: "{}" })).status);
    assert.equal(call, 401, "no session, no command");
    await signIn(await token("tool"));
    await page.getByTestId("panel-signin-error").waitFor();
    assert.match(await page.getByTestId("panel-signin-error").innerText(), /tool's token/);
    assert.equal(await page.getByTestId("nav-overview").count(), 0, "still signed out");
  });

  it("signs in with a panel token and opens every page with no console error", async () => {
    errors.length = 0;
    await signIn(await token("laptop", "--panel"));
    await page.getByTestId("nav-overview").waitFor();
    assert.equal(await page.getByTestId("panel-who").innerText().then((t) => t.includes("laptop")), true);
    for (const id of PAGES) {
      await page.getByTestId(`nav-${id}`).click();
      await page.getByTestId(`page-${id}`).waitFor();
      // The page's data arrives over its calls; the event stream never idles, so a moment.
      await page.waitForTimeout(600);
      await page.screenshot({ path: path.join(screenshots, `panel-${id}.png`), animations: "disabled" });
    }
    assert.deepEqual(errors, [], "no page logged an error");
    // The window's shortcuts work in the browser too (Ctrl+4: Backends; Ctrl+0: Settings).
    await page.getByTestId("nav-overview").click();
    await page.keyboard.press("Control+4");
    await page.getByTestId("page-backends").waitFor({ timeout: 2000 });
    await page.keyboard.press("Control+0");
    await page.getByTestId("page-settings").waitFor({ timeout: 2000 });
    // On Settings, what belongs to the desktop says so (the tray, start at login, notifications).
    for (const id of ["desktop-only-background", "desktop-only-notifications"]) {
      assert.match(await page.getByTestId(id).innerText(), /belong to the desktop app/, id);
    }
  });

  it("adds a backend, a route and a budget in the browser: the CLI and an open window see them at once", async () => {
    desk = await startApp({ dataDir: env.SWITCHYARD_DATA_DIR, service: env.SWITCHYARD_KEYRING_SERVICE, env: { HOME: env.HOME } });
    b = desk.browser;
    const { text } = pageReaders(() => b);
    await (await b.$(byTestId("nav-backends"))).click();

    await page.getByTestId("nav-backends").click();
    await page.getByTestId("add-backend").click();
    await page.getByTestId("backend-dialog").waitFor();
    await page.getByTestId("field-kind").selectOption({ label: "OpenAI-compatible" });
    await page.getByTestId("field-name").fill("Mock in panel");
    await page.getByTestId("field-base-url").fill(`${mock.url}/v1`);
    await page.getByTestId("field-default-model").fill("demo-chat");
    await page.getByTestId("save-backend").click();
    await page.getByTestId("backend-dialog").waitFor({ state: "detached" });
    assert.match(cli("backend", "list"), /Mock in panel/, "the CLI lists it");
    const windowRow = `${byTestId("backend-row")}[data-name="Mock in panel"]`;
    await (await b.$(windowRow)).waitForExist({ timeout: 5000, timeoutMsg: "the open window never listed the panel's backend" });

    await page.getByTestId("nav-routes").click();
    await page.getByTestId("route-new").click();
    await page.getByTestId("route-name").fill("panel-route");
    await page.getByTestId("route-candidate").first().getByTestId("candidate-backend").selectOption({ label: "Mock in panel" });
    await page.getByTestId("route-save").click();
    await page.getByTestId("route-dialog").waitFor({ state: "detached" });
    await (await b.$(byTestId("nav-routes"))).click();
    await (await b.$(`${byTestId("route-row")}[data-name="panel-route"]`)).waitForExist({ timeout: 5000, timeoutMsg: "the window never listed the panel's route" });

    await page.getByTestId("nav-costs").click();
    await page.getByTestId("budget-add").click();
    await page.getByTestId("budget-name").fill("Panel monthly");
    await page.getByTestId("budget-limit").fill("5");
    await page.getByTestId("budget-save").click();
    await page.locator(`${byTestId("budget-row")}[data-name="Panel monthly"]`).waitFor();
    await (await b.$(byTestId("nav-costs"))).click();
    const budget = `${byTestId("budget-row")}[data-name="Panel monthly"]`;
    await (await b.$(budget)).waitForExist({ timeout: 5000, timeoutMsg: "the window never listed the panel's budget" });
    assert.match(await text(budget), /Panel monthly/);
  });

  it("hears a backend going down without a reload", async () => {
    await page.getByTestId("nav-overview").click();
    const card = page.locator(`${byTestId("health-card")}[data-name="Mock in panel"]`);
    await card.waitFor();
    await page.evaluate(() => (window.__notReloaded = true));
    mock.stop();
    // The window probes (its Refresh); the panel, another client of the same core, only listens.
    await (await b.$(byTestId("nav-overview"))).click();
    const refresh = await b.$(byTestId("overview-refresh"));
    await until("the panel's card to say down", async () => {
      if ((await card.getAttribute("data-status")) === "down") return true;
      if ((await refresh.getAttribute("aria-busy")) !== "true") await refresh.click();
      return false;
    }, 30000);
    assert.equal(await page.evaluate(() => window.__notReloaded), true, "the page was not reloaded");
  });

  it("uploads a file to read and downloads a file written, where the window opens its dialogs", async () => {
    await page.getByTestId("nav-backends").click();
    await page.getByTestId("import-keys").click();
    await page.getByTestId("import-dialog").waitFor();
    const [chooser] = await Promise.all([page.waitForEvent("filechooser"), page.getByTestId("browse-env").click()]);
    await chooser.setFiles(envFixture("keys.env"));
    await page.locator(`${byTestId("finding")}[data-variable="GROQ_API_KEY"]`).waitFor();
    assert.equal(await page.getByTestId("env-file-chosen").innerText(), "keys.env (uploaded)", "no path of the serving machine");
    const groq = page.locator(`${byTestId("finding")}[data-variable="GROQ_API_KEY"] ${byTestId("finding-display")}`);
    assert.equal(await groq.innerText(), "gsk_…4421", "masked");
    assert.ok(!(await page.content()).includes("e2efixturee2e"), "no key value reached the page");
    await page.getByTestId("cancel").click();
    await page.getByTestId("import-dialog").waitFor({ state: "detached" });

    await page.getByTestId("nav-costs").click();
    await page.getByTestId("export-kind").selectOption("requests");
    await page.getByTestId("export-format").selectOption("csv");
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-save-as").click()]);
    assert.match(download.suggestedFilename(), /\.csv$/);
    const header = fs.readFileSync(await download.path(), "utf8").split("\n")[0];
    assert.match(header, /^id,started_at,tool,/, "the browser saved the export");
    assert.equal(await page.getByTestId("export-path").innerText(), `${download.suggestedFilename()} (downloaded)`);
    assert.equal(await page.getByTestId("export-copy-path").count(), 0, "no serving machine's path to copy");
    const twice = await page.evaluate(async (url) => (await fetch(url)).status, download.url());
    assert.equal(twice, 404, "the serving machine keeps the file only until it is downloaded");
  });

  it("signs out, and a revoked token ends the session on the open page", async () => {
    await page.getByTestId("panel-signout").click();
    await page.getByTestId("panel-signin").waitFor();
    await signIn(await token("desk", "--panel"));
    await page.getByTestId("nav-overview").waitFor();
    cli("token", "revoke", "desk");
    await page.getByTestId("panel-session-ended").waitFor({ timeout: 10000 });
    assert.equal(await page.getByTestId("nav-overview").count(), 0, "the panel is gone with the session");
  });
});
