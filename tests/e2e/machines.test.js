// My machines (issue 44) in the real app window: another machine of the user's (a CLI on its own
// data folder) and this desktop share a space in a throw-away PostgreSQL.
// - Settings → My machines refuses a database that does not answer (nothing kept), and a space
//   that has records without its key (nothing kept), then turns on with the laptop's space key,
//   the address kept in the Secret Service only; Show key shows the same key;
// - the laptop's backend shows on the Backends page, without its key;
// - a backend changed on both machines is a conflict with both copies shown; "Take laptop's"
//   keeps the laptop's copy here;
// - Turn off forgets the address.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { noProxyForLoopback, runCommand, scrubProviderEnv } from "../sdk/harness.js";
import { startServers } from "../sdk/team-harness.js";
import { byTestId, closeApp, filesContaining, keychainDump, openApp, pageReaders, until } from "./harness.js";

const LAPTOP_KEY = "sk-laptop-key-only-in-its-keychain-000000";

describe("my machines", { timeout: 180000 }, () => {
  const t = {};
  let b;
  /** `switchyard-serve ARGS…` as the user on `dataDir` (no team variables). */
  const on = (dataDir, service) => (args, input = "") =>
    runCommand(noProxyForLoopback({ ...scrubProviderEnv({ ...process.env }), SWITCHYARD_DATA_DIR: dataDir, SWITCHYARD_KEYRING_SERVICE: service, HOME: dataDir }), args, input);

  before(async () => {
    t.servers = await startServers();
    t.laptopDir = fs.mkdtempSync(path.join(os.tmpdir(), "switchyard-laptop-"));
    t.laptop = on(t.laptopDir, `switchyard-laptop-${process.pid}`);
    await t.laptop(["backend", "add", "laptop-openai", "--kind", "openai", "--base-url", "https://api.openai.com/v1", "--model", "gpt-4o-mini", "--key-stdin"], `${LAPTOP_KEY}\n`);
    const setup = await t.laptop(["sync", "setup", "--space", "ana"], `${t.servers.postgres}\n`);
    t.spaceKey = /space key: (syk-[0-9a-f]+)/.exec(setup.stdout)?.[1];
    assert.ok(t.spaceKey, `the laptop drew the space's key: ${setup.stdout}`);
    t.ui = await openApp();
    b = t.ui.b;
    t.desk = on(t.ui.app.dataDir, t.ui.app.service);
  });
  after(async () => {
    await closeApp(t.ui ?? {});
    await t.servers?.stop();
    if (t.laptopDir) fs.rmSync(t.laptopDir, { recursive: true, force: true });
  });

  const { text, attr, exists, screenshot } = pageReaders(() => b);
  const click = async (id) => (await b.$(byTestId(id))).click();
  const type = async (id, value) => (await b.$(byTestId(id))).setValue(value);

  async function turnOn(url, key = t.spaceKey) {
    await type("sync-url", url);
    await type("sync-space", "ana");
    // A blank (WebDriver sends no empty text, and a cleared field fires no input event).
    await type("sync-key", key || " ");
    await click("sync-on");
    await until(async () => (await attr(byTestId("sync-on"), "aria-busy")) !== "true", "turning on never finished", 20000);
  }

  it("refuses a database that does not answer, keeping nothing", async () => {
    await click("nav-settings");
    await (await b.$(byTestId("settings-sync"))).waitForDisplayed({ timeout: 5000 });
    await turnOn("postgres://ana:hunter2@127.0.0.1:9/none");
    await until(() => exists(byTestId("sync-url-error")), "no message under the address", 15000);
    assert.match(await text(byTestId("sync-url-error")), /cannot be reached/);
    assert.doesNotMatch(await text(byTestId("sync-url-error")), /hunter2/, "the address is not repeated");
    assert.doesNotMatch(keychainDump(t.ui.app.service), /sync:database-url/, "nothing kept");
  });

  it("refuses a space that has records without its key, keeping nothing", async () => {
    await turnOn(t.servers.postgres, "");
    await until(() => exists(byTestId("sync-key-error")), "no message under the space key", 15000);
    assert.match(await text(byTestId("sync-key-error")), /enter its space key/);
    assert.doesNotMatch(keychainDump(t.ui.app.service), /sync:database-url/, "nothing kept");
  });

  it("turns on with the address in the keychain only and takes the laptop's backend without its key", async () => {
    await turnOn(t.servers.postgres);
    await (await b.$(byTestId("sync-state"))).waitForDisplayed({ timeout: 15000, timeoutMsg: "syncing never showed as on" });
    assert.match(await text(byTestId("sync-summary")), /Took \d+ records?/);
    assert.ok(keychainDump(t.ui.app.service).includes(t.servers.postgres), "the address is the keychain's secret");
    assert.deepEqual(filesContaining(t.ui.app.dataDir, t.servers.postgres), [], "the address in no file of the data folder");
    await click("sync-show-key");
    await until(async () => (await text(byTestId("sync-key-value"))) === t.spaceKey, "Show key does not show the laptop's key", 10000);
    assert.ok(keychainDump(t.ui.app.service).includes(t.spaceKey), "the key is kept in the keychain");
    assert.deepEqual(filesContaining(t.ui.app.dataDir, t.spaceKey), [], "the key in no file of the data folder");
    await (await b.$(byTestId("settings-sync"))).scrollIntoView();
    await screenshot("my-machines-key.png");
    await click("sync-hide-key");
    await (await b.$(byTestId("settings-sync"))).scrollIntoView();
    await screenshot("my-machines.png");
    await click("nav-backends");
    const row = `${byTestId("backend-row")}[data-name="laptop-openai"]`;
    await (await b.$(row)).waitForDisplayed({ timeout: 10000, timeoutMsg: "the laptop's backend is not on the Backends page" });
    assert.deepEqual(filesContaining(t.ui.app.dataDir, LAPTOP_KEY), [], "the laptop's key did not come along");
    assert.doesNotMatch(keychainDump(t.ui.app.service), new RegExp(LAPTOP_KEY), "nor into this keychain");
  });

  it("shows a backend changed on both machines as a conflict and keeps the copy chosen", async () => {
    await t.desk(["backend", "edit", "laptop-openai", "--model", "gpt-desk"]);
    await t.laptop(["backend", "edit", "laptop-openai", "--model", "gpt-laptop"]);
    await t.laptop(["sync", "now"]);
    await click("nav-settings");
    await click("sync-now");
    const conflict = `${byTestId("sync-conflict")}[data-name="laptop-openai"]`;
    await (await b.$(conflict)).waitForDisplayed({ timeout: 15000, timeoutMsg: "no conflict shown" });
    assert.match(await text(conflict), /gpt-desk/);
    assert.match(await text(conflict), /gpt-laptop/);
    assert.equal(await attr(byTestId("sync-state"), "data-tone"), "warn");
    await (await b.$(byTestId("settings-sync"))).scrollIntoView();
    await screenshot("my-machines-conflict.png");
    await click("sync-keep-theirs");
    await until(async () => !(await exists(conflict)), "the conflict stayed after Take", 15000);
    const shown = JSON.parse((await t.desk(["backend", "list", "--json"])).stdout);
    assert.equal(shown.find((x) => x.name === "laptop-openai").defaultModel, "gpt-laptop");
  });

  it("turns off and forgets the address", async () => {
    await click("sync-off");
    await (await b.$(byTestId("sync-on"))).waitForDisplayed({ timeout: 10000 });
    assert.doesNotMatch(keychainDump(t.ui.app.service), /sync:database-url/);
  });
});
