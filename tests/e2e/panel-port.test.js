// Another program holds the gateway's port when Switchyard starts (issue 70): the gateway moves
// to a free port and the user is told where they look — a card on Overview and on the Tools
// page naming the port, the holder and where the gateway went — in the panel served by the real
// `switchyard serve --ui`, read in Debian's Chromium.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { cliOn, knownToken, launchChromium, servedEnv, startServe, stopServe } from "./panel-serve.js";

describe("A squatted gateway port in the panel", { timeout: 120000 }, () => {
  let serve, addr, browser, page, squatter, held;
  const errors = [];
  const env = servedEnv("panel-port");
  // The saved port, not a fixed one: a fixed port would not move.
  delete env.SWITCHYARD_GATEWAY_PORT;
  const cli = cliOn(env);

  before(async () => {
    squatter = net.createServer((s) => s.destroy());
    await new Promise((r) => squatter.listen(0, "127.0.0.1", r));
    held = squatter.address().port;
    const file = path.join(env.SWITCHYARD_DATA_DIR, "config.toml");
    cli("config", "export", file);
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace("port = 4141", `port = ${held}`));
    cli("config", "import", file);
    ({ serve, addr } = await startServe(env));
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    page.on("pageerror", (e) => errors.push(String(e)));
  });

  after(async () => {
    await browser?.close().catch(() => {});
    await stopServe(serve, env);
    squatter?.close();
  });

  it("moves the gateway off the held port and says so on Overview and Tools", async () => {
    const moved = Number(addr.split(":")[1]);
    assert.notEqual(moved, held, "the gateway did not take the held port");
    await page.goto(`http://${addr}/`);
    await page.getByTestId("panel-token").fill(await knownToken(cli, addr, "port-check", "--panel"));
    await page.getByTestId("panel-signin-submit").click();
    await page.getByTestId("nav-overview").waitFor();
    const card = page.getByTestId("page-overview").getByTestId("port-squat");
    await card.waitFor();
    const said = await card.innerText();
    assert.match(said, new RegExp(`Another program holds 127\\.0\\.0\\.1:${held}`), said);
    assert.match(said, new RegExp(`moved to 127\\.0\\.0\\.1:${moved}`), said);
    assert.equal(await card.getAttribute("role"), "alert", "announced, not only drawn");
    if (process.platform === "linux") assert.match(said, /Held by: .*pid \d+/, "the holder is named where the system can tell");
    await page.getByTestId("nav-tools").click();
    await page.getByTestId("page-tools").getByTestId("port-squat").waitFor();
    assert.deepEqual(errors, [], "no console error");
  });
});
