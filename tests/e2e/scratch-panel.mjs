import { chromium } from "playwright-core";
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
const B = "/work/main/target/debug/switchyard";
const data = fs.mkdtempSync("/tmp/pt/d-");
const env = { ...process.env, SWITCHYARD_DATA_DIR: data, SWITCHYARD_KEYRING_SERVICE: "sy-pt", SWITCHYARD_GATEWAY_PORT: "0", SWITCHYARD_NO_UPDATE_CHECK: "1" };
const serve = spawn(B, ["serve", "--ui"], { env, stdio: ["ignore", "pipe", "inherit"] });
const first = await new Promise((r) => serve.stdout.once("data", (d) => r(String(d))));
const addr = first.match(/http:\/\/([\d.:]+)/)[1];
const token = spawnSync(B, ["token", "create", "laptop", "--panel"], { env, encoding: "utf8" }).stdout.trim();
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] });
const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
const errors = [];
page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
page.on("pageerror", (e) => errors.push(String(e)));
await page.goto(`http://${addr}/`);
await page.getByTestId("panel-token").fill(token);
await page.getByTestId("panel-signin-submit").click();
await page.getByTestId("nav-overview").waitFor();
for (const p of ["overview","health","alerts","backends","gateway","tools","routes","cache","readiness","requests","costs","team","settings"]) {
  await page.getByTestId(`nav-${p}`).click();
  await page.waitForTimeout(700);
  await page.screenshot({ path: `/tmp/pt/${p}.png` });
}
console.log("errors:", errors);
await browser.close();
serve.kill("SIGTERM");
