// Reading the app window in a test: every reader takes a full selector and queries it again on
// each use, so an element the UI rendered again is never stale; and showing a report the app
// saved in a frame of it. Re-exported by harness.js.
import path from "node:path";
import { innerText } from "./checks.js";

const artifacts = path.resolve(import.meta.dirname, "../artifacts");

/** The readers for the session `browser()` gives (a suite opens it in `before`). */
/** Every sidebar page, in sidebar order: its id (its heading is `#<id>-title`, its button
 *  `nav-<id>`, its section `page-<id>`) and its label. */
export const SIDEBAR_PAGES = [
  ["overview", "Overview"],
  ["health", "Health"],
  ["alerts", "Alerts"],
  ["backends", "Backends"],
  ["gateway", "Gateway"],
  ["tools", "Tools"],
  ["routes", "Routes"],
  ["cache", "Cache"],
  ["readiness", "Readiness"],
  ["requests", "Requests"],
  ["costs", "Costs"],
  ["team", "Team"],
  ["settings", "Settings"],
];

export function pageReaders(browser) {
  const run = (...args) => browser().execute(...args);
  const count = (sel) => run((s) => document.querySelectorAll(s).length, sel);
  return {
    text: (sel) => innerText(browser(), sel),
    attr: (sel, name) => run((s, n) => document.querySelector(s)?.getAttribute(n) ?? null, sel, name),
    value: (sel) => run((s) => document.querySelector(s)?.value ?? null, sel),
    checked: (sel) => run((s) => document.querySelector(s)?.checked ?? null, sel),
    count,
    exists: async (sel) => (await count(sel)) > 0,
    /** `data-<key>` of every element matching `sel`. */
    data: (sel, key) => run((s, k) => [...document.querySelectorAll(s)].map((e) => e.dataset[k]), sel, key),
    widths: (sel) => run((s) => [...document.querySelectorAll(s)].map((e) => e.getBoundingClientRect().width), sel),
    /**
     * Saves `tests/artifacts/<name>` after two frames (WebKitGTK can hand out a frame painted
     * before the last change); `top` first scrolls <main>, which keeps its place across pages.
     */
    screenshot: async (name, { top = false } = {}) => {
      if (top) await run(() => document.querySelector("main")?.scrollTo(0, 0));
      await browser().executeAsync((done) => requestAnimationFrame(() => requestAnimationFrame(() => done())));
      await browser().saveScreenshot(path.join(artifacts, name));
    },
  };
}

/**
 * Activates a control from the keyboard (focus, then Space), as a keyboard user does. For the
 * first control used in a dialog that a click on the page behind just opened: WebKitWebDriver
 * loses that first pointer click (the route editor's Add candidate, every time; a second click,
 * or a script's `click()`, works), which made tests flaky or wrong.
 */
export async function press(browser, selector) {
  const el = await browser.$(selector);
  await el.waitForDisplayed({ timeout: 5000, timeoutMsg: `${selector} is not shown` });
  await browser.execute((s) => document.querySelector(s)?.focus(), selector);
  await browser.keys(" ");
}

/**
 * Turns animations off in the window, as the app's own reduced-motion rule does: a click computed
 * while a dialog still rises into place would land a few pixels off its target on a loaded machine.
 */
export async function stillMotion(browser) {
  await browser.execute(() => {
    const style = document.createElement("style");
    style.dataset.e2e = "still";
    style.textContent = "*, *::before, *::after { animation: none !important; transition: none !important; }";
    document.head.append(style);
  });
}

/**
 * Shows the page `html` as a browser would: in a frame over the whole window (test id
 * "report-frame", its document at `.contentDocument`), resolving once it has loaded.
 */
export function showInFrame(browser, html) {
  return browser.executeAsync((page, done) => {
    const frame = document.createElement("iframe");
    frame.style.cssText = "position:fixed;inset:0;width:100%;height:100%;z-index:9999;background:#fff;border:0";
    frame.setAttribute("data-testid", "report-frame");
    frame.onload = () => done();
    frame.srcdoc = page;
    document.body.appendChild(frame);
  }, html);
}
