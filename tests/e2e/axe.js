// axe-core (WCAG 2.1 A and AA rules) run inside a page of the panel, in Chromium (playwright-core)
// or in the real window (WebKit through WebDriver): the same source, the same rule set, the same
// verdict. A page fails on any violation axe rates critical or serious.
import fs from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
/** axe-core's browser bundle, injected as text (it reads no module system). */
export const axeSource = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/** The rules checked: WCAG 2.0/2.1 levels A and AA. */
export const AXE_OPTIONS = { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] }, resultTypes: ["violations"] };

/** The violations that fail a page, one line per node: `rule (impact): target — summary`. */
export function seriousLines(violations) {
  return violations
    .filter((v) => v.impact === "critical" || v.impact === "serious")
    .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(" ")} — ${(n.failureSummary ?? "").replace(/\s+/g, " ").slice(0, 240)}`));
}

/** axe's violations on a playwright `page` (Chromium). */
export async function axeInChromium(page) {
  // The source as the evaluated text itself: the page's policy allows no eval (DevTools' own
  // evaluation is not the page's).
  if (!(await page.evaluate(() => Boolean(window.axe)))) await page.evaluate(`${axeSource};0`);
  return page.evaluate((options) => window.axe.run(document, options).then((r) => r.violations), AXE_OPTIONS);
}

/** axe's violations in a WebdriverIO `browser` (the real window's WebKit). */
export async function axeInWindow(browser) {
  // The source as the script WebDriver runs (the window's policy allows no eval).
  if (!(await browser.execute(() => Boolean(window.axe)))) await browser.execute(`${axeSource};return true;`);
  return browser.executeAsync((options, done) => {
    window.axe.run(document, options).then((r) => done(JSON.parse(JSON.stringify(r.violations))), (e) => done([{ id: "axe-error", impact: "critical", nodes: [{ target: ["document"], failureSummary: String(e) }] }]));
  }, AXE_OPTIONS);
}
