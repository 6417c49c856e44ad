// Accessibility in the real app window: a keyboard user's way in (a skip link as the first Tab
// stop, focus on the new page's heading after every page change, the page in the document's
// title, sidebar buttons named by their label alone), then axe-core (WCAG 2.1 A and AA) on every
// page in the light and the dark theme, in the window's own WebKit.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { Key } from "webdriverio";
import { appWindow, artifacts, byTestId, pageReaders, root, startApp } from "./harness.js";
import { SIDEBAR_PAGES as PAGES } from "./page.js";
import { axeInWindow, seriousLines } from "./axe.js";


describe("Accessibility of the real app window", () => {
  let app;
  let b;

  before(async () => {
    app = await startApp();
    b = app.browser;
  });
  after(async () => app?.stop());

  const { text, screenshot } = pageReaders(() => b);

  /** What has focus: tag, id, role, text and whether it is drawn inside the window. */
  const focused = () =>
    b.execute(() => {
      const a = document.activeElement;
      if (!a || a === document.body) return { tag: a?.tagName ?? null };
      const r = a.getBoundingClientRect();
      const link = a.tagName === "A" && a.hasAttribute("href");
      return {
        tag: a.tagName,
        id: a.id,
        role: a.getAttribute("role") ?? (link ? "link" : a.tagName === "BUTTON" ? "button" : null),
        text: a.textContent.trim(),
        shown: r.width > 20 && r.height > 10 && r.right > 0 && r.bottom > 0 && r.left < innerWidth && r.top < innerHeight,
      };
    });
  const docTitle = () => b.execute(() => document.title);

  /** Waits until focus is on `#<id>-title` and the document is titled after the page. */
  async function landedOn(id, label, how) {
    await b.waitUntil(async () => (await focused()).id === `${id}-title`, {
      timeout: 5000, timeoutMsg: `${how}: focus did not move to the ${label} heading (it is on ${JSON.stringify(await focused())})`,
    });
    assert.equal(await docTitle(), `${label} — Switchyard`, `${how}: the document title names the page`);
  }

  /** Opens `id` from the sidebar (a script's click: the sidebar may be scrolled) and waits for its heading. */
  async function open(id, label) {
    await b.execute((s) => document.querySelector(s).click(), byTestId(`nav-${id}`));
    await b.waitUntil(async () => (await text(`#${id}-title`)) === label, { timeout: 10000, timeoutMsg: `the ${label} page did not open` });
  }

  describe("from the keyboard", () => {
    it("leaves focus alone on the first page and titles the document after it", async () => {
      await b.waitUntil(async () => (await text("#overview-title")) === "Overview", { timeout: 10000, timeoutMsg: "the Overview did not open" });
      assert.equal((await focused()).tag, "BODY", "nothing is focused on the very first load");
      assert.equal(await docTitle(), "Overview — Switchyard");
    });

    it("makes a visible skip link the first Tab stop, and Enter on it moves focus to the page's heading", async () => {
      await b.keys(Key.Tab);
      const first = await focused();
      assert.equal(first.role, "link", `the first Tab stop is a link (got ${JSON.stringify(first)})`);
      assert.equal(first.text, "Skip to content");
      assert.ok(first.shown, "the skip link shows while it has focus");
      await screenshot("a11y-skip-link.png");
      // The docs show it too (docs/screenshots/, rewritten every run as the tour's are).
      fs.copyFileSync(path.join(artifacts, "a11y-skip-link.png"), path.join(root, "docs/screenshots/skip-link.png"));
      await b.keys(Key.Enter);
      await b.waitUntil(async () => (await focused()).id === "overview-title", {
        timeout: 5000, timeoutMsg: `Enter on the skip link did not move focus to the Overview heading (${JSON.stringify(await focused())})`,
      });
      // From the heading, Tab goes on into the page, not back into the sidebar.
      await b.keys(Key.Tab);
      const next = await b.execute(() => Boolean(document.activeElement?.closest("main")));
      assert.ok(next, "the Tab after the heading stays in the page's content");
    });

    it("hides the skip link again once focus moves on", async () => {
      const size = await b.execute(() => {
        const r = [...document.querySelectorAll("a")].find((a) => a.textContent.trim() === "Skip to content")?.getBoundingClientRect();
        return r ? r.width * r.height : null;
      });
      assert.ok(size !== null && size <= 1, `the skip link takes no room without focus (${size} px²)`);
    });

    it("opens Backends with Ctrl+4: focus on its heading, its name in the document title", async () => {
      await b.keys([Key.Ctrl, "4"]);
      await landedOn("backends", "Backends", "Ctrl+4");
      await b.keys([Key.Ctrl, Key.Shift, "t"]);
      await landedOn("tools", "Tools", "Ctrl+Shift+T");
    });

    it("does the same for a sidebar button pressed with Enter or Space", async () => {
      await b.execute((s) => document.querySelector(s).focus(), byTestId("nav-health"));
      await screenshot("a11y-sidebar-focus.png");
      await b.keys(Key.Enter);
      await landedOn("health", "Health", "Enter on the Health button");
      await b.execute((s) => document.querySelector(s).focus(), byTestId("nav-gateway"));
      await b.keys(" ");
      await landedOn("gateway", "Gateway", "Space on the Gateway button");
    });

    it("and for a click on a sidebar button", async () => {
      await (await b.$(byTestId("nav-routes"))).click();
      await landedOn("routes", "Routes", "a click on Routes");
    });

    it("keeps the window's own title for the desktop (tests and window managers find it by it)", () => {
      assert.ok(appWindow(), "a window titled exactly Switchyard is still on screen");
    });

    it("names each sidebar button by its label alone; the shortcut is shown and given as aria-keyshortcuts", async () => {
      const buttons = await b.execute(() =>
        [...document.querySelectorAll("nav [data-testid^='nav-']")].map((btn) => {
          const copy = btn.cloneNode(true);
          for (const hidden of copy.querySelectorAll("[aria-hidden='true']")) hidden.remove();
          return {
            id: btn.dataset.testid.slice(4),
            name: btn.getAttribute("aria-label") ?? copy.textContent.replace(/\s+/g, " ").trim(),
            kbd: btn.querySelector("kbd")?.textContent.trim() ?? null,
            kbdHidden: btn.querySelector("kbd")?.getAttribute("aria-hidden") ?? null,
            keys: btn.getAttribute("aria-keyshortcuts"),
          };
        }),
      );
      assert.deepEqual(buttons.map((x) => [x.id, x.name]), PAGES, "each button's accessible name is its label");
      for (const x of buttons) {
        assert.match(x.kbd ?? "", /^Ctrl\+/, `${x.id}: the shortcut is still shown`);
        assert.equal(x.kbdHidden, "true", `${x.id}: the shown shortcut is not read as part of the name`);
        assert.equal(x.keys, x.kbd.replace("Ctrl", "Control"), `${x.id}: aria-keyshortcuts gives the same keys`);
      }
    });
  });

  describe("axe-core (WCAG 2.1 A and AA) in the window's WebKit", () => {
    /** Every serious or critical line, by theme and page, written to tests/artifacts for a reader. */
    const found = [];
    after(() => {
      const lines = found.flatMap(([where, l]) => l.map((x) => `${where}: ${x}`));
      fs.writeFileSync(path.join(artifacts, "axe-window.txt"), lines.length ? `${lines.join("\n")}\n` : "");
    });

    for (const theme of ["light", "dark"]) {
      it(`switches to the ${theme} theme through Settings`, async () => {
        await open("settings", "Settings");
        await (await b.$(byTestId("theme-select"))).selectByAttribute("value", theme);
        await b.waitUntil(async () => (await b.execute(() => document.documentElement.dataset.theme ?? null)) === theme, {
          timeout: 5000, timeoutMsg: `the ${theme} theme was not applied`,
        });
      });

      for (const [id, label] of PAGES) {
        it(`finds nothing serious on ${label} (${theme})`, async () => {
          await open(id, label);
          await b.waitUntil(async () => b.execute(() => document.querySelector("[aria-busy='true']") === null), {
            timeout: 20000, timeoutMsg: `the ${label} page kept loading`,
          });
          assert.equal(await b.execute(() => document.documentElement.dataset.theme), theme);
          const lines = seriousLines(await axeInWindow(b));
          found.push([`${theme} ${id}`, lines]);
          assert.deepEqual(lines, [], `axe on ${label} (${theme}):\n${lines.join("\n")}`);
        });
      }
    }
  });
});
