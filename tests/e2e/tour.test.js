// A tour of every page in the real app window, taking the screenshots the README and docs show:
// `docs/screenshot.png` (the Overview) and `docs/screenshots/<page>.png`, one per sidebar page, in
// the light theme, after a few requests went through the gateway so the pages have data. Every
// run writes them again, so they cannot go stale: a change that alters a page shows in
// `git status` as a changed picture.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { byTestId, pageReaders, root, startApp } from "./harness.js";
import { SIDEBAR_PAGES as PAGES } from "./page.js";

const shots = path.join(root, "docs/screenshots");

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file) {
  const b = fs.readFileSync(file);
  assert.equal(b.subarray(1, 4).toString("latin1"), "PNG", `${file} is a PNG`);
  return [b.readUInt32BE(16), b.readUInt32BE(20)];
}

describe("Screenshots of every page", () => {
  let app;
  let b;

  before(async () => {
    app = await startApp();
    b = app.browser;
    fs.mkdirSync(shots, { recursive: true });
  });
  after(async () => app?.stop());

  const { text } = pageReaders(() => b);
  // WebKitGTK can hand out a frame painted before the last change: let two frames pass first.
  const settle = () => b.executeAsync((done) => requestAnimationFrame(() => requestAnimationFrame(() => done())));

  it("sends a few requests so the pages have something to show", async () => {
    await (await b.$(byTestId("nav-gateway"))).click();
    await b.waitUntil(async () => /^http:\/\/127\.0\.0\.1:\d+\/v1$/.test((await text(byTestId("gateway-openai-url"))) ?? ""), {
      timeout: 10000, timeoutMsg: "no gateway URL",
    });
    const openaiUrl = await text(byTestId("gateway-openai-url"));
    await (await b.$(byTestId("create-token"))).click();
    await (await b.$(byTestId("field-token-name"))).setValue("tour");
    await (await b.$(byTestId("save-token"))).click();
    const value = await b.$(byTestId("new-token-value"));
    await value.waitForExist({ timeout: 5000 });
    const token = (await value.getValue()) || (await text(byTestId("new-token-value")));
    await b.keys("Escape");
    for (const content of ["Summarise the release notes", "Write a haiku about routing", "What is a circuit breaker?"]) {
      const res = await fetch(`${openaiUrl}/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "demo-chat", messages: [{ role: "user", content }] }),
      });
      assert.equal(res.status, 200);
    }
  });

  for (const [id, title] of PAGES) {
    it(`shows the ${title} page and takes its picture`, async () => {
      await (await b.$(byTestId(`nav-${id}`))).click();
      await b.waitUntil(async () => (await text(`#${id}-title`)) === title, {
        timeout: 10000, timeoutMsg: `the ${title} page did not open`,
      });
      // Loaded: nothing on the page is still busy.
      await b.waitUntil(async () => (await b.execute(() => document.querySelector("[aria-busy='true']") === null)), {
        timeout: 20000, timeoutMsg: `the ${title} page kept loading`,
      });
      // From its top: the scroll position of the page before does not carry over.
      await b.execute(() => {
        window.scrollTo(0, 0);
        for (const el of document.querySelectorAll("*")) if (el.scrollTop > 0) el.scrollTop = 0;
      });
      await settle();
      const file = path.join(shots, `${id}.png`);
      await b.saveScreenshot(file);
      const [w, h] = pngSize(file);
      assert.ok(w >= 800 && h >= 500, `${file} is a whole window (${w}×${h})`);
      if (id === "overview") fs.copyFileSync(file, path.join(root, "docs/screenshot.png"));
    });
  }
});
