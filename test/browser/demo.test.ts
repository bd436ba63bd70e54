/**
 * The web demo (demo/web, `npm run demo:web`) in headless Chromium: the page is built and served
 * as `npm run demo:web` does, then trained for a few steps on each backend, reading the loss from
 * the page (`window.__demo`). A backend the test asks for and does not get fails the test: the
 * page must report it available, shapegrad must make it the active backend, and no graph of the
 * training may run on wasm instead.
 *
 * Chromium: Debian's package at /usr/bin/chromium (or $CHROMIUM). On a machine without it the
 * test prints that it did not run; under CI=true it fails. Chromium is started as every browser
 * check starts it (test/browser/chromium.mjs: on a machine without a GPU, WebGPU and WebGL2 are
 * SwiftShader; the page is served from http://127.0.0.1, a secure origin, for navigator.gpu).
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Browser, Page } from "puppeteer-core";
import { serveDemo } from "../../scripts/demo-web.mjs";
import { CHROMIUM, haveChromium, launchChromium } from "./chromium.mjs";
import type { DemoState } from "../../demo/web/main.js";

const STEPS = 40;
const BACKENDS = ["wasm", "gpujs:webgpu", "gpujs:webgl2"] as const;

declare const window: { __demo?: DemoState };

if (!haveChromium()) {
  test("web demo in headless Chromium", () => {
    const msg = `NOT RUN: the web demo's browser test needs Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM)`;
    console.warn(`\n*** ${msg} ***\n`);
    if (process.env["CI"] === "true") expect.fail(`${msg}; under CI=true this is a failure`);
  });
} else {
  describe("web demo in headless Chromium", () => {
    let browser: Browser;
    let server: { url: string; close(): Promise<void> };

    beforeAll(async () => {
      server = await serveDemo({ port: 0 });
      browser = await launchChromium();
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    async function open(backend: string, steps = STEPS, from = browser): Promise<{ page: Page; errors: string[] }> {
      const page = await from.newPage();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(String((e as Error).message ?? e)));
      await page.goto(`${server.url}?backend=${encodeURIComponent(backend)}&steps=${steps}`);
      await page.waitForFunction(() => window.__demo !== undefined && window.__demo.status !== "probing", { timeout: 60_000 });
      return { page, errors };
    }
    const state = (page: Page) => page.evaluate(() => window.__demo!);
    const settled = (page: Page) =>
      page.waitForFunction(() => ["done", "stopped", "error", "unavailable"].includes(window.__demo!.status), { timeout: 240_000, polling: 200 });

    for (const backend of BACKENDS) {
      test(`trains on ${backend}`, async () => {
        const { page, errors } = await open(backend);
        try {
          let d = await state(page);
          const a = d.availability[backend]!;
          expect(a.ok, `the page reports ${backend} unavailable: ${a.detail}`).toBe(true);
          expect(d.status).toBe("idle");
          await page.click("#start");
          await settled(page);
          d = await state(page);
          const said = d.messages.length ? `\nshapegrad said:\n${d.messages.join("\n")}` : "";
          expect(d.error, `the page failed${said}`).toBe("");
          expect(d.status, `training did not finish (${backend}: ${d.availability[backend]?.detail})${said}`).toBe("done");
          expect(d.active, `asked for ${backend}, shapegrad ran on ${d.active}${said}`).toBe(backend);
          expect(d.hostGraphs, `${d.hostGraphs} graph(s) of the training ran on wasm instead of ${backend}${said}`).toBe(0);
          expect(d.step).toBe(STEPS);
          expect(d.losses.map(([s]) => s)).toEqual(Array.from({ length: STEPS }, (_, i) => i + 1));
          const first = d.losses[0]![1];
          const last = d.losses.at(-1)![1];
          expect(Number.isFinite(first) && Number.isFinite(last)).toBe(true);
          expect(last, `the loss did not fall: ${first} -> ${last}`).toBeLessThan(0.9 * first);
          // the page shows the same numbers
          const shown = await page.$eval("#progress", (e) => ({ step: e.getAttribute("data-step"), loss: e.getAttribute("data-loss") }));
          expect(shown).toEqual({ step: String(STEPS), loss: String(last) });
          expect(errors).toEqual([]);
          console.log(
            `web demo on ${backend} (${a.detail}): loss ${first.toExponential(3)} -> ${last.toExponential(3)} in ${STEPS} steps, ` +
              `${d.stepsPerSecond.toFixed(1)} steps/s after a first step of ${d.firstStepSeconds.toFixed(2)} s`,
          );
        } finally {
          await page.close();
        }
      }, 300_000);
    }

    test("stops and resumes (wasm)", async () => {
      const long = 20_000; // not done before Stop is clicked
      const { page } = await open("wasm", long);
      try {
        await page.click("#start");
        await page.waitForFunction(() => window.__demo!.step >= 5, { timeout: 60_000, polling: 20 });
        await page.click("#start"); // the button reads Stop while training
        await settled(page);
        const stopped = await state(page);
        expect(stopped.status).toBe("stopped");
        expect(stopped.step).toBeLessThan(long);
        await new Promise((r) => setTimeout(r, 300));
        expect((await state(page)).step, "training went on after Stop").toBe(stopped.step);
        expect(await page.$eval("#start", (b) => b.textContent)).toBe("Resume");
        await page.click("#start");
        await page.waitForFunction((n) => window.__demo!.step >= n, { timeout: 120_000, polling: 50 }, stopped.step + 5);
        await page.click("#start");
        await settled(page);
        const d = await state(page);
        expect(d.status).toBe("stopped");
        // every step once, in order, across the pause
        expect(d.losses.map(([s]) => s)).toEqual(Array.from({ length: d.step }, (_, i) => i + 1));
      } finally {
        await page.close();
      }
    }, 180_000);

    test("a backend the browser cannot give is shown as unavailable, with the reason", async () => {
      // with --disable-gpu and without --enable-unsafe-webgpu, Chromium 156 has navigator.gpu but no adapter
      const plain = await launchChromium({ gpu: ["--disable-gpu"] });
      try {
        const { page } = await open("gpujs:webgpu", STEPS, plain);
        const d = await state(page);
        const webgpu = d.availability["gpujs:webgpu"]!;
        expect(webgpu.ok).toBe(false);
        // shapegrad's own reason (backendAvailable), not the page's
        expect(webgpu.detail).toMatch(/^(no WebGPU adapter \(requestAdapter\(\) returned null\)|navigator\.gpu is missing \(this browser has no WebGPU\)|no WebGPU adapter answered within)/);
        expect(d.status).toBe("unavailable");
        expect(d.availability["wasm"]!.ok).toBe(true);
        const ui = await page.evaluate(() => ({
          start: (document.getElementById("start") as HTMLButtonElement).disabled,
          option: (document.getElementById("backend") as HTMLSelectElement).selectedOptions[0]!.textContent,
          note: document.getElementById("backend-note")!.textContent,
        }));
        expect(ui).toEqual({ start: true, option: "WebGPU (unavailable)", note: `unavailable: ${webgpu.detail}` });
        // and wasm, picked instead by the person, trains
        await page.select("#backend", "wasm");
        await page.click("#start");
        await settled(page);
        expect(await state(page)).toMatchObject({ status: "done", active: "wasm", step: STEPS });
      } finally {
        await plain.close();
      }
    }, 120_000);
  });
}
