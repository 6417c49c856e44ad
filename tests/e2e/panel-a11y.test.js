// WCAG 2.1 AA in the control panel (issue 76): axe-core finds no critical or serious violation on
// the sign-in page and on each of the 13 pages, in the light theme and in the dark one (the theme
// setting is System: the browser says which), in Debian's Chromium. A few requests, a route and
// a budget go in first so the pages show rows, pills and charts rather than empty states. A guard
// proves the check is real: a line of near-white text on white, put on a page, is reported.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { axeInChromium, seriousLines } from "./axe.js";
import { root } from "./harness.js";
import { SIDEBAR_PAGES } from "./page.js";
import { cliOn, knownToken, launchChromium, servedEnv, startServe, stopServe } from "./panel-serve.js";

const PAGES = SIDEBAR_PAGES.map(([id]) => id);
const THEMES = ["light", "dark"];
const DARK_SHOTS = ["overview", "alerts", "costs", "tools"];

describe("The control panel meets WCAG 2.1 AA (axe-core, Chromium)", { timeout: 300000 }, () => {
  let serve, addr, browser, panelToken;
  const env = servedEnv("panel-a11y");
  const cli = cliOn(env);
  /** One browser context per theme: its page, and the errors it logged. */
  const tabs = {};

  /** The page in `theme`, signed out, at the sign-in form, the theme in effect on <html>. */
  const openSignIn = async (theme) => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: theme });
    const page = await context.newPage();
    const errors = [];
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    page.on("pageerror", (e) => errors.push(String(e)));
    tabs[theme] = { page, errors };
    await page.goto(`http://${addr}/`);
    await page.getByTestId("panel-signin").waitFor();
    await themeIs(page, theme);
    return page;
  };
  const themeIs = async (page, theme) => {
    await page.waitForFunction((t) => document.documentElement.dataset.theme === t, theme, { timeout: 5000 });
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), theme, `the ${theme} theme is in effect`);
  };
  /** axe's failing lines on `page`, once its data arrived (the event stream never idles: a moment). */
  const failures = async (page) => {
    await page.waitForTimeout(700);
    const violations = await axeInChromium(page);
    assert.ok(Array.isArray(violations), "axe ran and returned its violations");
    return seriousLines(violations);
  };

  before(async () => {
    ({ serve, addr } = await startServe(env));
    // Something on every page: three requests through the gateway to the Demo backend with a
    // tool's token, a route to it, a budget and a second backend, switched off.
    const tool = await knownToken(cli, addr, "a11y-tool");
    for (const content of ["Summarise the release notes", "Write a haiku about routing", "What is a circuit breaker?"]) {
      const res = await fetch(`http://${addr}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${tool}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "demo-chat", messages: [{ role: "user", content }] }),
      });
      assert.equal(res.status, 200, await res.text());
    }
    cli("route", "add", "fast", "--candidate", "Demo=demo-chat");
    // A backend switched off (its row reads dimmer) that nothing answers at (a down pill).
    cli("backend", "add", "Local Ollama", "--kind", "ollama", "--base-url", "http://127.0.0.1:9");
    cli("backend", "disable", "Local Ollama");
    cli("budget", "add", "Monthly", "--limit", "20");
    panelToken = await knownToken(cli, addr, "a11y", "--panel");
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close().catch(() => {});
    await stopServe(serve, env);
  });

  for (const theme of THEMES) {
    it(`the sign-in page, ${theme}`, async () => {
      const page = await openSignIn(theme);
      assert.deepEqual(await failures(page), [], `sign-in (${theme})`);
      await page.getByTestId("panel-token").fill(panelToken);
      await page.getByTestId("panel-signin-submit").click();
      await page.getByTestId("nav-overview").waitFor();
      await themeIs(page, theme);
    });

    if (theme === "light") {
      it("axe runs for real: near-white text on white is a serious colour-contrast failure", async () => {
        const { page } = tabs.light;
        await page.getByTestId("nav-overview").click();
        await page.getByTestId("page-overview").waitFor();
        await page.evaluate(() => {
          const p = document.createElement("p");
          p.id = "a11y-guard";
          p.textContent = "Unreadable on purpose";
          // Near white: axe leaves text exactly the colour of its background to a person (hidden?).
          p.style.cssText = "color:#eeeeee;background:#ffffff";
          document.querySelector('[data-testid="page-overview"]').append(p);
        });
        const lines = await failures(page);
        await page.evaluate(() => document.getElementById("a11y-guard").remove());
        assert.ok(lines.some((l) => l.startsWith("color-contrast (serious): #a11y-guard")), `the guard was reported: ${lines.join("\n")}`);
      });
    }

    for (const id of PAGES) {
      it(`${id}, ${theme}`, async () => {
        const { page } = tabs[theme];
        await page.getByTestId(`nav-${id}`).click();
        await page.getByTestId(`page-${id}`).waitFor();
        assert.deepEqual(await failures(page), [], `${id} (${theme})`);
        // The dark theme in the docs (the tour and panel suites show the light one).
        if (theme === "dark" && DARK_SHOTS.includes(id)) {
          await page.screenshot({ path: path.join(root, `docs/screenshots/panel-dark-${id}.png`), animations: "disabled" });
        }
      });
    }

    it(`alerts with rules switched off (dimmed, still readable), ${theme}`, async () => {
      const { page } = tabs[theme];
      await page.getByTestId("nav-alerts").click();
      const switches = page.getByTestId("rule-enabled");
      await switches.first().waitFor();
      // Every rule off in the form (not saved): each row is drawn as an off rule.
      for (let i = 0; i < (await switches.count()); i++) await switches.nth(i).uncheck();
      assert.ok((await page.locator("li.rule.off").count()) > 0, "the rules are drawn off");
      assert.deepEqual(await failures(page), [], `alerts, rules off (${theme})`);
      for (let i = 0; i < (await switches.count()); i++) await switches.nth(i).check();
    });

    it(`no console error in the ${theme} theme`, async () => {
      await themeIs(tabs[theme].page, theme);
      assert.deepEqual(tabs[theme].errors, [], "no page logged an error");
    });
  }
});
