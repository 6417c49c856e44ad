// The control panel from another machine (issue 58): `switchyard serve --ui --tls-cert --tls-key`
// with the gateway's "allow other machines" on, opened in Debian's Chromium at this machine's
// non-loopback address (so the panel sees a peer that is not loopback). Over HTTPS the browser
// signs in and works, its session cookies Secure; over plain HTTP the same address is refused
// with the reason. The certificate is made by openssl for the address; Chromium trusts exactly
// its public key (`--ignore-certificate-errors-spki-list`), so the TLS handshake is real.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import dgram from "node:dgram";
import fs from "node:fs";
import path from "node:path";
import { cliOn, knownToken, launchChromium, servedEnv, startServe, stopServe } from "./panel-serve.js";

/** This machine's address on its default route (a UDP connect sends nothing). */
async function lanAddress() {
  const s = dgram.createSocket("udp4");
  await new Promise((resolve, reject) => s.connect(9, "192.0.2.1", (e) => (e ? reject(e) : resolve())));
  const { address } = s.address();
  s.close();
  assert.notEqual(address, "127.0.0.1", "no non-loopback interface to test on");
  return address;
}

/** A self-signed certificate for `ip` and its key, in `dir`; the key's SPKI hash, as Chromium
 *  takes it. */
function certificate(dir, ip) {
  const cert = path.join(dir, "cert.pem");
  const key = path.join(dir, "key.pem");
  const made = spawnSync("openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=switchyard-panel-test",
    "-addext", `subjectAltName=IP:${ip},IP:127.0.0.1`,
  ], { encoding: "utf8" });
  assert.equal(made.status, 0, made.stderr);
  const spki = new crypto.X509Certificate(fs.readFileSync(cert)).publicKey.export({ type: "spki", format: "der" });
  return { cert, key, spki: crypto.createHash("sha256").update(spki).digest("base64") };
}

describe("The control panel from another machine", { timeout: 120000 }, () => {
  let serve, browser, page, lan, port, printed;
  const errors = [];
  const env = servedEnv("panel-https", { RUST_LOG: "warn" });
  const cli = cliOn(env);

  before(async () => {
    lan = await lanAddress();
    const toml = path.join(env.SWITCHYARD_DATA_DIR, "open.toml");
    fs.writeFileSync(toml, "version = 1\n[gateway]\nallowNonLoopback = true\n");
    cli("config", "import", toml, "--approve-hosts");
    const tls = certificate(env.SWITCHYARD_DATA_DIR, lan);
    let addr;
    ({ serve, printed, addr } = await startServe(env, ["--tls-cert", tls.cert, "--tls-key", tls.key]));
    port = addr.split(":")[1];
    browser = await launchChromium([`--ignore-certificate-errors-spki-list=${tls.spki}`]);
  });

  after(async () => {
    await browser?.close().catch(() => {});
    await stopServe(serve, env);
  });

  it("says where other machines find it", () => {
    assert.match(printed, /and https:\/\/, same port/);
    assert.match(printed, new RegExp(`other machines: https://THIS-MACHINE:${port}/panel/`));
  });

  it("refuses plain HTTP from another machine, with the ways in", async () => {
    const refused = await browser.newPage();
    const res = await refused.goto(`http://${lan}:${port}/panel/`);
    assert.equal(res.status(), 403);
    const text = await refused.locator("body").innerText();
    await refused.close();
    assert.match(text, /only over HTTPS/);
    assert.match(text, new RegExp(`ssh -L ${port}:127\\.0\\.0\\.1:${port}`));
  });

  it("signs in over HTTPS and works, its cookies Secure", async () => {
    // A page of its own: the refused page's own requests (its icon) are not this page's errors.
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on("console", (m) => m.type() === "error" && errors.push(`${m.text()} (${m.location().url})`));
    page.on("pageerror", (e) => errors.push(String(e)));
    const token = await knownToken(cli, `127.0.0.1:${port}`, "laptop", "--panel");
    const res = await page.goto(`https://${lan}:${port}/panel/`);
    assert.equal(res.status(), 200);
    const tls = await res.securityDetails();
    assert.equal(tls?.subjectName, "switchyard-panel-test", "served over TLS with the given certificate");
    assert.match(tls?.protocol ?? "", /^TLS 1\.[23]$/);
    await page.getByTestId("panel-signin").waitFor();
    await page.getByTestId("panel-token").fill(token);
    await page.getByTestId("panel-signin-submit").click();
    await page.getByTestId("nav-overview").waitFor();
    const cookies = await page.context().cookies(`https://${lan}:${port}/panel/`);
    const names = cookies.map((c) => c.name).sort();
    assert.deepEqual(names, ["switchyard_csrf", "switchyard_session"]);
    assert.ok(cookies.every((c) => c.secure && c.sameSite === "Strict"), JSON.stringify(cookies));
    await page.getByTestId("nav-backends").click();
    await page.getByTestId("page-backends").waitFor();
    await page.getByText("Demo", { exact: false }).first().waitFor();
    assert.deepEqual(errors, [], "no console error over HTTPS");
  });
});
