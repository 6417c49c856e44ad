// Alert webhooks in the real app window, against a tiny HTTP receiver on 127.0.0.1: a URL the core
// refuses (ftp) shown inline and nothing saved; an http URL to this machine saved, shown only
// masked and kept in the keychain (in no file of the data folder); "Send test" posts Slack-shaped
// JSON to the receiver, and a failing receiver's answer is shown inline; Remove takes it away.
// The rules the webhooks follow are named as the rules form names them, the built-in `metric`
// rules too (unrouted usage, budgets, …), whose thresholds the form edits like any other.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { byTestId, filesContaining, keychainClear, keychainDump, pageReaders, startApp } from "./harness.js";

/** Stands in for the secret part of a Slack webhook URL: it must never reach the page or a file. */
const SECRET = "SECRET";

describe("Alert webhooks in the real app window", () => {
  let app;
  let b;
  /** What the receiver saw: one entry per POST. */
  const posts = [];
  /** The status the receiver answers with. */
  let answer = 200;
  let receiver;
  let port;

  before(async () => {
    receiver = http.createServer((req, res) => {
      let body = "";
      req.on("data", (d) => { body += d; });
      req.on("end", () => {
        if (req.method === "POST") posts.push({ path: req.url, type: req.headers["content-type"] ?? "", body });
        res.writeHead(answer, { "content-type": "text/plain" });
        res.end(answer === 200 ? "ok" : "no");
      });
    });
    await new Promise((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    port = receiver.address().port;
    app = await startApp();
    b = app.browser;
  });
  after(async () => {
    await app?.stop();
    if (app) keychainClear(app.service);
    receiver?.close();
  });

  const { text, value, attr, count, exists, screenshot } = pageReaders(() => b);
  const row = `${byTestId("webhook-row")}[data-rule="backendDown"]`;
  const inRow = (id) => `${row} ${byTestId(id)}`;
  /** Replaces an input's text the way a user would (select all, type). */
  const type = async (sel, text) => {
    const input = await b.$(sel);
    await input.click();
    await input.clearValue();
    await input.setValue(text);
  };

  it("lists a webhook row per rule under the rules, and refuses an ftp URL inline without saving it", async () => {
    await (await b.$(byTestId("page-overview"))).waitForDisplayed({ timeout: 10000 });
    await (await b.$(byTestId("nav-alerts"))).click();
    await (await b.$(byTestId("webhooks-card"))).waitForDisplayed({ timeout: 5000 });
    await (await b.$(row)).waitForExist({ timeout: 5000, timeoutMsg: "no webhook row for backendDown" });
    assert.equal(await count(byTestId("webhook-row")), await count(byTestId("rule-row")), "one row per alert rule");
    assert.match(await text(byTestId("webhooks-card")), /OS keychain.*Slack-compatible JSON/s);
    assert.match(await text(row), /^Backend down/);
    const unrouted = `${byTestId("webhook-row")}[data-rule="unroutedUsage"]`;
    assert.match(await text(unrouted), /^Unrouted usage/, "a metric rule is named, not shown by its id");
    assert.doesNotMatch(await text(byTestId("webhooks-card")), /\b(unroutedUsage|budget80|limit95|balanceLow)\b/);
    assert.equal(await exists(byTestId("webhook-masked")), false, "no webhook by default");
    const input = inRow("webhook-url");
    assert.equal(await attr(input, "type"), "password");
    assert.equal(await attr(input, "autocomplete"), "off");
    assert.equal(await attr(input, "spellcheck"), "false");
    assert.equal(await attr(inRow("webhook-save"), "disabled"), "", "nothing to save yet");

    await type(input, "ftp://example.com/x");
    await (await b.$(inRow("webhook-save"))).click();
    await (await b.$(inRow("webhook-error"))).waitForExist({ timeout: 5000, timeoutMsg: "no error for an ftp URL" });
    assert.match(await text(inRow("webhook-error")), /^Invalid webhook URL: only http and https URLs are allowed/);
    assert.equal(await attr(input, "aria-invalid"), "true");
    assert.equal(await value(input), "ftp://example.com/x", "nothing typed is lost");
    assert.equal(await exists(byTestId("webhook-masked")), false, "nothing was saved");
    assert.equal(await exists(inRow("webhook-test")), false, "nothing to test");
  });

  it("edits a metric rule's threshold in the rules form: refused out of range inline, then saved", async () => {
    const rule = `${byTestId("rule-row")}[data-rule="budget80"]`;
    const threshold = `${rule} ${byTestId("rule-threshold")}`;
    const save = byTestId("alerts-save");
    assert.match(await text(`${rule} ${byTestId("rule-name")}`), /^Budget 80 % spent$/);
    assert.doesNotMatch(await text(byTestId("rules-form")), /cannot edit/);
    assert.equal(await value(threshold), "80");
    const id = await attr(threshold, "id");
    assert.match(await text(`label[for="${id}"]`), /^Spent at least/);

    await type(threshold, "1500");
    await b.waitUntil(async () => (await attr(save, "disabled")) === null, { timeout: 3000, timeoutMsg: "Save stayed disabled after a change" });
    await (await b.$(save)).click();
    const error = byTestId("alerts-error");
    await (await b.$(error)).waitForExist({ timeout: 5000, timeoutMsg: "no error for a 1500 % budget threshold" });
    assert.match(await text(error), /^Budget 80 % spent: the percentage must be above 0 and at most 1000/);
    assert.equal(await attr(threshold, "aria-invalid"), "true");
    assert.match(await attr(threshold, "aria-describedby"), /alerts-error/);
    assert.equal(await value(threshold), "1500", "nothing typed is lost");
    await b.execute((s) => document.querySelector(s)?.scrollIntoView({ block: "center" }), rule);
    await screenshot("alerts-metric-rules.png");

    await type(threshold, "85");
    await (await b.$(save)).click();
    await (await b.$(byTestId("alerts-saved"))).waitForExist({ timeout: 5000, timeoutMsg: "no “Saved.” after saving" });
    // Named after its threshold, here and in the webhooks list alike.
    await b.waitUntil(async () => (await text(`${rule} ${byTestId("rule-name")}`)) === "Budget 85 % spent", { timeout: 5000, timeoutMsg: "the rule kept its old name" });
    assert.match(await text(`${byTestId("webhook-row")}[data-rule="budget80"]`), /^Budget 85 % spent/);
    assert.equal(await value(threshold), "85");
  });

  it("saves an http URL to this machine, shows it only masked and keeps it out of the data folder", async () => {
    const input = inRow("webhook-url");
    await type(input, `http://127.0.0.1:${port}/services/T/${SECRET}`);
    assert.equal(await exists(inRow("webhook-error")), false, "typing clears the error");
    await (await b.$(inRow("webhook-save"))).click();
    await (await b.$(inRow("webhook-masked"))).waitForExist({ timeout: 5000, timeoutMsg: "the saved webhook is not shown" });
    const masked = await text(inRow("webhook-masked"));
    assert.equal(masked, `http://127.0.0.1:${port}/…`);
    assert.ok(!masked.includes(SECRET), "the masked URL leaves out the secret path");
    assert.equal(await value(input), "", "the input is cleared once saved");
    assert.ok(!(await text(byTestId("page-alerts"))).includes(SECRET), "the page never shows the URL");
    assert.equal(await count(byTestId("webhook-masked")), 1, "only backendDown has a webhook");

    const dump = keychainDump(app.service);
    assert.ok(dump.includes(SECRET), `the URL must be in the Secret Service under ${app.service}:\n${dump}`);
    assert.deepEqual(filesContaining(app.dataDir, SECRET), [], "the URL must be in no file under the data folder");

    // Still there, still masked, after a reload of the window.
    await b.refresh();
    await (await b.$(byTestId("page-overview"))).waitForDisplayed({ timeout: 15000, timeoutMsg: "the window did not come back after a reload" });
    await (await b.$(byTestId("nav-alerts"))).click();
    await (await b.$(inRow("webhook-masked"))).waitForExist({ timeout: 5000, timeoutMsg: "the webhook was gone after a reload" });
    assert.equal(await text(inRow("webhook-masked")), masked);
    assert.equal(await value(input), "", "never prefilled");
  });

  it("sends a test message as Slack-compatible JSON, and shows a failing receiver's answer inline", async () => {
    await (await b.$(inRow("webhook-test"))).click();
    await (await b.$(inRow("webhook-result"))).waitForExist({ timeout: 10000, timeoutMsg: `no result for Send test: ${await text(row)}` });
    assert.match(await text(inRow("webhook-result")), /^Sent: “Switchyard test notification” was posted to http:\/\/127\.0\.0\.1:\d+\/…$/);
    assert.equal(posts.length, 1, "one POST reached the receiver");
    const [post] = posts;
    assert.equal(post.path, `/services/T/${SECRET}`);
    assert.match(post.type, /^application\/json/);
    const body = JSON.parse(post.body);
    assert.equal(typeof body.text, "string");
    assert.ok(body.text.includes("Switchyard test notification"), `the test message: ${body.text}`);
    assert.equal(await attr(inRow("webhook-test"), "aria-busy"), "false");
    await b.execute((s) => document.querySelector(s)?.scrollIntoView({ block: "center" }), byTestId("webhooks-card"));
    await screenshot("alerts-webhooks.png");

    answer = 500;
    await (await b.$(inRow("webhook-test"))).click();
    await (await b.$(inRow("webhook-error"))).waitForExist({ timeout: 10000, timeoutMsg: `no error for a receiver answering 500: ${await text(row)}` });
    const error = await text(inRow("webhook-error"));
    assert.match(error, /^Not sent: webhook http:\/\/127\.0\.0\.1:\d+\/… answered HTTP 500/);
    assert.equal(await attr(inRow("webhook-error"), "data-kind"), "notificationsUnavailable");
    assert.ok(!error.includes(SECRET), "the error names the webhook masked");
    assert.equal(await exists(inRow("webhook-result")), false, "the earlier success is gone");
    assert.equal(posts.length, 2);
    answer = 200;
  });

  it("removes the webhook after confirming, from the page and the keychain", async () => {
    await (await b.$(inRow("webhook-remove"))).click();
    await (await b.$(byTestId("confirm-dialog"))).waitForDisplayed({ timeout: 5000 });
    assert.match(await text(byTestId("confirm-dialog")), /http:\/\/127\.0\.0\.1:\d+\/…/);
    await (await b.$(byTestId("confirm-yes"))).click();
    await (await b.$(inRow("webhook-masked"))).waitForExist({ reverse: true, timeout: 5000, timeoutMsg: "the masked URL was still shown" });
    assert.equal(await exists(inRow("webhook-test")), false, "nothing left to test");
    assert.equal(await exists(inRow("webhook-error")), false, "the last test's error is gone with it");
    assert.ok(!keychainDump(app.service).includes(SECRET), "the URL is deleted from the keychain");
    assert.deepEqual(filesContaining(app.dataDir, SECRET), []);
  });
});
