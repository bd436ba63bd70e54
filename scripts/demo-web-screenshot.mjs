// Regenerates docs/web-demo.png: the web demo after a full run on wasm, in headless Chromium
// (Debian's, at /usr/bin/chromium or $CHROMIUM). Usage: node scripts/demo-web-screenshot.mjs [BACKEND] [OUT]
import puppeteer from "puppeteer-core";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serveDemo } from "./demo-web.mjs";

const [backend = "wasm", out = "docs/web-demo.png"] = process.argv.slice(2);
const server = await serveDemo({ port: 0 });
const profile = mkdtempSync(join(tmpdir(), "shapegrad-chromium-"));
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--headless=new", "--no-sandbox", "--enable-unsafe-webgpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic", "--enable-unsafe-swiftshader", `--user-data-dir=${profile}`],
});
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 980, height: 600 });
  await page.goto(`${server.url}?backend=${encodeURIComponent(backend)}`);
  await page.waitForFunction(() => window.__demo?.status === "idle", { timeout: 60_000 });
  await page.click("#start");
  await page.waitForFunction(() => ["done", "error"].includes(window.__demo.status), { timeout: 600_000, polling: 500 });
  const d = await page.evaluate(() => window.__demo);
  // down to the plots: the lines below them (each backend's state, messages) depend on the browser
  const bottom = await page.$eval(".plots", (e) => e.getBoundingClientRect().bottom);
  await page.screenshot({ path: out, clip: { x: 0, y: 0, width: 980, height: Math.ceil(bottom) + 4 } });
  console.log(`${out}: ${d.step} steps on ${d.active}, loss ${d.loss.toExponential(2)}, ${d.stepsPerSecond.toFixed(0)} steps/s`);
} finally {
  await browser.close();
  await server.close();
  rmSync(profile, { recursive: true, force: true });
}
